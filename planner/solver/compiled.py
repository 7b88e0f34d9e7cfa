"""The compiled HiGHS path: a built Pyomo model turned once into HiGHS arrays, then changed in place and re-solved warm.

Pyomo stays the one statement of the formulation. `compile_model` compiles the built model into a `highspy.Highs`
object it owns (`planner.solver.lp.compile_lp`: the standard form Pyomo's compiler gives, a ranged row as one HiGHS
row) and keeps maps from the model's own components to HiGHS rows, columns and coefficients, derived from the
components rather than from today's targets:

- target rows: every row of the ``target`` constraint, by its index ``(target_id, year)``; how each row moves with
  its target's value (``model.target_value[k]``) is measured on the model itself (the row's coefficients and bounds
  at ``v`` and ``v + 1``; rows are affine in ``v``, which is checked at ``v + 2``);
- potentials: the bounds of the ``stock`` columns by ``(region, measure)`` (``min_stock``, ``max_stock``) and the
  upper bounds of the ``build`` columns (``max_build``);
- measure costs and the discount rate: the objective coefficient of ``build[r, m, tau]`` is
  ``unit_cost[m] * D(m, tau)`` (`planner.model.cost.build_coefficient`), so a new unit cost or rate rewrites the
  cost vector of those columns only; allowed in place when every column with a cost is a ``build`` column.

**Two stages, for a peak target** (`planner.solver.peak`, `planner.model.targets`). A peak row's limits come from the
same case solved without its peak targets: ``L(t) <= E0(t)`` before the peak year, ``L(y) <= min(C, E0(y))``, and
``L(t) <= C`` after, with ``C`` the target's value or ``E0(y)``. A model with peak targets is compiled once and
handed to two HiGHS objects: the model itself (the second stage) and, as ``Compiled.first``, the same LP with the
peak rows and any ``movable`` rows freed (bounds -inf..inf), which is the case without its peak targets. Every
in-place change except a peak ceiling (another target's value or switch, costs, the discount rate, potentials) goes
to both and marks the first stage stale. `solve` then
(1) re-solves the first stage warm if it is stale (a point that changes only a peak ceiling skips it), (2) maps its
build vector to each peak's path ``E0(t) = B(t) + W x`` (`planner.solver.peakrows.PeakRows`: ``W`` a sparse matrix,
built once, from the build vector to the level of the peak's indicator summed over its scope in each model year, from
`Params.acting` and `Params.weight` as in `planner.model.indicators`; ``B`` the baseline over the scope), (3) writes
the peak rows' upper bounds (a map ``(target_id, year) -> HiGHS row``), and (4) re-solves the second stage warm.
A first stage that is not optimal makes the point not optimal with its status, as `planner.solve.solve` does; the
caller diagnoses it with `planner.solve.diagnose`. Rows added with ``movable`` (an epsilon cap) live in the second stage
only: the first stage is the case's own no-peak solution.

`Compiled.solve` re-runs HiGHS from its last basis and returns numpy arrays; `Compiled.solution` turns them into the
`planner.solve.Solution` the result tables read. Anything that changes the structure (years, lifetimes, a new
target, a potential that makes a dropped bound row able to bind) is not done here: the caller rebuilds.
"""

from __future__ import annotations

import dataclasses
import math
import time
from dataclasses import dataclass

import highspy
import numpy as np
import pyomo.core as pyo  # not pyomo.environ: its solver and transformation plugins cost 0.12 s of import
from pyomo.common.gc_manager import PauseGC

from ..model import Params, crf
from ..model.cost import build_coefficient, thermal_coefficients
from ..model.targets import peak_targets
from .lp import STATUS, columns_of, compile_lp, linear, new_highs, run_highs
from .peak import onto_first_stage
from .peakrows import PeakRows, peak_rows
from .sides import Memo, tightening_duals
from .solve import VIOLATION, Solution, solver_name, violations

INF = highspy.kHighsInf
PRIMAL_TOL = 1e-7  # HiGHS's default primal feasibility tolerance


@dataclass
class TargetMove:
    """How one target row changes with its target's value: d(row bounds)/dv and d(coefficients)/dv."""

    row: int
    lower0: float
    upper0: float
    d_lower: float
    d_upper: float
    cols: np.ndarray
    coef0: np.ndarray
    d_coef: np.ndarray
    const0: float = 0.0  # the constant of the row's body at the compiled value (moved into its bounds)


