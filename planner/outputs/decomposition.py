"""The decomposition (指标分解) in the workbook and the report: what `planner decompose` adds to them.

In: an `Analysis` whose ``notes["decomposition"]`` holds a `planner.analysis.decompose.Decomposition`. Out: the
workbook's Decomposition sheet (each district's cost under the three splits, shaded from the lowest to the highest
burden: the workbook's map, since XlsxWriter draws no map) and District targets sheet (the targets handed out), and
the records of the report's Decomposition section. Nothing is written when the analysis has no decomposition.
"""

from __future__ import annotations

import pandas as pd

from ..analysis import Analysis
from ..analysis.decompose import ADMIN_ZH, SPLIT_ZH, SPLITS, district_costs_wide, headline, table

YI = 1e8
SPLIT_EN = {"least_cost": "least cost", "administrative": "administrative", "fair": "fair"}


def of(a: Analysis):
    """The analysis's decomposition, or None."""
    return a.notes.get("decomposition")


def costs_frame(dec) -> pd.DataFrame:
    """One row per district: names, cluster, GDP and each split's cost, extra cost and burden (cost per unit GDP over
    the city's)."""
    wide = district_costs_wide(dec)
    if dec.names is not None:
        wide = wide.merge(dec.names, on="region_id", how="left")
    return wide


def targets_frame(dec) -> pd.DataFrame:
    t = table(dec)
    t["split_zh"] = t["split"].map(SPLIT_ZH)
    return t


def sheets(book, a: Analysis) -> None:
    """The Decomposition and District targets sheets (`planner.outputs.workbook.Book`), if there is a decomposition."""
    dec = of(a)
    if dec is None:
        return
    wide = costs_frame(dec)
    s = dec.summary
    note = ("指标分解 Decomposition of the city's targets among the districts: " + " ".join(headline(dec)) +
            f" Administrative split: {ADMIN_ZH[s['admin_split']]} ({s['admin_split']}); fair split: no district "
            f"above {s['fair_multiple']:g} times the city's cost per unit GDP. Costs: present value of each "
            "district's net cost (annuities, O&M, savings, thermal output changed). Burden: the district's cost per "
            "unit GDP over the city's; shaded from low (green) to high (red).")
    cols = [("region_id", "District id", "区县代码", "text"), ("name_zh", "District", "区县", "text"),
            ("name_en", "District (English)", "区县(英文)", "text")]
    if "cluster" in wide:
        cols.append(("cluster", "Cluster", "片区", "text"))
    cols.append(("gdp_yuan", "GDP 2020, 亿元", "2020年GDP(亿元)", "yi", YI))
    for sp in SPLITS:
        if f"cost_{sp}" not in wide:
            continue
        cols.append((f"cost_{sp}", f"Cost, {SPLIT_EN[sp]} split, 亿元", f"{SPLIT_ZH[sp]}成本(亿元)", "yi", YI))
        if sp != "least_cost":
            cols.append((f"extra_{sp}", f"Extra over least cost, {SPLIT_EN[sp]}, 亿元",
                         f"{SPLIT_ZH[sp]}比最低成本多(亿元)", "yi", YI))
        cols.append((f"burden_{sp}", f"Burden, {SPLIT_EN[sp]} (cost per GDP / city's)", f"{SPLIT_ZH[sp]}相对负担",
                     "num"))
    ws = book.table("Decomposition", wide, cols, note=note)
    ws.set_row(0, 90)
    first, last = 2, 1 + len(wide)
    for j, (c, *_rest) in enumerate(cols):
        if c.startswith(("burden_", "extra_")) and len(wide):
            ws.conditional_format(first, j, last, j, {"type": "3_color_scale", "min_color": "#63BE7B",
                                                      "mid_color": "#FFEB84", "max_color": "#F8696B"})
    t = targets_frame(dec)
    t["target_zh"] = t["target_id"].map(a.ctx.target_zh)
    tcols = [("split", "Split", "分解方式(英文)", "text"), ("split_zh", "Split (Chinese)", "分解方式", "text"),
             ("target_id", "Target id", "目标代码", "text"), ("target_zh", "Target", "目标", "text"),
             ("year", "Year", "年份", "year"), ("kind", "Kind", "类型", "text"),
             ("region_id", "District id", "区县代码", "text"), ("name_zh", "District", "区县", "text"),
             ("name_en", "District (English)", "区县(英文)", "text")]
    if "cluster" in t:
        tcols.append(("cluster", "Cluster", "片区", "text"))
    tcols += [("level", "District level in the target's terms (share, cut or level)", "区县目标值", "num4"),
              ("base_level", "Base-year level (shares, levels)", "基年水平", "num4"),
              ("change", "Change", "变化", "num4"),
              ("effort", "Effort (target's unit, towards the city row)", "区县贡献量", "num"),
              ("effort_share", "Share of the city's effort", "占全市贡献比例", "pct"),
              ("required", "Required by the administrative split (target's unit)", "行政分解要求量", "num")]
    book.table("District targets", t, tcols)


