"""Derive data/source_receptor.csv: PM2.5 in each region from the emissions of each region (a reduced-form, linear
source-receptor relation), calibrated to the city's published annual means of 2021-2023.

No published µg/m3-per-kt coefficient for Chongqing was found (/work/research/air_quality.md §2d), so the relation is
built from published shares and calibrated to the record, every step an assumption written down here and in
data/sources.csv (aq_assume_source_receptor):

1. **What the city's PM2.5 is made of** (share of the annual mean attributable to each precursor bucket), from the
   composition studies of Chongqing (Chen et al. 2017: sulfate 23.0%, nitrate 11.7%, ammonium 10.9%, OM 30.8%, EC
   5.2% in 2012-13; 彭超 et al. 2021: nitrate rising, the top winter ion in 2017; Bao et al. 2023: nitrate 28.8%,
   sulfate 10.6% in winter 2021; 万州 2016-17 SNA about 46%), moved to 2020 (sulfate down, nitrate up): sulfate 15%,
   nitrate 18%, ammonium 11% (0.375 of sulfate goes with SO2, 0.29 of nitrate with NOx), OM 33% (45% of it
   secondary, half of that from anthropogenic VOCs), EC 5%, dust and other 18%. Buckets: primary PM (EC + primary OM
   + dust) 41.2%, SO2 (sulfate + its ammonium) 20.6%, NOx (nitrate + its ammonium) 23.2%, VOCs 7.4%.
2. **How much of each is local** (emitted in the city, not transported in): primary 0.70, secondary 0.50 (Qiao et
   al. 2019: 21-51% local in winter, 15-45% in summer across the basin's cities, secondary aerosol travels further
   than primary). NH3 through its elasticity instead of a bucket: 0.14 (许艳玲 et al. 2017, national WRF-CMAQ, a 20%
   cut; stronger in 成渝) times 0.6 local.
3. So in the main urban region the local part is 62.6% of the annual mean (primary 28.8, SO2 10.3, NOx 11.6, VOCs 3.7,
   NH3 8.4 points); the rest, 37.4%, is the background (Qiao et al. 2021: 6-17 µg/m3 from outside the basin plus 6-10
   unidentified, 2015). The north-east and south-east rims take 55% from the background (Qiao et al. 2019: the
   region east of the basin supplies about 80% of PM2.5 at the eastern, north-eastern and south-eastern rims).
4. **The regions' levels** (no published value by region: only rankings, 市大气污染防治攻坚战指挥部 2019): main urban
   1 µg/m3 above the population-weighted city mean of the region levels' base x, north-east 2 below, south-east 4
   below (x + 1, x - 2, x - 4), x fixed so that the population-weighted mean equals the 2021-2023 mean of the record.
5. **Transport between the regions** (per tonne, relative to a tonne emitted in the receptor itself): main urban from
   the north-east 0.10, from the south-east 0.05; north-east from the main urban 0.25, from the south-east 0.05;
   south-east from the main urban 0.20, from the north-east 0.05 (assumption: the basin's prevailing transport from
   the west and the rims' low emissions).
6. **Calibration**: in receptor r, precursor p's coefficients are ``a[r, s, p] = λ[r, p] · w[r, s]``, λ such that the
   2021-2023 mean emissions of the reference baseline give the local part of step 3 at the level of step 4; the
   background is the rest. The relation then reproduces the 2021-2023 mean exactly and each year as well as emissions
   explain it (the weather moves the annual mean by ±3 µg/m3: 2022 31.3 after 34.7, 2023 36.7 on flat emissions).

Low/high: the ranges of the coefficients per precursor in /work/research/air_quality.md (derived from the ranges of
the shares and local fractions: primary 0.05-0.13 around 0.087 µg/m3 per kt, SO2 0.02-0.07 around 0.038, NOx
0.008-0.035 around 0.018, NH3 0.004-0.015 around 0.0073, VOCs 0.002-0.010 around 0.0044), applied as ratios; the
background's from the local fractions' ranges (main urban 30-50% of the mean, rims 40-75%).

Run from the repository root: ``.venv/bin/python data/derive/air_quality.py`` (writes data/source_receptor.csv and
prints the fit to the record). Re-run it when the emissions of the reference baseline change.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

OBSERVED = {2021: 34.7, 2022: 31.3, 2023: 36.7, 2024: 33.6}  # data/air_quality.csv pm25_observed
CALIBRATION = (2021, 2022, 2023)
REGIONS = ("main_urban", "northeast", "southeast")
OFFSET = {"main_urban": 1.0, "northeast": -2.0, "southeast": -4.0}  # step 4
BACKGROUND_SHARE = {"main_urban": None, "northeast": 0.55, "southeast": 0.55}  # step 3 (main urban: 1 - local)
BACKGROUND_RANGE = {"main_urban": (0.30, 0.50), "northeast": (0.40, 0.75), "southeast": (0.40, 0.75)}
# step 1 x step 2: points of the annual mean attributable to local emissions of each precursor, per unit of the mean
LOCAL = {"pm": 0.412 * 0.70, "so2": 0.206 * 0.50, "nox": 0.232 * 0.50, "vocs": 0.074 * 0.50, "nh3": 0.14 * 0.60}
# coefficient ranges as ratios of the central value (research notes, city-average coefficients per kt)
RANGE = {"pm": (0.05 / 0.087, 0.13 / 0.087), "so2": (0.02 / 0.038, 0.07 / 0.038), "nox": (0.008 / 0.018, 0.035 / 0.018),
         "nh3": (0.004 / 0.0073, 0.015 / 0.0073), "vocs": (0.002 / 0.0044, 0.010 / 0.0044)}
TRANSPORT = {  # step 5: w[receptor][source]
    "main_urban": {"main_urban": 1.0, "northeast": 0.10, "southeast": 0.05},
    "northeast": {"main_urban": 0.25, "northeast": 1.0, "southeast": 0.05},
    "southeast": {"main_urban": 0.20, "northeast": 0.05, "southeast": 1.0},
}
SOURCE = "aq_assume_source_receptor"


def emissions() -> tuple[dict, dict]:
    """(2021-2023 mean emissions by (region, precursor), the reference baseline's emissions by (region, precursor,
    year)) and the regions' population weights."""
    from planner.inputs import load
    from planner.inputs.airquality import population_weights
    from planner.inputs.case import load_case
    from planner.model.params import _interpolate

    data = load(load_case(ROOT / "cases" / "baseline.toml"))
    bl = _interpolate(data)
    return bl, population_weights(data.tables["regions"])


