"""Solve with HiGHS and read the solution and duals.

`solve` compiles the model as it stands into HiGHS (`planner.solver.lp`: the model's standard form) at every call
and starts HiGHS from the model's last optimal basis when the rows and columns are the same, so changing a mutable
parameter (a target's value, ``model.target_value[k] = x``) and calling `solve` again re-solves warm; any other change
a user makes to the model is seen too. With a peak target it solves the same LP twice (`planner.solver.peak`): the
peak rows freed, then with their limits. The column values go back into the model's variables; `Solution` holds build
values, target duals, reduced costs and the potentials' duals (the stock columns' reduced costs). Studies that
re-solve many times use `planner.solver.compiled`, which changes one compiled HiGHS object in place. An infeasible
case is explained by `planner.solver.diagnose`.
"""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass, field

import highspy
import numpy as np
import pyomo.core as pyo  # not pyomo.environ: its solver and transformation plugins cost 0.12 s of import
from pyomo.common.errors import InfeasibleConstraintException
from pyomo.common.gc_manager import PauseGC
from pyomo.repn.standard_repn import generate_standard_repn

from ..model.indicators import level
from . import peak
from .lp import LP, STATUS, columns_of, compile_lp, new_highs, run_highs
from .sides import tightening_duals

VIOLATION = 1e-6  # a row missed by more than this share of its size makes an "optimal" one optimal_with_infeasibilities


@functools.cache
def solver_name() -> str:
    h = new_highs()
    return f"HiGHS {h.version()}" if hasattr(h, "version") else "HiGHS"


@dataclass
class Solution:
    status: str
    objective: float | None
    build: dict[tuple[str, str, int], float] = field(default_factory=dict)
    duals: dict[tuple[str, int], float] = field(default_factory=dict)
    # reduced cost of every build column, and the non-zero duals of the other rows keyed (family, index):
    # ("stock_bounds", (r, m, t)) (the reduced cost of the stock variable at its potential bound) and
    # ("indicator_bound", (r, i, t)); read by planner.analysis (reduced costs)
    reduced_costs: dict[tuple[str, str, int], float] = field(default_factory=dict)
    row_duals: dict[tuple[str, tuple], float] = field(default_factory=dict)
    solve_seconds: float = 0.0
    solver: str = ""
    peak_limits: dict[tuple[str, int], float] = field(default_factory=dict)  # right-hand side of each peak row
    reference_objective: float | None = None  # objective of the same case without its peak targets
    # HiGHS may call a solution optimal whose unscaled rows are off by slightly more than its tolerance (seen on
    # 45-year horizons: 4e-7); it is then reported as optimal with the largest row violation here, never dropped
    primal_infeasibility: float = 0.0
    relative_infeasibility: float = 0.0  # the largest row violation as a share of its row's size (`violations`)

    @property
    def optimal(self) -> bool:
        return self.status == "optimal"


@dataclass
class Run:
    """What one HiGHS run gives: status, and the primal and dual arrays when optimal."""

    status: str
    feasible: bool = False  # HiGHS's primal solution is within its tolerance
    objective: float | None = None
    x: np.ndarray | None = None
    row_dual: np.ndarray | None = None
    col_dual: np.ndarray | None = None
    seconds: float = 0.0


def _run(lp: LP, time_limit: float | None) -> Run:
    h = lp.h
    h.setOptionValue("time_limit", float(time_limit) if time_limit is not None else highspy.kHighsInf)
    start = time.perf_counter()
    name = run_highs(h)
    seconds = time.perf_counter() - start
    out = Run(status=STATUS.get(name, name.removeprefix("k").lower()), seconds=seconds)
    if out.status == "optimal":
        info, sol = h.getInfo(), h.getSolution()
        out.feasible = info.primal_solution_status == 2  # 0 none, 1 infeasible, 2 feasible
        out.objective = float(info.objective_function_value)
        out.x = np.asarray(sol.col_value)
        out.row_dual, out.col_dual = np.asarray(sol.row_dual), np.asarray(sol.col_dual)
    return out


