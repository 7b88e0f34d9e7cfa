"""The LP of a built model, handed to HiGHS: the model's standard form as arrays, then a `highspy.Highs`.

Pyomo stays the one statement of the formulation; this module only moves it into HiGHS, through Pyomo's public
`generate_standard_repn` (each row's coefficients and constant, fixed variables and parameters as numbers):

- columns: the variables of the objective and the active rows, in the order Pyomo's `LinearStandardFormCompiler`
  gives them (a variable met for the first time, objective first and then the rows in the model's order, brings its
  whole component in the component's order; variables with no entry are left out);
- rows: every active constraint with a bound, in the model's order; a ranged row is one row with both bounds, an
  equality one row with equal bounds; the body's constant is moved into the bounds; a row with no variable is
  checked and left out (`InfeasibleConstraintException` if its constant misses its bounds by more than rounding,
  `constant_fits`: a target one unit in the last place inside reach is met, as HiGHS meets a row within its
  tolerance; the compiled path of a study checks such rows with the same function);
- column bounds: each variable's ``lb`` and ``ub`` (the tighter of its own bound and its domain's).

`tests/test_lp.py` holds these arrays to what Pyomo's `LinearStandardFormCompiler` gives on every shipped case. The
arrays go to HiGHS column-wise with numpy alone (no scipy: Pyomo's deferred scipy import would load scipy.stats,
scipy.integrate and scipy.spatial, about a second of every `planner run`).

`planner.solver.solve` compiles the model at every solve (and starts HiGHS from the previous basis when the rows and
columns are the same); `planner.solver.compiled` compiles it once for a study and changes the HiGHS object in place.
`LP.col_of` and `LP.row_of` map Pyomo components (by ``id``) to HiGHS columns and rows.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field

import highspy
import numpy as np
import pyomo.core as pyo  # not pyomo.environ: its solver and transformation plugins cost 0.12 s of import
from pyomo.common.errors import InfeasibleConstraintException, InvalidConstraintError
from pyomo.core.base import SortComponents
from pyomo.core.expr.numeric_expr import LinearExpression
from pyomo.repn.standard_repn import generate_standard_repn

INF = highspy.kHighsInf
STATUS = {  # HiGHS model status -> planner status (others: the name in lower case without the "k")
    "kOptimal": "optimal",
    "kInfeasible": "infeasible",
    "kUnboundedOrInfeasible": "infeasible_or_unbounded",
    "kUnbounded": "unbounded",
    "kTimeLimit": "time_limit",
    "kIterationLimit": "iteration_limit",
}
ORDER = SortComponents.ORDERED_INDICES  # the order Pyomo's writers use by default (FileDeterminism.ORDERED)
_NUMBERS = (float, int)  # coefficients a LinearExpression holds as plain numbers (bool is not one)

_banner_shown = False
ROUNDING = 1e-9  # relative: how far a row with no variable may miss its bounds by rounding alone


def constant_fits(lb, ub, const: float) -> bool:
    """Whether a row with no variable left (its body the constant ``const``) meets its bounds, up to rounding."""
    tol = ROUNDING * max(1.0, abs(const))
    return (lb is None or pyo.value(lb) - tol <= const) and (ub is None or const <= pyo.value(ub) + tol)


def new_highs() -> highspy.Highs:
    """A silent `highspy.Highs`. HiGHS prints its banner to the process's stdout when the first instance is made,
    before any option can be set: that one is made with file descriptor 1 pointed at /dev/null."""
    global _banner_shown
    if _banner_shown:
        h = highspy.Highs()
    else:
        sys.stdout.flush()
        saved, null = os.dup(1), os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(null, 1)
            h = highspy.Highs()
        finally:
            os.dup2(saved, 1)
            os.close(saved)
            os.close(null)
        _banner_shown = True
    h.setOptionValue("output_flag", False)
    return h


@dataclass
class StandardForm:
    cols: list  # Pyomo variable data of each column
    rows: list  # Pyomo constraint data of each row
    start: np.ndarray  # the constraint matrix, column-wise: column j's entries are start[j]:start[j + 1]
    index: np.ndarray  # row of each entry (ascending within a column)
    value: np.ndarray
    lower: np.ndarray  # row bounds, the body's constant moved over
    upper: np.ndarray
    cost: np.ndarray
    offset: float
    col_lower: np.ndarray
    col_upper: np.ndarray
    maximize: bool


def run_highs(h: highspy.Highs) -> str:
    """Run HiGHS; the model status's name. A warm start that ends in ``kUnknown`` (simplex could not clean up the
    basis it was given: seen when the second stage of a peak starts from the first stage's basis, with primal
    infeasibilities of a few tonnes left on rows of 1e8 t) is run again from scratch, which ends optimal in every case
    seen; the time of both runs counts."""
    h.run()
    name = h.getModelStatus().name
    if name == "kUnknown":
        h.clearSolver()
        h.run()
        name = h.getModelStatus().name
    return name


def linear(expr, where) -> tuple[list, list, float]:
    """(variables, coefficients, constant) of a linear expression, parameters and fixed variables as numbers.

    A `LinearExpression` of numbers and distinct free variables (the stock balances, most rows of a large model) is
    read from its public ``linear_vars``, ``linear_coefs`` and ``constant``: what `generate_standard_repn` gives for it,
    without its walk (43 us a row; tests/test_lp.py holds the arrays to Pyomo's compiler). Anything else goes to
    `generate_standard_repn`."""
    if expr.__class__ is LinearExpression:
        coefs, vs, const = expr.linear_coefs, expr.linear_vars, expr.constant
        if const.__class__ in _NUMBERS and all(c.__class__ in _NUMBERS for c in coefs) \
                and not any(v.fixed for v in vs) and len({id(v) for v in vs}) == len(vs):
            return list(vs), list(coefs), float(const)
    repn = generate_standard_repn(expr, compute_values=True, quadratic=False)
    if not repn.is_linear():
        raise InvalidConstraintError(f"{where.name} contains nonlinear terms that cannot be compiled to an LP")
    return list(repn.linear_vars), list(repn.linear_coefs), float(repn.constant)


def standard_form(m: pyo.ConcreteModel) -> StandardForm:
    objectives = list(m.component_data_objects(pyo.Objective, active=True, sort=ORDER))
    if len(objectives) != 1:
        raise ValueError(f"expected one active objective, got {len(objectives)}")
    objective = objectives[0]
    place: dict[int, tuple[int, int]] = {}  # id(var) -> (order its component was met in, place in the component)
    variables: dict[int, object] = {}

    def meet(vs) -> None:  # a variable met for the first time brings its whole component, in the component's order
        for v in vs:
            if id(v) not in place:
                rank = len(met)
                met.append(v.parent_component())
                for n, w in enumerate(met[-1].values(ORDER)):
                    place.setdefault(id(w), (rank, n))

    met: list = []
    obj_vars, obj_coefs, offset = linear(objective.expr, objective)
    meet(obj_vars)
    rows, lower, upper, entry_row, entry_var, entry_value = [], [], [], [], [], []
    for con in m.component_data_objects(pyo.Constraint, active=True, sort=ORDER):
        lb, body, ub = con.to_bounded_expression(evaluate_bounds=True)  # once (lb, body, ub each make it again)
        if lb is None and ub is None:
            continue
        vs, coefs, const = linear(body, con)
        if 0 in coefs or 0.0 in coefs:
            vs, coefs = [v for v, a in zip(vs, coefs, strict=True) if a != 0], [a for a in coefs if a != 0]
        if not vs:
            if constant_fits(lb, ub, const):
                continue
            raise InfeasibleConstraintException(f"model contains a trivially infeasible constraint, '{con.name}'")
        meet(vs)
        r = len(rows)
        rows.append(con)
        lower.append(-INF if lb is None else lb - const)
        upper.append(INF if ub is None else ub - const)
        entry_row.extend([r] * len(vs))
        entry_var.extend(vs)
        entry_value.extend(coefs)
    for v, a in zip(obj_vars, obj_coefs, strict=True):
        if a != 0:
            variables[id(v)] = v
    variables.update((id(v), v) for v in entry_var)
    used = sorted(variables, key=place.__getitem__)
    col = {vid: j for j, vid in enumerate(used)}
    cols = [variables[vid] for vid in used]
    n = len(cols)
    entry_col = np.fromiter((col[id(v)] for v in entry_var), dtype=np.int64, count=len(entry_var))
    entry_row = np.array(entry_row, dtype=np.int64)
    order = np.lexsort((entry_row, entry_col))
    start = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(entry_col, minlength=n), out=start[1:])
    cost = np.zeros(n)
    for v, a in zip(obj_vars, obj_coefs, strict=True):
        if a != 0:
            cost[col[id(v)]] += a
    bounds = [v.bounds for v in cols]
    return StandardForm(
        cols=cols, rows=rows, start=start, index=entry_row[order], value=np.array(entry_value, dtype=float)[order],
        lower=np.array(lower, dtype=float), upper=np.array(upper, dtype=float), cost=cost, offset=offset,
        col_lower=np.array([-INF if lo is None else lo for lo, _ in bounds], dtype=float),
        col_upper=np.array([INF if up is None else up for _, up in bounds], dtype=float),
        maximize=objective.sense == pyo.maximize)


@dataclass
class LP:
    h: highspy.Highs
    cols: list  # Pyomo variable data of each HiGHS column
    rows: list  # Pyomo constraint data of each HiGHS row
    lower: np.ndarray  # row bounds as compiled (constants of the body moved over)
    upper: np.ndarray
    cost: np.ndarray
    col_lower: np.ndarray
    col_upper: np.ndarray
    offset: float
    maximize: bool
    nnz: int
    col_of: dict[int, int] = field(default_factory=dict)  # id(var) -> column
    row_of: dict[int, int] = field(default_factory=dict)  # id(constraint data) -> row

    @property
    def n_rows(self) -> int:
        return len(self.rows)

    @property
    def n_cols(self) -> int:
        return len(self.cols)

    def signature(self) -> tuple:
        """Same rows and columns in the same order (a basis of one fits the other)."""
        return tuple(map(id, self.cols)), tuple(map(id, self.rows))


def compile_lp(m: pyo.ConcreteModel) -> LP:
    f = standard_form(m)
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = len(f.cols), len(f.rows)
    lp.col_cost_ = f.cost
    lp.offset_ = f.offset
    lp.col_lower_, lp.col_upper_ = f.col_lower, f.col_upper
    lp.row_lower_, lp.row_upper_ = f.lower, f.upper
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = f.start.astype(np.int32)
    lp.a_matrix_.index_ = f.index.astype(np.int32)
    lp.a_matrix_.value_ = f.value
    lp.sense_ = highspy.ObjSense.kMaximize if f.maximize else highspy.ObjSense.kMinimize
    h = new_highs()
    h.passModel(lp)
    return LP(h=h, cols=f.cols, rows=f.rows, lower=f.lower, upper=f.upper, cost=f.cost, col_lower=f.col_lower,
              col_upper=f.col_upper, offset=f.offset, maximize=f.maximize, nnz=len(f.value),
              col_of={id(v): j for j, v in enumerate(f.cols)}, row_of={id(con): r for r, con in enumerate(f.rows)})


def columns_of(lp: LP, var, keys: list) -> np.ndarray:
    """The HiGHS column of ``var[k]`` for each k of ``keys`` (-1: not a column). When ``keys`` is the Var's whole
    index (planner's ``build`` and ``stock``: pairs x years, in the index's order), its variables are read in order
    rather than looked up one by one."""
    col_of = lp.col_of
    if len(keys) == len(var):
        return np.fromiter((col_of.get(id(v), -1) for v in var.values(ORDER)), dtype=np.int64, count=len(keys))
    return np.array([col_of.get(id(var[k]), -1) for k in keys], dtype=np.int64)
