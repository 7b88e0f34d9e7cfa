"""A built model's LP as arrays: Pyomo's standard form, computed the way Pyomo computes it, with short cuts.

`standard_form(m)` gives what `pyomo.repn.plugins.standard_form.LinearStandardFormCompiler` gives in mixed form
(same columns in the same order, same rows, the same coefficients and right-hand sides bit for bit), with the two
halves of a ranged row already one row, and the column bounds. It follows Pyomo's compiler step for step:

- columns: a variable met for the first time (objective first, then the rows in order) brings its whole component,
  in the component's order; columns with no entry in any row or in the objective are dropped; a fixed variable is a
  constant of its rows (moved to the bounds with the same sparse products Pyomo uses);
- rows: every active constraint in the model's order; a row with no variable is checked and left out; a row with
  no bound is left out; an equality is one row with both bounds equal;
- entries: Pyomo's linear walker (`LinearRepnVisitor`) makes each row's coefficients and constant.

Three things make it faster than calling the compiler, measured in BENCHMARKS.md: a short cut in the walker for
the shapes planner builds (`_FlatLinearVisitor`); a column recorder that keeps only the column order (Pyomo's keeps a
map of every variable's index for its templates, 1/5 of the compile on large models); and entries mapped to columns
with numpy (`searchsorted` over the variables' ids) instead of a dictionary lookup per entry. A model Pyomo's
compiler would handle differently (a templated constraint or objective) goes to that compiler. `tests/test_lp.py`
holds the two to the same arrays on every shipped case, on hand-made models and on random ones.

The recorder also keeps where each component's variables went (`StandardForm.component_cols`), so the solution's
maps of ``build`` and ``stock`` need no Pyomo lookup per variable (`planner.lp.columns_of`). `RowReader` reads rows
again through the same short cut after a parameter changed (`planner.fast` measures how target rows move).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import chain, repeat
from operator import attrgetter, itemgetter, mul

import numpy as np
import pyomo.core as pyo  # not pyomo.environ: its solver and transformation plugins cost 0.12 s of import
import scipy.sparse
from pyomo.common.errors import InfeasibleConstraintException, InvalidConstraintError, InvalidExpressionError
from pyomo.common.gc_manager import PauseGC
from pyomo.common.numeric_types import native_numeric_types, native_types, value
from pyomo.core.base import (
    Block,
    Constraint,
    Expression,
    ExternalFunction,
    Objective,
    Param,
    RangeSet,
    Set,
    Suffix,
    Var,
)
from pyomo.core.base.param import ParamData
from pyomo.core.base.var import ScalarVar, VarData
from pyomo.core.expr.numeric_expr import (
    LinearExpression,
    MonomialTermExpression,
    NegationExpression,
    ProductExpression,
    SumExpression,
)
from pyomo.network import Port
from pyomo.repn.linear import LinearRepnVisitor
from pyomo.repn.plugins import standard_form as pyomo_standard_form
from pyomo.repn.plugins.standard_form import LinearStandardFormCompiler
from pyomo.repn.util import FileDeterminism, FileDeterminism_to_SortComponents, categorize_valid_components

INF = float("inf")

# Pyomo's compiler fills these on first use through its deferred scipy import, which also imports scipy.stats,
# scipy.integrate and scipy.spatial (0.5 s of a `planner run`); it needs only the two sparse array types.
_impl = pyomo_standard_form._LinearStandardFormCompiler_impl
if _impl._to_vector is None:
    _impl._to_vector = np.fromiter
    _impl._csc_matrix = scipy.sparse.csc_array
    _impl._csr_matrix = scipy.sparse.csr_array


@dataclass
class StandardForm:
    cols: list  # Pyomo variable data of each column
    rows: list  # Pyomo constraint data of each row
    A: scipy.sparse.csc_array
    lower: np.ndarray  # row bounds, the body's constant moved over
    upper: np.ndarray
    cost: np.ndarray
    offset: float
    col_lower: np.ndarray
    col_upper: np.ndarray
    maximize: bool
    # id(Var component) -> the column of each of its variables in the component's own order (-1: not a column), for
    # the components whose variables are all columns' candidates; empty from Pyomo's own compiler
    component_cols: dict[int, np.ndarray] = field(default_factory=dict)


class _FlatLinearVisitor(LinearRepnVisitor):
    """Pyomo's linear walker with a short cut for the expressions planner builds, giving the walker's own result.

    `linear(expr)` returns the walker's ``(coefficients by id(variable), constant)`` of an expression. Read directly:
    a flat `LinearExpression` (constants, parameters, coefficient x variable terms: every stock, bound and grid row,
    the levels and the objective), and a sum of such expressions, each as it is, negated, or negated and multiplied
    by a parameter (a level minus a level, minus ``v`` times a level: the indicator bounds and the targets). The
    walker's rules are kept step for step: a variable seen for the first time has its whole component recorded (the
    column order of `LinearStandardFormCompiler`); a repeated variable's coefficients are summed in the order met; a
    term's coefficient is multiplied by its sign and parameter as the walker multiplies them; constants are summed
    from 0 in the same order; zero entries are dropped at the end; a sum's arguments are its own (`_own_args`).
    Anything else (a parameter or expression as a coefficient, a fixed variable not yet recorded, any other expression
    type) goes to the walker itself. `tests/test_lp.py` holds the two to the same arrays, entry for entry."""

    def linear(self, expr) -> tuple[dict, object]:
        cls = expr.__class__
        got = self._flat(expr) if cls is LinearExpression else self._sum(expr) if cls is SumExpression else None
        if got is None:
            repn = self.walk_expression(expr)
            if repn.nonlinear is not None:
                return None, None
            return repn.linear, repn.constant
        linear, const, clean = got
        if not clean:  # the walker's last step: entries that came to zero are dropped
            for vid in [vid for vid, c in linear.items() if not c]:
                del linear[vid]
        return linear, 0 + const

    def _flat(self, expr):
        """The walker's `_before_linear`: ``(entries, constant, clean)``, clean when no entry can be zero; None to
        leave it to the walker. Short expressions in one loop, long ones with C loops over the terms."""
        args = _own_args(expr)
        if len(args) < 12:
            return self._flat_short(args)
        numeric = native_numeric_types
        if set(map(type, args)) == _MONOMIAL:
            terms, others = args, ()
        else:
            terms = [a for a in args if a.__class__ is MonomialTermExpression]
            others = [a for a in args if a.__class__ is not MonomialTermExpression]
        const = 0
        for arg in others:  # constants summed in the order met, as the walker sums them
            if arg.__class__ in numeric:
                const += arg
            elif arg.__class__ is VarData or arg.__class__ is ScalarVar or arg.is_potentially_variable():
                return self._flat_short(args)
            else:
                value = self._constant(arg)
                if value is None:
                    return None
                const += value
        pairs = list(map(_args, terms))
        coefs, ids = list(map(_first, pairs)), list(map(id, map(_second, pairs)))
        if not (set(map(type, coefs)) <= numeric and all(map(self.var_map.__contains__, ids))):
            return self._flat_short(args)
        if all(coefs) and len(set(ids)) == len(ids):
            return dict(zip(ids, coefs, strict=True)), const, True
        linear = {}  # a variable twice (summed in order) or a zero coefficient (no entry): the walker's record_monomial
        for vid, c in zip(ids, coefs, strict=True):
            if vid in linear:
                linear[vid] += c
            elif c:
                linear[vid] = c
        return linear, const, False

    def _flat_short(self, args):
        linear, const, clean = {}, 0, True
        seen, add, numeric = self.var_map, self.var_recorder.add, native_numeric_types
        for arg in args:
            cls = arg.__class__
            if cls is MonomialTermExpression:
                c, v = arg._args_
                if c.__class__ not in numeric:
                    return None
            elif cls in numeric:
                const += arg
                continue
            elif cls is VarData or cls is ScalarVar:
                c, v = 1, arg
            elif not arg.is_potentially_variable():  # a parameter or a parameter expression: the walker's constant
                value = self._constant(arg)
                if value is None:
                    return None
                const += value
                continue
            else:
                return None
            vid = id(v)
            if vid not in seen:
                if v.fixed:
                    return None
                add(v)
            if vid in linear:
                linear[vid] += c
                clean = False
            elif c:
                linear[vid] = c
        return linear, const, clean

    def _constant(self, arg):
        """A parameter or parameter expression evaluated as the walker evaluates it; None if it is not a number."""
        try:
            value = self.evaluate(arg)
        except (ValueError, ArithmeticError):
            return None
        return value if value.__class__ in native_numeric_types and value == value else None

    def _sum(self, expr):
        linear, const = {}, 0
        numeric = native_numeric_types
        for arg in _own_args(expr):
            cls = arg.__class__
            if cls in numeric:
                const += arg
                continue
            p, sign = None, 1
            if cls is VarData or cls is ScalarVar or cls is MonomialTermExpression:  # a term: the walker's result
                part = self._flat_short((arg,))  # for it is that of a sum of one term
            else:
                if cls is NegationExpression:
                    arg, sign = arg._args_[0], -1
                    cls = arg.__class__
                    if cls is ProductExpression:
                        p, arg = arg._args_
                        if p.__class__ is not ParamData:
                            return None
                        p = p.value
                        if p.__class__ not in numeric or p != p:
                            return None
                        cls = arg.__class__
                if cls is not LinearExpression:
                    return None
                part = self._flat(arg)
            if part is None:
                return None
            part_linear, part_const = part[0], 0 + part[1]  # the part's own result: its constant summed from 0
            if not part_linear:  # a constant: the walker's constant handlers, the product's, then the negation's
                value = part_const if p is None else p * part_const
                const += value if sign == 1 else -1 * value
                continue
            mult = sign if p is None else p * sign  # the walker's multiplier: 1, times p, times -1
            if not mult:  # the walker adds nothing for a part multiplied by 0
                continue
            if mult == 1:
                const += part_const
            elif part_const:
                const += mult * part_const
            # The walker's LinearRepn.append, in C loops: new entries set, an entry met before summed (in any order:
            # each is its own sum, and a row's entries are placed by column at the end)
            common = linear.keys() & part_linear.keys()
            before = {vid: linear[vid] for vid in common}
            if mult == 1:
                linear.update(part_linear)
                for vid in common:
                    linear[vid] = before[vid] + part_linear[vid]
            else:
                linear.update(zip(part_linear, map(mul, repeat(mult), part_linear.values()), strict=True))
                for vid in common:
                    linear[vid] = before[vid] + mult * part_linear[vid]
        return linear, const, False


_MONOMIAL = {MonomialTermExpression}
_args, _first, _second = attrgetter("_args_"), itemgetter(0), itemgetter(1)


def _own_args(expr) -> list:
    """A sum's own arguments. Pyomo lets ``e + x`` append x to e's argument list and share it with the new sum, so
    e's list can be longer than e (``_nargs``); the rest belongs to the later sums (what ``e.args`` slices off)."""
    args = expr._args_
    return args if len(args) == expr._nargs else args[: expr._nargs]


