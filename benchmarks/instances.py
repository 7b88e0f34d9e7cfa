"""Scaled instances made from the shipped data: regions x measures x years.

    .venv/bin/python benchmarks/instances.py 38 78 15 --out /tmp/inst_38x78x15   # writes data/ and case.toml

Regions beyond the shipped three are copies of them (``main_urban_r4`` copies ``main_urban``...), with their
baseline, districts, regional effects and potentials. Measures beyond the shipped ones are copies with a suffix
(``pv_utility_m2``) whose costs are 1% dearer per copy, so copies are never tied. Years beyond the last baseline year
keep the last baseline value (flat). City targets in absolute units (cap, floor) are scaled by regions / 3 so that
they ask the same of every region; shares, reductions and intensities are scale-free. The grid balance
(electricity.csv) books thermal output to the copies of a region in equal parts of its share, and the must-run floor
scales with the regions. The case settings (baseline variant, history_until) are the shipped case's
(cases/baseline.toml), so 3x78x15 is the shipped case itself. These are synthetic instances for timing only: their
numbers are not a plan for anywhere.
"""

from __future__ import annotations

import argparse
import tomllib
from pathlib import Path

import pandas as pd

SHIPPED = Path(__file__).resolve().parent.parent / "data"
SHIPPED_CASE = SHIPPED.parent / "cases" / "baseline.toml"


def _read(name: str) -> pd.DataFrame:
    return pd.read_csv(SHIPPED / f"{name}.csv", dtype=str, keep_default_na=False)


def _rebalance(baseline: pd.DataFrame) -> pd.DataFrame:
    """Keep the grid balance an identity when the regions are copied unevenly (38 = 13 + 13 + 12 copies): scale each
    variant's and year's regional thermal output so that it sums to city demand - non-fossil - imports."""
    value = pd.to_numeric(baseline["value"])
    key = [baseline["variant"], baseline["year"]]
    city = value.groupby([baseline["indicator_id"], *key]).sum()
    out = baseline.copy()
    for (variant, year), idx in baseline[baseline["indicator_id"] == "elec_thermal"].groupby(key).groups.items():
        try:
            need = sum(sign * city[i, variant, year] for i, sign in
                       (("elec_demand", 1), ("elec_gen_nonfossil", -1), ("elec_import", -1)))
        except KeyError:
            continue
        have = city["elec_thermal", variant, year]
        if have and abs(need / have - 1) > 1e-9:
            out.loc[idx, "value"] = [repr(float(v * need / have)) for v in value[idx]]
    return out


