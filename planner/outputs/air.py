"""Air quality and health in the outputs: PM2.5 by region and year, the deaths the plan avoids and their value, the
record beside the relation, and (least social cost) what the objective weighed. One place for the console lines, the
report's sentences and chart, and the workbook's sheet, so they say the same thing. Reads the analysis only
(`planner.analysis.health`)."""

from __future__ import annotations

import pandas as pd

from ..analysis import YI, Analysis
from ..inputs.airquality import PM25
from ..inputs.load import CITY


def air_facts(a: Analysis) -> dict | None:
    """The health account's headline figures with the Monte Carlo ranges (``a.notes["health_ranges"]``), the record
    beside the relation, and the objective's two parts for the least social cost; None without an account."""
    h = a.health
    if not h:
        return None
    p = a.ctx.p
    city = a.air[a.air["region_id"] == CITY].set_index("year")
    fit = [{"year": y, "observed": v, "relation": float(city.at[y, "pm25_baseline"]), "bound": False}
           for y, v in sorted(h["observed"].items()) if y in city.index]
    fit += [{"year": y, "observed": v, "relation": float(city.at[y, "pm25_baseline"]), "bound": True}
            for y, v in sorted(h["observed_max"].items()) if y in city.index]
    out = {**h, "ranges": a.notes.get("health_ranges") or None, "fit": sorted(fit, key=lambda r: r["year"]),
           "report_year": a.ctx.report_year, "objective_kind": p.objective}
    if p.objective == "social":
        out["financial_pv"] = a.cost_totals["net_pv"]
        out["social_objective"] = a.result.solution.objective
    return out


def air_sentences(f: dict | None) -> list[str]:
    """The health account in plain words (Chinese, then English)."""
    if not f:
        return []
    y = f["report_year"]
    at = f["by_year"].get(y) or next(iter(f["by_year"].values()))
    rg = f.get("ranges")
    span_zh = span_en = ""
    if rg:
        lo, _, hi = rg["avoided_deaths"]
        vlo, _, vhi = rg["value_pv_yuan"]
        span_zh = f"(5%–95%: {lo:,.0f}–{hi:,.0f} 人, {vlo / YI:,.0f}–{vhi / YI:,.0f} 亿元; {rg['samples']}次抽样)"
        span_en = (f" (5-95%: {lo:,.0f}-{hi:,.0f} deaths, {vlo / YI:,.0f}-{vhi / YI:,.0f} 亿元 over {rg['samples']} "
                   "draws of the coefficients, the GEMM and the VSL)")
    out = [f"{y}年全市PM2.5(人口加权) {at['pm25']:.1f} µg/m3(基准 {at['pm25_baseline']:.1f});"
           f"{f['years']}年累计避免PM2.5相关过早死亡 {f['avoided_deaths']:,.0f} 人,价值 {f['value_pv_yuan'] / YI:,.0f} "
           f"亿元(现值,统计生命价值 {f['vsl_yuan'] / 1e4:,.0f} 万元){span_zh}。"
           f" City PM2.5 (population-weighted) in {y}: {at['pm25']:.1f} µg/m3 against {at['pm25_baseline']:.1f} "
           f"without measures; the plan avoids {f['avoided_deaths']:,.0f} deaths attributable to PM2.5 over "
           f"{f['years']} (GEMM), worth {f['value_pv_yuan'] / YI:,.0f} 亿元 in present value at a VSL of "
           f"{f['vsl_yuan'] / 1e6:.1f} M yuan{span_en}."]
    if f.get("social_objective") is not None:
        lin = f.get("linear_value_pv_yuan", 0.0)
        out.append(f"目标函数为最小社会成本: 财务成本 {f['financial_pv'] / YI:,.2f} 亿元 − "
                   "健康效益(在基准浓度处线性化) "
                   f"{lin / YI:,.2f} 亿元 = {f['social_objective'] / YI:,.2f} 亿元;按GEMM精确计算的健康效益 "
                   f"{f['value_pv_yuan'] / YI:,.2f} 亿元。"
                   f" The objective is the least social cost: financial cost {f['financial_pv'] / YI:,.2f} 亿元 minus "
                   f"the health benefit linearised at the baseline's concentrations {lin / YI:,.2f} 亿元 = "
                   f"{f['social_objective'] / YI:,.2f} 亿元; the exact GEMM values the benefit at "
                   f"{f['value_pv_yuan'] / YI:,.2f} 亿元.")
    return out


