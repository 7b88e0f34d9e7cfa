"""The measure catalog as a planner reads it: each measure's numbers, what it costs per tonne of CO2 and per
pollution equivalent, whether it cuts pollution and carbon together, and where its numbers come from.

Computed from validated inputs alone (no solve), for ``planner data-report``:

- annual net cost of one unit: ``capex * crf(rate, lifetime) + fixed_om - savings + electricity`` (low / high from
  ``capex_low``/``capex_high``, ``fixed_om_low``/``fixed_om_high`` and ``savings_high``/``savings_low`` where given),
  where ``electricity`` is the thermal output the unit changes on the city grid at the grid's variable cost in 2030
  (`Params.electricity_cost`: fuel and O&M, computed from electricity.csv, never typed into the data; the solved
  case values it at the balance's marginal value, which the workbook and report show);
- CO2e per unit: the all-region effects (or the mean of the regional rows where only those exist) of CO2 and of
  the other greenhouse gases weighted by their 100-year global warming potential (`GWP100`);
- pollution equivalents per unit: ``sum_p -effect[p] * 1000 / kg_per_equivalent[p]`` over the pollutants of
  ``pollution_equivalents.csv`` (环境保护税法 annex 2);
- co-control: ``synergy`` when a measure cuts both CO2 and pollution equivalents (quadrant I of the co-control
  coordinate system), else ``carbon only``, ``pollution only``, ``trade-off`` or ``neither``;
- provenance of the indicators the targets use: the base-year value of each, ``published`` when every baseline row
  it rests on cites a document or dataset, ``derived`` when one cites an assumption, and the share of baseline rows
  resting on assumptions (per indicator and overall);
- no-regret measures (annual net cost below zero): what holds each back (``barrier`` in measures.csv) and the
  diffusion ceiling of its potentials (``max_build`` / ``max_stock``), or that its autonomous uptake is in the
  baseline (its note says so).
"""

from __future__ import annotations

import math

import pandas as pd

from ..inputs.load import Data
from ..model.params import crf, derive

# IPCC AR5 WG1 (2013), Table 8.7, GWP100 without climate-carbon feedbacks; fgas is already in t CO2e.
GWP100 = {"co2": 1.0, "ch4": 28.0, "fgas": 1.0}

# A no-regret measure whose note contains this phrase has its autonomous uptake in the baseline; any other no-regret
# measure must name its barrier and cap its yearly build (max_build).
AUTONOMOUS = "autonomous uptake in the baseline"


def _num(x) -> float | None:
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(v) else v


def _effects(data: Data) -> tuple[dict[str, dict[str, float]], dict[str, float]]:
    """measure -> {indicator: effect per unit}, the catalog figure: the mean over the regions where the measure can be
    built of its effect there, its own plus what it moves through the city grid's electricity balance (an electric
    bus's power-plant CO2 and a panel's displaced coal are in it). Per-region figures are the model's (Params). Also
    measure -> the cost of the thermal output a unit changes in 2030 (or the last model year), the same mean."""
    p = derive(data)
    year = 2030 if 2030 in p.years else p.years[-1]
    out: dict[str, dict[str, float]] = {}
    electricity: dict[str, float] = {}
    for m in p.measures:
        where = [r for r in p.regions if (r, m) in p.pair_set] or p.regions
        total: dict[str, float] = {}
        for r in where:
            for i, e in p.total_effect(r, m).items():
                total[i] = total.get(i, 0.0) + e / len(where)
        out[m] = total
        electricity[m] = sum(p.electricity_cost(r, m, year) for r in where) / len(where)
    return out, electricity


