"""Numbers the model needs, derived once from validated `Data` (plain Python and numpy, no Pyomo).

- baseline levels for every region, indicator and year from the base year to the last model year, interpolated
  linearly between the years given;
- the effect of each measure on each indicator in each region (a regional row overrides the all-region row), and
  through the city grid's electricity balance (`electricity.py`) on the regions where thermal power is generated;
- the annual net cost of one unit standing: ``capex * crf(rate, lifetime) + fixed_om - savings``;
- discount factors ``df[t] = (1 + rate) ** -(t - base_year)``;
- the weight of ``build[r, m, tau]`` in ``stock[r, m, t]`` (1 while it stands) and in stock-years (years stood).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
from pyomo.common.gc_manager import PauseGC

from ..inputs.airquality import AirRelation, Health, read_air
from ..inputs.grid import DEMAND, GENERATION, IMPORT, Grid, read_grid
from ..inputs.load import CITY, Data


def crf(rate: float, lifetime: int) -> float:
    """Capital recovery factor: the annuity that repays 1 yuan over ``lifetime`` years at ``rate``."""
    if rate == 0:
        return 1.0 / lifetime
    return rate / (1.0 - (1.0 + rate) ** -lifetime)


@dataclass
class Params:
    regions: list[str]
    measures: list[str]
    indicators: list[str]
    years: list[int]  # model years
    base_year: int
    rate: float
    pairs: list[tuple[str, str]]  # (region, measure) with a potential row
    lifetime: dict[str, int]
    unit_cost: dict[str, float]  # yuan per unit standing per year (net of savings)
    df: dict[int, float]
    baseline: dict[tuple[str, str, int], float]  # (r, i, year) for base_year..last_year
    effects: dict[tuple[str, str], dict[str, float]]  # (r, m) -> {indicator: effect}
    accumulates: dict[str, bool]
    min_stock: dict[tuple[str, str], float]
    max_stock: dict[tuple[str, str], float]
    max_build: dict[tuple[str, str], float | None]
    first_build: dict[tuple[str, str], int]  # earliest year a unit can be built (the first model year if not given)
    targets: list[dict]  # enabled target rows
    bounded_by: dict[str, str]  # indicator -> the indicator its level may not exceed
    grid: Grid | None = None  # the city grid's electricity balance, if the data has one
    # derived indicator -> its terms (coefficient, parameter path by year or None, indicator): indicators.csv formula
    derived: dict[str, list[tuple[float, dict[int, float] | None, str]]] = field(default_factory=dict)
    air: AirRelation | None = None  # concentrations from emissions (source_receptor.csv), if the data has them
    health: Health | None = None  # the health account (air_quality.csv), if the data has it
    objective: str = "cost"  # "cost" or "social" (planner/model/health.py)

    @cached_property
    def concentrations(self) -> frozenset[str]:
        """The concentration indicators (µg/m3; their city value is the population-weighted mean)."""
        return frozenset(self.air.indicators) if self.air is not None else frozenset()

    def scope_weights(self, i: str, scope: str) -> list[tuple[str, float]]:
        """(region, weight) of a scope value: 1 for each region of the scope (a sum), the population shares for a
        concentration over the city (the population-weighted mean)."""
        if scope == CITY and i in self.concentrations:
            return [(r, self.air.weights.get(r, 0.0)) for r in self.regions]
        return [(r, 1.0) for r in self.scope_regions(scope)]
    # cluster -> its regions (regions = "districts": the 一区两群 clusters of the districts); empty otherwise
    clusters: dict[str, list[str]] = field(default_factory=dict)

    @cached_property
    def flows(self) -> dict[tuple[str, str], dict[tuple[str, str], float]]:
        """(region built, measure) -> {(region booked, indicator): effect per unit standing}: the measure's own
        effects in its region plus the thermal output it moves on the grid, booked by thermal share."""
        out = {key: {(key[0], i): e for i, e in eff.items()} for key, eff in self.effects.items()}
        if self.grid is not None:
            moved, shares = self.thermal_moved, self.grid.shares
            for key, eff in self.effects.items():
                delta = eff.get(DEMAND, 0.0) - eff.get(GENERATION, 0.0) - eff.get(IMPORT, 0.0)
                if not delta:
                    continue
                own = out.setdefault(key, {})
                for r in self.regions:
                    if shares.get(r):
                        for i, f in moved.items():
                            own[r, i] = own.get((r, i), 0.0) + shares[r] * f * delta
        if self.air is not None:  # a concentration moves with its precursors' flows, in every receptor region
            for flow in out.values():
                for c, receptors in self.air.terms.items():
                    for r, terms in receptors.items():
                        e = sum(a * flow.get((s, pr), 0.0) for s, pr, a, *_ in terms)
                        if e:
                            flow[r, c] = flow.get((r, c), 0.0) + e
        return {k: {ri: e for ri, e in v.items() if e != 0.0} for k, v in out.items()}

    @cached_property
    def _lp_terms(self) -> dict[tuple[str, str], tuple[list[tuple[str, str, float]], float]]:
        return {}

    def lp_terms(self, r: str, i: str) -> tuple[list[tuple[str, str, float]], float]:
        """The terms of the LP's level of indicator i in region r: [(region built, measure, effect per unit standing
        on stock, or stood for an accumulating indicator)] and the coefficient of the city's thermal output change
        (`grid_coef`). An ordinary indicator's terms are the measures built in r (`own_acting`); a concentration's
        are its precursors' terms in every source region times the coefficients (`planner.inputs.airquality`)."""
        hit = self._lp_terms.get((r, i))
        if hit is None:
            if i in self.concentrations:
                merged: dict[tuple[str, str], float] = {}
                for s, pr, a, *_ in self.air.terms[i].get(r, ()):
                    for m, e in self.own_acting.get((s, pr), ()):
                        merged[s, m] = merged.get((s, m), 0.0) + a * e
                terms = [(s, m, e) for (s, m), e in merged.items() if e]
            else:
                terms = [(r, m, e) for m, e in self.own_acting.get((r, i), ())]
            hit = self._lp_terms[r, i] = (terms, self.grid_coef(r, i))
        return hit

    def grid_coef(self, r: str, i: str) -> float:
        """Change of indicator i in region r per MWh more city thermal output: the indicator's factor times the
        region's thermal share; for a concentration, its precursors' changes in every source region times the
        coefficients."""
        if self.grid is None:
            return 0.0
        shares = self.grid.shares
        if i in self.concentrations:
            moved = self.thermal_moved
            return sum(a * moved.get(pr, 0.0) * shares.get(s, 0.0) for s, pr, a, *_ in self.air.terms[i].get(r, ()))
        return self.thermal_moved.get(i, 0.0) * shares.get(r, 0.0)

    def total_effect(self, r: str, m: str) -> dict[str, float]:
        """Indicator -> effect of one unit of m standing in r, summed over the regions it is booked to: its own effects
        plus the thermal output it moves times each indicator's change per MWh (the thermal shares add up to 1; the
        sum of `flows` over the regions, without booking it to every region first)."""
        out = dict(self.effects.get((r, m), {}))
        eff = self.effects.get((r, m), {})
        delta = eff.get(DEMAND, 0.0) - eff.get(GENERATION, 0.0) - eff.get(IMPORT, 0.0) if self.grid is not None else 0.0
        if delta:
            shares = sum(s for s in self.grid.shares.values() if s)
            for i, f in self.thermal_moved.items():
                out[i] = out.get(i, 0.0) + shares * f * delta
        return {i: e for i, e in out.items() if e != 0.0}

    @cached_property
    def pair_set(self) -> set[tuple[str, str]]:
        return set(self.pairs)

    @cached_property
    def acting(self) -> dict[tuple[str, str], list[tuple[str, str, float]]]:
        """(region, indicator) -> [(region built, measure, effect)] for the measures that can be built and move it
        there (in their own region, or anywhere through the grid)."""
        out: dict[tuple[str, str], list[tuple[str, str, float]]] = {}
        for (rb, m), flow in self.flows.items():
            if (rb, m) in self.pair_set:
                for (r, i), e in flow.items():
                    out.setdefault((r, i), []).append((rb, m, e))
        return out

    @cached_property
    def own_acting(self) -> dict[tuple[str, str], list[tuple[str, float]]]:
        """(region, indicator) -> [(measure, effect)] of the measures that can be built in the region and move the
        indicator there by their own effects (the grid's share is `thermal_moved`, booked through one variable)."""
        out: dict[tuple[str, str], list[tuple[str, float]]] = {}
        for (r, m), eff in self.effects.items():
            if (r, m) in self.pair_set:
                for i, e in eff.items():
                    out.setdefault((r, i), []).append((m, e))
        return out

    @cached_property
    def thermal_delta(self) -> dict[tuple[str, str], float]:
        """(region, measure) -> change of the city's thermal output per unit standing (MWh), for the pairs that can
        be built and move it (`electricity.py`); empty without a grid balance."""
        if self.grid is None:
            return {}
        out = {}
        for key in self.pairs:
            eff = self.effects.get(key, {})
            delta = eff.get(DEMAND, 0.0) - eff.get(GENERATION, 0.0) - eff.get(IMPORT, 0.0)
            if delta:
                out[key] = delta
        return out

    @cached_property
    def thermal_moved(self) -> dict[str, float]:
        """Indicator -> change per MWh of city thermal output (THERMAL itself 1); empty without a grid balance. A
        derived indicator moves with its terms (a parameter's value of the last model year: `_derive_indicators`
        refuses a parameter that varies over the years in which thermal output moves its term)."""
        if self.grid is None:
            return {}
        moved = self.grid.moved(self.indicators)
        for i, terms in self.derived.items():
            f = sum(c * (par[self.years[-1]] if par else 1.0) * moved.get(j, 0.0) for c, par, j in terms)
            if f:
                moved[i] = f
        return moved

    def electricity_cost(self, r: str, m: str, t: int) -> float:
        """What the thermal output a unit of m standing in r changes costs in year t (yuan; negative: saved): its
        thermal change (`thermal_delta`, MWh) at the grid's variable cost c_th[t] (fuel and O&M; `planner.inputs.grid`).
        The objective counts exactly this, through ``thermal_change`` (`planner.model.cost`)."""
        if self.grid is None or not self.grid.cost:
            return 0.0
        return self.thermal_delta.get((r, m), 0.0) * self.grid.cost.get(t, 0.0)

    def system_cost(self, r: str, m: str, t: int) -> float:
        """Annual cost of a unit of m standing in r in year t, its electricity valued by the balance: ``unit_cost``
        plus `electricity_cost`. Below zero, the measure pays for itself (no-regret)."""
        return self.unit_cost[m] + self.electricity_cost(r, m, t)

    def weight(self, m: str, i: str, tau: int, t: int) -> float:
        """Coefficient of build[., m, tau] in the level of indicator i in year t (before the effect)."""
        if tau > t:
            return 0.0
        life = self.lifetime[m]
        if self.accumulates[i]:
            return float(min(t - tau + 1, life))
        return 1.0 if t - tau < life else 0.0

    def weight_matrix(self, m: str, i: str) -> tuple:
        """``weight(m, i, tau, t)`` for every model year as ``w[t, tau]``, with the t and tau where it is not zero;
        kept per measure and kind of indicator (ordinary or accumulating), which is all it depends on."""
        key = (m, self.accumulates[i])
        out = self._weight_matrices.get(key)
        if out is None:
            w = np.array([[self.weight(m, i, tau, t) for tau in self.years] for t in self.years], dtype=float)
            out = self._weight_matrices[key] = (w, *np.nonzero(w))
        return out

    @cached_property
    def _weight_matrices(self) -> dict:
        return {}

    @cached_property
    def build_index(self) -> list[tuple[str, str, int]]:
        """(region, measure, year) of ``build`` and ``stock``, in the model's order (pairs x model years)."""
        return [(r, m, t) for r, m in self.pairs for t in self.years]

    def scope_regions(self, scope: str) -> list[str]:
        """The regions a target's scope sums over: every region for ``city``, a cluster's regions, or one region."""
        if scope == CITY:
            return self.regions
        return self.clusters.get(scope) or [scope]

    def baseline_sum(self, i: str, scope: str, year: int) -> float:
        """The baseline over a scope: a sum, or a concentration's population-weighted mean over the city."""
        return sum(w * self.baseline[r, i, year] for r, w in self.scope_weights(i, scope))


