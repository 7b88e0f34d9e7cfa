"""The console summary of a solved case (`planner run` prints it): the cost in 亿元, the main measures, city
emissions baseline -> with measures, and every target in its own terms with its marginal cost. Reads the result and
analysis tables only."""

from __future__ import annotations

from ..analysis import PCT_KINDS, analyse
from ..analysis.common import after_peak, tightest, year_spans
from ..inputs.load import CITY
from ..results.tables import NET, REPORTED, Result
from .report import summary_facts

# indicator -> (divisor, unit shown) in the console: Mt for CO2 and CH4, kt for pollutants
SCALE = {"co2": (1e6, "Mt"), NET: (1e6, "Mt"), "co2_energy": (1e6, "Mt"), "co2_process": (1e6, "Mt"),
         "co2_official": (1e6, "Mt"), "ch4": (1e3, "kt"), "fgas": (1e6, "Mt CO2e")}


def _assumed_indicators(res: Result) -> set[str]:
    """Indicators whose baseline rows cite an assumption for more than half of their rows."""
    src = res.data.tables["sources"]
    assumed = set(src.loc[src["kind"] == "assumption", "source_id"])
    b = res.data.tables["baseline"]
    share = b["source_id"].isin(assumed).groupby(b["indicator_id"]).mean()
    return set(share[share > 0.5].index)


def summary_lines(res: Result, a=None) -> list[str]:
    """The console summary of a solved case: cost, main measures, city emissions, every target with its marginal
    cost (the lines `planner run` prints)."""
    a = a if a is not None else analyse(res)
    out: list[str] = []
    s, p, ctx = res.summary, res.params, a.ctx
    f = summary_facts(a)
    yi = lambda x: f"{x / 1e8:,.2f}"  # noqa: E731
    title = " ".join(x for x in (s["title_zh"], s["title_en"]) if x)
    out.append(f"Case {s['case']}: {s['status']} ({s['solver']}, build {s['build_seconds']:.2f} s, solve "
               f"{s['solve_seconds']:.2f} s, {s['variables']} variables, {s['constraints']} constraints)"
               + (f"\n  {title}" if title else ""))
    if s.get("primal_infeasibility"):
        out.append(f"Note: HiGHS reports optimal, with rows off by up to {s['primal_infeasibility']:.2g} "
                   "(just above its tolerance of 1e-7 after unscaling); the answer is kept.")
    out.append(f"Total discounted net cost: {yi(f['objective'])} 亿元 (present value in {p.base_year}); investment "
               f"{yi(f['investment'])} 亿元 over {p.years[0]}-{p.years[-1]}")
    out.append(f"  no-regret measures save {yi(-f['net_no_regret_pv'])} 亿元; the measures the targets need cost "
               f"{yi(f['net_targets_pv'])} 亿元")
    out.append("\nMain measures by investment (亿元; * rests on assumed data):")
    for m in f["main_measures"]:
        out.append(f"  {m['name_zh']} ({m['measure_id']}){' *' if m['assumed'] else ''}: {yi(m['investment'])}")
    out.append(f"  {f['investment_assumed_share']:.0%} of the investment is in measures resting on assumed data")
    ind = ctx.indicator_values  # (region or city, indicator, year) -> (baseline, level)
    years = list(dict.fromkeys(y for y in (p.base_year, 2025, 2030, p.years[-1]) if p.base_year <= y <= p.years[-1]))
    assumed = _assumed_indicators(res)
    out.append("\nCity emissions, baseline -> with measures (* baseline rests mostly on assumed data):")
    out.append(f"  {'indicator':<44}{'unit':<9}" + "".join(f"{y:>22}" for y in years))
    for i in (x for j in REPORTED for x in ((j, NET) if j == "co2" else (j,))):  # net CO2 beside gross CO2
        if (CITY, i, p.base_year) not in ind:
            continue
        div, unit = SCALE.get(i, (1e3, "kt"))
        cells = "".join(f"{ind[CITY, i, y][0] / div:>10,.1f} -> {ind[CITY, i, y][1] / div:>8,.1f}" for y in years)
        label = f"{i} {ctx.indicator_zh.get(i, '')}{' *' if i in assumed else ''}"
        out.append(f"  {pad(label, 44)}{unit:<9}{cells}")
    if a.peak:
        ceil = f.get("peak_ceiling")
        if ceil:
            how = ("the case's value" if ceil["set_by"] == "value" else
                   f"the no-peak path's level in {ceil['year']}: anything that raises that path loosens the peak")
            out.append(f"  Peak ceiling after {ceil['year']} ({ceil['target_id']}): {ceil['ceiling'] / 1e6:,.1f} Mt, "
                       f"set by {how}")
        top = a.peak.get("plan_max_year", a.peak["plan_year"])
        out.append(f"  CO2 ({a.peak['indicator']}) peaks in {a.peak['plan_year']} at "
                   f"{a.peak.get('plan_year_level', a.peak['plan_level']) / 1e6:,.1f} Mt "
                   + (f"(a plateau: its highest, {a.peak['plan_level'] / 1e6:,.1f} Mt in {top}, is within 0.5%) "
                      if top != a.peak["plan_year"] else "")
                   + "(baseline "
                   + (f"still rising in {a.peak['baseline_year']})" if a.peak["baseline_year"] == a.peak["last_year"]
                      else f"peaks in {a.peak['baseline_year']})"))
    rg = a.notes.get("ranges") if hasattr(a, "notes") else None
    if rg and rg.get("objective"):
        lo, mid, hi = (yi(x) for x in rg["objective"])
        out.append(f"\nCost ranges over {rg['optimal']} of {rg['samples']} Monte Carlo samples of the measures' "
                   f"low/high costs (5%-median-95%): total {lo} / {mid} / {hi} 亿元"
                   + ("; peak's marginal cost {:,.0f} / {:,.0f} / {:,.0f} yuan/t".format(*rg["peak_price"])
                      if rg.get("peak_price") else ""))
    out.append("\nTargets (achieved vs required, in the target's own terms; marginal cost in yuan of the row's year; "
               "a lasting target shows its tightest year and the years it binds):")
    per_pp = dict(zip(zip(a.marginal["target_id"].tolist(), a.marginal["year"].tolist(), strict=True),
                      a.marginal["per_pp"].tolist(), strict=True))
    for g in _target_rows(res.targets):
        t = _tightest(g)
        unit = ctx.unit.get(t.indicator_id, "")
        sense = ">=" if t.kind in ("reduction", "intensity_reduction", "abatement") else t.sense
        if t.kind in PCT_KINDS:
            achieved, required = _pct(t.achieved), _pct(t.value)
        else:
            div, shown = SCALE.get(t.indicator_id, (1.0, unit))
            limit = t.limit if t.kind in ("peak", "cap", "floor") else t.value
            level = t.level if t.kind in ("peak", "cap", "floor") else t.achieved
            achieved, required = (f"{level / div:,.2f} {shown}", f"{limit / div:,.2f}") if div != 1.0 else \
                (fmt(level), fmt(limit))
        pp = per_pp[t.target_id, t.year]
        if t.kind in PCT_KINDS:
            cost = "-" if pp is None or pp != pp else f"{pp / 1e4:,.1f} 万元/pp"
        else:
            cost = f"{fmt(t.marginal_cost)} yuan/{unit}"
        ys = [r.year for r in g]
        years = f"{min(ys)}-{max(ys)}" if len(g) > 1 else str(t.year)
        status = "violated" if any(r.status == "violated" for r in g) else t.status
        binding = year_spans(r.year for r in g if r.status == "binding")
        name = ctx.target_zh.get(t.target_id, "")
        out.append(f"  {t.target_id:<36}{years:>10}{t.year:>6}  {achieved:>14} {sense:>2} {required:>14}  "
                   f"{status:<8}{cost:>22}  {binding:<12} {name}")

    return out