def make_instance(out: Path, regions: int = 3, measures: int = 78, years: int = 15, first_year: int = 2021,
                  base_year: int = 2020, discount_rate: float = 0.08) -> Path:
    """Write ``out/data/*.csv`` and ``out/case.toml``; return the case file."""
    out = Path(out)
    data = out / "data"
    data.mkdir(parents=True, exist_ok=True)
    t = {name: _read(name) for name in ("regions", "districts", "baseline", "effects", "measures", "potentials",
                                        "targets", "indicators", "sources", "pollution_equivalents", "electricity")}
    base_regions = list(t["regions"]["region_id"])
    base_measures = list(t["measures"]["measure_id"])
    region_of = {r: r for r in base_regions}  # new region -> the shipped region it copies
    for k in range(len(base_regions), regions):
        src = base_regions[k % len(base_regions)]
        region_of[f"{src}_r{k + 1}"] = src
    region_ids = list(region_of)[:regions]
    measure_of: dict[str, tuple[str, int]] = {}
    for k in range(measures):
        src = base_measures[k % len(base_measures)]
        copy = k // len(base_measures)
        measure_of[src if copy == 0 else f"{src}_m{copy + 1}"] = (src, copy)

    def by_region(df: pd.DataFrame, key: str | None = None) -> pd.DataFrame:
        parts = []
        for r in region_ids:
            part = df[df["region_id"] == region_of[r]].copy()
            part["region_id"] = r
            if key and r != region_of[r]:
                part[key] = part[key] + "_" + r
            parts.append(part)
        return pd.concat(parts, ignore_index=True)

    def by_measure(df: pd.DataFrame, money: tuple[str, ...] = ()) -> pd.DataFrame:
        parts = []
        for mid, (src, copy) in measure_of.items():
            part = df[df["measure_id"] == src].copy()
            part["measure_id"] = mid
            for col in money:
                vals = pd.to_numeric(part[col], errors="coerce")
                part[col] = [("" if pd.isna(v) else repr(float(v) * (1 + 0.01 * copy))) for v in vals]
            parts.append(part)
        return pd.concat(parts, ignore_index=True)

    regions_df = by_region(t["regions"])
    for r in region_ids:
        if r != region_of[r]:
            regions_df.loc[regions_df["region_id"] == r, "name_en"] += f" ({r})"
    districts = by_region(t["districts"], key="district_id")
    last_year = first_year + years - 1
    bl = t["baseline"]
    bl_years = pd.to_numeric(bl["year"])
    ext = []
    for _key, g in bl.assign(y=bl_years).groupby(["variant", "region_id", "indicator_id"]):
        g = g[g["y"] <= last_year] if (g["y"] >= last_year).any() else g
        if g["y"].max() < last_year:
            row = g.loc[g["y"].idxmax()].copy()
            row["year"] = str(last_year)
            g = pd.concat([g, row.to_frame().T])
        ext.append(g.drop(columns="y"))
    baseline = _rebalance(by_region(pd.concat(ext, ignore_index=True)))
    eff = t["effects"]
    general, regional = eff[eff["region_id"] == ""], eff[eff["region_id"] != ""]
    effects = by_measure(pd.concat([general, by_region(regional)], ignore_index=True))
    ms = by_measure(t["measures"], money=("capex", "fixed_om", "savings", "capex_low", "capex_high",
                                          "savings_low", "savings_high", "fixed_om_low", "fixed_om_high"))
    potentials = by_measure(by_region(t["potentials"]))
    targets = t["targets"].copy()
    years_int = pd.to_numeric(targets["year"])
    targets = targets[(years_int >= first_year) & (years_int <= last_year - 1)].copy()
    scale = regions / len(base_regions)
    absolute = targets["kind"].isin(["cap", "floor"]) & (targets["scope"] == "city")
    targets.loc[absolute, "value"] = [repr(float(v) * scale) for v in targets.loc[absolute, "value"]]
    el = t["electricity"]
    copies = {src: sum(1 for r in region_ids if region_of[r] == src) for src in base_regions}
    shares = by_region(el[el["parameter"] == "thermal_share"])
    shares["value"] = [repr(float(v) / copies[region_of[r]]) for r, v in zip(shares["region_id"], shares["value"],
                                                                           strict=True)]
    city = el[el["region_id"] == ""].copy()
    must = city["parameter"] == "must_run"
    city.loc[must, "value"] = [repr(float(v) * scale) for v in city.loc[must, "value"]]
    electricity = pd.concat([city, shares], ignore_index=True)
    tables = {"electricity": electricity, "regions": regions_df, "districts": districts, "baseline": baseline,
              "effects": effects,
              "measures": ms, "potentials": potentials, "targets": targets, "indicators": t["indicators"],
              "sources": t["sources"], "pollution_equivalents": t["pollution_equivalents"]}
    for name, df in tables.items():
        df.to_csv(data / f"{name}.csv", index=False)
    shipped = tomllib.loads(SHIPPED_CASE.read_text(encoding="utf-8"))
    settings = "".join(f"{k} = {shipped[k]!r}\n".replace("'", '"') for k in ("baseline", "history_until")
                       if k in shipped)
    case = out / "case.toml"
    case.write_text(
        f'name = "scaled_{regions}x{measures}x{years}"\ndata = "data"\nbase_year = {base_year}\n'
        f"first_year = {first_year}\nlast_year = {last_year}\ndiscount_rate = {discount_rate}\n{settings}",
        encoding="utf-8")
    return case


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("regions", type=int)
    ap.add_argument("measures", type=int)
    ap.add_argument("years", type=int)
    ap.add_argument("--out", type=Path, required=True)
    a = ap.parse_args()
    print(make_instance(a.out, a.regions, a.measures, a.years))


if __name__ == "__main__":
    main()
