"""Indicator levels: every quantity a target talks about is affine in the stock.

For an indicator i that does not accumulate::

    level[r, i, t] = baseline[r, i, t] + sum over (r_b, m) of effect[r_b -> r, m, i] * stock[r_b, m, t]

For an accumulating indicator (forest stock volume grows every year a planted hectare stands)::

    level[r, i, t] = baseline[r, i, t] + sum over (r_b, m) of effect[r_b -> r, m, i] * stood[r_b, m, t]

``effect[r_b -> r, m, i]`` is the region's own row in effects.csv if there is one, else the all-region row, when
``r_b = r``; for a concentration (µg/m3, `planner.inputs.airquality`) it is ``Σ_{s, p} a[r, s, p] · effect[r_b -> s,
m, p]``, the coefficients of the source-receptor relation times the precursors' effects, so measures in every region
move it; a measure that moves electricity also moves the thermal output of the city grid, booked to every region
by its thermal share (`electricity.py`), so the sum runs over the regions where a unit is built (`Params.acting`),
which need not be r. In the LP the grid's part is one term, ``s[r] * f[i] * thermal_change[t]`` (or its running sum
for an accumulating indicator), the measure's own effects one term per measure built in r (`Params.own_acting`).
Before the first model year the level is the baseline.

A level has one term per measure that moves it, whatever the horizon. Levels are built when a row first asks for
one (``model.level[r, i, t]``) and kept, so a model carries only the levels its rows (and a user's hook) use.
"""

from __future__ import annotations

import pyomo.core as pyo  # not pyomo.environ: its solver and transformation plugins cost 0.12 s of import
from pyomo.core.expr.numeric_expr import LinearExpression

from .params import Params


class Levels:
    """``model.level[r, i, t]``: the level expression of indicator i in region r and model year t, built on first use.

    A plain object, not a Pyomo component: it holds expressions over the model's variables, and `pyo.value` of an
    entry is the level in the loaded solution."""

    def __init__(self, m: pyo.ConcreteModel, p: Params):
        self._m, self._p, self._cache = m, p, {}

    def __getitem__(self, key: tuple[str, str, int]):
        expr = self._cache.get(key)
        if expr is None:
            r, i, t = key
            p, m = self._p, self._m
            acc = p.accumulates[i]
            var = m.stood if acc else m.stock
            terms, grid = p.lp_terms(r, i)
            coefs, variables = [e for *_, e in terms], [var[rb, ms, t] for rb, ms, _ in terms]
            if grid:
                coefs.append(grid)
                variables.append(m.thermal_stood[t] if acc else m.thermal_change[t])
            expr = LinearExpression(constant=p.baseline[r, i, t], linear_coefs=coefs, linear_vars=variables)
            self._cache[key] = expr
        return expr

    def __contains__(self, key) -> bool:
        r, i, t = key
        return r in self._p.regions and i in self._p.accumulates and t in self._p.years

    def __len__(self) -> int:
        return len(self._cache)


def add_expressions(m: pyo.ConcreteModel, p: Params) -> None:
    m.level = Levels(m, p)


def level(m: pyo.ConcreteModel, p: Params, i: str, scope: str, year: int):
    """Level of indicator i over the target's scope in ``year`` (a constant before the model years): the sum over
    the scope's regions, or a concentration's population-weighted mean over the city (`Params.scope_weights`)."""
    if year < p.years[0]:
        return p.baseline_sum(i, scope, year)
    weights = p.scope_weights(i, scope)
    if all(w == 1.0 for _, w in weights):
        return pyo.quicksum(m.level[r, i, year] for r, _ in weights)
    return pyo.quicksum(w * m.level[r, i, year] for r, w in weights if w)