class _ColumnRecorder:
    """The column order of Pyomo's `TemplateVarRecorder` (a component's variables, fixed ones too, in its order, when
    the first of them is met) without its per-variable index map, which only templates use."""

    def __init__(self, sorter):
        self.var_map: dict[int, object] = {}
        self.sorter = sorter
        self._components: set[int] = set()
        self.spans: dict[int, tuple[int, int]] = {}  # id(component) -> its variables' places in var_map, in its order

    def add(self, var) -> None:
        component = var.parent_component()
        if id(component) in self._components:
            return
        self._components.add(id(component))
        vm = self.var_map
        start = len(vm)
        for v in component.values(self.sorter):
            vm[id(v)] = v
        if len(vm) - start == len(component):  # every one new (not met before through a Reference): one span
            self.spans[id(component)] = (start, len(vm))


class RowReader:
    """Rows of a compiled model read again, after a parameter changed (`planner.fast` samples how target rows move
    with their value): each row's ``(coefficients by id(variable), constant)`` as Pyomo's walker gives them, with
    the columns already recorded."""

    def __init__(self, cols: list):
        recorder = _ColumnRecorder(FileDeterminism_to_SortComponents(FileDeterminism.ORDERED))
        recorder.var_map.update((id(v), v) for v in cols)
        self._visitor = _FlatLinearVisitor({}, var_recorder=recorder)

    def linear(self, expr) -> tuple[dict, object]:
        linear, const = self._visitor.linear(expr)
        if linear is None:
            raise InvalidExpressionError(f"a row contains nonlinear terms: {str(expr)[:200]}")
        return linear, const


