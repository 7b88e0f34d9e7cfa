"""Solve with HiGHS, read the solution and duals, and diagnose infeasible targets.

`solve` compiles the model as it stands into HiGHS (`planner.lp`: the standard form Pyomo's compiler gives) at every
call and starts HiGHS from the model's last optimal basis when the rows and columns are the same, so changing a mutable
parameter (a target's value, ``model.target_value[k] = x``) and calling `solve` again re-solves warm; any other
change a user makes to the model is seen too. With a peak target it solves the same LP twice (`planner.peak`): the
peak rows freed, then with their limits. The column values go back into the model's variables; `Solution` holds
build values, target duals, reduced costs and the potentials' duals (the stock columns' reduced costs). Studies that
re-solve many times use `planner.fast`, which changes one compiled HiGHS object in place.

`diagnose` explains an infeasible case: an elastic copy of the model (a slack on every target row, minimising the
slacks relative to each row's baseline size) says which targets cannot be met together and by how much each would
have to move; HiGHS's irreducible infeasible subsystem (IIS) on the original LP names the rows in conflict.
"""

from __future__ import annotations

import functools
import os
import re
import tempfile
import time
from dataclasses import dataclass, field

import highspy
import numpy as np
import pyomo.core as pyo  # not pyomo.environ: its solver and transformation plugins cost 0.12 s of import
from pyomo.common.errors import InfeasibleConstraintException
from pyomo.common.gc_manager import PauseGC
from pyomo.repn.standard_repn import generate_standard_repn

from . import peak
from .lp import LP, STATUS, columns_of, compile_lp, new_highs
from .model import Params, build_model
from .model.indicators import level
from .model.targets import GE, row_scale

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
    h.run()
    seconds = time.perf_counter() - start
    name = h.getModelStatus().name
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


def solve(m: pyo.ConcreteModel, time_limit: float | None = None) -> Solution:
    """Solve (or re-solve warm) the model; never raises on a non-optimal status.

    With a peak target, the case without its peak targets is solved first (`planner.peak`, cached): the same LP
    with the peak rows freed. Its path sets the peak rows' limits and the LP is solved again from the first stage's
    basis; if the first stage is not optimal, its status is returned."""
    with PauseGC():  # the cyclic collector would rescan the model's objects at every allocation burst, to no gain
        return _solve(m, time_limit)


def _solve(m: pyo.ConcreteModel, time_limit: float | None) -> Solution:
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
    sol = _solve_lp(m, lp, time_limit)
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


def _solve_lp(m: pyo.ConcreteModel, lp: LP, time_limit: float | None) -> Solution:
    run = _run(lp, time_limit)
    sol = Solution(status=run.status, objective=None, solve_seconds=run.seconds, solver=solver_name())
    if run.status != "optimal":
        return sol
    x = np.clip(run.x, lp.col_lower, lp.col_upper)
    _load(lp, x)
    sol.objective = run.objective
    if not run.feasible:  # HiGHS: optimal, but its unscaled solution misses a row by more than its tolerance
        sol.primal_infeasibility, relative = _violations(lp, x)
        if relative > VIOLATION:
            sol.status = "optimal_with_infeasibilities"
    signature = lp.signature()
    m._basis = (signature, lp.h.getBasis())
    ix = _index(m, lp, signature)
    rc, row = run.col_dual, lp.row_of
    sol.build = dict(zip(ix.build, np.where(ix.build_col >= 0, x[ix.build_col], 0.0).tolist(), strict=True))
    # a row whose variables all dropped out (a target on an indicator no measure moves) is a constant, not an LP row
    sol.duals = {k: float(run.row_dual[row[id(c)]]) if id(c) in row else 0.0 for k, c in m.target.items()}
    kept = ix.build_col >= 0
    sol.reduced_costs = dict(zip([k for k, keep in zip(ix.build, kept.tolist(), strict=True) if keep],
                                 rc[ix.build_col[kept]].tolist(), strict=True))
    # a potential is a bound of the stock variable: its reduced cost is the bound's dual
    values = np.where(ix.stock_col >= 0, rc[np.maximum(ix.stock_col, 0)], 0.0)
    sol.row_duals = {("stock_bounds", ix.stock[j]): float(values[j]) for j in np.flatnonzero(np.abs(values) > 1e-12)}
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


def _violations(lp: LP, x: np.ndarray) -> tuple[float, float]:
    """The largest row violation of the column values ``x``, absolute and relative to the row's size (its bounds and
    its largest term: a stock balance of 10 million m2 missed by 2e-6 m2 is missed by 2e-13 of itself)."""
    model = lp.h.getLp()
    a = model.a_matrix_  # column-wise
    start, row, value = np.asarray(a.start_), np.asarray(a.index_), np.asarray(a.value_)
    xs = np.repeat(x, np.diff(start))  # the column value of every nonzero
    act = np.bincount(row, weights=value * xs, minlength=lp.n_rows)
    lo, up = np.asarray(model.row_lower_), np.asarray(model.row_upper_)
    miss = np.maximum(np.maximum(np.where(np.isfinite(lo), lo - act, 0.0), np.where(np.isfinite(up), act - up, 0.0)),
                      0.0)
    if not len(miss):
        return 0.0, 0.0
    size = np.maximum.reduce([np.ones_like(act), np.where(np.isfinite(lo), np.abs(lo), 0.0),
                              np.where(np.isfinite(up), np.abs(up), 0.0),
                              np.bincount(row, weights=np.abs(value * xs), minlength=lp.n_rows)])
    return float(miss.max()), float((miss / size).max())