@dataclass
class FastSolution:
    status: str
    objective: float | None
    x: np.ndarray | None = None
    row_dual: np.ndarray | None = None
    seconds: float = 0.0  # HiGHS time of this solve, both stages when the first one ran
    iterations: int = 0  # simplex iterations, both stages
    primal_infeasibility: float = 0.0
    first_stage: FastSolution | None = None  # the first stage's solve, when this solve re-ran it
    solves: int = 1  # HiGHS runs: 2 when the first stage was re-run and the second stage solved
    peak_limits: dict[tuple[str, int], float] = dataclasses.field(default_factory=dict)  # peak rows' rhs as solved
    reference_objective: float | None = None  # objective of the case without its peak targets


@dataclass
class Compiled:
    """A built model compiled to a HiGHS object, with the maps that let a sweep change it in place."""

    h: highspy.Highs
    params: Params
    n_rows: int
    n_cols: int
    nnz: int
    build_index: list[tuple[str, str, int]]  # every build[r, m, tau] the model has
    build_col: np.ndarray  # its HiGHS column, or -1 where the compiler dropped an unused column
    target_rows: dict[tuple[str, int], int]
    balance_rows: dict[int, int]  # year -> HiGHS row of thermal_balance[t] (its dual: the value of a MWh)
    moves: dict[str, list[TargetMove]]
    target_value0: dict[str, float]
    stock_cols: dict[tuple[str, str], np.ndarray]  # (r, m) -> HiGHS columns of stock[r, m, t], every model year
    cost_factor: np.ndarray  # D(m, tau) for every build index: its cost is unit_cost[m] * D
    cost_in_place: bool  # every column with a cost is a build column
    build_measure: np.ndarray  # the place in Params.measures of each build index's measure
    thermal_col: np.ndarray  # HiGHS columns of thermal_change[t] with a cost (the priced grid), in model-year order
    thermal_cost: np.ndarray  # their costs: df[t] * c_th[t]
    thermal_years: list[int]  # the year of each
    offset: float
    compile_seconds: float = 0.0
    first: Compiled | None = None  # the first stage (the case without its peak targets), if there is a peak
    peaks: dict[str, PeakRows] = dataclasses.field(default_factory=dict)
    stale: bool = True  # the first stage changed since it was last solved
    reference: FastSolution | None = None  # the first stage's last solve
    target_scale: dict[str, float] = dataclasses.field(default_factory=dict)  # rows written times a scale (targets)
    _paths: dict | None = None  # E0 of each peak from that solve
    _activity: dict | None = None  # the peak rows' levels in that solve (HiGHS's row values)
    sides_memo: Memo = dataclasses.field(default_factory=Memo)  # tightening sides by optimal face (solver.sides)

    # ---------------------------------------------------------------------------------------- changes in place

    def set_target_value(self, k: str, v: float) -> None:
        if k in self.peaks:  # a peak ceiling: the second stage only (its rows are written at the next solve)
            self.set_peak(k, True, v)
            return
        self._first("set_target_value", k, v)
        dv = v - self.target_value0[k]
        for mv in self.moves[k]:
            lo = mv.lower0 + dv * mv.d_lower if math.isfinite(mv.lower0) else -INF
            up = mv.upper0 + dv * mv.d_upper if math.isfinite(mv.upper0) else INF
            self.h.changeRowBounds(mv.row, lo, up)
            if len(mv.cols):
                coefs = mv.coef0 + dv * mv.d_coef
                for j, a in zip(mv.cols.tolist(), coefs.tolist(), strict=True):
                    self.h.changeCoeff(mv.row, j, a)

    def set_target_enabled(self, k: str, enabled: bool, value: float | None = None) -> None:
        """A disabled target's rows are freed (bounds -inf..inf); enabling restores them at ``value``."""
        if k in self.peaks:
            self.set_peak(k, enabled, value if value is not None else self.peaks[k].ceiling)
            return
        if enabled:
            self.set_target_value(k, self.target_value0[k] if value is None else value)
            return
        self._first("set_target_enabled", k, False)
        for mv in self.moves[k]:
            self.h.changeRowBounds(mv.row, -INF, INF)

    def set_peak(self, k: str, enabled: bool, ceiling: float | None) -> None:
        """Switch a peak target and set its ceiling C (None: C = E0 of the peak year). The first stage does not
        change; the rows are written at the next `solve` (freed at once when switched off)."""
        pk = self.peaks[k]
        pk.enabled, pk.ceiling = enabled, (None if ceiling is None else float(ceiling))
        if not enabled:
            n = len(pk.rows)
            self.h.changeRowsBounds(n, pk.rows, np.full(n, -INF), np.full(n, INF))

    def _first(self, method: str, *args) -> None:
        """Make the same change in the first stage (where it has the row or column), which then is stale."""
        first = self.first
        if first is None or (method.startswith("set_target") and args[0] not in first.moves):
            return
        getattr(first, method)(*args)
        self.stale = True

    def set_stock_bounds(self, r: str, ms: str, min_stock: float | None, max_stock: float | None) -> None:
        if (r, ms) in getattr(self.first, "stock_cols", {}):
            self._first("set_stock_bounds", r, ms, min_stock, max_stock)
        cols = self.stock_cols[r, ms]
        n = len(cols)
        lo = np.full(n, -INF if min_stock is None else float(min_stock))
        up = np.full(n, INF if max_stock is None else float(max_stock))
        self.h.changeColsBounds(n, cols, lo, up)

    def set_max_build(self, r: str, ms: str, max_build: float | None) -> None:
        self._first("set_max_build", r, ms, max_build)
        if not hasattr(self, "_pair_cols"):
            by_pair: dict[tuple[str, str], list[int]] = {}
            for (rr, mm, _), j in zip(self.build_index, self.build_col.tolist(), strict=True):
                if j >= 0:
                    by_pair.setdefault((rr, mm), []).append(j)
            self._pair_cols = {k: np.array(v, dtype=np.int32) for k, v in by_pair.items()}
        cols = self._pair_cols.get((r, ms), np.zeros(0, dtype=np.int32))
        up = np.full(len(cols), INF if max_build is None else float(max_build))
        if not hasattr(self, "_closed"):  # build columns held at 0 before the pair's first build year
            first = self.params.first_build
            self._closed = {j for (rr, mm, tau), j in zip(self.build_index, self.build_col.tolist(), strict=True)
                            if j >= 0 and tau < first.get((rr, mm), tau)}
        up[[k for k, j in enumerate(cols.tolist()) if j in self._closed]] = 0.0
        self.h.changeColsBounds(len(cols), cols, np.zeros(len(cols)), up)

    def set_costs(self, unit_cost: dict[str, float], factor: np.ndarray | None = None) -> None:
        """Rewrite the cost of every build column from unit costs (and, for a new discount rate, new factors), and of
        the thermal output columns (df[t] * c_th[t], `planner.model.cost.thermal_coefficients`)."""
        self._first("set_costs", unit_cost, factor)
        factor = self.cost_factor if factor is None else factor
        keep = self.build_col >= 0
        uc = np.array([unit_cost[m] for m in self.params.measures])[self.build_measure]
        cost = (uc * factor)[keep]
        cols = self.build_col[keep].astype(np.int32)
        self.h.changeColsCost(len(cols), cols, cost)
        if len(self.thermal_col):
            self.h.changeColsCost(len(self.thermal_col), self.thermal_col.astype(np.int32), self.thermal_cost)

    def set_cost_factor(self, factor: np.ndarray, thermal_cost: np.ndarray | None = None) -> None:
        """New discount factors D(m, tau) and thermal output costs df[t] * c_th[t] (a new discount rate); the costs
        follow with `set_costs`."""
        if self.first is not None:
            self.first.set_cost_factor(factor, thermal_cost)
        self.cost_factor = factor
        if thermal_cost is not None:
            self.thermal_cost = thermal_cost

    # ---------------------------------------------------------------------------------------- solving

    def solve(self, time_limit: float | None = None, tighten: bool = False) -> FastSolution:
        """Solve warm; with peak targets, first the first stage (if stale), then the peak rows, then this model.
        ``tighten``: the target rows' duals on their tightening side at a degenerate optimum, as `planner.solve`
        reports them (`planner.solver.sides`; a few warm re-solves), so that they do not depend on the basis the
        solve started from."""
        out = self._solve(time_limit)
        if tighten and out.status == "optimal" and out.row_dual is not None:
            sides = tightening_duals(self.h, list(self.target_rows.values()), time_limit, self.sides_memo)
            if sides:
                out.row_dual = out.row_dual.copy()
                out.row_dual[list(sides)] = list(sides.values())
        return out

    def _solve(self, time_limit: float | None = None) -> FastSolution:
        active = [pk for pk in self.peaks.values() if pk.enabled]
        if not active:
            return self._run(time_limit)
        ran = None
        if self.stale or self.reference is None:
            ran = self.reference = self.first._run(time_limit)
            self.stale = False
        ref = self.reference
        if ref.status != "optimal":  # the case fails without its peak: the point fails with the first stage's status
            return FastSolution(status=ref.status, objective=None, seconds=ran.seconds if ran else 0.0,
                                iterations=ran.iterations if ran else 0, first_stage=ran, solves=int(ran is not None))
        if ran is not None or self._paths is None:  # E0 of each peak, kept while the first stage stands
            build = self.first.build_values(ref.x)
            self._paths = {k: pk.path(build) for k, pk in self.peaks.items()}
            level = np.asarray(self.first.h.getSolution().row_value)  # the peak rows' levels as HiGHS has them
            self._activity = {k: level[pk.rows] for k, pk in self.peaks.items()}
        limits = {}
        for pk in active:
            rhs = pk.limits(path=self._paths[pk.target_id])
            n = len(pk.rows)
            upper = onto_first_stage(rhs - pk.const, self._activity[pk.target_id], pk.const,
                                     np.array(pk.years) <= pk.year)
            self.h.changeRowsBounds(n, pk.rows, np.full(n, -INF), upper)
            limits.update(zip(((pk.target_id, y) for y in pk.years), rhs.tolist(), strict=True))
        out = self._run(time_limit)
        if ran is not None:
            out.seconds += ran.seconds
            out.iterations += ran.iterations
            out.solves = 2
        out.first_stage, out.peak_limits, out.reference_objective = ran, limits, ref.objective
        return out

    def _run(self, time_limit: float | None = None) -> FastSolution:
        h = self.h
        if time_limit is not None:
            h.setOptionValue("time_limit", float(time_limit))
        start = time.perf_counter()
        name = run_highs(h)  # a warm start ending unknown is run again cold
        seconds = time.perf_counter() - start
        status = STATUS.get(name, name.removeprefix("k").lower())
        info = h.getInfo()
        out = FastSolution(status=status, objective=None, seconds=seconds,
                           iterations=int(info.simplex_iteration_count))
        if status == "optimal":
            sol = h.getSolution()
            out.x = np.asarray(sol.col_value)
            out.row_dual = np.asarray(sol.row_dual)
            out.objective = float(info.objective_function_value)
            out.primal_infeasibility = float(max(info.max_primal_infeasibility, 0.0))
            if info.primal_solution_status != 2:  # optimal but not feasible: judged as planner.solve judges it
                lo, up = np.asarray(self.h.getLp().col_lower_), np.asarray(self.h.getLp().col_upper_)
                out.primal_infeasibility, relative = violations(h, np.clip(out.x, lo, up))
                if relative > VIOLATION:
                    out.status = "optimal_with_infeasibilities"
        return out

    def build_values(self, x: np.ndarray) -> np.ndarray:
        """build[r, m, tau] in `build_index` order (0 for columns the compiler dropped)."""
        out = np.zeros(len(self.build_index))
        keep = self.build_col >= 0
        out[keep] = x[self.build_col[keep]]
        return out

    def solution(self, fs: FastSolution) -> Solution:
        """The `planner.solve.Solution` of a fast solve: build values by index, target duals by (target, year)."""
        sol = Solution(status=fs.status, objective=fs.objective, solve_seconds=fs.seconds, solver=solver_name())
        sol.primal_infeasibility = fs.primal_infeasibility
        sol.peak_limits, sol.reference_objective = dict(fs.peak_limits), fs.reference_objective
        if fs.x is not None:
            sol.build = dict(zip(self.build_index, self.build_values(fs.x).tolist(), strict=True))
            scale = self.target_scale  # a row written times a scale: its dual times it, in the row's units
            sol.duals = {key: float(fs.row_dual[row]) * scale.get(key[0], 1.0) for key, row in self.target_rows.items()}
        return sol


