"""Charts of an analysed case as Vega-Lite specifications: the HTML reports carry the data and the specification,
and the browser draws them with Vega (inlined from `planner/outputs/static/vega.js`: offline, nothing to fetch).

A chart here is a plain dict in the Vega-Lite grammar (https://vega.github.io/vega-lite/), built from the analysis
tables only; nothing is drawn in Python, so `planner run` pays milliseconds for its charts. In the page every mark
carries a tooltip with its unrounded figures, Chinese text is drawn by the reader's own fonts, and the charts stay
vectors when printed. Text from the data is data to Vega: it is shown as text, never parsed as markup or mathematics.

`page_script` gives the page the bundle and the specs (as JSON that cannot close its ``<script>`` element).
"""

from __future__ import annotations

import functools
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd

YI = 1e8
SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"  # names the grammar's version; never fetched
FONT = '"Noto Sans CJK SC", "Noto Sans SC", "Microsoft YaHei", "PingFang SC", "WenQuanYi Micro Hei", sans-serif'
COLOURS = {  # co-benefit of a measure on the MAC curves
    "cuts air and water pollution": "#1b7837", "cuts air pollution": "#5aae61", "cuts water pollution": "#4393c3",
    "no pollution effect": "#bababa", "adds pollution": "#d6604d",
    "also cuts CO2e": "#1b7837", "no CO2e effect": "#bababa", "adds CO2e": "#d6604d",
}
CO_ZH = {"cuts air and water pollution": "同时削减大气和水污染物", "cuts air pollution": "削减大气污染物",
         "cuts water pollution": "削减水污染物", "no pollution effect": "不影响污染物", "adds pollution": "增加污染物",
         "also cuts CO2e": "同时减碳", "no CO2e effect": "不影响碳排放", "adds CO2e": "增加碳排放"}
PALETTE = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f",
           "#bab0ac", "#86bcb6", "#8cd17d"]
CONFIG = {
    "font": FONT, "background": "white",
    "view": {"stroke": None},
    "title": {"anchor": "start", "fontSize": 14, "fontWeight": "bold", "subtitleFontSize": 11, "subtitleColor": "#555"},
    "axis": {"labelFontSize": 11, "titleFontSize": 11, "titleFontWeight": "normal", "gridColor": "#e6e6e6"},
    "legend": {"orient": "top", "labelFontSize": 11, "title": None, "labelLimit": 400, "columns": 4,
               "symbolType": "square"},
}
# Tick labels as Chinese planners write large numbers: 2.8亿, 3万 (a Vega expression on the tick's value)
ZH_NUMBER = ("abs(datum.value) >= 1e8 ? format(datum.value / 1e8, '.4~g') + '亿' : abs(datum.value) >= 1e4 ? "
             "format(datum.value / 1e4, '.4~g') + '万' : format(datum.value, ',.4~g')")
MAC_NOTE = ("实色: 已部署; 浅色: 未部署潜力; 纵轴为对称对数刻度 — solid: deployed; pale: potential not deployed; "
            "the cost axis is symmetric-logarithmic (every bar shown)")
LINE_LEGEND = {"symbolType": "stroke", "symbolStrokeWidth": 2, "symbolSize": 300}
YEAR = {"field": "year", "type": "ordinal", "title": None, "axis": {"labelAngle": 0}}


def _column(s: pd.Series) -> list:
    a = s.to_numpy()
    if a.dtype.kind == "f":
        return [v if math.isfinite(v) else None for v in a.tolist()]  # NaN and infinities as null
    if a.dtype.kind in "iub":
        return a.tolist()
    return [None if v is None or (isinstance(v, float) and not math.isfinite(v)) else
            v if isinstance(v, (int, float, str)) else str(v) for v in a.tolist()]


def _records(df: pd.DataFrame) -> list[dict]:
    """Rows as JSON-ready dicts (numbers as Python numbers, NaN as null), built column by column."""
    keys = [str(c) for c in df.columns]
    cols = [_column(df[c]) for c in df.columns]
    return [dict(zip(keys, vals, strict=True)) for vals in zip(*cols, strict=True)]


def chart(title: str, layers: list[dict], data: pd.DataFrame, height: int = 300, subtitle: str | None = None,
           **extra) -> dict:
    t = {"text": title, **({"subtitle": subtitle} if subtitle else {})}
    return {"$schema": SCHEMA, "description": title, "title": t, "width": "container", "height": height,
            "data": {"values": _records(data)}, "layer": layers, "config": CONFIG, **extra}


