"""Deployment and stock: the decision variable, the stock it builds up, and the potential bounds.

Decision ``build[r, m, t] >= 0``: units of measure m newly deployed in region r in model year t, only for the
(r, m) pairs with a row in potentials.csv (a measure with no potential in a region cannot be built there).

Stock (an expression, not a variable)::

    stock[r, m, t] = sum(build[r, m, tau] for tau in T if t - lifetime[m] < tau <= t)

Potential bounds, every model year t::

    min_stock[r, m] <= stock[r, m, t] <= max_stock[r, m]        (constraint stock_bounds)
    build[r, m, t] <= max_build[r, m]                            (variable bound, where given)
    build[r, m, t] = 0                       for t < first_year[r, m] (variable bound: not yet available)
"""

from __future__ import annotations

import pyomo.environ as pyo

from .params import Params


def add_variables(m: pyo.ConcreteModel, p: Params) -> None:
    def bounds(_, r, ms, t):
        return (0.0, 0.0 if t < p.first_build[r, ms] else p.max_build[r, ms])

    m.build = pyo.Var(m.RM, m.T, domain=pyo.NonNegativeReals, bounds=bounds)


def add_expressions(m: pyo.ConcreteModel, p: Params) -> None:
    def stock(_, r, ms, t):
        life = p.lifetime[ms]
        return pyo.quicksum(m.build[r, ms, tau] for tau in p.years if t - life < tau <= t)

    m.stock = pyo.Expression(m.RM, m.T, rule=stock)


def add_constraints(m: pyo.ConcreteModel, p: Params) -> None:
    def stock_bounds(_, r, ms, t):
        return (p.min_stock[r, ms], m.stock[r, ms, t], p.max_stock[r, ms])

    m.stock_bounds = pyo.Constraint(m.RM, m.T, rule=stock_bounds)