def catalog(data: Data) -> pd.DataFrame:
    rate = data.case.discount_rate
    ms, eff, pot = data.tables["measures"], data.tables["effects"], data.tables["potentials"]
    pe = data.tables.get("pollution_equivalents")
    weights = {} if pe is None or pe.empty else dict(
        zip(pe["indicator_id"], pe["kg_per_equivalent"].astype(float), strict=True))
    kinds = dict(zip(data.tables["sources"]["source_id"], data.tables["sources"]["kind"], strict=True))
    effects, electricity = _effects(data)
    records = []
    for m in ms.itertuples():
        f = crf(rate, int(m.lifetime))
        el = electricity.get(m.measure_id, 0.0)
        cost = float(m.capex) * f + float(m.fixed_om) - float(m.savings) + el
        capex_low, capex_high = _num(getattr(m, "capex_low", None)), _num(getattr(m, "capex_high", None))
        sav_low, sav_high = _num(getattr(m, "savings_low", None)), _num(getattr(m, "savings_high", None))
        om_low, om_high = _num(getattr(m, "fixed_om_low", None)), _num(getattr(m, "fixed_om_high", None))
        cost_low = (capex_low if capex_low is not None else float(m.capex)) * f \
            + (om_low if om_low is not None else float(m.fixed_om)) \
            - (sav_high if sav_high is not None else float(m.savings)) + el
        cost_high = (capex_high if capex_high is not None else float(m.capex)) * f \
            + (om_high if om_high is not None else float(m.fixed_om)) \
            - (sav_low if sav_low is not None else float(m.savings)) + el
        own = effects.get(m.measure_id, {})
        co2 = sum(g * own.get(i, 0.0) for i, g in GWP100.items())
        pe_cut = sum(-own.get(p, 0.0) * 1000.0 / w for p, w in weights.items())
        cut = -co2
        here = pot[pot["measure_id"] == m.measure_id]
        srcs = sorted({m.source_id, *eff.loc[eff["measure_id"] == m.measure_id, "source_id"], *here["source_id"]})
        if cut > 0 and pe_cut > 0:
            co = "synergy"
        elif cut > 0:
            co = "carbon only" if pe_cut == 0 else "trade-off (adds pollution)"
        elif pe_cut > 0:
            co = "pollution only" if cut == 0 else "trade-off (adds CO2)"
        else:
            co = "neither"
        records.append({
            "measure_id": m.measure_id, "name_zh": m.name_zh, "name_en": m.name_en, "sector": m.sector,
            "clause": m.clause, "unit": m.unit, "capex": float(m.capex), "fixed_om": float(m.fixed_om),
            "savings": float(m.savings), "electricity": el, "lifetime": int(m.lifetime), "annual_cost": cost,
            "co2e_per_unit": co2, "pe_per_unit": pe_cut,
            "cost_per_t_co2e": cost / cut if cut > 0 else None,
            "cost_per_t_co2e_low": cost_low / cut if cut > 0 else None,
            "cost_per_t_co2e_high": cost_high / cut if cut > 0 else None,
            "cost_per_pe": cost / pe_cut if pe_cut > 0 else None,
            "co_control": co,
            "regions": ", ".join(here["region_id"]),
            "max_stock": float(here["max_stock"].astype(float).sum()),
            "sources": ", ".join(srcs),
            "assumed": any(kinds.get(s) == "assumption" for s in srcs),
        })
    return pd.DataFrame.from_records(records)


def assumptions(data: Data) -> pd.DataFrame:
    """Every assumption source with the number of rows citing it per table, so none stays hidden."""
    src = data.tables["sources"]
    rows = src[src["kind"] == "assumption"][["source_id", "title", "note"]].copy()
    for name in ("baseline", "measures", "effects", "potentials", "targets"):
        counts = data.tables[name]["source_id"].value_counts()
        rows[name] = rows["source_id"].map(counts).fillna(0).astype(int)
    return rows.reset_index(drop=True)


def _md(text) -> str:
    """Text as one Markdown table cell: a ``|`` or a line break in a name never breaks the table."""
    return str(text).replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", " ")


