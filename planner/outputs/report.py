"""The HTML report of a solved case: one self-contained file that opens offline (nothing to fetch), bilingual, written
from the analysis tables through a Jinja2 template with autoescape on, so names and descriptions from the data are
always shown as text, never run as markup. The charts are Vega-Lite specs (`planner.outputs.charts`) drawn by the
browser with the Vega bundle inlined in the page: interactive (tooltips with every figure), vector in print, and free
for `planner run` (milliseconds, where drawing them with matplotlib took 4-5 s of CPU).

Key numbers carry ``data-key`` / ``data-value`` attributes with the unrounded figure, so tests can prove that the
report shows what the result tables hold.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import jinja2
import pandas as pd
from markupsafe import Markup

from ..analysis import PCT_KINDS, YI, Analysis
from ..analysis.common import SECTOR_ZH, after_peak, tightest, year_spans
from ..base.safe import atomic
from ..inputs.load import CITY
from .air import air_chart, air_facts, air_sentences

STATUS_ZH = {"binding": "约束起作用", "met": "达标", "violated": "未达标"}

_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("planner.outputs", "templates"),
    autoescape=jinja2.select_autoescape(default=True, default_for_string=True),
    undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
)


def _num(x, d: int = 0) -> str:
    if x is None or (isinstance(x, float) and x != x):
        return "–"
    return f"{x:,.{d}f}"


def _fmt(x) -> str:
    """A number as a planner reads it: 3-4 significant figures, thousands separated."""
    if x is None or (isinstance(x, float) and x != x):
        return "–"
    a = abs(x)
    return f"{x:,.0f}" if a >= 100 else f"{x:,.2f}" if a >= 1 else f"{x:,.4f}" if a > 0 else "0"


_ENV.filters["num"] = _num
_ENV.filters["fmt"] = _fmt
_ENV.filters["yi"] = lambda x: _num(None if x is None else x / YI, 2)
_ENV.filters["mt"] = lambda x: _num(None if x is None else x / 1e6, 2)
_ENV.filters["pct"] = lambda x, d=1: "–" if x is None or x != x else f"{x * 100:,.{d}f}%"
_ENV.filters["raw"] = lambda x: "" if x is None or (isinstance(x, float) and x != x) else repr(float(x))


def _atomic_write(path: Path, text: str) -> Path:
    with atomic(path) as tmp:  # planner.base.safe: temporary file, renamed when whole; removed on an interrupt
        tmp.write_text(text, encoding="utf-8")
    return path


POLLUTANTS = ("so2", "nox", "pm", "vocs", "nh3", "cod", "nh3n")


def _rising(res, ctx) -> list[dict]:
    """Pollutants whose city total ends the horizon above the base year, and why: whether any binding target of the
    case speaks of the pollutant (its total or a key industry's) or none does, so no measure is bought for it."""
    ind = res.indicators[res.indicators["region_id"] == CITY].set_index(["indicator_id", "year"])["level"]
    first, last = ctx.p.base_year, ctx.p.years[-1]
    binding = res.targets[res.targets["status"] == "binding"]
    out = []
    for i in POLLUTANTS:
        if (i, first) not in ind.index or not ind[i, first] or ind[i, last] <= ind[i, first]:
            continue
        bound = sorted({k for k, j in zip(binding["target_id"], binding["indicator_id"], strict=True)
                        if j in (i, f"key_industry_{i}")})
        out.append({"indicator_id": i, "name_zh": ctx.indicator_zh.get(i, ""), "rise": ind[i, last] / ind[i, first] - 1,
                    "year": last, "binding": bound})
    return out


# the CO2 bases a headline can be on (indicators.csv): Chinese and English names
BASIS = {"co2_official": ("考核口径:能源活动+净调入电力", "assessment basis: combustion + net electricity imports"),
         "co2": ("本地排放:能源活动+工业过程", "territorial: combustion + industrial processes"),
         "co2_energy": ("本地能源活动", "territorial combustion")}


def _peak_ceiling(res) -> dict | None:
    """The ceiling C the years after a peak target's year are held to, and what set it: the target's value, or the
    no-peak path's level in the peak year (docs/formulation.md, "The ceiling in the open")."""
    tg = res.targets
    rows = tg[(tg["kind"] == "peak") & (tg["year"] > tg["first_year"])]
    if rows.empty:
        return None
    r = rows.iloc[0]
    explicit = r["value"] is not None and r["value"] == r["value"]
    return {"target_id": r["target_id"], "indicator_id": r["indicator_id"], "year": int(r["first_year"]),
            "ceiling": float(r["limit"]), "set_by": "value" if explicit else "no-peak path"}

def summary_facts(a: Analysis) -> dict:
    """The plain-words summary shared by the report, the workbook's front sheet and the console."""
    res, ctx, tot = a.result, a.ctx, a.cost_totals
    ind = res.indicators[res.indicators["region_id"] == CITY].set_index(["indicator_id", "year"])
    y = ctx.report_year
    basis = a.peak.get("indicator", "co2") if a.peak else "co2"  # the peak target's basis (co2_official)

    def pair(i):
        return (float(ind.at[(i, y), "baseline"]), float(ind.at[(i, y), "level"])) if (i, y) in ind.index else None

    co2, territorial = pair(basis), pair("co2")
    plan = a.cocontrol[a.cocontrol["level"] == "plan"]
    plan = plan.iloc[0].to_dict() if len(plan) else {}
    tg = res.targets
    main = []  # each measure's investment over every region (the largest six)
    for r in (res.measures.groupby("measure_id", sort=False)["investment"].sum().sort_values(ascending=False)
              .head(6).items() if not res.measures.empty else []):
        main.append({"measure_id": r[0], "name_zh": ctx.measure_zh.get(r[0], ""),
                     "name_en": ctx.measure_en.get(r[0], ""), "investment": r[1],
                     "assumed": r[0] in ctx.assumed_measures})
    assumed_inv = sum(float(g["investment"].sum()) for m, g in res.allocation.groupby("measure_id")
                      if m in ctx.assumed_measures) if not res.allocation.empty else 0.0
    drivers = [{"target_id": k, "name_zh": ctx.target_zh.get(k, ""), "name_en": ctx.target_en.get(k, ""),
                "value_pv": v} for k, v in a.drivers.head(5).items()]
    social = ctx.p.objective == "social"
    return {
        "air": air_facts(a),
        "objective_kind": ctx.p.objective,
        "rising": _rising(res, ctx),
        "case": res.summary["case"], "title_zh": res.summary["title_zh"], "title_en": res.summary["title_en"],
        "base_year": ctx.p.base_year, "first_year": ctx.p.years[0], "last_year": ctx.p.years[-1],
        # the plan's discounted net cost; for the least social cost the LP objective also holds the health benefit
        "rate": ctx.p.rate, "report_year": y, "objective": tot["net_pv"] if social else res.solution.objective, **tot,
        "peak_ceiling": _peak_ceiling(res), "ranges": a.notes.get("ranges"), "co2": co2, "co2_basis": basis,
        "co2_territorial": territorial if basis != "co2" else None,
        "peak": a.peak, "plan": plan,
        "targets_total": int(tg["target_id"].nunique()), "rows_total": len(tg),
        "targets_met": int(tg.groupby("target_id")["status"].apply(lambda s: (s != "violated").all()).sum()),
        "binding": list(dict.fromkeys(a.binding["target_id"])), "drivers": drivers, "main_measures": main,
        "investment_assumed_share": assumed_inv / tot["investment"] if tot["investment"] else 0.0,
        "measures_deployed": int(res.measures["measure_id"].nunique()) if not res.measures.empty else 0,
        "pairs_deployed": len(res.measures),
    }


def sentences(f: dict) -> list[str]:
    """The summary in plain words (each line Chinese, then English), for the workbook's front sheet and the console."""
    yi = lambda x: f"{x / YI:,.2f}"  # noqa: E731
    out = [
        f"方案总折现净成本 {yi(f['objective'])} 亿元({f['base_year']}年现值),"
        f"{f['first_year']}–{f['last_year']}年累计投资 {yi(f['investment'])} 亿元;"
        f"无悔措施净节约 {yi(-f['net_no_regret_pv'])} 亿元,达标所需措施净成本 {yi(f['net_targets_pv'])} 亿元。"
        f" The plan costs {yi(f['objective'])} 亿元 in present value: no-regret measures "
        f"save {yi(-f['net_no_regret_pv'])} 亿元 and the measures the targets need cost "
        f"{yi(f['net_targets_pv'])} 亿元; "
        f"investment {yi(f['investment'])} 亿元 over {f['first_year']}-{f['last_year']}.",
    ]
    if f["co2"]:
        b, lv = f["co2"]
        peak = f["peak"]
        zh, en = BASIS.get(f["co2_basis"], ("", f["co2_basis"]))
        terr = f.get("co2_territorial")
        out.append(
            f"{f['report_year']}年二氧化碳排放({zh}) {lv / 1e6:,.1f} Mt(基准 {b / 1e6:,.1f} Mt,减少 {1 - lv / b:.1%})"
            + (f",{peak['plan_year']}年达峰,峰值 {peak['plan_level'] / 1e6:,.1f} Mt(平台期内最高)" if peak else "")
            + (f";本地排放(含工业过程) {terr[1] / 1e6:,.1f} Mt。" if terr else "。")
            + f" CO2 in {f['report_year']} ({en}): {lv / 1e6:,.1f} Mt against {b / 1e6:,.1f} Mt without measures"
            + (f"; peak in {peak['plan_year']}, highest level {peak['plan_level'] / 1e6:,.1f} Mt (on the plateau)"
               if peak else "")
            + (f"; territorial (combustion and processes) {terr[1] / 1e6:,.1f} Mt." if terr else "."))
    out += air_sentences(f.get("air"))
    rg = f.get("ranges")
    if rg and rg.get("objective"):
        lo, mid, hi = (x / 1e8 for x in rg["objective"])
        line_zh = (f"措施成本在数据给出的高低区间内随机抽样{rg['samples']}次: "
                   f"总折现净成本 {lo:,.1f}–{hi:,.1f} 亿元(5%–95%,中位 {mid:,.1f})")
        line_en = (f"Over {rg['samples']} Monte Carlo samples of the measures' low/high costs the total cost lies "
                   f"between "
                   f"{lo:,.1f} and {hi:,.1f} 亿元 (5-95%, median {mid:,.1f})")
        if rg.get("peak_price"):
            plo, pmid, phi = rg["peak_price"]
            line_zh += f",达峰边际成本 {plo:,.0f}–{phi:,.0f} 元/吨(中位 {pmid:,.0f})"
            line_en += f" and the peak's marginal cost between {plo:,.0f} and {phi:,.0f} yuan/t (median {pmid:,.0f})"
        out.append(line_zh + "。 " + line_en + ".")
    for r in f.get("rising", []):
        why_zh = ("约束它的目标 " + ", ".join(r["binding"]) + " 已达到" if r["binding"] else
                  "本情景没有对它起约束作用的目标,因此没有为它购买措施(见 pollutant_caps 情景)")
        why = ("the targets on it (" + ", ".join(r["binding"]) + ") are met at that level" if r["binding"] else
               "no target of this case binds on it, so no measure is bought for it (see the pollutant_caps case)")
        out.append(f"{r['name_zh']}({r['indicator_id']}){r['year']}年比{f['base_year']}年高 {r['rise']:.1%}:{why_zh}。"
                   f" {r['indicator_id']} ends {r['rise']:.1%} above {f['base_year']} in {r['year']}: {why}.")
    drivers = ", ".join(f"{d['name_zh']} ({d['target_id']})" for d in f["drivers"][:3]) or "none"
    out.append(f"{f['targets_met']}/{f['targets_total']} 项目标达到,{len(f['binding'])} 项起约束作用;"
               f"主要驱动目标: {drivers}。 "
               f"{len(f['binding'])} targets bind; those driving the spending most: {drivers}.")
    return out


def chart_specs(a: Analysis) -> dict[str, dict]:
    """The report's charts, key -> Vega-Lite spec (`planner.outputs.charts`), in page order; the browser draws them."""
    from . import charts as ch

    res, ctx = a.result, a.ctx
    alloc = res.allocation
    out = {"costs": ch.cost_chart(a.costs)}
    sector_zh = {s: f"{SECTOR_ZH[s]} {s}" for s in SECTOR_ZH}
    if not alloc.empty:
        by = alloc.assign(sector=alloc["measure_id"].map(ctx.sector))
        inv = by.pivot_table(index="year", columns="sector", values="investment", aggfunc="sum", fill_value=0.0)
        inv = inv.reindex(ctx.p.years, fill_value=0.0).reset_index()
        out["invest_sector"] = ch.stacked_chart(inv, "year", "各领域年度投资 Investment by sector and year",
                                                "亿元 (100 million yuan)", YI, sector_zh)
        reg = by.pivot_table(index="year", columns="region_id", values="investment", aggfunc="sum", fill_value=0.0)
        reg = reg.reindex(ctx.p.years, fill_value=0.0).reset_index()
        out["invest_region"] = ch.stacked_chart(reg, "year", "各区域年度投资 Investment by region and year",
                                                "亿元 (100 million yuan)", YI,
                                                {r: f"{ctx.region_zh.get(r, r)} {r}" for r in ctx.p.regions})
    if a.peak:
        zh, en = BASIS.get(a.peak.get("indicator", "co2"), ("", ""))
        out["co2"] = ch.pathway_chart(res.indicators, a.peak.get("indicator", "co2"),
                                      f"全市二氧化碳排放({zh}) City CO2 emissions ({en})", "Mt CO2", 1e6,
                                      a.peak.get("plan_year"))
    if len(a.sectors.columns) > 1:
        out["sector_cuts"] = ch.stacked_chart(a.sectors, "year", "各领域二氧化碳减排量 CO2 cut by sector", "Mt CO2/年",
                                              1e6, sector_zh)
    if len(a.pathways):
        out["targets"] = ch.targets_chart(a.pathways, ctx.target_zh, PCT_KINDS)
    air = air_chart(a)  # the air-quality section comes before the MAC curves
    if air is not None:
        out["air"] = air
    y = ctx.report_year
    labels = {"co2e": ("二氧化碳当量边际减排成本曲线 MAC curve, CO2e", "潜在减排量 abatement at potential, Mt CO2e/年",
                       "元/吨CO2e yuan per t CO2e", 1e6),
              "air": ("大气污染当量边际减排成本曲线 MAC curve, air-pollutant equivalents",
                      "潜在削减量 abatement at potential, 万污染当量/年", "元/污染当量 yuan per PE", 1e4),
              "water": ("水污染当量边际减排成本曲线 MAC curve, water-pollutant equivalents",
                        "潜在削减量 abatement at potential, 万污染当量/年", "元/污染当量 yuan per PE", 1e4)}
    for k, (title, xl, yl, sc) in labels.items():
        if len(a.mac[k]):
            out[f"mac_{k}"] = ch.mac_chart(a.mac[k], f"{title} ({y})", xl, yl, sc,
                                           {r: f"{ctx.region_zh.get(r, r)} {r}" for r in ctx.p.regions})
    if len(a.cocontrol):
        names = {**{s: f"{z} {s}" for s, z in SECTOR_ZH.items()},
                 **{r: f"{ctx.region_zh.get(r, r)} {r}" for r in ctx.p.regions}, "plan": "全市 city"}
        out["cocontrol"] = ch.cocontrol_chart(a.cocontrol, names)
    out.update(_maps(a))
    return out


def _maps(a: Analysis) -> dict[str, dict]:
    """District maps (`planner.outputs.maps`), when the case's regions are the districts: the plan's CO2 cut and
    cost by district, and with a decomposition each split's burden."""
    from . import charts as ch
    from . import maps
    from .decomposition import of

    rows = maps.district_rows(a)
    if rows is None:
        return {}
    y, features = rows.attrs["year"], maps.features()
    panels = [("co2_cut_mt", f"二氧化碳减排量 CO2 cut, {y}", "Mt", 0.0),
              ("cost_yi", "净成本现值 Net cost, present value", "亿元", 0.0)]
    if "cost_per_wan_gdp" in rows:
        panels.append(("cost_per_wan_gdp", "单位GDP成本 Cost per 万元 of 2020 GDP", "元/万元", 0.0))
    out = {"map_districts": ch.choropleth(features, rows, panels, "各区县减排与成本 CO2 cut and cost by district",
                                          maps.ATTRIBUTION)}
    dec = of(a)
    if dec is not None:
        d = dec.districts.pivot_table(index="region_id", columns="split", values="relative_burden")
        panels = []
        for sp, zh, en in (("least_cost", "最低成本分解", "least cost"),
                           ("administrative", "行政分解", "administrative"), ("fair", "公平分解", "fair")):
            if sp in d:
                rows[f"burden_{sp}"] = rows["region_id"].map(d[sp]).to_numpy()
                panels.append((f"burden_{sp}", f"{zh} {en}: 相对负担 burden", "×", 1.0))
        extra = dec.districts[dec.districts["split"] == "administrative"].set_index("region_id")["extra_cost_yuan"]
        if len(extra):
            rows["extra_administrative"] = rows["region_id"].map(extra / YI).to_numpy()
            panels.append(("extra_administrative", "行政分解多付 Extra cost of the administrative split", "亿元",
                           0.0))
        out["map_decomposition"] = ch.choropleth(
            features, rows, panels, "指标分解: 各区县相对负担 Decomposition: each district's burden",
            "负担 = 区县单位GDP成本 / 全市 (burden: a district's cost per unit GDP over the city's); "
            + maps.ATTRIBUTION)
    return out


def _el_years(p) -> list[int]:
    """Base year, the first model years and every fifth year to the last: the rows of the electricity table."""
    return sorted({p.base_year, *p.years[:3], *(y for y in p.years if y % 5 == 0), p.years[-1]})


def _groups(rows: list[dict]) -> list[dict]:
    """One entry per target: its tightest row (`planner.analysis.common.tightest`, as the console shows it) and the
    other rows (``rows``: the marginal-cost table as records, in its order)."""
    by: dict[str, list[dict]] = {}
    for r in rows:
        by.setdefault(r["target_id"], []).append(r)
    out = []
    for g in by.values():
        ceiling = after_peak([r.get("kind") for r in g], [r["year"] for r in g], [r.get("first_year") for r in g])
        head = tightest([r["marginal_cost"] for r in g], [r["slack"] for r in g], [r["limit"] for r in g], ceiling)
        out.append({"head": g[head], "rest": g[:head] + g[head + 1:],
                    "binding": year_spans(r["year"] for r in g if r["status"] == "binding")})
    return out


def render(a: Analysis) -> str:
    """The report's HTML: the tables as text, the charts as Vega-Lite specs with the Vega bundle inlined."""
    from .charts import bundle, spec_json
    from .decomposition import section as decomposition_section

    res, ctx = a.result, a.ctx
    facts = summary_facts(a)
    shown = ["target_id", "year", "achieved", "value", "level", "limit", "slack", "first_year"]
    mc = a.marginal.merge(res.targets[shown],
                          on=["target_id", "year"], how="left")
    mc["status_zh"] = mc["status"].map(STATUS_ZH)
    mc["pct"] = mc["kind"].isin(PCT_KINDS)
    why = a.reasons.merge(res.measures[["region_id", "measure_id", "investment"]], on=["region_id", "measure_id"])
    why = why.sort_values("investment", ascending=False)
    why["region_zh"] = why["region_id"].map(ctx.region_zh)
    why["sector_label"] = why["sector"].map(lambda x: f"{SECTOR_ZH[x]} {x}" if x in SECTOR_ZH else x)
    not_built = a.reduced[a.reduced["state"] == "not built"].sort_values("reduced_cost").head(15)
    co = a.cocontrol
    sources = res.data.tables["sources"]
    return _ENV.get_template("report.html.j2").render(
        f=facts, basis=BASIS.get(facts["co2_basis"], ("", facts["co2_basis"])), s=res.summary,
        charts=(specs := chart_specs(a)), chart_specs=Markup(spec_json(specs)),
        vega=Markup(bundle()), targets=(rows := mc.to_dict("records")),
        target_groups=_groups(rows),
        electricity=[] if res.electricity is None or res.electricity.empty else
        res.electricity[res.electricity["year"].isin(_el_years(ctx.p))].to_dict("records"),
        reasons=why.to_dict("records"), not_built=not_built.to_dict("records"),
        mac={k: v.head(12).to_dict("records") for k, v in a.mac.items()},
        co_sector=co[co["level"] == "sector"].assign(name=lambda d: d["key"].map(
            lambda s: f"{SECTOR_ZH[s]} {s}" if s in SECTOR_ZH else s)).to_dict("records"),
        co_region=co[co["level"] == "region"].assign(name=lambda d: d["scope"].map(ctx.region_zh))
        .to_dict("records"),
        costs=a.costs.to_dict("records"), year=ctx.report_year, names=ctx,
        air_rows=[] if a.air is None or a.air.empty else a.air[a.air["year"].isin(_el_years(ctx.p))].assign(
            region_zh=lambda d: d["region_id"].map(ctx.region_zh)).to_dict("records"),
        health_pays=_health_pays(a), air_lines=air_sentences(facts.get("air")),
        assumptions=int((sources["kind"] == "assumption").sum()), sources_total=len(sources),
        generated=dt.datetime.now().isoformat(timespec="seconds"), dec=decomposition_section(a),
    )


def _health_pays(a: Analysis) -> list[dict]:
    """The carbon measures (CO2e MAC rows) that cost money and pay for themselves once their cleaner air is valued,
    cheapest social cost first (empty without a health account)."""
    mac = a.mac.get("co2e")
    if mac is None or mac.empty or not a.health:
        return []
    rows = mac[(mac["cost_per_unit_cut"] > 0) & (mac["social_cost_per_unit_cut"] <= 0)]
    return rows.sort_values("social_cost_per_unit_cut").head(15).to_dict("records")


def write_report(a: Analysis, path: str | Path) -> Path:
    """Write the self-contained HTML report atomically and return its path."""
    return _atomic_write(Path(path), render(a))


def table_html(df: pd.DataFrame) -> str:  # pragma: no cover - convenience for notebooks
    return df.to_html(index=False, escape=True)