def _interpolate(data: Data) -> dict[tuple[str, str, int], float]:
    case = data.case
    years = np.arange(case.base_year, case.last_year + 1)
    bl = data.baseline
    points: dict[tuple[str, str], list[tuple]] = {}  # (region, indicator) -> its (year, value) rows
    for r, i, y, v in zip(*(bl[c].tolist() for c in ("region_id", "indicator_id", "year", "value")), strict=True):
        if r is not None and i is not None and r == r and i == i:  # as groupby: rows without a key are left out
            points.setdefault((r, i), []).append((y, v))
    out: dict[tuple[str, str, int], float] = {}
    ys = years.tolist()
    for (r, i), rows in sorted(points.items(), key=lambda kv: kv[0]):  # in the order of groupby's sorted keys
        rows.sort(key=lambda yv: yv[0])  # a series has one row per year (the baseline table's key)
        values = np.interp(years, np.array([y for y, _ in rows], dtype=float), np.array([v for _, v in rows],
                                                                                       dtype=float))
        out.update(zip(((r, i, y) for y in ys), values.tolist(), strict=True))
    return out


def _effects(data: Data, regions: list[str]) -> dict[tuple[str, str], dict[str, float]]:
    eff = data.effects
    general = eff[eff["region_id"].isin(["", None])]
    regional = eff[~eff["region_id"].isin(["", None])]
    out: dict[tuple[str, str], dict[str, float]] = {}
    every = list(zip(*(general[c].tolist() for c in ("measure_id", "indicator_id", "effect")), strict=True))
    for r in regions:
        for m, i, e in every:
            out.setdefault((r, m), {})[i] = float(e)
    for r, m, i, e in zip(*(regional[c].tolist() for c in ("region_id", "measure_id", "indicator_id", "effect")),
                          strict=True):
        out.setdefault((r, m), {})[i] = float(e)
    return {k: {i: e for i, e in v.items() if e != 0.0} for k, v in out.items()}