def _baseline_rows(data: Data) -> pd.DataFrame:
    """The baseline rows the case uses (rows of its variant and rows without one, where the data has variants)."""
    b = data.tables["baseline"]
    variant = getattr(data.case, "baseline", None)
    if "variant" in b.columns and variant:
        b = b[b["variant"].fillna("").isin(["", variant])]
    return b


def _is_assumed(data: Data) -> dict[str, bool]:
    src = data.tables["sources"]
    return dict(zip(src["source_id"], src["kind"] == "assumption", strict=True))


def indicator_provenance(data: Data) -> pd.DataFrame:
    """Every indicator an enabled target uses (as its indicator or denominator): its base-year city value, whether
    that value is published (every base-year row cites a document or dataset) or derived (one cites an assumption),
    the sources of those rows, and the share of all its baseline rows that rest on assumptions."""
    assumed = _is_assumed(data)
    b = _baseline_rows(data)
    ind = data.tables["indicators"].set_index("indicator_id")
    base = data.case.base_year
    used: dict[str, list[str]] = {}
    for t in data.tables["targets"].itertuples():
        if not t.enabled:
            continue
        for i in (t.indicator_id, t.denominator_id):
            if i:
                used.setdefault(i, []).append(t.target_id)
    records = []
    for i, targets in used.items():
        rows = b[b["indicator_id"] == i]
        known = rows[rows["year"].astype(int) <= base]
        at_base = known[known["year"].astype(int) == known.groupby("region_id")["year"].transform(
            lambda y: y.astype(int).max()).astype(int)] if not known.empty else known
        flags = [assumed.get(s, False) for s in at_base["source_id"]]
        n_assumed = int(sum(assumed.get(s, False) for s in rows["source_id"]))
        records.append({
            "indicator_id": i, "name_zh": ind.loc[i, "name_zh"], "name_en": ind.loc[i, "name_en"],
            "unit": ind.loc[i, "unit"], "targets": ", ".join(sorted(set(targets))),
            f"value_{base}": float(at_base["value"].astype(float).sum()),
            f"provenance_{base}": "derived" if any(flags) or not flags else "published",
            f"sources_{base}": ", ".join(sorted(set(at_base["source_id"]))),
            "baseline_rows": len(rows), "assumed_rows": n_assumed,
            "assumed_share": n_assumed / len(rows) if len(rows) else 0.0,
        })
    cols = ["indicator_id", "name_zh", "name_en", "unit", "targets", f"value_{base}", f"provenance_{base}",
            f"sources_{base}", "baseline_rows", "assumed_rows", "assumed_share"]
    return pd.DataFrame.from_records(records, columns=cols).sort_values("indicator_id").reset_index(drop=True)


def baseline_assumed_share(data: Data) -> float:
    """Share of all baseline rows (of the case's variant) that cite an assumption."""
    b = _baseline_rows(data)
    assumed = _is_assumed(data)
    return float(b["source_id"].map(lambda s: assumed.get(s, False)).mean()) if len(b) else 0.0


