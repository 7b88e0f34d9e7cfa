"""Cases side by side (``planner compare A B ... --out DIR``): one workbook ``compare.xlsx`` and one self-contained
report ``compare.html`` with the cost split, emissions and pollutants, each target's level and marginal cost, and
the measures whose deployment differs most between the cases. Reads analyses only.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
from markupsafe import Markup

from ..analysis import PCT_KINDS, Analysis
from ..base.safe import atomic
from ..inputs.load import CITY
from ..results.tables import REPORTED
from .report import _ENV, _atomic_write, summary_facts
from .workbook import Book


def summary_table(analyses: list[Analysis]) -> pd.DataFrame:
    rows = []
    for a in analyses:
        f = summary_facts(a)
        rows.append({
            "case": f["case"], "title": f"{f['title_zh']} {f['title_en']}".strip(),
            "objective": f["objective"], "investment": f["investment"], "net_no_regret_pv": f["net_no_regret_pv"],
            "net_targets_pv": f["net_targets_pv"], "om_pv": f["om_pv"], "savings_pv": f["savings_pv"],
            "report_year": f["report_year"], "co2_plan": f["co2"][1] if f["co2"] else None,
            "co2_baseline": f["co2"][0] if f["co2"] else None,
            "peak_year": f["peak"].get("plan_year"), "peak_level": f["peak"].get("plan_level"),
            "air_pe_cut": f["plan"].get("air_pe_cut"), "water_pe_cut": f["plan"].get("water_pe_cut"),
            "binding": len(f["binding"]), "targets_met": f"{f['targets_met']}/{f['targets_total']}",
        })
    return pd.DataFrame.from_records(rows)


def emissions_table(analyses: list[Analysis]) -> pd.DataFrame:
    """City level of every reported pollutant per year and case."""
    frames = []
    for a in analyses:
        ind = a.result.indicators
        g = ind[(ind["region_id"] == CITY) & ind["indicator_id"].isin(REPORTED)]
        frames.append(g.assign(case=a.result.summary["case"])[["case", "indicator_id", "year", "baseline", "level"]])
    return pd.concat(frames, ignore_index=True)


def targets_table(analyses: list[Analysis]) -> pd.DataFrame:
    """One row per target row, per case: achieved (own terms), status and marginal cost (own terms)."""
    out = None
    for a in analyses:
        c = a.result.summary["case"]
        t = a.result.targets.merge(a.marginal[["target_id", "year", "own_value", "own_unit"]], on=["target_id", "year"])
        pct = t["kind"].isin(PCT_KINDS)
        t["shown"] = t["achieved"].where(pct, t["level"])
        t["own_value"] = t["own_value"].where(~pct, t["own_value"] / 1e4)  # shares and reductions: 万元 per pp
        t["own_unit"] = t["own_unit"].where(~pct, "万元/pp")
        t = t[["target_id", "kind", "year", "shown", "status", "own_value", "own_unit"]].rename(columns={
            "shown": f"achieved|{c}", "status": f"status|{c}", "own_value": f"marginal|{c}", "own_unit": f"unit|{c}"})
        out = t if out is None else out.merge(t, on=["target_id", "kind", "year"], how="outer")
    return out


def measures_table(analyses: list[Analysis]) -> pd.DataFrame:
    """Discounted net cost (present value) per measure and case, sorted by how much it differs between the cases:
    the measures whose deployment differs most, in one unit that adds across measures."""
    frames = []
    for a in analyses:
        m = a.result.measures
        if m.empty:
            continue
        g = m.groupby("measure_id")["discounted_cost"].sum().rename(a.result.summary["case"])
        frames.append(g)
    if not frames:
        return pd.DataFrame(columns=["measure_id"])
    wide = pd.concat(frames, axis=1).fillna(0.0)
    wide["spread"] = wide.max(axis=1) - wide.min(axis=1)
    wide.index.name = "measure_id"
    wide = wide.sort_values("spread", ascending=False).reset_index()
    names = {**analyses[0].ctx.measure_zh}
    wide.insert(1, "measure_zh", wide["measure_id"].map(names))
    return wide


def _co2_chart(analyses: list[Analysis]) -> dict:
    """City CO2 of every case (Mt), the first case's baseline dashed."""
    from . import charts

    rows = []
    for j, a in enumerate(analyses):
        ind = a.result.indicators
        c = ind[(ind["region_id"] == CITY) & (ind["indicator_id"] == "co2")].sort_values("year")
        if j == 0:
            rows.append(pd.DataFrame({"year": c["year"], "series": "基准 Baseline (no measures)",
                                      "value": c["baseline"] / 1e6}))
        rows.append(pd.DataFrame({"year": c["year"], "series": str(a.result.summary["case"]),
                                  "value": c["level"] / 1e6}))
    data = pd.concat(rows, ignore_index=True)
    domain = list(dict.fromkeys(data["series"]))
    colours = ["#999999", *(charts.PALETTE[j % len(charts.PALETTE)] for j in range(len(domain) - 1))]
    layer = charts.line_layer(domain, colours, [True] + [False] * (len(domain) - 1), "Mt CO2")
    return charts.chart("全市二氧化碳排放 City CO2 by case", [layer], data)