def section(a: Analysis) -> dict | None:
    """What the report's Decomposition section shows, or None."""
    dec = of(a)
    if dec is None:
        return None
    wide = costs_frame(dec).sort_values("cost_least_cost", ascending=False)
    s = dec.summary
    splits = []
    for sp in SPLITS:
        z = s.get(f"objective_{sp}")
        splits.append({"split": sp, "zh": SPLIT_ZH[sp], "en": SPLIT_EN[sp], "status": s.get(f"status_{sp}"),
                       "cost_yi": None if z is None else z / YI,
                       "extra_yi": None if z is None else (z - s["objective_least_cost"]) / YI,
                       "max_burden": s["max_relative_burden"].get(sp)})
    short = s.get("admin_shortfall")
    return {"lines": headline(dec), "splits": splits, "districts": wide.to_dict("records"),
            "admin_zh": ADMIN_ZH[s["admin_split"]], "admin": s["admin_split"], "multiple": s["fair_multiple"],
            "short_rows": 0 if short is None else len(short),
            "short_districts": 0 if short is None or not len(short) else short["region_id"].nunique()}


def district_sheet(book, a: Analysis) -> None:
    """The District map sheet of a case whose regions are the districts (`planner.outputs.maps.district_rows`): each
    district's CO2 cut, net cost and cost per unit GDP, shaded blue (low) to red (high): the workbook's map."""
    from .maps import ATTRIBUTION, district_rows

    rows = district_rows(a)
    if rows is None:
        return
    regions = a.result.data.tables["regions"].set_index("region_id")
    if "cluster" in regions:
        rows["cluster"] = rows["region_id"].map(regions["cluster"]).to_numpy()
    y = rows.attrs["year"]
    cols = [("region_id", "District id", "区县代码", "text"), ("name_zh", "District", "区县", "text"),
            ("name_en", "District (English)", "区县(英文)", "text"),
            ("adcode", "Code (GB/T 2260)", "行政区划代码", "year")]
    if "cluster" in rows:
        cols.append(("cluster", "Cluster", "片区", "text"))
    cols += [("co2_cut_mt", f"CO2 cut {y}, Mt ({rows.attrs['co2']})", f"{y}年二氧化碳减排量(百万吨)", "mt"),
             ("cost_yi", "Net cost, present value, 亿元", "净成本现值(亿元)", "yi")]
    if "cost_per_wan_gdp" in rows:
        cols.append(("cost_per_wan_gdp", "Cost per 万元 of 2020 GDP, yuan", "单位GDP成本(元/万元)", "num"))
    note = ("各区县减排与成本 CO2 cut and cost by district, shaded low (blue) to high (red) in each column: the "
            "report draws the same as maps (" + ATTRIBUTION + ").")
    ws = book.table("District map", rows, cols, note=note)
    ws.set_row(0, 40)
    for j, (c, *_rest) in enumerate(cols):
        if c in ("co2_cut_mt", "cost_yi", "cost_per_wan_gdp") and len(rows):
            ws.conditional_format(2, j, 1 + len(rows), j, {"type": "3_color_scale", "min_color": "#5A8AC6",
                                                           "mid_color": "#FFFFFF", "max_color": "#F8696B"})
