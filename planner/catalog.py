"""The measure catalog as a planner reads it: each measure's numbers, what it costs per tonne of CO2 and per
pollution equivalent, whether it cuts pollution and carbon together, and where its numbers come from.

Computed from validated inputs alone (no solve), for ``planner data-report``:

- annual net cost of one unit: ``capex * crf(rate, lifetime) + fixed_om - savings`` (low / high from
  ``capex_low``/``capex_high``, ``fixed_om_low``/``fixed_om_high`` and ``savings_high``/``savings_low`` where given);
- CO2e per unit: the all-region effects (or the mean of the regional rows where only those exist) of CO2 and of
  the other greenhouse gases weighted by their 100-year global warming potential (`GWP100`);
- pollution equivalents per unit: ``sum_p -effect[p] * 1000 / kg_per_equivalent[p]`` over the pollutants of
  ``pollution_equivalents.csv`` (环境保护税法 annex 2);
- co-control: ``synergy`` when a measure cuts both CO2 and pollution equivalents (quadrant I of the co-control
  coordinate system), else ``carbon only``, ``pollution only``, ``trade-off`` or ``neither``.
"""

from __future__ import annotations

import math

import pandas as pd

from .inputs import Data
from .model.params import crf

# IPCC AR5 WG1 (2013), Table 8.7, GWP100 without climate-carbon feedbacks; fgas is already in t CO2e.
GWP100 = {"co2": 1.0, "ch4": 28.0, "fgas": 1.0}


def _num(x) -> float | None:
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(v) else v


def _effect(effects: pd.DataFrame, m: str, i: str) -> float:
    rows = effects[(effects["measure_id"] == m) & (effects["indicator_id"] == i)]
    if rows.empty:
        return 0.0
    general = rows[rows["region_id"].isin(["", None])]
    use = general if not general.empty else rows
    return float(use["effect"].astype(float).mean())


def catalog(data: Data) -> pd.DataFrame:
    rate = data.case.discount_rate
    ms, eff, pot = data.tables["measures"], data.tables["effects"], data.tables["potentials"]
    pe = data.tables.get("pollution_equivalents")
    weights = {} if pe is None or pe.empty else dict(
        zip(pe["indicator_id"], pe["kg_per_equivalent"].astype(float), strict=True))
    kinds = dict(zip(data.tables["sources"]["source_id"], data.tables["sources"]["kind"], strict=True))
    records = []
    for m in ms.itertuples():
        f = crf(rate, int(m.lifetime))
        cost = float(m.capex) * f + float(m.fixed_om) - float(m.savings)
        capex_low, capex_high = _num(getattr(m, "capex_low", None)), _num(getattr(m, "capex_high", None))
        sav_low, sav_high = _num(getattr(m, "savings_low", None)), _num(getattr(m, "savings_high", None))
        om_low, om_high = _num(getattr(m, "fixed_om_low", None)), _num(getattr(m, "fixed_om_high", None))
        cost_low = (capex_low if capex_low is not None else float(m.capex)) * f \
            + (om_low if om_low is not None else float(m.fixed_om)) \
            - (sav_high if sav_high is not None else float(m.savings))
        cost_high = (capex_high if capex_high is not None else float(m.capex)) * f \
            + (om_high if om_high is not None else float(m.fixed_om)) \
            - (sav_low if sav_low is not None else float(m.savings))
        co2 = sum(g * _effect(eff, m.measure_id, i) for i, g in GWP100.items())
        pe_cut = sum(-_effect(eff, m.measure_id, p) * 1000.0 / w for p, w in weights.items())
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
            "savings": float(m.savings), "lifetime": int(m.lifetime), "annual_cost": cost,
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


def markdown(data: Data) -> str:
    """The catalog and the assumptions as a Markdown page."""
    cat = catalog(data)
    src = data.tables["sources"]
    lines = [
        "# Measure catalog and data provenance",
        "",
        f"Generated by `planner data-report` from `{data.case.data_dir.name}/` (data hash {data.data_hash}) at a "
        f"discount rate of {data.case.discount_rate:.0%}. Annual cost = capex x crf + fixed O&M - savings, per unit "
        "standing; cost per t CO2e (CH4 at GWP100 = 28, IPCC AR5) and per pollution equivalent "
        "(环境保护税法 annex 2 weights, "
        "`pollution_equivalents.csv`) divide it by what one unit cuts. Negative costs are no-regret measures. "
        "Co-control: *synergy* cuts both CO2 and pollution.",
        "",
        f"{len(cat)} measures; sources: " + ", ".join(f"{n} {k}" for k, n in src["kind"].value_counts().items())
        + f"; {int(cat['assumed'].sum())} measures rest at least in part on an assumption.",
        "",
        "| measure | 措施 | sector | clause | unit | capex | O&M/yr | savings/yr | life | yuan/t CO2e (low to high) "
        "| yuan/PE | co-control | regions | sources |",
        "|---|---|---|---|---|---:|---:|---:|---:|---|---:|---|---|---|",
    ]

    def f(x, d=0):
        return "" if x is None or x != x else f"{x:,.{d}f}"

    for r in cat.itertuples():
        rng = f"{f(r.cost_per_t_co2e)} ({f(r.cost_per_t_co2e_low)} to {f(r.cost_per_t_co2e_high)})" \
            if r.cost_per_t_co2e is not None and r.cost_per_t_co2e == r.cost_per_t_co2e else ""
        lines.append(f"| {r.measure_id} | {_md(r.name_zh)} | {r.sector} | {_md(r.clause)} | {_md(r.unit)} | "
                     f"{f(r.capex)} | "
                     f"{f(r.fixed_om)} | {f(r.savings)} | {r.lifetime} | {rng} | {f(r.cost_per_pe, 1)} | "
                     f"{r.co_control} | {r.regions} | {r.sources} |")
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