def _first_build(data: Data) -> dict[tuple[str, str], int]:
    """Earliest build year of every potential row: its own first_year, and for a measure marked after_record the year
    after the case's history_until (the record the baseline reproduces already holds what was built until then)."""
    case, pot = data.case, data.potentials
    after = dict(zip(data.measures["measure_id"], data.measures["after_record"], strict=True))
    out = {}
    for r, m, v in zip(pot["region_id"], pot["measure_id"], pot["first_year"], strict=True):
        year = int(v) if v is not None and v == v else case.first_year
        if after.get(m) and case.history_until is not None:
            year = max(year, case.history_until + 1)
        out[r, m] = year
    return out


def _derive_indicators(data: Data, baseline: dict, effects: dict, first_build: dict, grid: Grid | None,
                       years: list[int]) -> dict[str, list]:
    """Each derived indicator's baseline and effects from its formula's terms (indicators.csv ``formula``), written
    into ``baseline`` and ``effects``; returns its terms. A term with a parameter takes the parameter's value of each
    year in the baseline; a measure's effect takes its value of the last model year, so the parameter must not vary
    over the years in which a measure moving the term can stand (nor, for a term thermal output moves, over the model
    years): otherwise an `InputError` names the formula."""
    from ..base.errors import InputError, Problem
    from ..inputs.formula import parse
    from ..inputs.grid import MOVED_BY_THERMAL, parameter_path

    rows = data.indicators
    if "formula" not in rows.columns:
        return {}
    regions, case = data.regions, data.case
    every = list(range(case.base_year, case.last_year + 1))
    last = years[-1]
    out: dict[str, list] = {}
    problems = []
    for i, text, origin in zip(rows["indicator_id"], rows["formula"], rows["origin_"], strict=True):
        if not text:
            continue
        terms = [(c, parameter_path(data.electricity, par, every) if par else None, j) for c, par, j in parse(text)[0]]
        out[i] = terms
        for r in regions:
            for y in every:
                baseline[r, i, y] = sum(c * (par[y] if par else 1.0) * baseline[r, j, y] for c, par, j in terms)
        for key, eff in effects.items():
            e = sum(c * (par[last] if par else 1.0) * eff.get(j, 0.0) for c, par, j in terms)
            if e:
                eff[i] = e
            for _c, par, j in terms:
                if par and key in first_build and eff.get(j) and any(
                        abs(par[y] - par[last]) > 1e-12 * abs(par[last]) for y in range(first_build[key], last + 1)):
                    problems.append(Problem(origin, "formula", f"{i}: the parameter of the term on {j} varies in "
                                            f"the years {key[1]} can stand in {key[0]}; a measure's effect is the same "
                                            "every year, so expected the parameter constant from then on"))
        for _c, par, j in terms:
            if par and grid is not None and (j == "elec_thermal" or j in MOVED_BY_THERMAL) \
                    and any(abs(par[y] - par[last]) > 1e-12 * abs(par[last]) for y in years):
                problems.append(Problem(origin, "formula", f"{i}: thermal output moves {j} in every model year; "
                                        "expected its parameter constant over the model years"))
    if problems:
        raise InputError(list(dict.fromkeys(problems)))
    return out


