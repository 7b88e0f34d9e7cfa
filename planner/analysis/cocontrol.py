"""Co-control (减污降碳协同) of the plan: per measure and region, measure, region, sector and the whole plan.

In the report year Y (2030 when modelled, else the last model year), for a group g of deployed (region, measure):

    ΔCO2  = -Σ_g delta_co2                        (t CO2 cut; from the Allocation table)
    ΔAP   = -Σ_g Σ_{p air}   delta_p · 1000 / kg_per_equivalent[p]    (air-pollutant equivalents cut)
    ΔWP   = -Σ_g Σ_{p water} delta_p · 1000 / kg_per_equivalent[p]    (water-pollutant equivalents cut)
    CO2, AP, WP = the baseline (no measures) of the group's scope in Y: the region for a (region, measure) or a
                  region; the whole city for a measure, a sector and the plan
    r_C = ΔCO2 / CO2,  r_A = ΔAP / AP,  r_W = ΔWP / WP,  r_P = (ΔAP + ΔWP) / (AP + WP)

- **quadrant** of the co-control coordinate system (x = r_C, y = r_P): I both cut (synergy), II pollution cut while
  CO2 rises, IV CO2 cut while pollution rises, III both rise; on an axis when one is unchanged.
- **co-control elasticity** ``Els_A = r_A / r_C`` and ``Els_W = r_W / r_C``: > 0 both cut (or both rise), > 1 the
  pollutant falls faster than CO2, < 0 one is traded for the other.
- **combined reduction** ``E = 100 · (r_C + r_P)`` (percentage points of the scope's own baseline) and the **unit
  co-control cost** = net annual cost in Y / E (yuan per point of combined reduction; negative when it saves).
- **synergy degree** ``D = (r_C + r_P) / (√2 · √(r_C² + r_P²))``: 1 when both fall by the same share, 0.71 when one
  only, 0 when one is traded for the other one-for-one, < 0 when both rise; **synergy score** ``S = D · E`` ranks
  sectors and regions by how much they cut both together (协同度, clause 二十二).

Where the data has a health account (`planner.analysis.health`), every group also carries the value of its cleaner
air in Y (``health_value``: Σ stock · `benefit_per_unit`, yuan a year), its **social annual cost** (net annual cost
with its electricity at the grid's variable cost, as the MAC curves, minus that value) and ``pays_with_health``: it
costs money, and pays for itself once health is counted.

Sources: the coordinate system and ``Els`` after Mao Xianqiang et al. (co-control effect assessment of local air
pollutants and CO2, Beijing Normal University; e.g. Environ. Sci. Technol. 2013 on the iron and steel industry) and the
co-control measure evaluation table of PMC11666946 (``Els_{j/k} = (ER_j/Q_j)/(ER_k/Q_k)``); the combined reduction,
unit cost and synergy degree are this project's definitions, written in docs/report.md.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..inputs.load import CITY
from .common import Context
from .health import health_account


def _quadrant(rc: float, rp: float, tol: float = 1e-12) -> str:
    c = 0 if abs(rc) <= tol else (1 if rc > 0 else -1)
    q = 0 if abs(rp) <= tol else (1 if rp > 0 else -1)
    return {(1, 1): "I both cut", (-1, 1): "II pollution cut, CO2 up", (-1, -1): "III both up",
            (1, -1): "IV CO2 cut, pollution up", (1, 0): "CO2 only", (0, 1): "pollution only",
            (-1, 0): "CO2 up only", (0, -1): "pollution up only", (0, 0): "no effect"}[c, q]


def _baselines(ctx: Context, scope: str) -> tuple[float, float, float]:
    values, y = ctx.indicator_values, ctx.report_year

    def b(i: str) -> float:
        v = values.get((scope, i, y))
        return 0.0 if v is None else float(v[0])

    co2 = b("co2")
    ap = sum(b(i) * w for i, w in ctx.air.items())
    wp = sum(b(i) * w for i, w in ctx.water.items())
    return co2, ap, wp


def _metrics(rec: dict, co2: float, ap: float, wp: float) -> dict:
    rc = rec["co2_cut"] / co2 if co2 else 0.0
    ra = rec["air_pe_cut"] / ap if ap else 0.0
    rw = rec["water_pe_cut"] / wp if wp else 0.0
    rp = (rec["air_pe_cut"] + rec["water_pe_cut"]) / (ap + wp) if ap + wp else 0.0
    e = 100.0 * (rc + rp)
    norm = math.hypot(rc, rp)
    degree = (rc + rp) / (math.sqrt(2.0) * norm) if norm > 0 else None
    return {**rec, "co2_cut_rel": rc, "air_cut_rel": ra, "water_cut_rel": rw, "pollution_cut_rel": rp,
            "quadrant": _quadrant(rc, rp), "els_air": ra / rc if rc else None, "els_water": rw / rc if rc else None,
            "combined_pp": e, "unit_cocontrol_cost": rec["annual_cost"] / e if abs(e) > 1e-12 else None,
            "synergy_degree": degree, "synergy_score": degree * e if degree is not None else None}


def _groups(labels: dict[str, list], keys: list[str] | None, n: int) -> list[tuple[tuple, np.ndarray]]:
    """(key, row positions) of each group of ``keys`` in the order the groups first appear (``groupby(keys,
    sort=False)``; rows with a missing key are left out, as groupby does); one group of every row for None."""
    if keys is None:
        return [((), np.arange(n))]
    rows: dict[tuple, list[int]] = {}
    for j, key in enumerate(zip(*(labels[k] for k in keys), strict=True)):
        if not any(v is None or v != v for v in key):
            rows.setdefault(key, []).append(j)
    return [(key, np.asarray(r)) for key, r in rows.items()]


def cocontrol(ctx: Context) -> pd.DataFrame:
    """Rows with ``level`` in (measure_region, measure, region, sector, plan), sorted by synergy score within each."""
    alloc = ctx.result.allocation
    y = ctx.report_year
    cols = [c for c in alloc.columns if c.startswith("delta_")]
    a = alloc[alloc["year"] == y].copy() if not alloc.empty else alloc.copy()
    if a.empty:
        return pd.DataFrame(columns=["level", "key", "scope"])
    a["sector"] = a["measure_id"].map(ctx.sector)
    a["co2_cut"] = -a["delta_co2"] if "delta_co2" in cols else 0.0
    a["air_pe_cut"] = -sum(a[f"delta_{i}"] * w for i, w in ctx.air.items() if f"delta_{i}" in cols) \
        if ctx.air else 0.0
    a["water_pe_cut"] = -sum(a[f"delta_{i}"] * w for i, w in ctx.water.items() if f"delta_{i}" in cols) \
        if ctx.water else 0.0
    health = health_account(ctx)
    per_unit = {key: health.benefit_per_unit(*key, y) for key in dict.fromkeys(zip(
        a["region_id"].tolist(), a["measure_id"].tolist(), strict=True))} if health.available else {}
    a["health_value"] = [per_unit.get((r, m), 0.0) * s for r, m, s in zip(
        a["region_id"].tolist(), a["measure_id"].tolist(), a["stock"].tolist(), strict=True)]
    base = {s: _baselines(ctx, s) for s in [CITY, *ctx.p.regions]}
    sums = ("co2_cut", "air_pe_cut", "water_pe_cut", "annual_cost", "electricity_cost", "health_value")
    values = {c: a[c].to_numpy(dtype=float) for c in sums}
    labels = {c: a[c].tolist() for c in ("region_id", "measure_id", "sector")}
    out = []
    groups = [("measure_region", ["region_id", "measure_id"]), ("measure", ["measure_id"]),
              ("region", ["region_id"]), ("sector", ["sector"]), ("plan", None)]
    for level, keys in groups:
        for key, rows in _groups(labels, keys, len(a)):
            g = {c: v[rows] for c, v in values.items()}  # the group's rows in table order, as groupby gives them
            label = dict(zip(keys or [], key, strict=True))
            scope = label.get("region_id", CITY)
            rec = {"level": level, "key": " / ".join(map(str, key)) or "plan", "scope": scope,
                   "region_id": label.get("region_id", ""), "measure_id": label.get("measure_id", ""),
                   "sector": label.get("sector", ""),
                   "name_zh": ctx.measure_zh.get(label.get("measure_id", ""), "")
                   or (ctx.region_zh.get(scope, "") if level == "region" else ("全市方案" if level == "plan" else "")),
                   **{c: float(np.nansum(g[c])) for c in sums}}  # as pandas sums: NaN as 0
            system = rec["annual_cost"] + rec["electricity_cost"]  # its electricity valued, as the MAC curves
            rec["social_annual_cost"] = system - rec["health_value"]
            rec["pays_with_health"] = bool(health.available and system > 0 and rec["social_annual_cost"] <= 0)
            out.append(_metrics(rec, *base[scope]))
    df = pd.DataFrame.from_records(out)
    df["rank"] = df.groupby("level")["synergy_score"].rank(ascending=False, method="min")
    order = {"plan": 0, "sector": 1, "region": 2, "measure": 3, "measure_region": 4}
    df = df.sort_values(["level", "synergy_score"], key=lambda s: s.map(order) if s.name == "level" else s,
                        ascending=[True, False], ignore_index=True)
    df.attrs["year"] = y
    return df
