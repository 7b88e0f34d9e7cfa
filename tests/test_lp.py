"""planner's compile (`planner.solver.lp`) gives what Pyomo's own `LinearStandardFormCompiler` gives, array for array.

`standard_form` reads each row through Pyomo's public `generate_standard_repn`; these tests hold it to Pyomo's
standard-form compiler: the same columns and rows in the same order, the same sparsity, and coefficients, right-hand
sides and objective equal to the last bits (a coefficient summed from two parts, as ``a - p * b`` with a variable in
both, may differ in its last unit: the two add the parts in another order), on every shipped case, its elastic copy,
hand-made models (repeats, zeros, constants, ranged rows, fixed variables, parameters) and random ones. Column bounds
are held to `VarData.lb` and `.ub`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyomo.environ as pyo
import pytest
from pyomo.core.expr.numeric_expr import LinearExpression
from pyomo.repn.plugins.standard_form import LinearStandardFormCompiler

import planner
from planner.model import build_model, derive
from planner.solver.lp import INF, compile_lp, standard_form

CASES = sorted((Path(__file__).resolve().parent.parent / "cases").glob("*.toml"))


def pyomo_reference(m):
    """Pyomo's compiler in mixed form, its two rows of a ranged constraint (upper, then lower) made one."""
    info = LinearStandardFormCompiler().write(m, mixed_form=True, set_sense=None)
    first: dict[int, int] = {}  # id(constraint) -> the first of its compiled rows
    lower, upper, keep = [], [], []
    for i, (con, kind) in enumerate(info.rows):
        b = float(info.rhs[i])
        if id(con) in first:  # the second half of a ranged row: its lower bound
            lower[first[id(con)]] = b
            continue
        first[id(con)] = len(keep)
        keep.append(i)
        lower.append(b if kind in (0, -1) else -INF)
        upper.append(b if kind in (0, 1) else INF)
    return info, info.A.tocsr()[keep].tocsc(), np.array(lower), np.array(upper), [info.rows[i][0] for i in keep]