_VALID = {Block, Constraint, Var, Param, Expression, ExternalFunction, Set, RangeSet, Port}


def standard_form(m: pyo.ConcreteModel) -> StandardForm:
    with PauseGC():  # as Pyomo's writers do: the walk makes and drops many small objects
        return _standard_form(m)


def _standard_form(m: pyo.ConcreteModel) -> StandardForm:
    sorter = FileDeterminism_to_SortComponents(FileDeterminism.ORDERED)
    component_map, unknown = categorize_valid_components(m, active=True, sort=sorter, valid=_VALID,
                                                         targets={Suffix, Objective})
    if unknown:
        listed = "\n\t".join(f"{k}:\n\t\t" + "\n\t\t".join(c.name for c in v) for k, v in unknown.items())
        raise ValueError(f"The model ('{m.name}') contains the following active components that the Linear Standard "
                         f"Form compiler does not know how to process:\n\t{listed}")
    objectives = [o for blk in component_map[Objective]
                  for o in blk.component_data_objects(Objective, active=True, descend_into=False, sort=sorter)]
    if len(objectives) != 1:
        raise ValueError(f"expected one active objective, got {len(objectives)}")
    constraints = list(m.component_data_objects(Constraint, active=True, sort=sorter))
    if hasattr(objectives[0], "template_expr") or any(hasattr(c, "template_expr") for c in constraints):
        return _through_pyomo(m)
    recorder = _ColumnRecorder(sorter)
    visitor = _FlatLinearVisitor({}, var_recorder=recorder)
    objective = objectives[0]
    obj_linear, offset = visitor.linear(objective.expr)
    if obj_linear is None:
        raise InvalidExpressionError(f"Model objective ({objective.name}) contains nonlinear terms that cannot be "
                                     "compiled to standard (linear) form.")
    rows, linears, lower, upper = [], [], [], []
    linear_of = visitor.linear
    for con in constraints:
        lb, body, ub = con.to_bounded_expression()
        if lb.__class__ not in native_types:
            lb = value(lb)
        if ub.__class__ not in native_types:
            ub = value(ub)
        linear, const = linear_of(body)
        if linear is None:
            raise InvalidConstraintError(f"Model constraint ({con.name}) contains nonlinear terms that cannot be "
                                         "compiled to standard (linear) form.")
        if lb is None and ub is None:
            continue
        if not linear and const.__class__ in native_types:
            if (lb is None or lb <= const) and (ub is None or ub >= const):
                continue
            raise InfeasibleConstraintException(f"model contains a trivially infeasible constraint, '{con.name}'")
        rows.append(con)
        linears.append(linear)
        if lb == ub:
            lower.append(ub - const)
            upper.append(ub - const)
        else:
            upper.append(INF if ub is None else ub - const)
            lower.append(-INF if lb is None else lb - const)
    var_map = recorder.var_map
    n = len(var_map)
    A = _csc(linears, var_map, n)
    c = _csc([obj_linear], var_map, n)
    lower, upper = np.array(lower, dtype=float), np.array(upper, dtype=float)
    columns = list(var_map.values())
    active = (np.diff(A.indptr) > 0) | (np.diff(c.indptr) > 0)
    fixed = np.fromiter(map(_fixed, columns), dtype=bool, count=n) & active
    offset = np.array([offset])
    if fixed.any():  # as Pyomo's compiler: products of the fixed columns moved to the bounds and the offset
        x = np.array([columns[j].value for j in np.flatnonzero(fixed)])
        offset = offset + c[:, fixed] @ x
        shift = A[:, fixed] @ x
        lower, upper = lower - shift, upper - shift
        active &= ~fixed
    if not active.all():
        A, c = A[:, active], c[:, active]
        columns = [v for k, v in zip(active.tolist(), columns, strict=True) if k]
    cost = np.asarray(c.toarray()[0], dtype=float)
    col_lower, col_upper = column_bounds(columns)
    place = np.cumsum(active) - 1  # var_map place -> column, -1 where the variable is not a column
    place[~active] = -1
    return StandardForm(cols=columns, rows=rows, A=A, lower=lower, upper=upper, cost=cost, offset=float(offset[0]),
                        col_lower=col_lower, col_upper=col_upper, maximize=objective.sense == pyo.maximize,
                        component_cols={k: place[a:b] for k, (a, b) in recorder.spans.items()})