# ---------------------------------------------------------------------------------------------- diagnosis


@dataclass
class Relaxation:
    target_id: str
    year: int
    sense: str
    slack: float  # in the unit of the target's indicator
    relative: float  # slack / baseline level of the row
    share: tuple[float, float] | None = None  # share targets: (the value, the slack over the denominator's level)
    zero_baseline: bool = False  # the row's baseline level is 0: no percentage of it makes sense


@dataclass
class Diagnosis:
    relaxations: list[Relaxation]
    iis_rows: list[str]
    bounds_conflict: bool = False

    @property
    def targets(self) -> list[str]:
        return list(dict.fromkeys(r.target_id for r in self.relaxations))

    def lines(self, names: dict[str, str] | None = None, units: dict[str, str] | None = None) -> list[str]:
        names, units = names or {}, units or {}
        if self.bounds_conflict:
            out = ["Infeasible even with every target relaxed: the potentials conflict "
                   "(min_stock cannot be reached within max_build, or min_stock > max_stock)."]
        else:
            out = ["The targets cannot be met together. Smallest relaxation that makes the case feasible:"]
        for k in self.targets:  # a lasting target's rows in one line: its years and the range of the amounts
            rs = sorted((r for r in self.relaxations if r.target_id == k), key=lambda r: r.year)
            direction = "lowered" if rs[0].sense == GE else "raised"
            label = f"{k} ({names[k]})" if k in names else k
            share = rs[0].share is not None
            what = "share" if share else "limit"
            unit = units.get(k, "")

            def amount(r, unit=unit):
                if r.share is not None:  # a share moves in percentage points, not in the numerator's unit
                    value, points = r.share
                    new = value - points if r.sense == GE else value + points
                    return f"{points * 100:,.2f} percentage points (from {value:.2%} to {new:.2%})"
                return " ".join(x for x in (f"{r.slack:,.6g}", unit) if x)

            if len(rs) == 1:
                r = rs[0]
                of = "" if share else " (its baseline level is 0)" if r.zero_baseline else \
                    f" ({r.relative:.2%} of its baseline level)"
                out.append(f"  {label}, {r.year}: {what} must be {direction} by {amount(r)}{of}")
                continue
            big = max(rs, key=lambda r: r.relative)
            tail = "" if share else "; its baseline level is 0" if big.zero_baseline else \
                f"; at most {big.relative:.2%} of its baseline level ({big.year})"
            out.append(f"  {label}, {_years([r.year for r in rs])}: {what} must be {direction} in each of these "
                       f"{len(rs)} years, by {amount(rs[0])} ({rs[0].year}) to {amount(rs[-1])} ({rs[-1].year}){tail}")
        if self.iis_rows:
            out.append("HiGHS IIS (rows that together cannot hold):")
            out += [f"  {row}" for row in self.iis_rows]
        return out


def _iis_rows(m: pyo.ConcreteModel) -> list[str]:
    """HiGHS's irreducible infeasible subsystem as readable rows (``target cap90 (2022)``,
    ``potential of a in r1 (2022)``), or [] where HiGHS finds none."""
    import pyomo.environ  # noqa: F401  registers Pyomo's MPS writer (the rest of planner needs only pyomo.core)

    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "model.mps")
        _, smap_id = m.write(path, io_options={"symbolic_solver_labels": True})
        by_symbol = m.solutions.symbol_map[smap_id].bySymbol
        h = new_highs()
        if h.readModel(path) != highspy.HighsStatus.kOk:
            return []
        h.setOptionValue("iis_strategy", 2)  # the elastic strategy: the default returned empty IISs (TECH-NOTES)
        h.run()
        try:
            status, iis = h.getIis()
        except Exception:  # noqa: BLE001  HiGHS calls its IIS "under development"
            return []
        if status != highspy.HighsStatus.kOk:
            return []
        names = list(h.getLp().row_names_ or [])
        col_names = list(h.getLp().col_names_ or [])
    targets: dict[str, list[int]] = {}
    potentials: dict[str, dict[str, list[int]]] = {}
    limits: dict[tuple[str, str], list[int]] = {}
    other = []
    for i in iis.row_index_:
        label = names[i] if i < len(names) else f"row {i}"
        core = re.sub(r"^[cr]_[ul]_|_$", "", label)
        con = by_symbol.get(core)
        if con is not None and con.parent_component().name == "target":
            k, y = con.index()
            targets.setdefault(k, []).append(y)
        elif con is not None and con.parent_component().name == "stock_bounds":
            r, ms, y = con.index()
            potentials.setdefault(ms, {}).setdefault(r, []).append(y)
        elif con is not None and con.parent_component().name == "indicator_bound":
            r, i, y = con.index()
            limits.setdefault((i, r), []).append(y)
        else:
            other.append(core)
    for j in getattr(iis, "col_index_", []):  # a potential is a bound of the stock variable
        var = by_symbol.get(col_names[j]) if j < len(col_names) else None
        if var is not None and var.parent_component().name == "stock" and _bound_needed(h, j, var):
            r, ms, y = var.index()
            potentials.setdefault(ms, {}).setdefault(r, []).append(y)
    out = [f"target {k} ({_years(ys)})" for k, ys in targets.items()]
    out += [f"potential of {ms} in " + ", ".join(f"{r} ({_years(ys)})" for r, ys in by_r.items())
            for ms, by_r in potentials.items()]
    bound_by = m.params.bounded_by
    out += [f"bound {i} <= {bound_by[i]} in {r} ({_years(ys)})" for (i, r), ys in limits.items()]
    return out + other