# -------------------------------------------------------------------------------------------- compiling


def _row_terms(con, col_of: dict[int, int]) -> tuple[np.ndarray, np.ndarray, float, float, float]:
    """The row's HiGHS columns (ascending) and their coefficients, and its lower and upper bound with the body's
    constant moved over, and that constant."""
    vs, coefs, const = linear(con.body, con)  # one entry a variable, so one a column
    kept = [(v, a) for v, a in zip(vs, coefs, strict=True) if a != 0]
    cols = np.fromiter((col_of[id(v)] for v, _ in kept), dtype=np.int64, count=len(kept))
    coefs = np.array([a for _, a in kept], dtype=float)
    order = np.argsort(cols)
    lb, ub = con.lb, con.ub
    lo = -INF if lb is None else float(lb) - const
    up = INF if ub is None else float(ub) - const
    return cols[order], coefs[order], lo, up, const


def _moves(groups: dict[str, tuple], rows: dict[int, int], col_of: dict[int, int]) -> tuple[dict, dict]:
    """For each name -> (mutable param, [constraint data]): how those rows move with the param's value, from the rows
    read at the value v0, v0 + 1 and v0 + 2 (the third checks that they are affine in it)."""
    moves: dict[str, list[TargetMove]] = {}
    v0s: dict[str, float] = {}
    for name, (param, cons) in groups.items():
        v0 = float(pyo.value(param))
        v0s[name] = v0
        samples = []
        for dv in (0.0, 1.0, 2.0):
            param.set_value(v0 + dv)
            samples.append([_row_terms(con, col_of) for con in cons])
        param.set_value(v0)
        out = []
        for con, s0, s1, s2 in zip(cons, *samples, strict=True):
            cols = np.union1d(np.union1d(s0[0], s1[0]), s2[0])
            c0, c1, c2 = (_on(cols, s[0], s[1]) for s in (s0, s1, s2))
            d = c1 - c0
            if not np.allclose(c2 - c1, d, rtol=1e-9, atol=1e-12):
                raise ValueError(f"{name}: row {con.name} is not affine in {param.name}")
            dl = 0.0 if not math.isfinite(s0[2]) else s1[2] - s0[2]
            du = 0.0 if not math.isfinite(s0[3]) else s1[3] - s0[3]
            moving = np.abs(d) > 0
            out.append(TargetMove(rows[id(con)], s0[2], s0[3], dl, du, cols.astype(np.int32)[moving],
                                  c0[moving], d[moving], s0[4]))
        moves[name] = out
    return moves, v0s


