"""Deployment and stock: the decision variable, the stock it builds up, and the potential bounds.

Decision ``build[r, m, t] >= 0``: units of measure m newly deployed in region r in model year t, only for the
(r, m) pairs with a row in potentials.csv (a measure with no potential in a region cannot be built there).

Stock is a variable of its own, carried from year to year (constraint ``stock_balance``), every model year t::

    stock[r, m, t] = stock[r, m, t-1] + build[r, m, t] - build[r, m, t - lifetime[m]]

with ``stock[r, m, t0 - 1] = 0`` before the first model year and ``build[r, m, tau]`` a term only where tau is a model
year (a unit retires ``lifetime`` years after it is built). This is the same number as the sum of the units built in
the last ``lifetime`` years; written as a balance, each row has at most four terms whatever the horizon, so the LP's
nonzeros grow linearly in the number of years (a sum would grow as T x lifetime).

Indicators that accumulate (forest stock volume grows every year a planted hectare stands) read stock-years, for the
pairs whose measure moves such an indicator (set ``RMA``; constraint ``stood_balance``)::

    stood[r, m, t] = stood[r, m, t-1] + stock[r, m, t]          (stood before the first model year = 0)

so a unit built in tau counts ``min(t - tau + 1, lifetime)`` in year t (`Params.weight`).

Potential bounds, every model year t (bounds of the variables, not rows)::

    min_stock[r, m] <= stock[r, m, t] <= max_stock[r, m]
    build[r, m, t] <= max_build[r, m]                            (where given)
    build[r, m, t] = 0                       for t < first_year[r, m] (not yet available)

The reduced cost of ``stock[r, m, t]`` at its bound is the marginal value of the potential in year t (what a row
``min_stock <= stock <= max_stock`` would have as its dual); `planner.solve` reports it as such.
"""

from __future__ import annotations

import pyomo.core as pyo  # not pyomo.environ: its solver and transformation plugins cost 0.12 s of import
from pyomo.core.expr.numeric_expr import LinearExpression

from .params import Params


def accumulating_pairs(p: Params) -> list[tuple[str, str]]:
    """The (region, measure) pairs that move an accumulating indicator in some region (own effect or grid flow)."""
    grid = any(p.accumulates[i] for i in p.thermal_moved)  # the grid moves an accumulating indicator (not shipped)
    return [rm for rm in p.pairs if any(p.accumulates[i] for i in p.effects.get(rm, {}))
            or (grid and rm in p.thermal_delta)]


def add_variables(m: pyo.ConcreteModel, p: Params) -> None:
    def build_bounds(_, r, ms, t):
        return (0.0, 0.0 if t < p.first_build[r, ms] else p.max_build[r, ms])

    m.build = pyo.Var(m.RM, m.T, domain=pyo.NonNegativeReals, bounds=build_bounds)
    m.stock = pyo.Var(m.RM, m.T, bounds=lambda _, r, ms, t: (p.min_stock[r, ms], p.max_stock[r, ms]))
    m.RMA = pyo.Set(initialize=accumulating_pairs(p), dimen=2, ordered=True)
    m.stood = pyo.Var(m.RMA, m.T)  # free: it equals a sum of stocks, and a bound would only add duals


def add_constraints(m: pyo.ConcreteModel, p: Params) -> None:
    first, years = p.years[0], set(p.years)

    def row(coefs: list, variables: list):  # sum(coefs * variables) == 0, one linear expression (an equality made
        # with == is a third quicker for Pyomo to store than the (0, body, 0) tuple)
        return LinearExpression(constant=0.0, linear_coefs=coefs, linear_vars=variables) == 0.0

    def balance(_, r, ms, t):  # stock[t] - stock[t-1] - build[t] + build[t-L] == 0
        coefs, variables = [1.0, -1.0], [m.stock[r, ms, t], m.build[r, ms, t]]
        if t > first:
            coefs.append(-1.0)
            variables.append(m.stock[r, ms, t - 1])
        if t - p.lifetime[ms] in years:
            coefs.append(1.0)
            variables.append(m.build[r, ms, t - p.lifetime[ms]])
        return row(coefs, variables)

    def stood(_, r, ms, t):  # stood[t] - stood[t-1] - stock[t] == 0
        if t > first:
            return row([1.0, -1.0, -1.0], [m.stood[r, ms, t], m.stood[r, ms, t - 1], m.stock[r, ms, t]])
        return row([1.0, -1.0], [m.stood[r, ms, t], m.stock[r, ms, t]])

    m.stock_balance = pyo.Constraint(m.RM, m.T, rule=balance)
    m.stood_balance = pyo.Constraint(m.RMA, m.T, rule=stood)