def _compile(m: pyo.ConcreteModel) -> LP:
    """The model as it stands, in a HiGHS object that starts from the last optimal basis of the same rows and
    columns (a re-solve after a target value changed is warm)."""
    lp = compile_lp(m)
    last = getattr(m, "_basis", None)
    if last is not None and last[0] == lp.signature():
        lp.h.setBasis(last[1])
    m._lp = lp
    return lp


def solve(m: pyo.ConcreteModel, time_limit: float | None = None, duals: bool = True) -> Solution:
    """Solve (or re-solve warm) the model; never raises on a non-optimal status.

    With a peak target, the case without its peak targets is solved first (`planner.solver.peak`, cached): the same LP
    with the peak rows freed. Its path sets the peak rows' limits and the LP is solved again from the first stage's
    basis; if the first stage is not optimal, its status is returned. The target rows' duals are their tightening
    side at a degenerate optimum (`planner.solver.sides`: a few warm re-solves); ``duals=False`` skips them (the
    duals are then HiGHS's as they come), for a solve whose cost alone is wanted."""
    with PauseGC():  # the cyclic collector would rescan the model's objects at every allocation burst, to no gain
        return _solve(m, time_limit, duals)


def _solve(m: pyo.ConcreteModel, time_limit: float | None, duals: bool = True) -> Solution:
    """Compile, the peak's first stage, the solve; ``solve_seconds`` is the time of all three."""
    start = time.perf_counter()
    try:
        lp = _compile(m)
    except InfeasibleConstraintException:  # a row with no variable left whose constant misses its bounds
        return Solution(status="infeasible", objective=None, solver=solver_name())
    ref = _prepare_peak(m, lp, time_limit)
    if ref is not None and not ref.optimal:
        return Solution(status=ref.status, objective=None, solver=solver_name(),
                        solve_seconds=time.perf_counter() - start)
    sol = _solve_lp(m, lp, time_limit, duals)
    if ref is not None:
        sol.peak_limits = peak.limits(m)
        sol.reference_objective = ref.objective
    sol.solve_seconds = time.perf_counter() - start
    return sol


def _peak_rows(m: pyo.ConcreteModel, lp: LP) -> list[tuple[int, object, float]]:
    """(HiGHS row, the parameter its limit reads, that parameter's value when compiled) of every peak row."""
    ids = {t["target_id"] for t in peak.peak_targets(m.params)}
    out = []
    for (k, y), con in m.target.items():
        if k in ids and id(con) in lp.row_of:
            param = m.peak_path[k, y] if (k, y) in m.KP else m.target_value[k]
            out.append((lp.row_of[id(con)], param, float(pyo.value(param))))
    return out


def _prepare_peak(m: pyo.ConcreteModel, lp: LP, time_limit: float | None) -> peak.Reference | None:
    """Run (or reuse) the first stage, write its path and ceilings into the model, and move the peak rows' limits in
    the compiled LP to match (a limit is affine in its parameter: the compiled bound plus the parameter's change)."""
    rows = _peak_rows(m, lp)
    if not rows:
        return None

    idx = np.array([r for r, _, _ in rows], dtype=np.int32)
    activity = None  # the peak rows' levels in the first stage's solution, when it runs now

    def first_stage() -> peak.Reference:
        nonlocal activity
        n = len(rows)
        lp.h.changeRowsBounds(n, idx, np.full(n, -highspy.kHighsInf), np.full(n, highspy.kHighsInf))
        run = _run(lp, time_limit)
        ref = peak.Reference(status=run.status, objective=run.objective)
        if run.status == "optimal":
            ref.path = _peak_path(m, lp, np.clip(run.x, lp.col_lower, lp.col_upper))
            activity = np.asarray(lp.h.getSolution().row_value)[idx]
        return ref

    ref = peak.prepare(m, first_stage)
    if ref is not None and ref.optimal:
        up = np.array([lp.upper[row] + float(pyo.value(param)) - at_compile for row, param, at_compile in rows])
        if activity is not None:  # the second stage starts from the first stage's basis: keep that solution feasible
            const = np.array([at_compile - lp.upper[row] for row, _, at_compile in rows])
            from_path = np.array([param.parent_component() is m.peak_path for _, param, _ in rows])
            up = peak.onto_first_stage(up, activity, const, from_path)
        lp.h.changeRowsBounds(len(idx), idx, np.full(len(idx), -highspy.kHighsInf), up)
    return ref