_fixed = attrgetter("fixed")


def _csc(linears: list[dict], var_map: dict, n_cols: int) -> scipy.sparse.csc_array:
    """Rows of ``{id(var): coefficient}`` as a CSC matrix over the columns of ``var_map`` (in its order); entries of
    a column sorted by row, as Pyomo's compiler gives them."""
    lengths = np.fromiter(map(len, linears), dtype=np.int64, count=len(linears))
    indptr = np.zeros(len(linears) + 1, dtype=np.int64)
    np.cumsum(lengths, out=indptr[1:])
    nnz = int(indptr[-1])
    ids = np.fromiter(chain.from_iterable(linears), dtype=np.int64, count=nnz)
    data = np.fromiter(chain.from_iterable(map(dict.values, linears)), dtype=np.float64, count=nnz)
    col_ids = np.fromiter(var_map, dtype=np.int64, count=n_cols)
    order = np.argsort(col_ids)
    index = order[np.searchsorted(col_ids, ids, sorter=order)].astype(np.int32)
    A = scipy.sparse.csr_array((data, index, indptr.astype(np.int32)), shape=(len(linears), n_cols)).tocsc()
    A.eliminate_zeros()
    return A


def _through_pyomo(m: pyo.ConcreteModel) -> StandardForm:
    """Pyomo's own compiler, for a model with templated components; ranged rows merged into one."""
    info = LinearStandardFormCompiler().write(m, mixed_form=True, set_sense=None)
    if len(info.objectives) != 1:
        raise ValueError(f"expected one active objective, got {len(info.objectives)}")
    rhs = np.asarray(info.rhs, dtype=float)
    keep, lower, upper, rows = [], [], [], []
    i, n = 0, len(info.rows)
    while i < n:
        con, kind = info.rows[i]
        step = 1
        if kind == 0:
            lo = up = rhs[i]
        elif kind == 1:
            lo, up = -INF, rhs[i]
            if i + 1 < n and info.rows[i + 1].constraint is con and info.rows[i + 1].bound_type == -1:
                lo, step = rhs[i + 1], 2  # a ranged row, compiled as two: one row
        else:
            lo, up = rhs[i], INF
        keep.append(i)
        lower.append(lo)
        upper.append(up)
        rows.append(con)
        i += step
    A = info.A.tocsr()[keep].tocsc() if len(keep) < n else info.A
    cols = list(info.columns)
    col_lower, col_upper = column_bounds(cols)
    return StandardForm(cols=cols, rows=rows, A=A, lower=np.array(lower, dtype=float),
                        upper=np.array(upper, dtype=float), cost=np.asarray(info.c.toarray()[0], dtype=float),
                        offset=float(info.c_offset[0]), col_lower=col_lower, col_upper=col_upper,
                        maximize=info.objectives[0].sense == pyo.maximize)