def _on(cols: np.ndarray, some: np.ndarray, coefs: np.ndarray) -> np.ndarray:
    """Coefficients on ``cols`` (ascending) of a row that has ``coefs`` on ``some`` of them, 0 elsewhere."""
    out = np.zeros(len(cols))
    out[np.searchsorted(cols, some)] = coefs
    return out


def unit_costs(capex: list[float], fixed_om: list[float], savings: list[float], lifetime: list[int],
               rate: float) -> list[float]:
    """Annual net cost of one unit standing of each measure (`planner.model.params.derive`, the same arithmetic)."""
    return [c * crf(rate, n) + f - s for c, f, s, n in zip(capex, fixed_om, savings, lifetime, strict=True)]


def cost_factors(p: Params, index: list[tuple[str, str, int]]) -> np.ndarray:
    """D(m, tau): the objective coefficient of build[., m, tau] per yuan of annual unit cost."""
    unit = dataclasses.replace(p, unit_cost=dict.fromkeys(p.measures, 1.0))
    return np.array([build_coefficient(unit, ms, tau) for _, ms, tau in index])


def compile_model(m: pyo.ConcreteModel, movable: dict[str, tuple] | None = None) -> Compiled:
    """Compile a built model (`planner.build_model`) to a HiGHS object with the maps a sweep needs.

    ``movable`` adds rows of one's own that move with a mutable parameter, ``{name: (param, constraint)}`` (an
    epsilon constraint, say); they are changed like targets, with ``set_target_value(name, v)``."""
    with PauseGC():  # as Pyomo's writers do: no cyclic collection while the maps are made
        return _compile_model(m, movable)


