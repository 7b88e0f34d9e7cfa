"""Plain pandas tables of a solution. Exports (Excel, the CLI summary) only read these tables.

Levels are recomputed here from the build values with plain Python, not read back from Pyomo, so every table is an
independent account of the solution.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from .inputs import CITY, Data
from .model import Params
from .model.targets import GE, LE, rows
from .solve import Solution

REPORTED = ("co2", "ch4", "so2", "nox", "pm", "vocs", "nh3", "cod", "nh3n")
TOL = 1e-6


@dataclass
class Result:
    data: Data
    params: Params
    solution: Solution
    allocation: pd.DataFrame
    measures: pd.DataFrame
    indicators: pd.DataFrame
    targets: pd.DataFrame
    summary: dict
    counts: dict

    @property
    def optimal(self) -> bool:
        return self.solution.optimal

    def to_excel(self, path) -> object:
        """Write the workbook (`planner.export.write_excel`); returns its path."""
        from .export import write_excel

        return write_excel(self, path)

    def to_html(self, path) -> object:
        """Write the HTML report. Hook: delegates to ``planner.report.write_html(result, path)`` (the report
        module of issue 7); until that module is merged this raises NotImplementedError."""
        try:
            from .report import write_html  # type: ignore[attr-defined]
        except ImportError as e:
            raise NotImplementedError("the HTML report (planner.report.write_html) is not installed yet") from e
        return write_html(self, path)


def stocks(p: Params, build: dict[tuple[str, str, int], float]) -> dict[tuple[str, str, int], float]:
    return {
        (r, m, t): sum(build.get((r, m, tau), 0.0) for tau in p.years if t - p.lifetime[m] < tau <= t)
        for r, m in p.pairs
        for t in p.years
    }


def levels(p: Params, build: dict[tuple[str, str, int], float]) -> dict[tuple[str, str, int], float]:
    """level[r, i, t] for every region, indicator and year from the base year to the last model year."""
    out = dict(p.baseline)
    for (r, m), eff in p.effects.items():
        if (r, m) not in p.pair_set:
            continue
        for tau in p.years:
            b = build.get((r, m, tau), 0.0)
            if b == 0.0:
                continue
            for i, e in eff.items():
                for t in p.years:
                    w = p.weight(m, i, tau, t)
                    if w:
                        out[r, i, t] += e * w * b
    return out


def scope_level(p: Params, lv: dict, i: str, scope: str, year: int) -> float:
    return sum(lv[r, i, year] for r in p.scope_regions(scope))


def evaluate_targets(p: Params, lv: dict, duals: dict | None = None) -> pd.DataFrame:
    """Level, limit, slack, status and marginal cost of every target row, from levels alone."""
    duals = duals or {}
    by_id = {t["target_id"]: t for t in p.targets}
    records = []
    for row in rows(p):
        t = by_id[row.target_id]
        kind, i, scope, v, y = t["kind"], t["indicator_id"], t["scope"], t["value"], row.year
        L = scope_level(p, lv, i, scope, y)
        achieved = None
        if kind in ("cap", "floor"):
            limit, achieved = v, L
        elif kind in ("share_min", "share_max"):
            d = scope_level(p, lv, t["denominator_id"], scope, y)
            limit, achieved = v * d, (L / d if d else None)
        elif kind == "reduction":
            base = scope_level(p, lv, i, scope, t["base_year"])
            limit, achieved = (1 - v) * base, (1 - L / base if base else None)
        elif kind == "intensity_reduction":
            base = scope_level(p, lv, i, scope, t["base_year"])
            dy = p.baseline_sum(t["denominator_id"], scope, y)
            db = p.baseline_sum(t["denominator_id"], scope, t["base_year"])
            limit = (1 - v) * base * dy / db
            achieved = 1 - (L / dy) / (base / db) if base else None
        else:  # peak
            limit = scope_level(p, lv, i, scope, t["year"])
            achieved = L
        slack = (L - limit) if row.sense == GE else (limit - L)
        tol = TOL * max(1.0, abs(limit))
        status = "binding" if abs(slack) <= tol else ("met" if slack > 0 else "violated")
        dual = duals.get((row.target_id, y))
        marginal = None
        if dual is not None:
            marginal = (dual if row.sense == GE else -dual) / ((1 + p.rate) ** -(y - p.base_year))
            marginal = 0.0 if abs(marginal) < 1e-9 else marginal
        records.append({
            "target_id": row.target_id, "kind": kind, "indicator_id": i, "scope": scope, "year": y,
            "sense": row.sense, "value": v, "achieved": achieved, "level": L, "limit": limit, "slack": slack,
            "status": status, "marginal_cost": marginal,
        })
    return pd.DataFrame.from_records(records, columns=[
        "target_id", "kind", "indicator_id", "scope", "year", "sense", "value", "achieved", "level", "limit",
        "slack", "status", "marginal_cost"])


def allocation_table(p: Params, data: Data, build: dict) -> pd.DataFrame:
    st = stocks(p, build)
    ms = data.measures.set_index("measure_id")
    records = []
    for (r, m, t), s in st.items():
        b = build.get((r, m, t), 0.0)
        if abs(s) < 1e-9 and abs(b) < 1e-9:
            continue
        rec = {"region_id": r, "measure_id": m, "year": t, "build": b, "stock": s,
               "investment": b * float(ms.at[m, "capex"]), "annual_cost": s * p.unit_cost[m]}
        eff = p.effects.get((r, m), {})
        for i in REPORTED:
            rec[f"delta_{i}"] = eff.get(i, 0.0) * s
        records.append(rec)
    cols = ["region_id", "measure_id", "year", "build", "stock", "investment", "annual_cost",
            *(f"delta_{i}" for i in REPORTED)]
    return pd.DataFrame.from_records(records, columns=cols)


def measure_table(p: Params, alloc: pd.DataFrame) -> pd.DataFrame:
    """One row per region and measure deployed: what stands in 2025, 2030 and the last year, what it costs, and what
    it cuts in 2030 (or the last model year before it)."""
    if alloc.empty:
        return pd.DataFrame(columns=["region_id", "measure_id", "first_year", "investment", "discounted_cost"])
    years = [y for y in (2025, 2030, p.years[-1]) if y in p.years]
    years = list(dict.fromkeys(years))
    mid = 2030 if 2030 in p.years else p.years[-1]
    out = []
    for (r, m), g in alloc.groupby(["region_id", "measure_id"], sort=False):
        g = g.set_index("year")
        rec = {"region_id": r, "measure_id": m, "first_year": int(g.index[g["build"] > 1e-9].min())
               if (g["build"] > 1e-9).any() else None}
        for y in years:
            rec[f"stock_{y}"] = float(g["stock"].get(y, 0.0))
        rec["investment"] = float(g["investment"].sum())
        rec["discounted_cost"] = float(sum(g["annual_cost"].get(y, 0.0) * (1 + p.rate) ** -(y - p.base_year)
                                           for y in g.index))
        for i in REPORTED:
            rec[f"cut_{i}"] = -float(g[f"delta_{i}"].get(mid, 0.0))
        out.append(rec)
    return pd.DataFrame.from_records(out).sort_values("investment", ascending=False, ignore_index=True)


def indicator_table(p: Params, lv: dict) -> pd.DataFrame:
    years = [p.base_year, *[y for y in range(p.base_year + 1, p.years[-1] + 1)]]
    records = []
    for i in p.indicators:
        for y in years:
            for r in p.regions:
                records.append({"region_id": r, "indicator_id": i, "year": y,
                                "baseline": p.baseline[r, i, y], "level": lv[r, i, y]})
            records.append({"region_id": CITY, "indicator_id": i, "year": y,
                            "baseline": p.baseline_sum(i, CITY, y), "level": scope_level(p, lv, i, CITY, y)})
    df = pd.DataFrame.from_records(records)
    df["change"] = df["level"] - df["baseline"]
    return df


def collect(data: Data, p: Params, sol: Solution, counts: dict, build_seconds: float) -> Result:
    build = sol.build if sol.optimal else {}
    lv = levels(p, build)
    case = data.case
    summary = {
        "case": case.name,
        "title_zh": case.title_zh,
        "title_en": case.title_en,
        "status": sol.status,
        "objective_yuan": sol.objective,
        "discount_rate": case.discount_rate,
        "base_year": case.base_year,
        "years": f"{case.first_year}-{case.last_year}",
        "solver": sol.solver,
        "build_seconds": build_seconds,
        "solve_seconds": sol.solve_seconds,
        "primal_infeasibility": sol.primal_infeasibility,
        "variables": counts.get("variables"),
        "constraints": counts.get("constraints"),
        "data_folder": str(case.data_dir),
        "data_hash": data.data_hash,
        "written": dt.datetime.now().isoformat(timespec="seconds"),
    }
    alloc = allocation_table(p, data, build)
    return Result(
        data=data, params=p, solution=sol,
        allocation=alloc,
        measures=measure_table(p, alloc),
        indicators=indicator_table(p, lv),
        targets=evaluate_targets(p, lv, sol.duals),
        summary=summary, counts=counts,
    )


__all__ = ["Result", "collect", "levels", "stocks", "evaluate_targets", "LE", "GE"]
