"""Indicator levels: every quantity a target talks about is affine in the deployment.

For an indicator i that does not accumulate::

    level[r, i, t] = baseline[r, i, t] + sum_m effect[r, m, i] * stock[r, m, t]

For an accumulating indicator (forest stock volume grows every year a planted hectare stands)::

    level[r, i, t] = baseline[r, i, t] + sum_m effect[r, m, i] * sum(stock[r, m, tau] for model years tau <= t)

Both are written directly in ``build`` with the weight of ``build[r, m, tau]`` in year t (`Params.weight`): 1 while
the unit stands (stock), or the number of years it has stood (stock-years). ``effect[r, m, i]`` is the region's own
row in effects.csv if there is one, else the all-region row; a measure that moves electricity also moves the
thermal output of the city grid, booked to every region by its thermal share (`electricity.py`), so the sum runs over
the region where a unit is built, which need not be r. Before the first model year the level is the baseline.
"""

from __future__ import annotations

import pyomo.environ as pyo
from pyomo.core.expr.numeric_expr import LinearExpression

from .params import Params


def add_expressions(m: pyo.ConcreteModel, p: Params) -> None:
    def level(_, r, i, t):
        coefs, variables = [], []
        for rb, ms, e in p.acting.get((r, i), ()):
            for tau in p.years:
                w = p.weight(ms, i, tau, t) if tau <= t else 0.0
                if w:
                    coefs.append(e * w)
                    variables.append(m.build[rb, ms, tau])
        return LinearExpression(constant=p.baseline[r, i, t], linear_coefs=coefs, linear_vars=variables)

    m.level = pyo.Expression(m.R, m.I, m.T, rule=level)


def level(m: pyo.ConcreteModel, p: Params, i: str, scope: str, year: int):
    """Level of indicator i summed over the target's scope in ``year`` (a constant before the model years)."""
    if year < p.years[0]:
        return p.baseline_sum(i, scope, year)
    return pyo.quicksum(m.level[r, i, year] for r in p.scope_regions(scope))
