"""Print the headline figures of a case that docs/validation.md holds against published figures.

    .venv/bin/python scripts/headline.py cases/baseline.toml
"""

from __future__ import annotations

import sys

import pandas as pd

import planner
from planner.analysis import analyse


def main(path: str) -> None:
    res = planner.run(path)
    a = analyse(res)
    ind = res.indicators[res.indicators["region_id"] == "city"].set_index(["indicator_id", "year"])
    years = [2020, 2023, 2025, 2030, 2035]
    print(f"case {res.summary['case']}: objective {res.solution.objective / 1e8:,.1f} 亿元 (PV 2020), "
          f"without peak {(res.solution.reference_objective or 0) / 1e8:,.1f} 亿元")
    print("\nindicator      " + "".join(f"{y:>20}" for y in years))
    for i, div, unit in (("co2_official", 1e6, "Mt"), ("co2", 1e6, "Mt"), ("co2_process", 1e6, "Mt"),
                         ("co2_net", 1e6, "Mt"), ("energy_total", 1e4, "万tce"),
                         ("elec_demand", 1e8 / 1e3, "亿kWh"), ("elec_thermal", 1e8 / 1e3, "亿kWh"),
                         ("so2", 1e3, "kt"), ("nox", 1e3, "kt"), ("pm", 1e3, "kt"), ("vocs", 1e3, "kt"),
                         ("nh3", 1e3, "kt"), ("cod", 1e3, "kt"), ("nh3n", 1e3, "kt"), ("ch4", 1e3, "kt")):
        if (i, 2020) not in ind.index:
            continue
        cells = "".join(f"{ind.at[(i, y), 'baseline'] / div:>9,.1f}->{ind.at[(i, y), 'level'] / div:>9,.1f}"
                        for y in years)
        print(f"{i:<9}{unit:<6}{cells}")
    share = ind.xs("energy_nonfossil", level=0)["level"] / ind.xs("energy_total", level=0)["level"]
    print("\nnon-fossil share:", ", ".join(f"{y} {share[y]:.1%}" for y in years))
    pk = a.peak
    if pk:
        print(f"CO2 peak ({pk['indicator']}): {pk['plan_year']} at {pk['plan_year_level'] / 1e6:.1f} Mt, highest "
              f"{pk['plan_level'] / 1e6:.1f} Mt in {pk['plan_max_year']}")
    wp = ind.xs("wind_pv_added", level=0)["level"] if ("wind_pv_added", 2030) in ind.index else None
    if wp is not None:
        print("wind and PV added by the measures (MW): " + ", ".join(f"{y} {wp[y]:,.0f}" for y in (2025, 2030, 2035)))
    mc = res.targets[(res.targets["status"] == "binding") & (res.targets["marginal_cost"].abs() > 1e-6)]
    print("\nbinding targets, marginal cost in yuan of the row's year (max over its years):")
    for k, g in mc.groupby("target_id", sort=False):
        print(f"  {k:<36} {g['marginal_cost'].abs().max():>14,.1f}  in {sorted(g['year'])}")
    alloc = res.allocation
    inv = alloc.groupby("year")["investment"].sum() / 1e8
    gdp = ind.xs("gdp", level=0)["baseline"]
    print(f"\ninvestment {inv.sum():,.0f} 亿元 over {inv.index.min()}-{inv.index.max()}; per year:")
    print("  " + ", ".join(f"{y} {v:,.0f}" for y, v in inv.items()))
    print("  share of GDP: " + ", ".join(f"{y} {inv.get(y, 0) * 1e8 / gdp[y]:.2%}" for y in (2024, 2025, 2030, 2035)))
    by_sector = alloc.assign(sector=alloc["measure_id"].map(a.ctx.sector)).groupby("sector")["investment"].sum()
    print("  by sector (亿元): " + ", ".join(f"{s} {v / 1e8:,.0f}" for s, v in by_sector.sort_values().items()))
    print("\nelectricity (t CO2/MWh):")
    el = res.electricity.set_index("year")
    print(el.loc[[2020, 2021, 2022, 2025, 2030, 2035], ["factor_territorial", "factor_consumption",
                                                        "factor_marginal_up", "factor_official"]].round(3))
    print("\nelectricity (TWh, yuan/MWh):")
    cols = ["demand", "generation_nonfossil", "imports", "thermal", "thermal_capacity", "thermal_cost",
            "marginal_value", "benchmark_tariff"]
    t = el.loc[[2020, 2023, 2024, 2025, 2026, 2028, 2030, 2032, 2035], cols].copy()
    for c in ("demand", "generation_nonfossil", "imports", "thermal"):
        t[c] = t[c] / 1e6
    print(t.round(1).to_string())
    f = a.costs if hasattr(a, "costs") else None
    if isinstance(f, pd.DataFrame):
        print(f.head())


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "cases/baseline.toml")