def _peak_path(m: pyo.ConcreteModel, lp: LP, x: np.ndarray) -> dict[str, dict[int, float]]:
    """`peak.path` read from HiGHS's column values, without loading them into the model: each year's scope level as
    its constant plus its coefficients times the columns."""
    p = m.params
    out = {}
    for t in peak.peak_targets(p):
        path = {}
        for y in p.years:
            repn = generate_standard_repn(level(m, p, t["indicator_id"], t["scope"], y), compute_values=True)
            path[y] = float(repn.constant) + sum(a * x[lp.col_of[id(v)]] for a, v in
                                                 zip(repn.linear_coefs, repn.linear_vars, strict=True)
                                                 if id(v) in lp.col_of)
        out[t["target_id"]] = path
    return out


def _load(lp: LP, x: np.ndarray) -> None:
    """Put column values into the Pyomo variables; the caller holds them within their bounds first (HiGHS may leave
    a value a tolerance outside, a build of -2e-7: the bounds are exact, so no negative build or stock is reported)."""
    for v, value in zip(lp.cols, x.tolist(), strict=True):
        v.set_value(value, skip_validation=True)


def _solve_lp(m: pyo.ConcreteModel, lp: LP, time_limit: float | None, duals: bool = True) -> Solution:
    run = _run(lp, time_limit)
    sol = Solution(status=run.status, objective=None, solve_seconds=run.seconds, solver=solver_name())
    if run.status != "optimal":
        return sol
    x = np.clip(run.x, lp.col_lower, lp.col_upper)
    _load(lp, x)
    sol.objective = run.objective
    if not run.feasible:  # HiGHS: optimal, but its unscaled solution misses a row by more than its tolerance
        sol.primal_infeasibility, sol.relative_infeasibility = violations(lp.h, x)
        if sol.relative_infeasibility > VIOLATION:
            sol.status = "optimal_with_infeasibilities"
    signature = lp.signature()
    m._basis = (signature, lp.h.getBasis())
    ix = _index(m, lp, signature)
    rc, row = run.col_dual, lp.row_of
    sol.build = dict(zip(ix.build, np.where(ix.build_col >= 0, x[ix.build_col], 0.0).tolist(), strict=True))
    # a row whose variables all dropped out (a target on an indicator no measure moves) is a constant, not an LP row;
    # at a degenerate optimum a target row's dual is its tightening side (`planner.solver.sides`)
    sides = tightening_duals(lp.h, [row[id(c)] for c in m.target.values() if id(c) in row], time_limit) \
        if duals else {}
    sol.duals = {k: sides.get(row[id(c)], float(run.row_dual[row[id(c)]])) if id(c) in row else 0.0
                 for k, c in m.target.items()}
    kept = ix.build_col >= 0
    sol.reduced_costs = dict(zip([k for k, keep in zip(ix.build, kept.tolist(), strict=True) if keep],
                                 rc[ix.build_col[kept]].tolist(), strict=True))
    # a potential is a bound of the stock variable: its reduced cost is the bound's dual
    values = np.where(ix.stock_col >= 0, rc[np.maximum(ix.stock_col, 0)], 0.0)
    sol.row_duals = {("stock_bounds", ix.stock[j]): float(values[j]) for j in np.flatnonzero(np.abs(values) > 1e-12)}
    if hasattr(m, "thermal_balance"):  # the value of a MWh on the city grid (planner/model/electricity.py), every year
        sol.row_duals.update({("thermal_balance", t): float(run.row_dual[row[id(c)]]) if id(c) in row else 0.0
                              for t, c in m.thermal_balance.items()})
    if hasattr(m, "indicator_bound"):
        sol.row_duals.update({("indicator_bound", k): float(run.row_dual[row[id(c)]])
                              for k, c in m.indicator_bound.items()
                              if id(c) in row and abs(run.row_dual[row[id(c)]]) > 1e-12})
    return sol