def no_regret(data: Data) -> pd.DataFrame:
    """Measures whose annual net cost is below zero: how each is treated (its autonomous uptake in the baseline, or
    the barrier that holds it back), and the diffusion ceiling of its potentials: the smallest ``max_build`` /
    ``max_stock`` over its rows (blank where a row has no max_build) and the years it takes to reach full potential
    at that pace."""
    cat = catalog(data).set_index("measure_id")
    ms = data.tables["measures"].set_index("measure_id")
    pot = data.tables["potentials"]
    records = []
    for m in cat.index[cat["annual_cost"] < 0]:
        barrier = str(ms.loc[m, "barrier"]) if "barrier" in ms.columns else ""
        barrier = "" if barrier == "nan" else barrier.strip()
        autonomous = AUTONOMOUS in str(ms.loc[m].get("note", ""))
        rows = pot[pot["measure_id"] == m]
        shares = [(_num(b) / float(s)) if _num(b) is not None and float(s) > 0 else None
                  for b, s in zip(rows["max_build"], rows["max_stock"], strict=True)]
        capped = all(x is not None for x in shares) and len(shares) > 0
        share = min(shares) if capped else None
        records.append({
            "measure_id": m, "name_zh": cat.loc[m, "name_zh"], "name_en": cat.loc[m, "name_en"],
            "unit": cat.loc[m, "unit"], "annual_cost": float(cat.loc[m, "annual_cost"]),
            "savings": float(cat.loc[m, "savings"]), "max_stock": float(cat.loc[m, "max_stock"]),
            "treatment": "autonomous in baseline" if autonomous else ("barrier" if barrier else "none"),
            "barrier": barrier, "build_share_per_year": share,
            "years_to_full": (1.0 / share) if share else None,
        })
    return pd.DataFrame.from_records(records, columns=[
        "measure_id", "name_zh", "name_en", "unit", "annual_cost", "savings", "max_stock", "treatment", "barrier",
        "build_share_per_year", "years_to_full"])


def provenance_lines(data: Data) -> list[str]:
    """Plain-text lines for ``planner data-report``: indicator provenance and the no-regret measures."""
    prov = indicator_provenance(data)
    base = data.case.base_year
    out = [f"Indicators the targets use: {base} value published or derived; share of baseline rows resting on "
           f"assumptions ({baseline_assumed_share(data):.0%} of all baseline rows):"]
    for r in prov.itertuples(index=False):
        d = r._asdict()
        out.append(f"  {r.indicator_id:<30}{d[f'value_{base}']:>18,.0f} {str(r.unit):<12}{d[f'provenance_{base}']:<10}"
                   f"{r.assumed_share:>6.0%} assumed rows   {d[f'sources_{base}']}")
    nr = no_regret(data)
    out.append(f"\nNo-regret measures (annual net cost below zero): {len(nr)}; barrier and diffusion ceiling, or "
               "autonomous uptake in the baseline:")
    for r in nr.itertuples(index=False):
        pace = f"{r.build_share_per_year:.0%}/yr" if r.build_share_per_year else "no ceiling"
        what = r.barrier if r.treatment == "barrier" else r.treatment
        out.append(f"  {r.measure_id:<34}{r.annual_cost:>14,.0f} yuan/unit/yr  {pace:<10}{what}")
    return out


