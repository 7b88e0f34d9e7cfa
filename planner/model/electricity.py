"""One electricity balance for the city grid: thermal output follows from demand, local non-fossil generation and
imports, and the CO2, coal and air pollutants of thermal power follow from thermal output.

For every model year t (sums over all regions r)::

    thermal[t] = sum_r elec_demand[r, t] - elec_gen_nonfossil[r, t] - elec_import[r, t]

A measure says only what it does to electricity: ``e_d`` more demand (electric buses, shore power, heat pumps; negative
for efficiency), ``e_g`` more local non-fossil generation (PV, wind, hydro, biomass), ``e_x`` more imports. Its change
of thermal output per unit standing is ``delta[r, m] = e_d - e_g - e_x``, wherever it stands, and the grid books that
change to every region r' by the region's share of thermal generation ``s[r']`` (the plants are where they are)::

    elec_thermal[r'] += s[r'] * delta[r, m]
    i[r']            += s[r'] * f[i] * delta[r, m]       for every indicator i that thermal output moves

with ``f`` from data/electricity.csv: ``thermal_co2`` (co2, co2_power), ``thermal_coal`` (energy_coal),
``thermal_gas`` (energy_gas; 0 if not given), their sum (energy_total), ``thermal_energy_industry`` (energy_industry:
the conversion loss of power plants, which are industry), ``thermal_so2``, ``thermal_nox`` (nox, key_industry_nox:
power is a key industry), ``thermal_pm``. The sign of a measure
(an electric bus cuts CO2 or adds it) thus comes out of the balance, not out of the data. Imports carry their own
factor ``import_co2`` into the consumption-based emission factor of electricity (results), never into the city's
territorial CO2.

In the LP the grid's part of every level goes through one variable per year, the change of city thermal output
that the measures make (constraint ``thermal_balance``)::

    thermal_change[t] = sum_{(r, m)} delta[r, m] * stock[r, m, t]
    level[r', i, t]  += s[r'] * f[i] * thermal_change[t]      (`indicators.py`)

the same numbers as booking every measure to every region, with one term per region instead of one per region and
measure anywhere (which made the LP grow as the square of the regions).

Thermal output never falls below the must-run floor (constraint ``thermal_floor``), every model year t::

    sum_r level[r, elec_thermal, t] >= must_run[t]

so no region's power CO2 can go negative and renewables cannot displace more thermal power than there is.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyomo.environ as pyo
from pyomo.core.expr.numeric_expr import LinearExpression

DEMAND, GENERATION, IMPORT, THERMAL = "elec_demand", "elec_gen_nonfossil", "elec_import", "elec_thermal"
BALANCE = (DEMAND, GENERATION, IMPORT, THERMAL)
# indicator moved by thermal output -> the parameters whose sum is its change per MWh of thermal output
MOVED_BY_THERMAL = {
    "co2": ("thermal_co2",),
    "co2_power": ("thermal_co2",),
    "energy_coal": ("thermal_coal",),
    "energy_gas": ("thermal_gas",),
    "energy_total": ("thermal_coal", "thermal_gas"),
    "energy_industry": ("thermal_energy_industry",),
    "so2": ("thermal_so2",),
    "nox": ("thermal_nox",),
    "key_industry_nox": ("thermal_nox",),
    "pm": ("thermal_pm",),
}
OPTIONAL = ("thermal_gas",)  # 0 when not given (an all-coal thermal fleet)
FACTORS = tuple(dict.fromkeys(p for ps in MOVED_BY_THERMAL.values() for p in ps))
REQUIRED = (*(p for p in FACTORS if p not in OPTIONAL), "import_co2", "must_run", "thermal_share")


@dataclass
class Grid:
    """The city grid's parameters, read from data/electricity.csv."""

    factors: dict[str, float]  # parameter -> value per MWh of thermal output
    shares: dict[str, float]  # region -> share of thermal generation (sums to 1)
    must_run: dict[int, float]  # year -> MWh/yr
    import_co2: dict[int, float]  # year -> t CO2/MWh imported
    official: dict[int, float] = field(default_factory=dict)  # year -> published provincial grid factor, t/MWh

    def moved(self, indicators: list[str]) -> dict[str, float]:
        """Indicator -> change per MWh of city thermal output, for the indicators the data has."""
        out = {THERMAL: 1.0}
        out.update({i: sum(self.factors.get(p, 0.0) for p in ps) for i, ps in MOVED_BY_THERMAL.items()
                    if i in indicators})
        return {i: f for i, f in out.items() if f}


def _by_year(rows: pd.DataFrame, years: list[int]) -> dict[int, float]:
    """Rows with a blank year hold in every year; dated rows are interpolated linearly (flat outside)."""
    dated = rows[rows["year"].notna()].sort_values("year")
    if dated.empty:
        return {y: float(rows["value"].iloc[0]) for y in years}
    values = np.interp(years, dated["year"].astype(float), dated["value"].astype(float))
    return {y: float(v) for y, v in zip(years, values, strict=True)}