def _bound_needed(h: highspy.Highs, j: int, var) -> bool:
    """Whether column j's potential (its upper bound, or a positive lower bound) takes part in the conflict: HiGHS
    lists every column of its subsystem's rows with the bounds it has, so each is tested by lifting it (the lower to
    0, where build >= 0 holds the stock anyway) and solving again; still infeasible means it is not needed."""
    lp = h.getLp()
    lo, up = float(lp.col_lower_[j]), float(lp.col_upper_[j])
    needed = False
    for new_lo, new_up in ((lo, highspy.kHighsInf), (min(lo, 0.0), up)):
        if (new_lo, new_up) == (lo, up):
            continue
        h.changeColBounds(j, new_lo, new_up)
        h.run()
        needed |= h.getModelStatus() != highspy.HighsModelStatus.kInfeasible
        h.changeColBounds(j, lo, up)
    return needed


def _years(ys: list[int]) -> str:
    ys = sorted(set(ys))
    return str(ys[0]) if len(ys) == 1 else f"{ys[0]}-{ys[-1]}" if ys[-1] - ys[0] == len(ys) - 1 else \
        ", ".join(map(str, ys))


def _peak_ids(p: Params) -> set[str]:
    return {t["target_id"] for t in p.targets if t["kind"] == "peak"}


def diagnose(p: Params, original: pyo.ConcreteModel | None = None, tol: float = 1e-7, extra=None) -> Diagnosis:
    """Which targets conflict and by how much each must move (elastic copy, with the user's ``extra`` hook if
    given), plus HiGHS's IIS rows."""
    em = build_model(p, elastic=True, extra=extra)
    ref = None
    if original is not None and peak.state(original).ref is not None:
        ref = peak.state(original).ref
        if ref.optimal:
            peak.copy_limits(original, em)
    elif _peak_ids(p):  # the peak's limits come from the case (not its elastic copy) solved without its peaks
        m0 = build_model(p, extra=extra)
        try:
            ref = _prepare_peak(m0, _compile(m0), None)
        except InfeasibleConstraintException:
            ref = peak.Reference(status="infeasible")
        if ref is not None and ref.optimal:
            peak.copy_limits(m0, em)
    ids = _peak_ids(p)
    first_stage_fails = ref is not None and not ref.optimal
    if first_stage_fails:  # the case fails without its peak: diagnose the other targets
        for k, y in em.target:
            if k in ids:
                em.target[k, y].deactivate()
    lp = _compile(em)
    run = _run(lp, None)
    iis = []
    if original is not None:
        peak_rows = [c for (k, _), c in original.target.items() if k in ids and c.active]
        if first_stage_fails:  # the conflict is in the case without its peak
            for c in peak_rows:
                c.deactivate()
        try:
            iis = _iis_rows(original)
        finally:
            if first_stage_fails:
                for c in peak_rows:
                    c.activate()
    if run.status != "optimal":
        return Diagnosis([], iis, bounds_conflict=True)
    _load(lp, np.clip(run.x, lp.col_lower, lp.col_upper))
    by_id = {t["target_id"]: t for t in p.targets}
    relax = []
    for (k, y), var in em.slack.items():
        s = float(var.value or 0.0)
        scale = row_scale(p, by_id[k], y)
        if s / scale > tol:
            t = by_id[k]
            share = None
            if t["kind"] in ("share_min", "share_max"):
                d = pyo.value(level(em, p, t["denominator_id"], t["scope"], y))
                share = (t["value"], s / d) if d > 0 else None
            zero = abs(p.baseline_sum(t["indicator_id"], t["scope"], y)) == 0
            relax.append(Relaxation(k, y, em.target_sense[k, y], s, s / scale, share, zero))
    return Diagnosis(relax, iis)
