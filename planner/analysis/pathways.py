"""Pathways: every target followed over time in its own terms, the CO2 peak, and each sector's share of the cut.

For each enabled target and every year from the base year to the last model year, with L the level summed over the
target's scope (plan) and B the same without measures (baseline):

    share_min / share_max    L(i, y) / L(d, y)
    reduction                1 - L(i, y) / L(i, b)
    intensity_reduction      1 - (L(i, y) / D(y)) / (L(i, b) / D(b))      D = the driver's baseline
    cap, floor, peak, other  L(i, y)

``required`` is the target value in the years that have a target row (for a peak: the level it may not exceed).
"""

from __future__ import annotations

import pandas as pd

from .common import PCT_KINDS, Context


def target_pathways(ctx: Context) -> pd.DataFrame:
    values = ctx.indicator_values  # (scope, indicator, year) -> (baseline, level)
    column = {"baseline": 0, "level": 1}
    tg = ctx.result.targets
    rows_by: dict[str, list[tuple]] = {}  # target_id -> (year, value, limit) of its rows, in table order
    for k, y, v, lim in zip(*(tg[c].tolist() for c in ("target_id", "year", "value", "limit")), strict=True):
        rows_by.setdefault(k, []).append((y, v, lim))
    years = sorted(ctx.result.indicators["year"].unique())
    out = []
    for k, trows in rows_by.items():
        t = ctx.target_rows[k]
        kind, i, scope = t["kind"], t["indicator_id"], t["scope"]
        required = {y: (v if kind != "peak" else lim) for y, v, lim in trows}

        def get(ind_id, y, col, scope=scope):
            v = values.get((scope, ind_id, int(y)))
            return None if v is None else float(v[column[col]])

        for y in years:
            rec = {"target_id": k, "target_zh": ctx.target_zh.get(k, ""), "kind": kind, "scope": scope,
                   "year": int(y), "in_own_terms": "share" if kind in PCT_KINDS else ctx.unit.get(i, "")}
            for col in ("baseline", "level"):
                L = get(i, y, col)
                if kind in ("share_min", "share_max"):
                    d = get(t["denominator_id"], y, col)
                    v = L / d if L is not None and d else None
                elif kind == "reduction":
                    b = get(i, t["base_year"], col)
                    v = 1 - L / b if L is not None and b else None
                elif kind == "intensity_reduction":
                    b = get(i, t["base_year"], col)
                    dy, db = get(t["denominator_id"], y, "baseline"), get(t["denominator_id"], t["base_year"],
                                                                             "baseline")
                    v = 1 - (L / dy) / (b / db) if L is not None and b and dy and db else None
                else:
                    v = L
                rec[col] = v
            rec["required"] = required.get(int(y))
            out.append(rec)
    return pd.DataFrame.from_records(out, columns=["target_id", "target_zh", "kind", "scope", "year",
                                                   "in_own_terms", "baseline", "level", "required"])


PLATEAU = 0.005  # a year within 0.5% of the highest level has reached the peak (a plateau, not a later peak)


def co2_peak(ctx: Context, indicator: str | None = None) -> dict:
    """Peak year and level of city CO2, with measures and without, on the basis of the case's peak target (its
    indicator: co2_official, the assessment basis, in the shipped data), else territorial co2.

    The peak year is the first year within ``PLATEAU`` (0.5%) of the highest level: a path held flat at the peak's
    ceiling after 2030 (184.4 Mt in 2030, 184.7 Mt from 2031) peaks in 2030, the year it reaches the plateau;
    ``plan_max_year`` is the year of the highest level itself."""
    if indicator is None:
        peaks = [t["indicator_id"] for t in ctx.p.targets if t["kind"] == "peak"]
        indicator = peaks[0] if peaks else "co2"
    ind = ctx.result.indicators
    c = ind[(ind["region_id"] == "city") & (ind["indicator_id"] == indicator)].set_index("year")
    if c.empty:
        return {}
    def first_at_top(s: pd.Series) -> int:  # the first year within PLATEAU of the highest level
        return int(s.index[s >= (1 - PLATEAU) * s.max()].min())

    return {"indicator": indicator, "plan_year": first_at_top(c["level"]), "plan_level": float(c["level"].max()),
            "plan_max_year": int(c["level"].idxmax()), "plan_year_level": float(c["level"][first_at_top(c["level"])]),
            "baseline_year": first_at_top(c["baseline"]), "baseline_level": float(c["baseline"].max()),
            "last_year": int(c.index.max()), "last_level": float(c["level"].iloc[-1]),
            "last_baseline": float(c["baseline"].iloc[-1])}


def sector_cuts(ctx: Context, column: str = "delta_co2") -> pd.DataFrame:
    """Cut of CO2 (t per year) by measure sector and year: each sector's contribution to the reduction."""
    alloc = ctx.result.allocation
    if alloc.empty or column not in alloc:
        return pd.DataFrame(columns=["year"])
    a = alloc.assign(sector=alloc["measure_id"].map(ctx.sector), cut=-alloc[column])
    wide = a.pivot_table(index="year", columns="sector", values="cut", aggfunc="sum", fill_value=0.0)
    return wide.reindex(ctx.p.years, fill_value=0.0).reset_index()