def tip(field: str, title: str, kind: str = "quantitative", fmt: str | None = ",.4~r") -> dict:
    """A tooltip field; numbers to four significant digits in plain decimals (425,600, never 4.256e+5)."""
    t = {"field": field, "type": kind, "title": title}
    if kind == "quantitative" and fmt:
        t["format"] = fmt
    return t


def _colour(domain: list[str], range_: list[str]) -> dict:
    return {"domain": domain, "range": range_}


def cost_chart(costs: pd.DataFrame) -> dict:
    """Annual cost split: capital charge and O&M stacked up, savings down, the net as a line (亿元 a year)."""
    parts = {"capital_charge": "资本年金 Capital charge", "om": "运维 O&M", "savings": "节约 Savings (−)"}
    long = costs[["year", *parts]].melt("year", var_name="part", value_name="value")
    long["value"] = long["value"] / YI * np.where(long["part"] == "savings", -1.0, 1.0)
    long["series"] = long["part"].map(parts)
    net = pd.DataFrame({"year": costs["year"], "value": costs["net"] / YI, "series": "净成本 Net"})
    data = pd.concat([long[["year", "series", "value"]], net], ignore_index=True)
    domain = [*parts.values(), "净成本 Net"]
    colour = {"field": "series", "type": "nominal", "sort": domain,
              "scale": _colour(domain, ["#4e79a7", "#76b7b2", "#59a14f", "#000000"])}
    tips = [tip("year", "年份 year", "ordinal"), tip("series", "项目 item", "nominal"), tip("value", "亿元/年")]
    y = {"field": "value", "type": "quantitative", "title": "亿元/年 (100 million yuan per year)", "stack": "zero"}
    return chart("年度成本构成 Annual cost split", [
        {"transform": [{"filter": "datum.series != '净成本 Net'"}], "mark": "bar",
         "encoding": {"x": YEAR, "y": y, "color": colour, "tooltip": tips}},
        {"transform": [{"filter": "datum.series == '净成本 Net'"}], "mark": {"type": "line", "point": True},
         "encoding": {"x": YEAR, "y": {"field": "value", "type": "quantitative"}, "color": colour, "tooltip": tips}},
        {"mark": {"type": "rule", "color": "black"}, "encoding": {"y": {"datum": 0}}},
    ], data)


def stacked_chart(wide: pd.DataFrame, x: str, title: str, ylabel: str, scale: float = 1.0,
                  names: dict | None = None) -> dict:
    """Stacked bars of every column but ``x`` (e.g. investment by sector per year), negative parts below zero."""
    names = names or {}
    cols = [c for c in wide.columns if c != x and wide[c].abs().sum() > 0]
    long = wide[[x, *cols]].melt(x, var_name="key", value_name="value")
    long["value"] = long["value"] / scale
    long["series"] = long["key"].map(lambda c: str(names.get(c, c)))
    long = long.rename(columns={x: "year"})
    domain = [str(names.get(c, c)) for c in cols]
    colour = {"field": "series", "type": "nominal", "sort": domain,
              "scale": _colour(domain, [PALETTE[j % len(PALETTE)] for j in range(len(domain))])}
    tips = [tip("year", "年份 year", "ordinal"), tip("series", "", "nominal"), tip("value", ylabel)]
    return chart(title, [
        {"mark": "bar", "encoding": {"x": YEAR, "y": {"field": "value", "type": "quantitative", "title": ylabel,
                                                      "stack": "zero"},
                                     "color": colour, "tooltip": tips}},
        {"mark": {"type": "rule", "color": "black"}, "encoding": {"y": {"datum": 0}}},
    ], long[["year", "series", "value"]])


def line_layer(domain: list[str], colours: list[str], dashed: list[bool], unit: str) -> dict:
    """Lines with points of the rows (year, series, value), one per series in ``domain`` order, with its colour and
    dashed or solid; one legend for colour and dash."""
    return {"mark": {"type": "line", "point": True}, "encoding": {
        "x": {"field": "year", "type": "quantitative", "title": None, "axis": {"format": "d"},
              "scale": {"zero": False, "nice": False}},
        "y": {"field": "value", "type": "quantitative", "title": unit, "scale": {"zero": False}},
        "color": {"field": "series", "type": "nominal", "sort": domain, "legend": LINE_LEGEND,
                  "scale": _colour(domain, colours)},
        "strokeDash": {"field": "series", "type": "nominal", "sort": domain,
                       "scale": {"domain": domain, "range": [[5, 3] if d else [1, 0] for d in dashed]}},
        "tooltip": [tip("series", "", "nominal"), tip("year", "年份 year", "ordinal"), tip("value", unit)]}}


