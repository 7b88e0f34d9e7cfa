"""Results in the IAMC long format (model, scenario, region, variable, unit, year, value), which pyam and the scenario
tools of the integrated-assessment community read (``pyam.IamDataFrame(pd.read_csv(path))``).

Scenario ``<case>`` holds the plan; ``<case>|No measures`` the frozen-technology baseline of the same case. Regions:
``Chongqing`` for the whole city, then ``Chongqing|<region_id>`` (with the district set, each district's and each
cluster's, the sum of its districts). Variables follow the IAMC/openENTRANCE naming where
one exists (``Emissions|CO2``, ``Emissions|CH4``, ``Emissions|Sulfur``, ``Emissions|NOx``, ``Emissions|VOC``,
``Emissions|NH3``, ``Investment``, ``Cost``); ``Concentration|PM2.5`` (µg/m3, the city's the population-weighted
mean) and ``Deaths|PM2.5 Attributable`` (GEMM) where the data has them; quantities without a common name keep the
indicator id (``Indicator|<id>``) and its unit from indicators.csv.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..analysis import Analysis
from ..base.safe import atomic, csv_text
from ..inputs.load import CITY

MODEL = "planner"
# indicator -> (IAMC variable, unit, divisor from the indicator's own unit)
NAMED = {
    "co2": ("Emissions|CO2", "Mt CO2/yr", 1e6),
    "co2_net": ("Emissions|CO2|Net of Measures' Sinks", "Mt CO2/yr", 1e6),
    "co2_energy": ("Emissions|CO2|Energy", "Mt CO2/yr", 1e6),
    "co2_process": ("Emissions|CO2|Industrial Processes", "Mt CO2/yr", 1e6),
    "co2_official": ("Emissions|CO2|Assessment Basis (Energy incl. Net Electricity Imports)", "Mt CO2/yr", 1e6),
    "co2_sink": ("Carbon Removal|Measures", "Mt CO2/yr", 1e6),
    "ch4": ("Emissions|CH4", "Mt CH4/yr", 1e6),
    "so2": ("Emissions|Sulfur", "kt SO2/yr", 1e3),
    "nox": ("Emissions|NOx", "kt NOx/yr", 1e3),
    "pm": ("Emissions|PM", "kt PM/yr", 1e3),
    "vocs": ("Emissions|VOC", "kt VOC/yr", 1e3),
    "nh3": ("Emissions|NH3", "kt NH3/yr", 1e3),
    "cod": ("Emissions|Water|COD", "kt COD/yr", 1e3),
    "nh3n": ("Emissions|Water|NH3-N", "kt NH3-N/yr", 1e3),
    "fgas": ("Emissions|F-Gases", "Mt CO2-equiv/yr", 1e6),
    "energy_total": ("Primary Energy", "Mt tce/yr", 1e6),
    "energy_nonfossil": ("Primary Energy|Non-Fossil", "Mt tce/yr", 1e6),
    "energy_coal": ("Primary Energy|Coal", "Mt tce/yr", 1e6),
    "energy_oil": ("Primary Energy|Oil", "Mt tce/yr", 1e6),
    "energy_gas": ("Primary Energy|Gas", "Mt tce/yr", 1e6),
    "pm25": ("Concentration|PM2.5", "µg/m3", 1.0),  # the city: population-weighted mean
}
COLUMNS = ["model", "scenario", "region", "variable", "unit", "year", "value"]


def region_name(r: str) -> str:
    return "Chongqing" if r == CITY else f"Chongqing|{r}"


def _with_clusters(ind: pd.DataFrame, regions: pd.DataFrame) -> pd.DataFrame:
    """With the district set (`regions = "districts"`): the indicator rows and each cluster's, the sum of its
    districts (``Chongqing|<cluster>``, beside ``Chongqing|<district>`` and ``Chongqing``)."""
    if "cluster" not in regions or ind.empty:
        return ind
    cluster = {r: c for r, c in zip(regions["region_id"], regions["cluster"], strict=True) if c}
    part = ind[ind["region_id"].isin(list(cluster))]
    sums = part.assign(region_id=part["region_id"].map(cluster)).groupby(
        ["region_id", "indicator_id", "year"], as_index=False, sort=False)[["baseline", "level"]].sum()
    return pd.concat([ind, sums], ignore_index=True)


def iamc_table(a: Analysis) -> pd.DataFrame:
    res, ctx = a.result, a.ctx
    case = res.summary["case"]
    ind = _with_clusters(res.indicators, res.data.tables["regions"])
    units = ctx.unit
    frames = []
    ids = ind["indicator_id"]
    known = ids.unique().tolist()  # each indicator and region named once, then mapped
    var = ids.map({i: NAMED[i][0] if i in NAMED else f"Indicator|{i}" for i in known})
    unit = ids.map({i: NAMED[i][1] if i in NAMED else units.get(i, "") for i in known})
    div = ids.map({i: NAMED[i][2] if i in NAMED else 1.0 for i in known})
    region = ind["region_id"].map({r: region_name(r) for r in ind["region_id"].unique().tolist()})
    year = ind["year"].astype(int)
    for col, scenario in (("level", case), ("baseline", f"{case}|No measures")):
        frames.append(pd.DataFrame({"model": MODEL, "scenario": scenario, "region": region,
                                    "variable": var, "unit": unit, "year": year, "value": ind[col] / div}))
    air = a.air
    if air is not None and len(air):  # deaths attributable to PM2.5 (GEMM): the plan and the baseline
        for col, scenario in (("deaths", case), ("deaths_baseline", f"{case}|No measures")):
            frames.append(pd.DataFrame({"model": MODEL, "scenario": scenario,
                                        "region": air["region_id"].map(region_name),
                                        "variable": "Deaths|PM2.5 Attributable", "unit": "deaths/yr",
                                        "year": air["year"].astype(int), "value": air[col]}))
    c = a.costs
    money = [("investment", "Investment", "million CNY/yr"),
             ("capital_charge", "Cost|Capital Charge", "million CNY/yr"),
             ("om", "Cost|O&M", "million CNY/yr"), ("savings", "Cost|Savings", "million CNY/yr"),
             ("net", "Cost|Net", "million CNY/yr")]
    for key, var, unit in money:
        frames.append(pd.DataFrame({"model": MODEL, "scenario": case, "region": "Chongqing", "variable": var,
                                    "unit": unit, "year": c["year"].astype(int), "value": c[key] / 1e6}))
    mc = a.marginal.dropna(subset=["marginal_cost"])
    if len(mc):
        frames.append(pd.DataFrame({
            "model": MODEL, "scenario": case, "region": mc["scope"].map(region_name),
            "variable": "Price|Target|" + mc["target_id"], "unit": "CNY/" + mc["unit"].replace("", "unit"),
            "year": mc["year"].astype(int), "value": mc["marginal_cost"]}))
    out = pd.concat(frames, ignore_index=True)[COLUMNS]
    return out.sort_values(["scenario", "region", "variable", "year"], ignore_index=True)


def write_iamc(a: Analysis, path: str | Path) -> Path:
    """Write the IAMC long table as CSV (UTF-8), atomically."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic(path) as tmp:  # planner.base.safe: temporary file, renamed when whole; removed on an interrupt
        csv_text(iamc_table(a)).to_csv(tmp, index=False, encoding="utf-8")
    return path