def markdown(data: Data) -> str:
    """The catalog and the assumptions as a Markdown page."""
    cat = catalog(data)
    src = data.tables["sources"]
    lines = [
        "# Measure catalog and data provenance",
        "",
        f"Generated by `planner data-report` from `{data.case.data_dir.name}/` (data hash {data.data_hash}) at a "
        f"discount rate of {data.case.discount_rate:.0%}. Annual cost = capex x crf + fixed O&M - savings + "
        "electricity, per unit standing, where electricity is the thermal output the unit changes on the city grid "
        "at the grid's variable cost of 2030 (fuel and O&M from electricity.csv; no saving in the data carries a "
        "price of electricity); cost per t CO2e (CH4 at GWP100 = 28, IPCC AR5) and per pollution equivalent "
        "(环境保护税法 annex 2 weights, "
        "`pollution_equivalents.csv`) divide it by what one unit cuts. Negative costs are no-regret measures. "
        "Co-control: *synergy* cuts both CO2 and pollution.",
        "",
        f"{len(cat)} measures; sources: " + ", ".join(f"{n} {k}" for k, n in src["kind"].value_counts().items())
        + f"; {int(cat['assumed'].sum())} measures rest at least in part on an assumption.",
        "",
        "| measure | 措施 | sector | clause | unit | capex | O&M/yr | savings/yr | electricity/yr | life "
        "| yuan/t CO2e (low to high) | yuan/PE | co-control | regions | sources |",
        "|---|---|---|---|---|---:|---:|---:|---:|---:|---|---:|---|---|---|",
    ]

    def f(x, d=0):
        return "" if x is None or x != x else f"{x:,.{d}f}"

    for r in cat.itertuples():
        rng = f"{f(r.cost_per_t_co2e)} ({f(r.cost_per_t_co2e_low)} to {f(r.cost_per_t_co2e_high)})" \
            if r.cost_per_t_co2e is not None and r.cost_per_t_co2e == r.cost_per_t_co2e else ""
        lines.append(f"| {r.measure_id} | {_md(r.name_zh)} | {r.sector} | {_md(r.clause)} | {_md(r.unit)} | "
                     f"{f(r.capex)} | "
                     f"{f(r.fixed_om)} | {f(r.savings)} | {f(r.electricity)} | {r.lifetime} | {rng} | "
                     f"{f(r.cost_per_pe, 1)} | "
                     f"{r.co_control} | {r.regions} | {r.sources} |")
    base = data.case.base_year
    lines += ["", "## Indicators the targets use: published or derived", "",
              f"The {base} value of every indicator a target uses (as indicator or denominator), city total: "
              "*published* when every baseline row it rests on cites a document or dataset, *derived* when one "
              "cites an assumption. The last columns give how many of the indicator's baseline rows (all years "
              f"and regions) rest on assumptions. Overall, {baseline_assumed_share(data):.0%} of the baseline rows "
              "rest on assumptions.", "",
              f"| indicator | 指标 | unit | {base} value | {base} value is | sources | assumed rows | share "
              "| targets |",
              "|---|---|---|---:|---|---|---:|---:|---|"]
    for r in indicator_provenance(data).itertuples(index=False):
        d = r._asdict()
        lines.append(f"| {r.indicator_id} | {r.name_zh} | {r.unit} | {f(d[f'value_{base}'])} | "
                     f"{d[f'provenance_{base}']} | {d[f'sources_{base}']} | {r.assumed_rows} of {r.baseline_rows} | "
                     f"{r.assumed_share:.0%} | {r.targets} |")
    nr = no_regret(data)
    lines += ["", "## No-regret measures: what holds them back", "",
              f"{len(nr)} measures pay for themselves at this discount rate. Each either has its autonomous uptake "
              "in the baseline (its note says so) or names the barrier that holds it back, and its potentials cap "
              "the yearly build at the pace that barrier allows (diffusion ceiling, `max_build`).", "",
              "| measure | 措施 | unit | annual cost | ceiling per year | years to full | barrier or treatment |",
              "|---|---|---|---:|---:|---:|---|"]
    for r in nr.itertuples(index=False):
        share = f"{r.build_share_per_year:.0%}" if r.build_share_per_year else ""
        what = r.barrier if r.treatment == "barrier" else r.treatment
        lines.append(f"| {r.measure_id} | {r.name_zh} | {r.unit} | {f(r.annual_cost)} | {share} | "
                     f"{f(r.years_to_full, 1)} | {what} |")
    lines += ["", "## Assumptions", "",
              "Every figure not found in a published source is an assumption; its derivation is in "
              "`sources.csv` (note). Rows citing each:", "",
              "| assumption | title | baseline | measures | effects | potentials | targets |",
              "|---|---|---:|---:|---:|---:|---:|"]
    for a in assumptions(data).itertuples():
        lines.append(f"| {a.source_id} | {_md(a.title)} | {a.baseline} | {a.measures} | {a.effects} | {a.potentials} | "
                     f"{a.targets} |")
    lines += ["", "## Sources", "", "| id | kind | title | publisher | year | reference |", "|---|---|---|---|---|---|"]
    for s in src.itertuples():
        lines.append(f"| {s.source_id} | {s.kind} | {_md(s.title)} | {_md(s.publisher)} | {s.year} | "
                     f"{_md(s.reference)} |")
    return "\n".join(lines).replace("\n| ", "\n| ") + "\n"