def pathway_chart(ind: pd.DataFrame, indicator: str, label: str, unit: str, scale: float = 1.0,
                  peak_year: int | None = None) -> dict:
    """The city's path of one indicator: baseline (grey, dashed) against the plan, the peak year marked."""
    c = ind[(ind["region_id"] == "city") & (ind["indicator_id"] == indicator)].sort_values("year")
    series = {"baseline": "基准情景 Baseline", "level": "方案 With the plan"}
    long = c[["year", *series]].melt("year", var_name="key", value_name="value")
    long["value"] = long["value"] / scale
    long["series"] = long["key"].map(series)
    layers = [line_layer(list(series.values()), ["#999999", "#e15759"], [True, False], unit)]
    if peak_year is not None:
        at = c.set_index("year")
        level = float(at.at[peak_year, "level"]) / scale if peak_year in at.index else None
        layers += [
            {"mark": {"type": "rule", "color": "#e15759", "opacity": 0.35}, "encoding": {"x": {"datum": peak_year}}},
            {"mark": {"type": "text", "align": "left", "dx": 6, "dy": -10, "fontSize": 11},
             "encoding": {"x": {"datum": peak_year}, "y": {"datum": level},
                          "text": {"value": f"达峰 peak {peak_year}"}}},
        ]
    return chart(label, layers, long[["year", "series", "value"]])


def _panel(g: dict[str, np.ndarray], title: str, pct: bool) -> dict:
    """One target's panel; ``g``: its rows' year, baseline, level and required as arrays."""
    f = 100.0 if pct else 1.0
    required = pd.to_numeric(pd.Series(g["required"]), errors="coerce").to_numpy(dtype=float)
    rows = pd.DataFrame({"year": g["year"], "baseline": g["baseline"].astype(float) * f,
                         "level": g["level"].astype(float) * f, "required": required * f})
    if pct:
        vals = np.concatenate([rows["baseline"].to_numpy(), rows["level"].to_numpy()])
        span = float(np.nanmax(vals) - np.nanmin(vals)) if np.isfinite(vals).any() else 0.0
        digits = 0 if span >= 5 else 1 if span >= 0.5 else 2
        axis = {"labelExpr": f"format(datum.value, '.{digits}f') + '%'"}
    else:
        axis = {"labelExpr": ZH_NUMBER}
    axis |= {"title": None, "tickCount": 4, "labelFontSize": 9}
    x = {"field": "year", "type": "quantitative", "title": None, "scale": {"zero": False, "nice": False},
         "axis": {"format": "d", "tickCount": 4, "labelFontSize": 9}}
    unit = "%" if pct else ""
    tips = [tip("year", "年份 year", "ordinal"), tip("baseline", f"基准 baseline {unit}"),
            tip("level", f"方案 plan {unit}"), tip("required", f"要求 required {unit}")]
    y = {"type": "quantitative", "scale": {"zero": False}, "axis": axis}
    return {"title": {"text": title, "fontSize": 10, "fontWeight": "normal", "limit": 210},
            "width": 210, "height": 95, "data": {"values": _records(rows)}, "layer": [
                {"mark": {"type": "line", "color": "#999999", "strokeDash": [4, 2], "strokeWidth": 1},
                 "encoding": {"x": x, "y": {**y, "field": "baseline"}, "tooltip": tips}},
                {"mark": {"type": "line", "color": "#4e79a7", "strokeWidth": 1.6},
                 "encoding": {"x": x, "y": {**y, "field": "level"}, "tooltip": tips}},
                {"transform": [{"filter": "isValid(datum.required)"}],
                 "mark": {"type": "point", "filled": True, "color": "#e15759", "size": 30},
                 "encoding": {"x": x, "y": {**y, "field": "required"}, "tooltip": tips}},
            ]}


def targets_chart(paths: pd.DataFrame, names: dict, pct_kinds) -> dict:
    """Small multiples: each target in its own terms over time, baseline against plan, the requirement marked."""
    panels = []
    ids = paths["target_id"].to_numpy()
    cols = {c: paths[c].to_numpy() for c in ("year", "baseline", "level", "required", "kind")}
    for k in dict.fromkeys(ids.tolist()):
        rows = ids == k
        g = {c: v[rows] for c, v in cols.items()}
        panels.append(_panel(g, str(names.get(k, k)), g["kind"][0] in pct_kinds))
    return {"$schema": SCHEMA, "description": "各目标进程 Targets over time", "config": CONFIG, "columns": 4,
            "spacing": {"row": 18, "column": 22},
            "title": {"text": "各目标进程 Targets over time in their own terms",
                      "subtitle": "灰虚线: 基准; 蓝线: 方案; 红点: 要求 — grey dashed: baseline; blue: the plan; "
                                  "red dots: the requirement"},
            "concat": panels}