def column_bounds(cols: list) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper bounds of the columns, -inf/inf where there is none: what `VarData.lb` and `.ub` give (the
    tighter of the variable's own bound and its domain's), read for all columns at once. A variable of another
    class, or a bound that is not a plain finite number (a parameter, an expression, inf), is read through
    `lb`/`ub` themselves."""
    n = len(cols)
    if not set(map(type, cols)) <= {VarData, ScalarVar}:
        return (np.array([-INF if v.lb is None else float(v.lb) for v in cols], dtype=float),
                np.array([INF if v.ub is None else float(v.ub) for v in cols], dtype=float))
    domains: dict[int, tuple] = {}
    code = np.fromiter((domains.setdefault(id(d), (len(domains), d))[0] for d in map(_domain, cols)),
                       dtype=np.int64, count=n)
    bounds = [d.bounds() for _, d in sorted(domains.values(), key=lambda x: x[0])]
    out = []
    for k, raw, none_is, tighter, read in ((0, _lb, -INF, np.maximum, _read_lb), (1, _ub, INF, np.minimum, _read_ub)):
        own = np.array(list(map(raw, cols)), dtype=object)
        none = own == None  # noqa: E711 (element by element)
        values = np.where(none, np.nan, own)
        plain = none | np.fromiter(map(_is_number, values), dtype=bool, count=n)
        values = np.where(plain, values, np.nan).astype(float)
        plain &= none | np.isfinite(values)
        domain = np.array([none_is if b[k] is None else float(b[k]) for b in bounds], dtype=float)[code]
        col = np.where(none, domain, tighter(values, domain))
        for j in np.flatnonzero(~plain):
            col[j] = read(cols[j])
        out.append(col)
    return out[0], out[1]


_domain, _lb, _ub = attrgetter("_domain"), attrgetter("_lb"), attrgetter("_ub")


def _is_number(x) -> bool:
    return x.__class__ in native_numeric_types


def _read_lb(v) -> float:
    return -INF if v.lb is None else float(v.lb)


def _read_ub(v) -> float:
    return INF if v.ub is None else float(v.ub)