def read_grid(table: pd.DataFrame, regions: list[str], years: list[int]) -> Grid | None:
    """The grid of a validated electricity table, or None when the data has no balance (no rows)."""
    if table.empty:
        return None
    city = table[table["region_id"].isin(["", None])]
    factors = {p: float(city.loc[city["parameter"] == p, "value"].iloc[0])
               for p in (*FACTORS, "nonfossil_coal_equivalent") if (city["parameter"] == p).any()}
    share_rows = table[table["parameter"] == "thermal_share"]
    shares = {r: float(share_rows.loc[share_rows["region_id"] == r, "value"].sum()) for r in regions}
    official = table[table["parameter"] == "grid_factor_official"]
    return Grid(
        factors=factors,
        shares=shares,
        must_run=_by_year(city[city["parameter"] == "must_run"], years),
        import_co2=_by_year(city[city["parameter"] == "import_co2"], years),
        official={int(y): float(v) for y, v in zip(official["year"], official["value"], strict=True)
                  if y is not None and y == y},
    )


def check(table: pd.DataFrame, baseline: pd.DataFrame, indicators: list[str], regions: list[str],
          where: str) -> list[tuple[str, str, str]]:
    """Problems (origin, column, message) of an electricity table and the baseline's balance; [] when fine."""
    if table.empty:
        return []
    out = []
    city = table[table["region_id"].isin(["", None])]
    for p in REQUIRED:
        rows = table if p == "thermal_share" else city
        if not (rows["parameter"] == p).any():
            out.append((where, "parameter", f"missing parameter {p}; the grid balance needs "
                        + ", ".join(REQUIRED)))
    shares = table[table["parameter"] == "thermal_share"]
    if not shares.empty and abs(float(shares["value"].sum()) - 1.0) > 1e-6:
        out.append((shares["origin_"].iloc[0], "value",
                    f"expected thermal_share values adding up to 1 over the regions, got {shares['value'].sum():g}"))
    for origin, p, r in zip(table["origin_"], table["parameter"], table["region_id"], strict=True):
        if p == "thermal_share" and not r:
            out.append((origin, "region_id", "expected a region id for thermal_share, got an empty cell"))
        elif p != "thermal_share" and r:
            out.append((origin, "region_id", f"{p} is a city-grid parameter; expected an empty region_id, got {r!r}"))
    lacking = [i for i in BALANCE if i not in indicators]
    if lacking:
        out.append((where, "parameter", "the grid balance needs the indicators " + ", ".join(lacking)
                    + " in indicators.csv"))
        return out
    bl = baseline[baseline["indicator_id"].isin(BALANCE)]
    city_sum = bl.groupby(["indicator_id", "year"])["value"].sum()
    for y in sorted(set(bl["year"])):
        try:
            d, g, x, th = (float(city_sum[i, y]) for i in BALANCE)
        except KeyError:
            continue
        if abs(th - (d - g - x)) > 1e-4 * max(abs(d), 1.0):
            origin = bl.loc[(bl["indicator_id"] == THERMAL) & (bl["year"] == y), "origin_"].iloc[0]
            out.append((origin, "value", f"baseline {THERMAL} {y} (city {th:,.0f} MWh) must equal {DEMAND} - "
                        f"{GENERATION} - {IMPORT} ({d - g - x:,.0f} MWh): the grid balance is an identity"))
    return out


def spill(effects: dict[tuple[str, str], dict[str, float]], grid: Grid, regions: list[str],
          indicators: list[str]) -> dict[tuple[str, str], dict[tuple[str, str], float]]:
    """(region built, measure) -> {(region booked, indicator): effect per unit} of the thermal output it moves."""
    moved = grid.moved(indicators)
    out: dict[tuple[str, str], dict[tuple[str, str], float]] = {}
    for key, eff in effects.items():
        delta = eff.get(DEMAND, 0.0) - eff.get(GENERATION, 0.0) - eff.get(IMPORT, 0.0)
        if delta == 0.0:
            continue
        out[key] = {(r, i): grid.shares[r] * f * delta for r in regions if grid.shares[r] for i, f in moved.items()}
    return out


def add_variables(m: pyo.ConcreteModel, p) -> None:
    if p.grid is not None:
        m.thermal_change = pyo.Var(m.T)  # MWh/yr; free: measures raise it (demand) or lower it (generation, imports)
        if any(p.accumulates[i] for i in p.thermal_moved):
            m.thermal_stood = pyo.Var(m.T)  # running sum of thermal_change, for an accumulating indicator


def add_constraints(m: pyo.ConcreteModel, p) -> None:
    if p.grid is None:
        return
    pairs = list(p.thermal_delta.items())
    m.thermal_balance = pyo.Constraint(m.T, rule=lambda _, t: m.thermal_change[t] == LinearExpression(
        constant=0.0, linear_coefs=[d for _, d in pairs], linear_vars=[m.stock[r, ms, t] for (r, ms), _ in pairs]))
    if hasattr(m, "thermal_stood"):
        first = p.years[0]
        m.thermal_stood_balance = pyo.Constraint(m.T, rule=lambda _, t: m.thermal_stood[t] == m.thermal_change[t]
                                                 + (m.thermal_stood[t - 1] if t > first else 0.0))
    m.thermal_floor = pyo.Constraint(
        m.T, rule=lambda _, t: pyo.quicksum(m.level[r, THERMAL, t] for r in p.regions) >= p.grid.must_run[t])
