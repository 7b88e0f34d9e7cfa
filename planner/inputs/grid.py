"""The city grid's parameters and checks (data/electricity.csv), without Pyomo: read by `planner.inputs` (its checks)
and by `planner.model` (the balance, `planner/model/electricity.py`, whose docstring gives the math).

`read_grid` turns the validated table into a `Grid` (thermal-output factors, regional thermal shares, must-run and
import factors by year); `check` lists the problems of a table and of the baseline's balance identity. How a measure's
thermal output is booked to the regions by their thermal shares: `planner.model.params.Params.flows`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

DEMAND, GENERATION, IMPORT, THERMAL = "elec_demand", "elec_gen_nonfossil", "elec_import", "elec_thermal"
CAPACITY = "thermal_capacity"  # MW of thermal capacity in service (with thermal_max_hours: the capacity row)
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
# the price of thermal output: fuel (coal_price x thermal_coal + gas_price x thermal_gas) + thermal_vom, yuan/MWh;
# without these parameters thermal output has no cost in the objective (a grid that only counts)
PRICES = ("coal_price", "gas_price", "thermal_vom")
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
    cost: dict[int, float] = field(default_factory=dict)  # year -> yuan per MWh of thermal output (fuel + O&M)
    max_hours: float | None = None  # full-load hours of thermal capacity a year (the capacity row), None: no row
    import_official: dict[int, float] = field(default_factory=dict)  # year -> t CO2/MWh of net imports (assessment)
    tariff: dict[int, float] = field(default_factory=dict)  # year -> benchmark tariff, yuan/MWh (comparison only)

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


def parameter_path(table: pd.DataFrame, parameter: str, years: list[int]) -> dict[int, float]:
    """A city parameter of the electricity table in every year (blank year: all years; dated rows interpolated)."""
    rows = table[table["region_id"].isin(["", None]) & (table["parameter"] == parameter)]
    return _by_year(rows, years) if not rows.empty else {}


def read_grid(table: pd.DataFrame, regions: list[str], years: list[int]) -> Grid | None:
    """The grid of a validated electricity table, or None when the data has no balance (no rows)."""
    if table.empty:
        return None
    city = table[table["region_id"].isin(["", None])]
    first: dict[str, object] = {}  # parameter -> the value of its first city row
    for p, v in zip(city["parameter"].tolist(), city["value"].tolist(), strict=True):
        first.setdefault(p, v)
    factors = {p: float(first[p]) for p in (*FACTORS, "nonfossil_coal_equivalent") if p in first}
    share_rows = table[table["parameter"] == "thermal_share"]
    shares = {r: float(share_rows.loc[share_rows["region_id"] == r, "value"].sum()) for r in regions}
    official = table[table["parameter"] == "grid_factor_official"]

    def path(parameter: str) -> dict[int, float]:
        rows = city[city["parameter"] == parameter]
        return _by_year(rows, years) if not rows.empty else {}

    price = {p: path(p) for p in PRICES}
    cost = {}
    if any(price.values()):
        cost = {y: price["coal_price"].get(y, 0.0) * factors.get("thermal_coal", 0.0)
                + price["gas_price"].get(y, 0.0) * factors.get("thermal_gas", 0.0)
                + price["thermal_vom"].get(y, 0.0) for y in years}
    hours = path("thermal_max_hours")
    return Grid(
        factors=factors,
        shares=shares,
        must_run=_by_year(city[city["parameter"] == "must_run"], years),
        import_co2=_by_year(city[city["parameter"] == "import_co2"], years),
        official={int(y): float(v) for y, v in zip(official["year"], official["value"], strict=True)
                  if y is not None and y == y},
        cost=cost,
        max_hours=max(hours.values()) if hours else None,
        import_official=path("import_co2_official"),
        tariff=path("benchmark_tariff"),
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
    if (city["parameter"] == "thermal_max_hours").any() and CAPACITY not in indicators:
        out.append((where, "parameter", "thermal_max_hours limits thermal output by the thermal_capacity indicator; "
                    "expected thermal_capacity (MW) in indicators.csv"))
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
    city_sum = bl.groupby(["indicator_id", "year"])["value"].sum().to_dict()  # (indicator, year) -> city total
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