def _target_rows(targets) -> list[list]:
    """The rows of the targets table (named tuples with plain Python values), grouped by target in table order."""
    from collections import namedtuple

    row = namedtuple("Row", list(targets.columns), rename=True)
    out: dict[str, list] = {}
    for values in zip(*(targets[c].tolist() for c in targets.columns), strict=True):
        r = row(*values)
        out.setdefault(r.target_id, []).append(r)
    return list(out.values())


def _tightest(g: list):
    """The row of a target to show (`planner.analysis.common.tightest`)."""
    return g[tightest([r.marginal_cost for r in g], [r.slack for r in g], [r.limit for r in g],
                      after_peak([getattr(r, "kind", None) for r in g], [r.year for r in g],
                                 [getattr(r, "first_year", None) for r in g]))]


def width(text: str) -> int:
    """Columns ``text`` takes in a terminal: two for a wide character (Chinese), one for any other."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def pad(text: str, columns: int) -> str:
    """``text`` in exactly ``columns`` terminal columns: padded with spaces, or cut and ended with "…" (a name
    longer than its column never moves the columns after it)."""
    if width(text) > columns - 1:
        while text and width(text) > columns - 2:
            text = text[:-1]
        text += "…"
    return text + " " * max(columns - width(text), 0)


def _pct(x) -> str:
    return "-" if x is None or x != x else f"{x:.2%}"


def fmt(x) -> str:
    if x is None or x != x:
        return "-"
    if isinstance(x, float):
        return f"{x:,.4g}" if abs(x) < 1000 else f"{x:,.0f}"
    return str(x)
