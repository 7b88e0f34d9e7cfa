"""Physical bounds between indicators: what is used never exceeds what there is.

For every indicator i with ``bounded_by = j`` in indicators.csv, every region r and model year t::

    level[r, i, t] <= level[r, j, t]                                     (constraint indicator_bound)

Manure or straw utilised cannot exceed what is generated, electric vehicles cannot outnumber the fleet, forest cannot
cover more than the land. Potentials alone cannot say this, because several measures draw on the same resource and
the resource grows over time. Rows whose bound holds for any deployment (the most the measures can add to i stays
below the least that j can be) are left out, so the LP carries only the rows that can bind.
"""

from __future__ import annotations

import pyomo.core as pyo  # not pyomo.environ: its solver and transformation plugins cost 0.12 s of import

from .params import Params


def _grid_totals(p: Params, cache: dict) -> dict:
    """(region built or None for all, lifetime, sign of delta) -> sum of delta x potential over the pairs that move
    the city's thermal output, so a region's reach through the grid is one subtraction, not a loop over every pair."""
    if "grid" not in cache:
        tot: dict = {}
        for (rb, ms), delta in p.thermal_delta.items():
            for key in ((None, p.lifetime[ms], delta > 0), (rb, p.lifetime[ms], delta > 0)):
                tot[key] = tot.get(key, 0.0) + delta * p.max_stock[rb, ms]
        cache["grid"] = tot
    return cache["grid"]


def _reach(p: Params, r: str, i: str, t: int, sign: float, cache: dict) -> float:
    """The most (sign +1) or least (sign -1) the measures can move indicator i in region r by year t: the sum, over
    the pairs that move it that way, of their effect (own effect plus the thermal output they move, booked to r) at
    full potential, times the years stood for an accumulating indicator."""
    key = (r, i, sign)
    terms = cache.get(key)
    if terms is None:  # lifetime (0: not accumulating) -> sum of effect x potential of the measures moving i that way
        acc = p.accumulates[i]
        coef = p.thermal_moved.get(i, 0.0) * (p.grid.shares.get(r, 0.0) if p.grid is not None else 0.0)
        own = dict(p.own_acting.get((r, i), ()))
        terms = {}

        def add(life: int, amount: float) -> None:
            terms[life if acc else 0] = terms.get(life if acc else 0, 0.0) + amount

        if "moving" not in cache:  # region -> the measures built there that move the city's thermal output
            moving: dict[str, set] = {}
            for rb, ms in p.thermal_delta:
                moving.setdefault(rb, set()).add(ms)
            cache["moving"] = moving
        mine = set(own) | (cache["moving"].get(r, set()) if coef else set())
        for ms in mine:  # pairs built in r: own effect and grid effect together
            e = own.get(ms, 0.0) + coef * p.thermal_delta.get((r, ms), 0.0)
            if e * sign > 0:
                add(p.lifetime[ms], e * p.max_stock[r, ms])
        if coef:  # pairs built elsewhere: the grid effect alone, one subtraction per lifetime and direction
            tot = _grid_totals(p, cache)
            for (rb, life, up), v in list(tot.items()):
                if rb is None and coef * (1.0 if up else -1.0) * sign > 0:
                    add(life, coef * (v - tot.get((r, life, up), 0.0)))
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