def console_lines(a: Analysis) -> list[str]:
    """PM2.5 by region, baseline -> plan, the deaths avoided and their value, the record beside the relation."""
    f = air_facts(a)
    if f is None:
        return []
    ctx, p = a.ctx, a.ctx.p
    years = list(dict.fromkeys(y for y in (p.base_year, 2025, 2030, p.years[-1]) if p.base_year <= y <= p.years[-1]))
    t = a.air.set_index(["region_id", "year"])
    out = ["\nPM2.5, µg/m3, baseline -> with measures (city: population-weighted mean; GEMM deaths, VSL "
           f"{f['vsl_yuan'] / 1e4:,.0f} 万元):"]
    out.append(f"  {'region':<44}" + "".join(f"{y:>22}" for y in years))
    for r in [CITY, *p.regions]:
        label = f"{r} {ctx.region_zh.get(r, '')}"
        cells = "".join(f"{t.at[(r, y), 'pm25_baseline']:>10.2f} -> {t.at[(r, y), 'pm25']:>8.2f}" for y in years)
        out.append(f"  {label:<{max(44 - sum(1 for ch in label if ord(ch) > 0x2e80), 1)}}{cells}")
    rg = f.get("ranges")
    line = (f"  Deaths avoided {f['years']}: {f['avoided_deaths']:,.0f} (in {f['report_year']}: "
            f"{f['by_year'].get(f['report_year'], {}).get('avoided_deaths', float('nan')):,.0f}); value "
            f"{f['value_pv_yuan'] / YI:,.2f} 亿元 (present value)")
    if rg:
        lo, mid, hi = rg["avoided_deaths"]
        vlo, vmid, vhi = rg["value_pv_yuan"]
        line += (f"; 5%-median-95% over {rg['samples']} draws: {lo:,.0f} / {mid:,.0f} / {hi:,.0f} deaths, "
                 f"{vlo / YI:,.0f} / {vmid / YI:,.0f} / {vhi / YI:,.0f} 亿元")
    out.append(line)
    if f["fit"]:
        out.append("  Record vs relation (city, µg/m3): " + ", ".join(
            f"{r['year']} {'<=' if r['bound'] else ''}{r['observed']:g} vs {r['relation']:.1f}" for r in f["fit"]))
    if f.get("social_objective") is not None:
        out.append(f"  Least social cost: financial {f['financial_pv'] / YI:,.2f} 亿元 - health benefit (linearised) "
                   f"{f.get('linear_value_pv_yuan', 0.0) / YI:,.2f} 亿元 = {f['social_objective'] / YI:,.2f} 亿元")
    return out


def air_chart(a: Analysis) -> dict | None:
    """PM2.5 by region and year: the baseline dashed, the plan solid, one colour per region and the city in black."""
    from .charts import PALETTE, chart, line_layer

    if a.air is None or a.air.empty:
        return None
    ctx = a.ctx
    regions = [CITY, *ctx.p.regions]
    names = {r: f"{ctx.region_zh.get(r, r)} {r}" for r in regions}
    rows = []
    for key, label, dashed in (("pm25_baseline", "基准 baseline", True), ("pm25", "方案 plan", False)):
        d = a.air[["region_id", "year", key]].rename(columns={key: "value"})
        d["series"] = d["region_id"].map(names) + " " + label
        d["dashed"] = dashed
        rows.append(d)
    data = pd.concat(rows, ignore_index=True)
    domain = [f"{names[r]} {lab}" for r in regions for lab in ("方案 plan", "基准 baseline")]
    colours = [("#000000" if r == CITY else PALETTE[j % len(PALETTE)]) for j, r in enumerate(regions) for _ in (0, 1)]
    dashed = [d for _ in regions for d in (False, True)]
    return chart("各区域PM2.5年均浓度 Annual mean PM2.5 by region (µg/m3)",
                 [line_layer(domain, colours, dashed, "µg/m3")], data[["year", "series", "value"]],
                 subtitle="全市为人口加权平均; 实线: 方案, 虚线: 基准 — city: population-weighted; solid: plan, "
                          "dashed: baseline")


def sheet_air(book, a: Analysis) -> None:
    """The workbook's "Air quality" sheet: every region (and the city) and year."""
    if a.air is None or a.air.empty:
        return
    ctx = a.ctx
    df = a.air.copy()
    df.insert(1, "region_zh", df["region_id"].map(ctx.region_zh))
    cols = [("region_id", "Region id", "地区代码", "text"), ("region_zh", "Region", "地区", "text"),
            ("year", "Year", "年份", "year"),
            ("pm25_baseline", "PM2.5 baseline, µg/m3", "PM2.5 基准(µg/m3)", "num"),
            ("pm25", "PM2.5 with the plan, µg/m3", "PM2.5 方案(µg/m3)", "num"),
            ("deaths_baseline", "Deaths attributable to PM2.5, baseline", "PM2.5归因死亡 基准", "num"),
            ("deaths", "Deaths attributable to PM2.5, plan", "PM2.5归因死亡 方案", "num"),
            ("avoided_deaths", "Deaths avoided", "避免死亡", "num"),
            ("value_yuan", "Value of the deaths avoided, 万元 (yuan of the base year)", "健康效益(万元)", "wan", 1e4)]
    book.table("Air quality", df, cols, note="PM2.5 from the emissions of every region (data/source_receptor.csv; the "
               "city: population-weighted mean); deaths: GEMM NCD+LRI, adults 25+ (data/air_quality.csv); value: "
               "deaths avoided x VSL, undiscounted. 细颗粒物由各区域排放计算(源-受体关系),全市为人口加权平均;"
               "死亡按GEMM计算,价值 = 避免死亡 × 统计生命价值。")


__all__ = ["PM25", "air_chart", "air_facts", "air_sentences", "console_lines", "sheet_air"]
