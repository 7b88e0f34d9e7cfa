"""Marginal abatement cost (MAC) curves per measure and region, in CO2e, air- and water-pollutant equivalents.

For each (region, measure) with a potential, from its own effects in that region (``effect[r,m,i]`` per unit):

    CO2e cut per unit  = -Σ_g GWP_g · effect[g]       g ∈ {co2, ch4, fgas}; GWP of CH4 = case setting gwp_ch4
    air PE cut per unit   = -Σ_{p air}   effect[p] · 1000 / kg_per_equivalent[p]   (pollution_equivalents.csv)
    water PE cut per unit = -Σ_{p water} effect[p] · 1000 / kg_per_equivalent[p]
    cost per t CO2e    = c[r, m] / CO2e cut per unit  (c = annualized net cost per unit in the report year, yuan per
                         year, its electricity valued at the grid's variable cost: `Params.system_cost`)
    abatement          = cut per unit · max_stock     (at full potential, per year); ``deployed``: · stock in the
                         report year

Rows are sorted by cost: the curve is the cumulative abatement against the cost of the next tonne. Each row carries
its co-benefit (what it does to the other medium), which colours the bars of the charts.

Where the data has a health account (`planner.analysis.health`), each row also carries its **air-quality benefit**:
what the PM2.5 it removes is worth a year (``health_benefit_per_unit``, yuan, at the plan's concentrations in the
report year), per unit cut (``health_per_unit_cut``: yuan/t CO2e on the CO2e curve) and the **social cost** per unit
cut, ``(c - health benefit) / cut``: below zero, the measure pays for itself once health is counted.
"""

from __future__ import annotations

import pandas as pd

from .common import Context
from .health import health_account

METRICS = {
    "co2e": ("t CO2e", "yuan/t CO2e"),
    "air": ("PE", "yuan/PE"),
    "water": ("PE", "yuan/PE"),
}


def _co_benefit(metric: str, ghg: float, air: float, water: float) -> str:
    if metric == "co2e":
        if air > 0 and water > 0:
            return "cuts air and water pollution"
        if air < 0 or water < 0:
            return "adds pollution"
        if air > 0:
            return "cuts air pollution"
        if water > 0:
            return "cuts water pollution"
        return "no pollution effect"
    if ghg > 0:
        return "also cuts CO2e"
    if ghg < 0:
        return "adds CO2e"
    return "no CO2e effect"


def mac_table(ctx: Context, metric: str = "co2e") -> pd.DataFrame:
    """One row per (region, measure) that cuts the metric, sorted by cost per unit cut, with cumulative sums."""
    p, alloc = ctx.p, ctx.result.allocation
    y = ctx.report_year
    stock = {}  # (region, measure) -> units standing in the report year
    if not alloc.empty:
        now = alloc[alloc["year"] == y]
        stock = dict(zip(zip(now["region_id"].tolist(), now["measure_id"].tolist(), strict=True),
                         now["stock"].tolist(), strict=True))
    rows = []
    health = health_account(ctx)
    for r, m, ghg, air, water in ctx.pair_cuts:
        cut = {"co2e": ghg, "air": air, "water": water}[metric]
        if cut <= 0:
            continue
        s = float(stock.get((r, m), 0.0))
        hb = health.benefit_per_unit(r, m, y)
        rows.append({
            "region_id": r, "measure_id": m, "measure_zh": ctx.measure_zh.get(m, ""),
            "measure_en": ctx.measure_en.get(m, ""), "sector": ctx.sector.get(m, ""),
            "annual_cost_per_unit": p.system_cost(r, m, y), "cut_per_unit": cut,
            "cost_per_unit_cut": p.system_cost(r, m, y) / cut,
            "potential": cut * p.max_stock[r, m], "deployed": cut * s,
            "co2e_per_unit": ghg, "air_pe_per_unit": air, "water_pe_per_unit": water,
            "co_benefit": _co_benefit(metric, ghg, air, water),
            "assumed": m in ctx.assumed_measures,
            "health_benefit_per_unit": hb, "health_per_unit_cut": hb / cut,
            "social_cost_per_unit_cut": (p.system_cost(r, m, y) - hb) / cut,
        })
    df = pd.DataFrame.from_records(rows, columns=[
        "region_id", "measure_id", "measure_zh", "measure_en", "sector", "annual_cost_per_unit", "cut_per_unit",
        "cost_per_unit_cut", "potential", "deployed", "co2e_per_unit", "air_pe_per_unit", "water_pe_per_unit",
        "co_benefit", "assumed", "health_benefit_per_unit", "health_per_unit_cut", "social_cost_per_unit_cut"])
    df = df.sort_values(["cost_per_unit_cut", "measure_id", "region_id"], ignore_index=True)
    df["cumulative_potential"] = df["potential"].cumsum()
    df["cumulative_deployed"] = df["deployed"].cumsum()
    df.insert(0, "metric", metric)
    df.attrs["year"] = y
    return df