def _cost_chart(summary: pd.DataFrame) -> dict:
    """Discounted net cost by case: no-regret measures and the measures the targets need side by side, the total
    as a dot (亿元, present value)."""
    from . import charts

    parts = {"net_no_regret_pv": "无悔措施 no-regret (net)", "net_targets_pv": "达标所需 measures the targets need",
             "objective": "合计 total"}
    data = summary[["case", *parts]].melt("case", var_name="key", value_name="value")
    data["value"] = data["value"] / 1e8
    data["series"] = data["key"].map(parts)
    data["case"] = data["case"].astype(str)
    domain = list(parts.values())
    colour = {"field": "series", "type": "nominal", "sort": domain,
              "scale": {"domain": domain, "range": ["#59a14f", "#4e79a7", "#000000"]}}
    x = {"field": "case", "type": "nominal", "title": None, "sort": None, "axis": {"labelAngle": 0}}
    y = {"field": "value", "type": "quantitative", "title": "亿元 (present value)"}
    tips = [charts.tip("case", "情景 case", "nominal"), charts.tip("series", "", "nominal"),
            charts.tip("value", "亿元")]
    return charts.chart("成本比较 Discounted net cost by case", [
        {"transform": [{"filter": "datum.key != 'objective'"}], "mark": "bar",
         "encoding": {"x": x, "xOffset": {"field": "series", "sort": domain}, "y": y, "color": colour,
                      "tooltip": tips}},
        {"transform": [{"filter": "datum.key == 'objective'"}], "mark": {"type": "point", "filled": True, "size": 90},
         "encoding": {"x": x, "y": y, "color": colour, "tooltip": tips}},
        {"mark": {"type": "rule", "color": "black"}, "encoding": {"y": {"datum": 0}}},
    ], data[["case", "key", "series", "value"]])


def write_compare(analyses: list[Analysis], out: str | Path) -> tuple[Path, Path]:
    from .charts import bundle, spec_json

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    summary, emis, targets, measures = (summary_table(analyses), emissions_table(analyses), targets_table(analyses),
                                        measures_table(analyses))
    path = out / "compare.xlsx"
    with atomic(path) as tmp:  # planner.base.safe: renamed when whole, removed on an error or an interrupt
        book = Book(str(tmp))
        book.table("Summary", summary, [
            ("case", "Case", "情景", "text"), ("title", "Title", "标题", "text"),
            ("objective", "Total discounted net cost, 亿元", "总折现净成本(亿元)", "yi", 1e8),
            ("investment", "Investment, 亿元", "累计投资(亿元)", "yi", 1e8),
            ("net_no_regret_pv", "No-regret measures net, 亿元 (PV)", "无悔措施净成本(亿元)", "yi", 1e8),
            ("net_targets_pv", "Measures the targets need, 亿元 (PV)", "达标措施净成本(亿元)", "yi", 1e8),
            ("co2_plan", "CO2 in report year, Mt", "报告年二氧化碳(百万吨)", "mt", 1e6),
            ("co2_baseline", "CO2 baseline, Mt", "基准二氧化碳(百万吨)", "mt", 1e6),
            ("peak_year", "CO2 peak year", "达峰年份", "year"),
            ("peak_level", "CO2 peak, Mt", "峰值(百万吨)", "mt", 1e6),
            ("air_pe_cut", "Air PE cut, 万", "大气污染当量削减(万)", "wan", 1e4),
            ("water_pe_cut", "Water PE cut, 万", "水污染当量削减(万)", "wan", 1e4),
            ("binding", "Binding targets", "约束目标数", "int"), ("targets_met", "Targets met", "达标", "text")])
        book.table("Emissions", emis, [
            ("case", "Case", "情景", "text"), ("indicator_id", "Indicator", "指标", "text"),
            ("year", "Year", "年份", "year"), ("baseline", "Baseline (t/yr)", "基准(吨/年)", "num"),
            ("level", "With the plan (t/yr)", "方案(吨/年)", "num")])
        tcols = [("target_id", "Target id", "目标代码", "text"), ("kind", "Kind", "类型", "text"),
                 ("year", "Year", "年份", "year")]
        for a in analyses:
            c = a.result.summary["case"]
            tcols += [(f"achieved|{c}", f"{c}: achieved (share or level)", f"{c}:实现值", "num4"),
                      (f"status|{c}", f"{c}: status", f"{c}:状态", "text"),
                      (f"marginal|{c}", f"{c}: marginal cost (own terms)", f"{c}:边际成本", "num"),
                      (f"unit|{c}", f"{c}: unit", f"{c}:单位", "text")]
        book.table("Targets", targets, tcols)
        mcols = [("measure_id", "Measure id", "措施代码", "text"), ("measure_zh", "Measure", "措施", "text")]
        names = [a.result.summary["case"] for a in analyses]
        mcols += [(c, f"{c}: discounted net cost, 亿元", f"{c}:折现净成本(亿元)", "yi", 1e8) for c in names]
        mcols.append(("spread", "Largest difference, 亿元", "最大差异(亿元)", "yi", 1e8))
        book.table("Measures", measures, mcols)
        book.wb.close()
    html = _ENV.get_template("compare.html.j2").render(
        summary=summary.to_dict("records"), targets=targets.to_dict("records"),
        cases=[a.result.summary["case"] for a in analyses], measures=measures.head(20).to_dict("records"),
        charts=(specs := {"cost": _cost_chart(summary), "co2": _co2_chart(analyses)}),
        chart_specs=Markup(spec_json(specs)), vega=Markup(bundle()),
        generated=dt.datetime.now().isoformat(timespec="seconds"))
    page = _atomic_write(out / "compare.html", html)
    return path, page