def derive() -> tuple[list[dict], dict]:
    bl, w = emissions()
    mean_obs = sum(OBSERVED[y] for y in CALIBRATION) / len(CALIBRATION)
    x = mean_obs - sum(w[r] * OFFSET[r] for r in REGIONS)
    level = {r: x + OFFSET[r] for r in REGIONS}
    local_total = sum(LOCAL.values())
    e = {(s, p): sum(bl[s, p, y] for y in CALIBRATION) / len(CALIBRATION) for s in REGIONS for p in LOCAL}
    rows = []
    info = {"level": level, "background": {}, "coef_per_kt": {}}
    for r in REGIONS:
        share = BACKGROUND_SHARE[r]
        local = level[r] * (local_total if share is None else 1.0 - share)
        background = level[r] - local
        lo, hi = BACKGROUND_RANGE[r]
        b_share = background / level[r]
        rows.append({"indicator_id": "pm25", "receptor_id": r, "source_region_id": "", "precursor_id": "", "year": "",
                     "coefficient": round(background, 4), "coefficient_low": round(lo * level[r], 4),
                     "coefficient_high": round(hi * level[r], 4), "source_id": SOURCE,
                     "note": f"background: {b_share:.1%} of the region's 2021-2023 level {level[r]:.2f} µg/m3 (steps "
                             f"3-4); range {lo:.0%}-{hi:.0%} of it"})
        info["background"][r] = background
        for p, f in LOCAL.items():
            part = local * f / local_total
            lam = part / sum(TRANSPORT[r][s] * e[s, p] for s in REGIONS)
            for s in REGIONS:
                a = lam * TRANSPORT[r][s]
                lo, hi = RANGE[p]
                info["coef_per_kt"][r, s, p] = a * 1e3
                rows.append({"indicator_id": "pm25", "receptor_id": r, "source_region_id": s, "precursor_id": p,
                             "year": "", "coefficient": float(f"{a:.6g}"), "coefficient_low": float(f"{a * lo:.6g}"),
                             "coefficient_high": float(f"{a * hi:.6g}"), "source_id": SOURCE,
                             "note": f"{a * 1e3:.4f} µg/m3 per kt/yr; {p} carries {part:.2f} µg/m3 of {r}'s local "
                                     f"{local:.2f} (steps 1-3), transport weight {TRANSPORT[r][s]:g} (step 5)"})
    info["weights"] = w
    info["bl"] = bl
    return rows, info


def fit(rows: list[dict], info: dict) -> dict[int, float]:
    bl, w = info["bl"], info["weights"]
    out = {}
    for y in range(2020, 2026):
        city = 0.0
        for r in REGIONS:
            c = sum(float(x["coefficient"]) * (bl[x["source_region_id"], x["precursor_id"], y]
                                               if x["precursor_id"] else 1.0)
                    for x in rows if x["receptor_id"] == r)
            city += w[r] * c
        out[y] = city
    return out


def main() -> None:
    rows, info = derive()
    path = ROOT / "data" / "source_receptor.csv"
    cols = ["indicator_id", "receptor_id", "source_region_id", "precursor_id", "year", "coefficient",
            "coefficient_low", "coefficient_high", "source_id", "note"]
    with path.open("w", newline="", encoding="utf-8") as f:
        wr = csv.DictWriter(f, fieldnames=cols)
        wr.writeheader()
        wr.writerows(rows)
    print("levels 2021-2023 (µg/m3):", {r: round(v, 2) for r, v in info["level"].items()})
    print("background:", {r: round(v, 2) for r, v in info["background"].items()})
    for (r, s, p), a in info["coef_per_kt"].items():
        if r == s:
            print(f"  {r:<11} {p:<5} {a:.4f} µg/m3 per kt")
    for y, c in fit(rows, info).items():
        obs = OBSERVED.get(y)
        print(y, f"{c:.2f}", "" if obs is None else f"observed {obs} residual {c - obs:+.2f}")


if __name__ == "__main__":
    main()
