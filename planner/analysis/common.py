"""Names, units, weights and the reporting year shared by the analyses of a solved case.

Everything here is read from the result tables and the validated data of the case; nothing is specific to the
shipped Chongqing data (ids, figures): a case with other measures, indicators or targets reads the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import pandas as pd

from ..inputs.load import CITY
from ..results.tables import Result

# Greenhouse gases counted in CO2e: indicator -> GWP100 (the CH4 value is the case setting ``gwp_ch4``). ``fgas`` is
# already in t CO2e. Sector parts of co2 (co2_power, ...) are not gases of their own and are not counted again.
GHG = ("co2", "ch4", "fgas")
# Pollution equivalents (环境保护税法 annex 2) that go to water; every other pollutant in pollution_equivalents.csv
# counts as an air pollutant.
WATER = frozenset({"cod", "nh3n", "tn", "tp", "bod5", "ss", "petroleum", "total_nitrogen", "total_phosphorus"})
PCT_KINDS = ("share_min", "share_max", "reduction", "intensity_reduction")
SECTOR_ZH = {"energy": "能源", "industry": "工业", "transport": "交通", "buildings": "建筑", "agriculture": "农业",
             "ecology": "生态", "waste": "废弃物", "water": "水", "soil": "土壤", "air": "大气"}
YI = 1e8  # 亿元 = 100 million yuan
WAN = 1e4  # 万


def year_spans(years) -> str:
    """Years as runs: ``2025-2030, 2033``."""
    spans: list[list[int]] = []
    for y in sorted(years):
        if spans and y == spans[-1][1] + 1:
            spans[-1][1] = y
        else:
            spans.append([y, y])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in spans)


def tightest(marginal_costs: list, slacks: list, limits: list, eligible: list | None = None) -> int:
    """Which of a lasting target's rows to show (the console and the report): the first with the highest marginal
    cost, else the first with the least slack relative to its limit (at least 1); None or NaN never wins. Only rows
    marked ``eligible`` compete when any is (a carbon peak's headline is its ceiling years after the peak year: the
    rows before it hold the first stage's path, and what tightening one of those costs is not the peak's price)."""
    def num(x) -> float:
        return float("nan") if x is None else float(x)

    keep = [i for i, ok in enumerate(eligible or []) if ok] or list(range(len(marginal_costs)))
    mc = {i: 0.0 if x != x else abs(x) for i, x in ((i, num(marginal_costs[i])) for i in keep)}
    if any(x > 0 for x in mc.values()):
        return max(keep, key=mc.__getitem__)
    rel = {}
    for i in keep:
        s, den = num(slacks[i]), abs(num(limits[i]))
        x = s / (1.0 if den < 1.0 else den)  # a NaN limit stays NaN
        rel[i] = float("inf") if x != x else x
    return min(keep, key=rel.__getitem__)


def after_peak(kinds: list, years: list, first_years: list) -> list[bool]:
    """Which rows of a target are a carbon peak's ceiling years (after its peak year): `tightest`'s ``eligible``."""
    return [k == "peak" and y > f for k, y, f in zip(kinds, years, first_years, strict=True)]


def pair_flows(p, r: str, m: str) -> dict[tuple[str, str], float]:
    """(region booked, indicator) -> effect of one unit of m standing in r (``Params.flows`` where the model books
    effects to other regions, e.g. through a shared grid; else the measure's own effects in r)."""
    if hasattr(p, "flows"):
        return p.flows.get((r, m), {})
    return {(r, i): e for i, e in p.effects.get((r, m), {}).items()}


def pair_effects(p, r: str, m: str) -> dict[str, float]:
    """Indicator -> effect of one unit of m standing in r, summed over the regions it is booked to."""
    if hasattr(p, "total_effect"):
        return p.total_effect(r, m)
    out: dict[str, float] = {}
    for (_, i), e in pair_flows(p, r, m).items():
        out[i] = out.get(i, 0.0) + e
    return out


@dataclass
class Context:
    """Lookups over one result: names in both languages, units, weights, discount factors."""

    result: Result

    @cached_property
    def data(self):
        return self.result.data

    @cached_property
    def p(self):
        return self.result.params

    def _names(self, table: str, key: str) -> tuple[dict, dict]:
        df = self.data.tables[table]
        return dict(zip(df[key], df["name_zh"], strict=True)), dict(zip(df[key], df["name_en"], strict=True))

    @cached_property
    def region_zh(self) -> dict:
        zh, _ = self._names("regions", "region_id")
        return {**zh, CITY: "全市"}

    @cached_property
    def region_en(self) -> dict:
        _, en = self._names("regions", "region_id")
        return {**en, CITY: "Whole city"}

    @cached_property
    def measure_zh(self) -> dict:
        return self._names("measures", "measure_id")[0]

    @cached_property
    def measure_en(self) -> dict:
        return self._names("measures", "measure_id")[1]

    @cached_property
    def indicator_zh(self) -> dict:
        return self._names("indicators", "indicator_id")[0]

    @cached_property
    def indicator_en(self) -> dict:
        return self._names("indicators", "indicator_id")[1]

    @cached_property
    def target_zh(self) -> dict:
        return self._names("targets", "target_id")[0]

    @cached_property
    def target_en(self) -> dict:
        return self._names("targets", "target_id")[1]

    @cached_property
    def unit(self) -> dict:
        from ..results.tables import DERIVED  # net CO2 and other derived indicators of the result tables

        ind = self.data.indicators
        return {**dict(zip(ind["indicator_id"], ind["unit"], strict=True)),
                **{i: unit for i, (_, _, unit) in DERIVED.items()}}

    @cached_property
    def measures(self) -> pd.DataFrame:
        return self.data.measures.set_index("measure_id")

    @cached_property
    def sector(self) -> dict:
        return self.measures["sector"].to_dict()

    @cached_property
    def measure_unit(self) -> dict:
        return self.measures["unit"].to_dict()

    @cached_property
    def targets(self) -> pd.DataFrame:
        return self.data.targets.set_index("target_id")

    @cached_property
    def target_rows(self) -> dict[str, dict]:
        """target_id -> its row of the targets table (column -> value)."""
        tg = self.data.targets
        cols = [c for c in tg.columns if c != "target_id"]
        return {k: dict(zip(cols, vals, strict=True))
                for k, *vals in zip(tg["target_id"].tolist(), *(tg[c].tolist() for c in cols), strict=True)}

    @cached_property
    def indicator_values(self) -> dict[tuple[str, str, int], tuple[float, float]]:
        """(region or city, indicator, year) -> (baseline, level), from the result's indicator table."""
        tab = self.result.indicators
        return dict(zip(zip(tab["region_id"].tolist(), tab["indicator_id"].tolist(), tab["year"].astype(int).tolist(),
                            strict=True), zip(tab["baseline"].tolist(), tab["level"].tolist(), strict=True),
                        strict=True))

    @cached_property
    def gwp(self) -> dict[str, float]:
        return {"co2": 1.0, "ch4": float(getattr(self.data.case, "gwp_ch4", 28.0)), "fgas": 1.0}

    @cached_property
    def pe_weights(self) -> dict[str, float]:
        """Pollution equivalents per tonne: 1000 / kg_per_equivalent, for pollutants that are indicators."""
        pe = self.data.tables.get("pollution_equivalents")
        if pe is None or pe.empty:
            return {}
        return {i: 1000.0 / float(k) for i, k in zip(pe["indicator_id"], pe["kg_per_equivalent"], strict=True)
                if i in self.p.indicators and float(k) > 0}

    @cached_property
    def air(self) -> dict[str, float]:
        return {i: w for i, w in self.pe_weights.items() if i not in WATER}

    @cached_property
    def water(self) -> dict[str, float]:
        return {i: w for i, w in self.pe_weights.items() if i in WATER}

    @cached_property
    def report_year(self) -> int:
        """The year the co-control and MAC tables describe: 2030 (the plan's peak year) if modelled, else the last."""
        years = self.p.years
        return 2030 if 2030 in years else years[-1]

    def df(self, year: int) -> float:
        return (1.0 + self.p.rate) ** -(year - self.p.base_year)

    @cached_property
    def assumed_sources(self) -> set[str]:
        src = self.data.tables["sources"]
        return set(src.loc[src["kind"] == "assumption", "source_id"])

    @cached_property
    def assumed_measures(self) -> set[str]:
        """Measures whose cost or effect rows cite an assumption."""
        a = self.assumed_sources
        ms = self.data.tables["measures"]
        eff = self.data.tables["effects"]
        out = set(ms.loc[ms["source_id"].isin(a), "measure_id"])
        out |= set(eff.loc[eff["source_id"].isin(a), "measure_id"])
        return out

    @cached_property
    def pair_cuts(self) -> list[tuple[str, str, float, float, float]]:
        """(region, measure, CO2e cut, air PE cut, water PE cut per unit standing) of every pair with a potential, in
        their order (the three MAC curves share it)."""
        out = []
        for r, m in self.p.pairs:
            eff = pair_effects(self.p, r, m)
            out.append((r, m, self.ghg_cut(eff), self.pe_cut(eff, self.air), self.pe_cut(eff, self.water)))
        return out

    def label_measure(self, m: str) -> str:
        return f"{self.measure_zh.get(m, m)} ({m})"

    def label_target(self, k: str) -> str:
        return f"{self.target_zh.get(k, k)} ({k})"

    def ghg_cut(self, eff: dict[str, float]) -> float:
        """t CO2e cut per unit standing (positive = less emitted)."""
        return -sum(self.gwp[g] * eff.get(g, 0.0) for g in GHG)

    def pe_cut(self, eff: dict[str, float], weights: dict[str, float]) -> float:
        return -sum(w * eff.get(i, 0.0) for i, w in weights.items())