def derive(data: Data) -> Params:
    with PauseGC():  # many small dicts and tuples: no cyclic collection while they are made
        return _derive(data)


def _derive(data: Data) -> Params:
    case = data.case
    ms = data.measures.set_index("measure_id")
    pot = data.potentials
    pairs = [(r, m) for r, m in zip(pot["region_id"], pot["measure_id"], strict=True)]
    lifetime = {m: int(v) for m, v in ms["lifetime"].items()}
    unit_cost = {
        m: float(capex) * crf(case.discount_rate, lifetime[m]) + float(fixed_om) - float(savings)
        for m, capex, fixed_om, savings in zip(ms.index.tolist(), *(ms[c].tolist() for c in ("capex", "fixed_om",
                                                                                              "savings")), strict=True)
    }
    regions = data.regions
    grid = read_grid(data.electricity, regions, list(range(case.base_year, case.last_year + 1)))
    targets = [t._asdict() for t in data.targets.itertuples(index=False) if t.enabled]
    baseline, effects, first_build = _interpolate(data), _effects(data, regions), _first_build(data)
    derived = _derive_indicators(data, baseline, effects, first_build, grid, case.years)
    air, health = read_air(data.tables, list(range(case.base_year, case.last_year + 1)))
    if air is not None:  # a concentration's baseline: its background plus the coefficients times the emissions
        for c, receptors in air.terms.items():
            for r in regions:
                bg = air.background.get(c, {}).get(r, {})
                for y in range(case.base_year, case.last_year + 1):
                    baseline[r, c, y] = bg.get(y, 0.0) + sum(a * baseline[s, pr, y]
                                                             for s, pr, a, *_ in receptors.get(r, ()))
    return Params(
        regions=regions,
        measures=list(ms.index),
        indicators=list(data.indicators["indicator_id"]),
        years=case.years,
        base_year=case.base_year,
        rate=case.discount_rate,
        pairs=pairs,
        lifetime=lifetime,
        unit_cost=unit_cost,
        df={t: (1.0 + case.discount_rate) ** -(t - case.base_year) for t in case.years},
        baseline=baseline,
        effects=effects,
        accumulates=dict(zip(data.indicators["indicator_id"], data.indicators["accumulates"], strict=True)),
        min_stock={(r, m): float(v or 0.0) for r, m, v in zip(pot["region_id"], pot["measure_id"],
                                                             pot["min_stock"], strict=True)},
        max_stock={(r, m): float(v) for r, m, v in zip(pot["region_id"], pot["measure_id"],
                                                       pot["max_stock"], strict=True)},
        max_build={(r, m): (None if v is None or v != v else float(v))
                   for r, m, v in zip(pot["region_id"], pot["measure_id"], pot["max_build"], strict=True)},
        first_build=first_build,
        targets=targets,
        bounded_by={i: b for i, b in zip(data.indicators["indicator_id"], data.indicators["bounded_by"], strict=True)
                    if b},
        grid=grid,
        derived=derived,
        air=air,
        health=health,
        objective=getattr(case, "objective", "cost"),
        clusters=data.cluster_regions,
    )