def mac_chart(mac: pd.DataFrame, title: str, xlabel: str, ylabel: str, xscale: float,
              regions: dict | None = None) -> dict:
    """Bars as wide as each measure's abatement at potential, as high as its cost per unit cut, coloured by
    co-benefit; the part the plan deploys in the report year is solid, the rest pale. ``regions``: region id ->
    the name shown (Chinese and English)."""
    w = mac["potential"].to_numpy(dtype=float) / xscale
    x0 = np.concatenate([[0.0], np.cumsum(w)[:-1]])  # each bar starts where the one before ends
    d = np.minimum(mac["deployed"].to_numpy(dtype=float), mac["potential"].to_numpy(dtype=float)) / xscale
    kinds = list(dict.fromkeys(mac["co_benefit"]))
    domain = [f"{CO_ZH.get(k, k)} {k}" for k in kinds]
    data = pd.DataFrame({
        "x0": x0, "x1": x0 + w, "xd": x0 + d, "cost": mac["cost_per_unit_cut"].to_numpy(dtype=float),
        "measure": (mac["measure_zh"].astype(str) + " " + mac["measure_id"].astype(str)).to_numpy(),
        "region": mac["region_id"].astype(str).map(lambda r: (regions or {}).get(r, r)).to_numpy(),
        "potential": mac["potential"].to_numpy(dtype=float),
        "deployed": mac["deployed"].to_numpy(dtype=float),
        "co_benefit": [f"{CO_ZH.get(k, k)} {k}" for k in mac["co_benefit"]]})
    # Costs per unit cut run from thousands of yuan saved to tens of thousands spent, most of them within a few
    # hundred: a symmetric log axis shows every bar, the cheap ones and the dear ones, none cut off.
    cost = mac["cost_per_unit_cut"].to_numpy(dtype=float)
    lo, hi = (float(np.nanmin(cost)), float(np.nanmax(cost))) if np.isfinite(cost).any() else (0.0, 0.0)
    powers = [10.0 ** k for k in range(1, 10)]
    ticks = sorted([-p for p in powers if -p >= 1.5 * lo] + [0.0] + [p for p in powers if p <= 1.5 * hi])
    y = {"field": "cost", "type": "quantitative", "title": ylabel + " (symlog)",
         "scale": {"type": "symlog", "constant": 10}, "axis": {"values": ticks, "format": ",~f"}}
    colour = {"field": "co_benefit", "type": "nominal", "sort": domain, "legend": {"symbolOpacity": 1},
              "scale": _colour(domain, [COLOURS.get(k, "#bababa") for k in kinds])}
    tips = [tip("measure", "措施 measure", "nominal"), tip("region", "区域 region", "nominal"),
            tip("cost", ylabel), tip("potential", "潜力 potential (units)"), tip("deployed", "已部署 deployed"),
            tip("co_benefit", "协同效益 co-benefit", "nominal")]
    x = {"field": "x0", "type": "quantitative", "title": xlabel}
    bar = {"type": "bar"}
    return chart(title, [
        {"mark": {**bar, "opacity": 0.3}, "encoding": {"x": x, "x2": {"field": "x1"}, "y": y, "y2": {"datum": 0},
                                                       "color": colour, "tooltip": tips}},
        {"transform": [{"filter": "datum.xd > datum.x0"}], "mark": bar,
         "encoding": {"x": x, "x2": {"field": "xd"}, "y": y, "y2": {"datum": 0}, "color": colour, "tooltip": tips}},
        {"mark": {"type": "rule", "color": "black"}, "encoding": {"y": {"datum": 0}}},
    ], data, height=330, subtitle=MAC_NOTE)


