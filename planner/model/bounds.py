"""Physical bounds between indicators: what is used never exceeds what there is.

For every indicator i with ``bounded_by = j`` in indicators.csv, every region r and model year t::

    level[r, i, t] <= level[r, j, t]                                     (constraint indicator_bound)

Manure or straw utilised cannot exceed what is generated, electric vehicles cannot outnumber the fleet, forest cannot
cover more than the land. Potentials alone cannot say this, because several measures draw on the same resource and
the resource grows over time. Rows whose bound holds for any deployment (the most the measures can add to i stays
below the least that j can be) are left out, so the LP carries only the rows that can bind.
"""

from __future__ import annotations

import pyomo.environ as pyo

from .params import Params


def _reach(p: Params, r: str, i: str, t: int, sign: float, cache: dict) -> float:
    """The most (sign +1) or least (sign -1) the measures can move indicator i in region r by year t."""
    key = (r, i, sign)
    terms = cache.get(key)
    if terms is None:  # lifetime (0: not accumulating) -> sum of effect x potential of the measures moving i that way
        terms = {}
        for rb, ms, e in p.acting.get((r, i), ()):
            if e * sign > 0:
                life = p.lifetime[ms] if p.accumulates[i] else 0
                terms[life] = terms.get(life, 0.0) + e * p.max_stock[rb, ms]
        cache[key] = terms
    if not p.accumulates[i]:
        return terms.get(0, 0.0)
    return sum(v * min(t - p.years[0] + 1, life) for life, v in terms.items())


def _can_bind(p: Params, r: str, i: str, j: str, t: int, cache: dict) -> bool:
    return p.baseline[r, i, t] + _reach(p, r, i, t, 1.0, cache) > p.baseline[r, j, t] + _reach(p, r, j, t, -1.0, cache)


def add_constraints(m: pyo.ConcreteModel, p: Params) -> None:
    cache: dict = {}
    rows = [(r, i, t) for i, j in p.bounded_by.items() for r in p.regions for t in p.years
            if _can_bind(p, r, i, j, t, cache)]
    m.BOUNDED = pyo.Set(initialize=rows, dimen=3, ordered=True)
    m.indicator_bound = pyo.Constraint(
        m.BOUNDED, rule=lambda _, r, i, t: m.level[r, i, t] <= m.level[r, p.bounded_by[i], t])
