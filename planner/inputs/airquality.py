"""Air quality as an outcome, read and checked without Pyomo: the source-receptor relation
(data/source_receptor.csv) and the health parameters (data/air_quality.csv).

A **concentration indicator** (``pm25``, µg/m3) is an indicator named in the ``indicator_id`` column of
source_receptor.csv. It has no baseline or effect rows of its own: in every region r (the receptor) and year y it is

    C[r, y] = B[r, y] + Σ_{s, p} a[r, s, p] · E[s, p, y]

with ``B`` the background (the rows without a precursor: transport from outside the city and what no precursor of the
data explains; dated rows interpolated, flat outside), ``a`` the coefficient of precursor p (an emission indicator,
t/yr) emitted in source region s (µg/m3 per t/yr) and ``E`` the precursor's level. Linear, so it stays an LP; the
model (`planner.model.params`) writes its baseline and its effects from these terms. The city value of a concentration
is the population-weighted mean over the regions (regions.csv ``population_2020``).

`read_air` turns the validated tables into an `AirRelation` (the relation, its low/high coefficients, the population
weights) and a `Health` (the GEMM parameters, baseline deaths, the share of deaths the GEMM covers, the VSL, the
observed record); `check` lists the problems. The math of deaths and their value: `planner.model.health`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

PM25 = "pm25"  # the concentration the health account (GEMM) is for

# parameter -> (unit, needs a year, description) of data/air_quality.csv
PARAMETERS = {
    "pm25_observed": ("µg/m3", True, "the city's annual mean PM2.5 as published (validation only)"),
    "pm25_observed_max": ("µg/m3", True, "a published upper bound of the city's annual mean, where only that the "
                          "standard was met is published (validation only)"),
    "gemm_theta": ("1", False, "GEMM θ (NCD+LRI, adults 25+); low/high: θ ∓ 2 se"),
    "gemm_alpha": ("µg/m3", False, "GEMM α"),
    "gemm_mu": ("µg/m3", False, "GEMM μ"),
    "gemm_nu": ("µg/m3", False, "GEMM ν"),
    "gemm_cf": ("µg/m3", False, "GEMM counterfactual concentration (no excess risk below it)"),
    "deaths": ("deaths/yr", True, "all-cause deaths of the city (dated rows interpolated, flat outside)"),
    "ncd_lri_share": ("1", False, "share of all deaths that are NCD+LRI deaths of adults 25+ (what the GEMM covers)"),
    "vsl": ("yuan", False, "value of a statistical life, yuan of the base year"),
}
HEALTH = ("gemm_theta", "gemm_alpha", "gemm_mu", "gemm_nu", "gemm_cf", "deaths", "ncd_lri_share", "vsl")
POSITIVE = ("gemm_theta", "gemm_alpha", "gemm_nu", "deaths", "vsl")


@dataclass
class AirRelation:
    """The source-receptor relation of every concentration indicator."""

    # concentration -> receptor -> [(source region, precursor, a, a_low, a_high)]
    terms: dict[str, dict[str, list[tuple[str, str, float, float, float]]]]
    # concentration -> receptor -> {year: background} (every year from the base year to the last model year)
    background: dict[str, dict[str, dict[int, float]]]
    background_range: dict[str, dict[str, tuple[float, float]]]  # (low, high) as a ratio of the central background
    weights: dict[str, float]  # region -> population share (sums to 1)
    units: dict[str, str] = field(default_factory=dict)  # concentration -> unit

    @property
    def indicators(self) -> list[str]:
        return list(self.terms)

    def precursors(self, c: str) -> list[str]:
        return list(dict.fromkeys(p for rows in self.terms[c].values() for _, p, *_ in rows))


@dataclass
class Health:
    """The health parameters: GEMM (Burnett et al. 2018) and its baseline, the VSL, the observed record."""

    central: dict[str, float]  # parameter -> value (year-free parameters)
    low: dict[str, float]
    high: dict[str, float]
    deaths: dict[int, float]  # year -> all-cause deaths of the city
    observed: dict[int, float]  # year -> published city annual mean PM2.5
    observed_max: dict[int, float]  # year -> a published upper bound (the grade II standard met, value not found)

    @property
    def complete(self) -> bool:
        return all(k in self.central for k in HEALTH if k != "deaths") and bool(self.deaths)


def _path(rows: pd.DataFrame, years: list[int], column: str = "value") -> dict[int, float]:
    """Rows with a blank year hold in every year; dated rows are interpolated linearly (flat outside)."""
    dated = rows[rows["year"].notna()].sort_values("year")
    if dated.empty:
        return {y: float(rows[column].iloc[0]) for y in years}
    values = np.interp(years, dated["year"].astype(float), dated[column].astype(float))
    return {y: float(v) for y, v in zip(years, values, strict=True)}


def population_weights(regions: pd.DataFrame) -> dict[str, float]:
    pop = {r: float(v) for r, v in zip(regions["region_id"], regions["population_2020"], strict=True)
           if v is not None and v == v}
    total = sum(pop.values())
    return {r: v / total for r, v in pop.items()} if total > 0 else {}


def read_air(tables: dict[str, pd.DataFrame], years: list[int]) -> tuple[AirRelation | None, Health | None]:
    """The relation and the health parameters of validated tables (None where a table has no rows); ``years``: every
    year from the base year to the last model year."""
    sr, aq = tables.get("source_receptor"), tables.get("air_quality")
    relation = None
    if sr is not None and not sr.empty:
        terms: dict[str, dict[str, list]] = {}
        background: dict[str, dict[str, dict[int, float]]] = {}
        ranges: dict[str, dict[str, tuple[float, float]]] = {}
        bg = sr[sr["precursor_id"].isin(["", None])]
        co = sr[~sr["precursor_id"].isin(["", None])]
        for c, r, s, p, a, lo, hi in zip(*(co[k].tolist() for k in (
                "indicator_id", "receptor_id", "source_region_id", "precursor_id", "coefficient", "coefficient_low",
                "coefficient_high")), strict=True):
            a = float(a)
            terms.setdefault(c, {}).setdefault(r, []).append(
                (s, p, a, a if lo is None or lo != lo else float(lo), a if hi is None or hi != hi else float(hi)))
        for (c, r), rows in bg.groupby(["indicator_id", "receptor_id"], sort=False):
            background.setdefault(c, {})[r] = _path(rows, years, "coefficient")
            first = rows.iloc[0]
            v = float(first["coefficient"]) or 1.0
            lo, hi = first["coefficient_low"], first["coefficient_high"]
            ranges.setdefault(c, {})[r] = (1.0 if lo is None or lo != lo else float(lo) / v,
                                           1.0 if hi is None or hi != hi else float(hi) / v)
        for c in list(terms) + list(background):
            terms.setdefault(c, {})
            background.setdefault(c, {})
            ranges.setdefault(c, {})
        relation = AirRelation(terms=terms, background=background, background_range=ranges,
                               weights=population_weights(tables["regions"]))
    health = None
    if aq is not None and not aq.empty:
        central, low, high = {}, {}, {}
        for p, y, v, lo, hi in zip(*(aq[k].tolist() for k in ("parameter", "year", "value", "value_low",
                                                              "value_high")), strict=True):
            if y is None or y != y:
                central[p] = float(v)
                low[p] = float(v) if lo is None or lo != lo else float(lo)
                high[p] = float(v) if hi is None or hi != hi else float(hi)
        deaths_rows = aq[aq["parameter"] == "deaths"]

        def dated(parameter: str) -> dict[int, float]:
            obs = aq[aq["parameter"] == parameter]
            return {int(y): float(v) for y, v in zip(obs["year"], obs["value"], strict=True)
                    if v is not None and v == v and y is not None and y == y}

        health = Health(central=central, low=low, high=high,
                        deaths=_path(deaths_rows, years) if not deaths_rows.empty else {},
                        observed=dated("pm25_observed"), observed_max=dated("pm25_observed_max"))
    return relation, health


def concentration_indicators(sr: pd.DataFrame | None) -> set[str]:
    if sr is None or sr.empty:
        return set()
    return {c for c in sr["indicator_id"] if c}


def check(tables: dict[str, pd.DataFrame], indicators: pd.DataFrame, regions: set[str],
          where: dict[str, str]) -> list[tuple[str, str, str]]:
    """Problems (origin, column, message) of the two tables and of how the data uses a concentration indicator."""
    out: list[tuple[str, str, str]] = []
    sr, aq = tables.get("source_receptor"), tables.get("air_quality")
    conc = concentration_indicators(sr)
    if sr is not None and not sr.empty:
        acc = {i: bool(a) for i, a in zip(indicators["indicator_id"], indicators["accumulates"], strict=True)}
        formula = dict(zip(indicators["indicator_id"], indicators.get("formula", [""] * len(indicators)),
                           strict=True))
        for origin, _c, s, p, y in zip(*(sr[k].tolist() for k in ("origin_", "indicator_id", "source_region_id",
                                                                  "precursor_id", "year")), strict=True):
            if p:
                if not s:
                    out.append((origin, "source_region_id", f"a coefficient of {p} needs the region it is emitted "
                                "in; expected a region id"))
                if p in conc:
                    out.append((origin, "precursor_id", f"{p} is itself a concentration; expected an emission "
                                "indicator (t/yr)"))
                elif acc.get(p):
                    out.append((origin, "precursor_id", f"{p} accumulates (stock-years); expected an emission "
                                "indicator measured per year"))
                if y is not None and y == y:
                    out.append((origin, "year", "a coefficient holds in every year; expected an empty year (only "
                                "background rows may be dated)"))
            elif s:
                out.append((origin, "precursor_id", "a row with a source region is a coefficient; expected the "
                            "precursor it multiplies (or no source region on a background row)"))
        for c in sorted(conc):
            if acc.get(c):
                out.append((where["indicators"], "accumulates", f"{c} is a concentration (source_receptor.csv); "
                            "expected accumulates = false"))
            if formula.get(c):
                out.append((where["indicators"], "formula", f"{c} is a concentration computed from "
                            "source_receptor.csv; expected no formula"))
            have = set(sr.loc[sr["indicator_id"] == c, "receptor_id"])
            for r in sorted(regions - have):
                out.append((where["source_receptor"], "receptor_id", f"no rows for {c} in region {r}; expected "
                            "its background and coefficients (its concentration would be 0)"))
        pop = tables["regions"]
        lacking = [r for r, v in zip(pop["region_id"], pop["population_2020"], strict=True) if v is None or v != v]
        if lacking:
            out.append((where["regions"], "population_2020", "a concentration's city value is the population-"
                        "weighted mean; expected population_2020 for every region, missing for "
                        + ", ".join(lacking)))
    if aq is not None and not aq.empty:
        for origin, p, r, y, v, lo, hi in zip(*(aq[k].tolist() for k in (
                "origin_", "parameter", "region_id", "year", "value", "value_low", "value_high")), strict=True):
            if p is None:
                continue
            if r:
                out.append((origin, "region_id", f"{p} is a city parameter; expected an empty region_id, got {r!r}"))
            needs_year = PARAMETERS[p][1]
            has_year = y is not None and y == y
            if needs_year and not has_year and p != "deaths":
                out.append((origin, "year", f"{p} is published for a year; expected the year"))
            if not needs_year and has_year:
                out.append((origin, "year", f"{p} holds in every year; expected an empty year"))
            if p in POSITIVE and v is not None and v <= 0:
                out.append((origin, "value", f"expected {p} > 0, got {v:g}"))
            if p == "ncd_lri_share" and v is not None and not 0 < v <= 1:
                out.append((origin, "value", f"expected a share in (0, 1], got {v:g}"))
            if v is not None and lo is not None and lo == lo and lo > v:
                out.append((origin, "value_low", f"expected value_low <= value ({v:g}), got {lo:g}"))
            if v is not None and hi is not None and hi == hi and hi < v:
                out.append((origin, "value_high", f"expected value_high >= value ({v:g}), got {hi:g}"))
        given = set(aq["parameter"])
        missing = [k for k in HEALTH if k not in given]
        if missing and len(missing) < len(HEALTH):
            out.append((where["air_quality"], "parameter", "the health account needs " + ", ".join(HEALTH)
                        + "; missing " + ", ".join(missing)))
    return out


__all__ = ["PM25", "AirRelation", "Health", "PARAMETERS", "check", "concentration_indicators", "read_air"]