@dataclass
class _Index:
    """The keys of ``build`` and ``stock`` and their HiGHS columns (-1: not a column), kept on the model while the
    compiled rows and columns stay the same."""

    build: list
    build_col: np.ndarray
    stock: list
    stock_col: np.ndarray


def _index(m: pyo.ConcreteModel, lp: LP, signature: tuple) -> _Index:
    cached = getattr(m, "_index", None)
    if cached is not None and cached[0] == signature:
        return cached[1]
    p = m.params
    keys = p.build_index  # the index of both (RM x T), without walking Pyomo's product set (0.5 s for 80,000 keys)
    ix = _Index(keys, columns_of(lp, m.build, keys), keys, columns_of(lp, m.stock, keys))
    m._index = (signature, ix)
    return ix


def max_violation(m: pyo.ConcreteModel) -> float:
    """The largest amount by which any active row of the loaded solution misses its bounds."""
    worst = 0.0
    for con in m.component_data_objects(pyo.Constraint, active=True):
        body = pyo.value(con.body)
        if con.has_lb():
            worst = max(worst, pyo.value(con.lower) - body)
        if con.has_ub():
            worst = max(worst, body - pyo.value(con.upper))
    return worst


def violations(h, x: np.ndarray) -> tuple[float, float]:
    """The largest row violation of the column values ``x`` in the HiGHS object ``h``, absolute and relative to the
    row's size: its bounds, its terms at ``x``, and the largest term its columns can reach within their finite bounds
    (a stock balance of 10 million m2 missed by 2e-6 m2 is missed by 2e-13 of itself; the balance of a measure whose
    potential is 1,000 units, missed by 4e-6 units while 1 unit stands, by 4e-9 of what the row holds).
    `planner.solve` and the compiled path of a study judge a solution HiGHS calls optimal but not feasible by it
    alike: within `VIOLATION` it is kept (and the command line warns), beyond it refused."""
    model = h.getLp()
    n_rows = model.num_row_
    a = model.a_matrix_  # column-wise
    start, row, value = np.asarray(a.start_), np.asarray(a.index_), np.asarray(a.value_)
    xs = np.repeat(x, np.diff(start))  # the column value of every nonzero
    act = np.bincount(row, weights=value * xs, minlength=n_rows)
    lo, up = np.asarray(model.row_lower_), np.asarray(model.row_upper_)
    miss = np.maximum(np.maximum(np.where(np.isfinite(lo), lo - act, 0.0), np.where(np.isfinite(up), act - up, 0.0)),
                      0.0)
    if not len(miss):
        return 0.0, 0.0
    reach = np.abs(np.asarray(model.col_lower_)), np.abs(np.asarray(model.col_upper_))
    reach = np.where(np.isfinite(reach[1]), reach[1], np.where(np.isfinite(reach[0]), reach[0], 0.0))
    term = np.zeros(n_rows)
    np.maximum.at(term, row, np.abs(value) * np.minimum(np.repeat(reach, np.diff(start)), 1e15))
    size = np.maximum.reduce([np.ones_like(act), np.where(np.isfinite(lo), np.abs(lo), 0.0),
                              np.where(np.isfinite(up), np.abs(up), 0.0),
                              np.bincount(row, weights=np.abs(value * xs), minlength=n_rows), term])
    return float(miss.max()), float((miss / size).max())