def _compile_model(m: pyo.ConcreteModel, movable: dict[str, tuple] | None) -> Compiled:
    start = time.perf_counter()
    p: Params = m.params
    lp = compile_lp(m)
    h, col_of, upper, c = lp.h, lp.col_of, lp.upper, lp.cost
    maximize = lp.maximize
    rows = lp.row_of
    target_rows = {key: rows[id(m.target[key])] for key in m.target if id(m.target[key]) in rows}
    balance_rows = ({t: rows[id(con)] for t, con in m.thermal_balance.items() if id(con) in rows}
                    if hasattr(m, "thermal_balance") else {})
    groups: dict[str, tuple] = {}
    for (k, _y), con in m.target.items():
        if id(con) in rows:
            groups.setdefault(k, (m.target_value[k], []))[1].append(con)
    for name, (param, con) in (movable or {}).items():
        groups[name] = (param, [c for c in (con.values() if con.is_indexed() else [con]) if id(c) in rows])
    moves, v0s = _moves(groups, rows, col_of)
    build_index = list(p.build_index)  # the index of build and stock (RM x T)
    by_pair = columns_of(lp, m.stock, build_index).reshape(len(p.pairs), len(p.years))
    stock_cols = {pair: row[row >= 0].astype(np.int32) for pair, row in zip(p.pairs, by_pair, strict=True)
                  if (row >= 0).any()}
    build_col = columns_of(lp, m.build, build_index)
    factor = cost_factors(p, build_index)
    expected = np.array([p.unit_cost[ms] for _, ms, _ in build_index]) * factor
    keep_b = build_col >= 0
    costed = set(np.flatnonzero(c != 0).tolist())
    grid_cost = thermal_coefficients(p)  # thermal_change[t] -> df[t] * c_th[t]
    thermal_years = [t for t in p.years if t in grid_cost]
    thermal_col = (np.array([col_of.get(id(m.thermal_change[t]), -1) for t in thermal_years], dtype=np.int64)
                   if thermal_years else np.zeros(0, dtype=np.int64))
    thermal_cost = np.array([grid_cost[t] for t in thermal_years])
    keep_t = thermal_col >= 0
    thermal_col, thermal_cost = thermal_col[keep_t], thermal_cost[keep_t]
    thermal_years = [t for t, k in zip(thermal_years, keep_t.tolist(), strict=True) if k]
    cost_in_place = (not maximize and costed <= set(build_col[keep_b].tolist()) | set(thermal_col.tolist())
                     and np.allclose(c[build_col[keep_b]], expected[keep_b], rtol=1e-9, atol=1e-9)
                     and np.allclose(c[thermal_col], thermal_cost, rtol=1e-9, atol=1e-9))
    at = {ms: n for n, ms in enumerate(p.measures)}
    out = Compiled(
        h=h, params=p, n_rows=lp.n_rows, n_cols=lp.n_cols, nnz=lp.nnz, build_index=build_index,
        build_col=build_col, target_rows=target_rows, balance_rows=balance_rows, moves=moves, target_value0=v0s,
        stock_cols=stock_cols,
        cost_factor=factor, cost_in_place=bool(cost_in_place), offset=lp.offset,
        build_measure=np.array([at[ms] for _, ms, _ in build_index], dtype=np.int64),
        thermal_col=thermal_col, thermal_cost=thermal_cost, thermal_years=thermal_years,
        target_scale=dict(getattr(m, "target_scale", {})),
    )
    if peak_targets(p):  # the first stage: the same LP with the peak rows (and rows of one's own) freed
        out.peaks = peak_rows(m, out.target_rows, build_index, np.array(upper))
        second_only = set(out.peaks) | set(movable or ())
        first = new_highs()
        first.passModel(h.getLp())
        free = np.array(sorted({mv.row for k in second_only for mv in moves.get(k, [])}
                               | {r for pk in out.peaks.values() for r in pk.rows.tolist()}), dtype=np.int32)
        first.changeRowsBounds(len(free), free, np.full(len(free), -INF), np.full(len(free), INF))
        out.first = dataclasses.replace(out, h=first, moves={k: v for k, v in moves.items() if k not in second_only},
                                        peaks={}, first=None)
    out.compile_seconds = time.perf_counter() - start
    return out


__all__ = ["Compiled", "FastSolution", "PeakRows", "compile_model", "cost_factors", "unit_costs"]