def close(a, b) -> bool:
    """Equal but for rounding in the last bits: 1e-14 of the larger, or of the array's largest entry."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    scale = max(1.0, float(np.abs(a[np.isfinite(a)]).max(initial=0.0)))
    same_inf = (a == b) | (np.isfinite(a) & np.isfinite(b))
    return bool(same_inf.all() and np.allclose(np.nan_to_num(a), np.nan_to_num(b), rtol=1e-14, atol=1e-14 * scale))


def assert_same_as_pyomo(m):
    info, A, lower, upper, rows = pyomo_reference(m)
    got = standard_form(m)
    assert [id(v) for v in got.cols] == [id(v) for v in info.columns]
    assert [id(r) for r in got.rows] == [id(r) for r in rows]
    assert A.shape == (len(got.rows), len(got.cols))
    A.sort_indices()
    assert np.array_equal(got.start, A.indptr) and np.array_equal(got.index, A.indices)  # the same sparsity
    assert close(got.value, A.data)  # entry for entry (compared sparse: the district case has 3.5e9 cells)
    c = info.c.tocsc()
    assert c.shape == (1, len(got.cols)) and close(got.cost, c.toarray().ravel())
    assert close(got.lower, lower) and close(got.upper, upper)
    assert close([got.offset], [float(info.c_offset[0])])
    assert np.array_equal(got.col_lower, [-INF if v.lb is None else v.lb for v in got.cols])
    assert np.array_equal(got.col_upper, [INF if v.ub is None else v.ub for v in got.cols])
    return got


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_shipped_cases_compile_as_pyomo_compiles_them(path):
    p = derive(planner.load(path))
    assert_same_as_pyomo(build_model(p))
    if path.stem != "districts":  # the elastic copy has the same rows at any size: the 3-region cases check it (7 s)
        assert_same_as_pyomo(build_model(p, elastic=True))


def test_shipped_case_column_bounds_are_the_variables_bounds():
    lp = compile_lp(build_model(derive(planner.load(CASES[0]))))
    assert np.array_equal(lp.col_lower, [-INF if v.lb is None else v.lb for v in lp.cols])
    assert np.array_equal(lp.col_upper, [INF if v.ub is None else v.ub for v in lp.cols])


def _model():
    m = pyo.ConcreteModel()
    m.I = pyo.Set(initialize=[1, 2, 3])
    m.x = pyo.Var(m.I, bounds=(0, 10))
    m.y = pyo.Var(m.I, domain=pyo.Reals)
    m.z = pyo.Var()  # a scalar
    m.late = pyo.Var(m.I, domain=pyo.NonNegativeReals)  # first met in a later row: its columns come later
    m.p = pyo.Param(mutable=True, initialize=2.5)
    m.zero = pyo.Param(mutable=True, initialize=0.0)
    m.minus = pyo.Param(mutable=True, initialize=-1)
    m.obj = pyo.Objective(expr=LinearExpression(constant=3.0, linear_coefs=[1.0, 2.0, 0.5],
                                                linear_vars=[m.x[1], m.y[2], m.z]))
    return m


def lin(const, coefs, variables):
    return LinearExpression(constant=const, linear_coefs=coefs, linear_vars=variables)


def test_flat_rows_with_repeats_zeros_and_constants():
    m = _model()
    m.c1 = pyo.Constraint(expr=lin(1.5, [1.0, 0.1, 0.2, 0.3], [m.x[1], m.y[1], m.y[1], m.y[1]]) <= 4)  # summed
    m.c2 = pyo.Constraint(expr=lin(0.0, [0.0, 2.0], [m.y[3], m.x[2]]) >= -1)  # a zero coefficient: no entry
    m.c3 = pyo.Constraint(expr=lin(0.0, [1.0, -1.0, 2.0], [m.x[3], m.x[3], m.z]) == 0)  # cancels to nothing
    m.c4 = pyo.Constraint(expr=pyo.inequality(-2, lin(7.0, [1.0, 1.0], [m.late[2], m.x[1]]), 9))  # ranged
    m.c5 = pyo.Constraint(expr=LinearExpression([0.25, m.x[2], 3.0 * m.y[2], -0.5]) <= 1)  # a bare variable
    m.c6 = pyo.Constraint(expr=lin(0.0, [0.0], [m.y[3]]) + 1.0 <= 5)  # only a zero term: a constant row, dropped
    got = assert_same_as_pyomo(m)
    assert len(got.rows) == 5  # c6 is a constant row, left out


def test_sums_of_levels_negations_and_parameter_products():
    m = _model()
    a = lin(100.0, [1.0, 2.0], [m.x[1], m.x[2]])
    b = lin(80.0, [0.5, 0.25], [m.x[2], m.y[1]])
    empty = lin(55.0, [], [])
    m.bound = pyo.Constraint(expr=a <= b)  # a - b: a negated level
    m.share = pyo.Constraint(expr=a - m.p * b >= 0)  # minus a parameter times a level
    m.zero_p = pyo.Constraint(expr=a - m.zero * b >= 0)  # a parameter at 0: its level adds nothing
    m.minus_p = pyo.Constraint(expr=a - m.minus * b >= 0)  # a parameter at -1: the product's multiplier is 1
    m.const = pyo.Constraint(expr=a - empty <= 0)  # a level with no variable is a constant
    m.const_p = pyo.Constraint(expr=a - m.p * empty <= 0)
    m.mixed = pyo.Constraint(expr=m.z - b + 3.0 * m.late[3] + 4.0 <= 0)  # a variable and a term in the sum
    m.grid = pyo.Constraint(expr=m.y[3] == b)
    m.repeat = pyo.Constraint(expr=lin(0.0, [1.0], [m.y[1]]) - b >= 0)  # y[1] in both parts: summed
    assert_same_as_pyomo(m)


def test_fixed_variables_parameters_and_nested_products():
    m = _model()
    m.x[3].fix(4.0)  # a fixed variable of a recorded component: a column that the compiler folds into the bounds
    m.w = pyo.Var(initialize=2.0)
    m.w.fix()  # a fixed variable met first: a constant
    m.f1 = pyo.Constraint(expr=lin(0.0, [1.0, 2.0], [m.x[3], m.y[1]]) <= 8)
    m.f2 = pyo.Constraint(expr=lin(0.0, [1.0, 3.0], [m.w, m.y[2]]) <= 8)
    m.param_coef = pyo.Constraint(expr=LinearExpression([m.p * m.y[1], m.x[1]]) <= 3)
    m.npv_const = pyo.Constraint(expr=LinearExpression([-m.p, m.x[1]]) <= 3)
    m.nested = pyo.Constraint(expr=2.0 * (m.x[1] + m.y[2]) - (m.y[3] + 1.0) * 3.0 <= 7)
    assert_same_as_pyomo(m)


def test_a_level_extended_after_its_use_is_read_without_the_extension():
    """Pyomo's ``e + x`` may append x to e's own argument list and share it: e then reads as before (``e.args``), and
    so must the short cut, for e alone, inside a sum, and beside the extended sum (a level used in one row and, with
    a target's value subtracted, in another)."""
    m = _model()
    level = lin(40.0, [1.0, 2.0], [m.x[1], m.x[2]])
    long_level = LinearExpression(constant=5.0, linear_coefs=[0.5] * 14, linear_vars=[m.late[1], m.y[2]] * 7)
    m.extended = pyo.Constraint(expr=level - m.p <= 0)  # appends -p to level's list
    m.longer = pyo.Constraint(expr=long_level + m.x[3] <= 9)  # appends x[3] to long_level's list
    assert len(level._args_) > level.nargs() and len(long_level._args_) > long_level.nargs()
    m.alone = pyo.Constraint(expr=level <= 50)
    m.alone_long = pyo.Constraint(expr=long_level <= 50)
    m.in_sum = pyo.Constraint(expr=level - long_level >= 0)
    got = assert_same_as_pyomo(m)
    row = {id(r): i for i, r in enumerate(got.rows)}
    assert got.upper[row[id(m.alone)]] == 10.0  # 50 - 40: no -2.5 from the extension
    assert got.upper[row[id(m.alone_long)]] == 45.0


def _random_model(draw):
    """A model of random rows in the shapes the short cut reads and the ones it leaves to the walker."""
    from hypothesis import strategies as st
    from pyomo.core.expr.numeric_expr import (
        MonomialTermExpression,
        NegationExpression,
        ProductExpression,
        SumExpression,
    )

    m = pyo.ConcreteModel()
    m.x = pyo.Var(range(6), bounds=(-5, 5))
    m.y = pyo.Var(range(4), domain=pyo.NonNegativeReals)
    m.z = pyo.Var()
    m.p = pyo.Param(range(4), mutable=True, initialize={0: 2.5, 1: 0.0, 2: -1, 3: 1e-3})
    for j in draw(st.sets(st.integers(0, 5), max_size=2)):
        m.x[j].fix(draw(st.sampled_from([0.0, 1.5, -2.0])))
    variables = [*m.x.values(), *m.y.values(), m.z]
    coef = st.sampled_from([1.0, -1.0, 0.0, 2.5, 1e-9, 3, -0.1])
    var = st.sampled_from(variables)
    param = st.sampled_from(list(m.p.values()))
    term = st.one_of(
        st.builds(lambda c, v: MonomialTermExpression((c, v)), coef, var),
        st.builds(lambda p, v: MonomialTermExpression((p, v)), param, var),  # a parameter coefficient: the walker
        var,
        st.sampled_from([0.5, -2.0, 7]),
        param,
        st.builds(lambda p: -p, param),
    )
    m.w = pyo.Var(range(5))  # recorded by the objective: long rows of native terms on it take the C loops
    w = st.sampled_from(list(m.w.values()))
    native = st.one_of(st.builds(lambda c, v: MonomialTermExpression((c, v)), coef, w), st.sampled_from([0.25, -3.0]))
    flat = st.one_of(
        st.builds(lambda args: LinearExpression(args=args), st.lists(term, min_size=0, max_size=18)),
        st.builds(lambda args: LinearExpression(args=args), st.lists(native, min_size=10, max_size=20)),
    )
    part = st.one_of(
        flat,
        st.builds(lambda e: NegationExpression((e,)), flat),
        st.builds(lambda p, e: NegationExpression((ProductExpression((p, e)),)), param, flat),
        term,
    )
    body = st.one_of(flat, st.builds(lambda args: SumExpression(args), st.lists(part, min_size=1, max_size=5)))
    m.obj = pyo.Objective(expr=draw(flat) + m.w[0])
    m.rows = pyo.ConstraintList()
    for _ in range(draw(st.integers(1, 8))):
        e = draw(body)
        kind = draw(st.sampled_from(["le", "ge", "eq", "range", "extend"]))
        if kind == "extend" and e.__class__ is LinearExpression:
            m.rows.add(e + m.z <= 3)  # may append to e's own list: e is then read without it
        m.rows.add({"le": e <= 4, "ge": e >= -4, "eq": e == 1, "range": pyo.inequality(-9, e, 9),
                    "extend": e <= 2}[kind])
    return m


def assert_same_lp(m):
    """The same LP as Pyomo's compiler gives, in any order: the same entries by (row, variable), bounds, costs. A row
    Pyomo keeps with no entry left (its terms cancel, or are fixed) is left out here when it holds at zero, and is
    `InfeasibleConstraintException` when it does not."""
    from pyomo.common.errors import InfeasibleConstraintException

    info, A, lower, upper, rows = pyomo_reference(m)
    empty = np.diff(A.tocsr().indptr) == 0  # rows left with no entry (terms cancelled, or fixed variables only)
    try:
        got = standard_form(m)
    except InfeasibleConstraintException:  # Pyomo keeps such a row, which then does not hold at zero: infeasible too
        assert ((lower[empty] > 1e-12) | (upper[empty] < -1e-12)).any()
        return
    theirs = {}
    coo = A.tocoo()
    for i, j, a in zip(coo.row, coo.col, coo.data, strict=True):
        if a != 0:
            theirs[id(rows[i]), id(info.columns[j])] = a
    ours = {}
    for j, v in enumerate(got.cols):
        for k in range(got.start[j], got.start[j + 1]):
            ours[id(got.rows[got.index[k]]), id(v)] = got.value[k]
    assert ours.keys() == theirs.keys()
    assert close([ours[k] for k in ours], [theirs[k] for k in ours])
    kept = {r for r, _ in ours}
    for r, lo, up in zip(rows, lower, upper, strict=True):
        if id(r) not in kept:
            assert lo <= 1e-12 and up >= -1e-12, r.name
    at = {id(r): i for i, r in enumerate(got.rows)}
    both = [i for i, r in enumerate(rows) if id(r) in at]
    assert close(got.lower[[at[id(rows[i])] for i in both]], lower[both])
    assert close(got.upper[[at[id(rows[i])] for i in both]], upper[both])
    cost = dict(zip(map(id, info.columns), info.c.toarray()[0], strict=True))
    assert close(got.cost, [cost[id(v)] for v in got.cols])
    assert close([got.offset], [float(info.c_offset[0])])


def test_random_models_compile_as_pyomo_compiles_them():
    """Random rows (flat expressions up to 18 terms, sums of negated and parameter-scaled parts, repeated and fixed
    variables, zero and parameter coefficients, shared argument lists) give Pyomo's arrays, or the same error Pyomo's
    compiler raises."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st
    from pyomo.common.errors import InfeasibleConstraintException

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.data())
    def check(data):
        m = _random_model(data.draw)
        try:
            pyomo_reference(m)
        except (InfeasibleConstraintException, ValueError) as err:
            with pytest.raises(type(err)):
                standard_form(m)
            return
        assert_same_lp(m)

    check()


def test_columns_of_build_and_stock_are_the_lookups():
    """`lp.columns_of` reads a whole Var in its index's order; it gives what looking up each variable gives, for build
    and stock of the shipped case, also with a stock variable fixed (not a column), and for part of the index."""
    from planner.solver.lp import columns_of

    m = build_model(derive(planner.load(CASES[0])))
    p = m.params
    keys = [(r, ms, t) for r, ms in p.pairs for t in p.years]
    assert keys == list(m.build.keys()) == list(m.stock.keys())
    m.stock[keys[40]].fix(0.0)
    lp = compile_lp(m)
    for var in (m.build, m.stock):
        want = np.array([lp.col_of.get(id(var[k]), -1) for k in keys])
        assert np.array_equal(columns_of(lp, var, keys), want)
        assert np.array_equal(columns_of(lp, var, keys[5:90]), want[5:90])
    assert columns_of(lp, m.stock, keys)[40] == -1 and (columns_of(lp, m.build, keys) >= 0).sum() > 1000


def test_the_run_imports_no_scipy():
    """`planner run` compiles without scipy: Pyomo's deferred scipy import would load scipy.stats, scipy.integrate
    and scipy.spatial (about a second of every run)."""
    import subprocess
    import sys

    code = ("import sys, planner; planner.run(sys.argv[1]); "
            "print(sorted(m for m in sys.modules if m == 'scipy' or m.startswith('scipy.')))")
    out = subprocess.run([sys.executable, "-c", code, str(CASES[0])], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
