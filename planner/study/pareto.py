"""Pareto fronts by the epsilon-constraint method: least cost against a cap on an emission measure.

The measure is a weighted sum of city indicator levels in one year, ``E = sum_i w_i * L(i, year)``:

- ``co2``: ``w = {co2: 1}`` (t CO2);
- ``air_pe``: the air pollutants of pollution_equivalents.csv (SO2, NOx, PM, NH3) in pollution equivalents,
  ``w_i = 1000 / kg_per_equivalent_i`` for indicators in tonnes (环境保护税法 annex 2 weights).

The model is built once with the user's hook plus one row ``E <= epsilon`` (a mutable parameter) and compiled to
HiGHS. Two anchor solves give the ends of the front: least cost (epsilon free: E at its cost-optimal level) and least
E (the same targets, objective E; the tightest point caps E at that least value plus a millionth of it). Between
them ``points`` values of epsilon are solved warm, in place. The marginal cost along the front is the dual of the
epsilon row, in yuan of ``year`` per unit of E: it rises as the cap tightens. Every target of the case still holds at
every point.

With a peak target every solve is the two-stage solve of `planner.solver.compiled`: the peak's no-peak path is the
case's least-cost solution without its peaks (neither the cap nor the least-E objective), the same at every point, so a
point re-solves the second stage only.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pyomo.core as pyo  # not pyomo.environ: its solver and transformation plugins cost 0.12 s of import
import scipy.sparse as sp

from ..base.errors import InputError, Problem
from ..inputs.case import Case, load_case
from ..inputs.load import CITY, load
from ..model import build_model, derive
from ..model.indicators import level
from ..solver.compiled import compile_model

AIR = ("so2", "nox", "pm", "nh3")


def weights(case: Case, measure: str) -> dict[str, float]:
    if measure == "co2":
        return {"co2": 1.0}
    if measure == "air_pe":
        data = load(case)
        pe = data.tables["pollution_equivalents"]
        units = dict(zip(data.indicators["indicator_id"], data.indicators["unit"], strict=True))
        kg = {"t": 1000.0, "kt": 1e6, "kg": 1.0}
        return {i: kg[units[i]] / float(k) for i, k in zip(pe["indicator_id"], pe["kg_per_equivalent"], strict=True)
                if i in AIR and units.get(i) in kg}
    raise ValueError(f"measure must be co2 or air_pe, got {measure!r}")


def front(case: Case | str, measure: str = "co2", year: int = 2030, points: int = 11,
          extra: Callable | None = None) -> pd.DataFrame:
    """The cost-emission front: one row per epsilon, from the least-cost E down to the least E reachable.

    Columns: ``epsilon``, ``status``, ``objective`` (yuan), ``emission`` (E at the optimum), ``marginal_cost``
    (yuan of ``year`` per unit of E), ``measure``, ``year``."""
    if not isinstance(case, Case):
        case = load_case(case)
    problems = []
    if measure not in ("co2", "air_pe"):
        problems.append(Problem("measure", "", f"expected co2 or air_pe, got {measure!r}"))
    if isinstance(points, bool) or not isinstance(points, int) or points < 2:
        problems.append(Problem("points", "", "expected a whole number >= 2 (the two ends of the front and the "
                                f"points between), got {points!r}"))
    if isinstance(year, bool) or not isinstance(year, int) or year not in case.years:
        problems.append(Problem("year", "", f"expected a model year {case.first_year}-{case.last_year}, got "
                                f"{year!r}"))
    if problems:
        raise InputError(problems)
    data = load(case)
    p = derive(data)
    w = weights(case, measure)

    def emission(m):
        return pyo.quicksum(wi * level(m, p, i, CITY, year) for i, wi in w.items())

    def with_cap(m, p_):
        if extra is not None:
            extra(m, p_)
        m.epsilon_value = pyo.Param(mutable=True, initialize=0.0)
        m.epsilon = pyo.Constraint(expr=emission(m) <= m.epsilon_value)

    # With a peak target the solve is in two stages (`planner.solver.compiled`); the first stage is the case itself
    # without its peaks and without the cap (least cost, the user's hook), which the compiled model frees the epsilon
    # row for.
    m = build_model(p, extra=with_cap)
    fast = compile_model(m, movable={"epsilon": (m.epsilon_value, m.epsilon)})
    row = fast.moves["epsilon"][0].row
    fast.set_target_enabled("epsilon", False)  # the least-cost anchor: no cap
    start = fast.solve()
    coef, const = _emission_row(fast)
    low = None
    if start.status == "optimal":  # the least-E anchor: the same rows (and peak limits), objective E instead of cost
        cost = np.asarray(fast.h.getLp().col_cost_).copy()
        cols = np.arange(fast.n_cols, dtype=np.int32)
        fast.h.changeColsCost(fast.n_cols, cols, coef)
        low = fast._run()
        fast.h.changeColsCost(fast.n_cols, cols, cost)
    if start.status != "optimal" or low.status != "optimal":
        raise RuntimeError(f"the anchors of the front did not solve: least cost {start.status}, "
                           f"least {measure} {low.status if low is not None else 'not run'}")
    def e_of(x):
        return float(coef @ x + const)

    # A cap at exactly the least E asks HiGHS for a point on the edge of the feasible set, which its tolerances can
    # call infeasible on the shipped case: the tightest point of the front is the least E plus a millionth of it.
    e_high, e_low = e_of(start.x), e_of(low.x)
    e_low += 1e-6 * abs(e_low)
    df_year = (1 + p.rate) ** -(year - p.base_year)
    records = []
    for eps in np.linspace(e_high, e_low, points):
        fast.set_target_value("epsilon", float(eps))
        fs = fast.solve()
        rec = {"measure": measure, "year": year, "epsilon": float(eps), "status": fs.status,
               "objective": fs.objective, "emission": None, "marginal_cost": None}
        if fs.status == "optimal":
            rec["emission"] = e_of(fs.x)
            rec["marginal_cost"] = max(0.0, -float(fs.row_dual[row])) / df_year
        records.append(rec)
    return pd.DataFrame.from_records(records)


def _emission_row(fast) -> tuple[np.ndarray, float]:
    """E's coefficients on the HiGHS columns and its constant, read from the compiled epsilon row (its bound holds
    E's constant, moved over by the compiler)."""
    mv = fast.moves["epsilon"][0]
    a = fast.h.getLp().a_matrix_
    A = sp.csc_matrix((np.asarray(a.value_), np.asarray(a.index_), np.asarray(a.start_)),
                      shape=(fast.n_rows, fast.n_cols))
    return np.asarray(A.getrow(mv.row).todense()).ravel(), mv.const0