def cocontrol_chart(co: pd.DataFrame, names: dict) -> dict:
    """The co-control coordinate system: x = CO2 cut, y = pollution-equivalent cut, both as % of the baseline."""
    level_name = {"sector": "领域 sector", "region": "区域 region", "plan": "全市方案 plan"}
    co = co[co["level"].isin(list(level_name))]  # sectors, regions and the plan (measures are in the table)
    data = pd.DataFrame({"co2": co["co2_cut_rel"].to_numpy(dtype=float) * 100,
                         "pollution": co["pollution_cut_rel"].to_numpy(dtype=float) * 100,
                         "level": co["level"].map(level_name).to_numpy(),
                         "name": [str(names.get(k, k)) for k in co["key"]]})
    domain = list(level_name.values())
    x = {"field": "co2", "type": "quantitative", "title": "CO2 削减(占基准 %) CO2 cut, % of baseline"}
    y = {"field": "pollution", "type": "quantitative",
         "title": "污染当量削减(占基准 %) pollution-equivalent cut, % of baseline"}
    tips = [tip("name", "", "nominal"), tip("co2", "CO2 cut %", fmt=".2f"),
            tip("pollution", "pollution-equivalent cut %", fmt=".2f")]
    enc = {"x": x, "y": y, "tooltip": tips,
           "color": {"field": "level", "type": "nominal", "sort": domain,
                     "scale": _colour(domain, ["#4e79a7", "#e15759", "black"])},
           "shape": {"field": "level", "type": "nominal", "sort": domain,
                     "scale": {"domain": domain, "range": ["circle", "square", "diamond"]}},
           "size": {"field": "level", "type": "nominal", "sort": domain,  # one legend with colour and shape
                    "scale": {"domain": domain, "range": [70, 80, 220]}}}
    return chart("协同控制坐标系 Co-control coordinate system (I: 协同 both cut)", [
        {"mark": {"type": "rule", "color": "black"}, "encoding": {"x": {"datum": 0}}},
        {"mark": {"type": "rule", "color": "black"}, "encoding": {"y": {"datum": 0}}},
        {"mark": {"type": "point", "filled": True, "opacity": 0.9}, "encoding": enc},
        {"mark": {"type": "text", "align": "left", "dx": 7, "dy": -7, "fontSize": 11},
         "encoding": {"x": x, "y": y, "text": {"field": "name"}}},
    ], data, height=420)


@functools.cache
def bundle() -> str:
    """Vega, Vega-Lite and Vega-Embed as one script (`planner/outputs/static/vega.js`, see its README)."""
    return (Path(__file__).parent / "static" / "vega.js").read_text(encoding="utf-8")


def spec_json(specs: dict[str, dict]) -> str:
    """The specs as JSON safe inside ``<script type="application/json">``: no ``<``, ``>`` or ``&`` that could end
    the element or start markup (escaped as ``\\u003c`` etc., which JSON reads back as the same characters)."""
    text = json.dumps(specs, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def choropleth(features: list[dict], rows: pd.DataFrame, panels: list[tuple[str, str, str, float | None]], title: str,
               subtitle: str | None = None, columns: int = 2) -> dict:
    """District maps side by side, one per panel ``(field, title, unit, middle)``: each district shaded by its
    value (a diverging blue-red scheme centred on ``middle``, e.g. 0 for a cut or a cost, 1 for a burden over the
    city's; sequential where ``middle`` is None). ``features``: GeoJSON features with
    ``properties.adcode`` (`planner.outputs.maps`), held once in the spec's ``datasets``; ``rows``: one per region
    with ``adcode``, ``name_zh``, ``name_en`` and the fields, joined to the features by adcode."""
    fields = [f for f, *_ in panels]
    values = _records(rows[["adcode", "name_zh", "name_en", *fields]])
    look = {"lookup": "properties.adcode", "from": {"data": {"values": values}, "key": "adcode",
                                                     "fields": ["name_zh", "name_en", *fields]}}
    maps = []
    for field, label, unit, middle in panels:
        scale = {"scheme": "oranges"} if middle is None else {"scheme": "redblue", "reverse": True, "domainMid": middle}
        maps.append({
            "title": {"text": label, "fontSize": 12},
            "data": {"name": "districts"}, "transform": [look],
            "projection": {"type": "mercator"}, "width": 300, "height": 250,
            "mark": {"type": "geoshape", "stroke": "white", "strokeWidth": 0.4},
            "encoding": {
                "color": {"field": field, "type": "quantitative", "title": unit, "scale": scale,
                          "legend": {"orient": "right", "format": ",.3~g", "gradientLength": 160}},
                "tooltip": [tip("name_zh", "区县", "nominal"), tip("name_en", "district", "nominal"),
                            tip(field, f"{label} ({unit})")],
            },
        })
    t = {"text": title, **({"subtitle": subtitle} if subtitle else {})}
    return {"$schema": SCHEMA, "description": title, "title": t, "datasets": {"districts": features},
            "concat": maps, "columns": columns, "resolve": {"scale": {"color": "independent"}},
            "config": {**CONFIG, "legend": {**CONFIG["legend"], "orient": "right", "columns": 1}}}
