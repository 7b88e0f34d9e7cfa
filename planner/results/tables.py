"""Plain pandas tables of a solution. Exports (Excel, the CLI summary) only read these tables.

Levels are recomputed here from the build values with plain Python, not read back from Pyomo, so every table is an
independent account of the solution.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..inputs.case import shown
from ..inputs.load import CITY, Data
from ..model import Params
from ..model.targets import CEILING, GE, LE, last_year, rows
from ..solver.solve import Solution
from .levels import level_map
from .record import run_record

REPORTED = ("co2", "co2_process", "co2_official", "ch4", "so2", "nox", "pm", "vocs", "nh3", "cod", "nh3n")
CO2_BASES = ("co2", "co2_energy", "co2_process", "co2_official")  # territorial total, its two parts, assessment
SINK, NET = "co2_sink", "co2_net"  # co2 is gross (energy and processes); sinks added by measures are co2_sink
DERIVED = {NET: ("净二氧化碳排放(扣除措施新增碳汇)", "Net CO2 emissions (co2 + co2_sink)", "t CO2")}
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
    electricity: pd.DataFrame | None = None

    @property
    def optimal(self) -> bool:
        return self.solution.optimal


def stocks(p: Params, build: dict[tuple[str, str, int], float]) -> dict[tuple[str, str, int], float]:
    """stock[r, m, t]: units of m standing in r in every model year (`planner.results.levels`)."""
    lm = level_map(p)
    st, _ = lm.stocks(lm.builds(build))
    years = lm.years.tolist()
    return {(r, m, t): v for (r, m), k in lm.index.items() for t, v in zip(years, st[k].tolist(), strict=True)}


def levels(p: Params, build: dict[tuple[str, str, int], float]) -> dict[tuple[str, str, int], float]:
    """level[r, i, t] for every region, indicator and year from the base year to the last model year
    (`planner.results.levels`: the baseline plus each pair's effects on its stock or stock-years)."""
    return level_map(p).levels(build)


def scope_level(p: Params, lv: dict, i: str, scope: str, year: int) -> float:
    """A level over a scope: the sum over its regions, or a concentration's population-weighted mean over the city
    (`Params.scope_weights`)."""
    return sum(w * lv[r, i, year] for r, w in p.scope_weights(i, scope))


def _limit(p: Params, t: dict, row, lv: dict, peak_limits: dict) -> tuple[float, float | None, float | None]:
    """(level, limit, achieved) of one target row from levels: the level of the row's scope, the right-hand side it
    is held to, and the achievement in the target's own terms."""
    kind, i, scope, v, y = t["kind"], t["indicator_id"], t["scope"], t["value"], row.year
    L = scope_level(p, lv, i, scope, y)
    achieved = None
    if kind in ("cap", "floor", "concentration"):
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
    elif kind == "abatement":
        base = p.baseline_sum(i, scope, y)
        limit, achieved = base - v, base - L
    else:  # peak: the no-peak path E0(t) before the peak year, min(C, E0(y)) in it, the ceiling C after it
        limit = peak_limits.get((row.target_id, y), v if row.role == CEILING else None)
        achieved = L
    return L, limit, achieved


TARGET_COLUMNS = ["target_id", "kind", "indicator_id", "scope", "year", "first_year", "until", "role", "sense",
                  "value", "achieved", "level", "limit", "slack", "status", "marginal_cost", "net_level"]


def _slack(row, level: float, limit: float) -> float:
    """How far a row's level is inside its limit (negative: violated)."""
    return (level - limit) if row.sense == GE else (limit - level)


def evaluate_targets(p: Params, lv: dict, duals: dict | None = None,
                     peak_limits: dict | None = None) -> pd.DataFrame:
    """Level, limit, slack, status and marginal cost of every target row (one per target and year it holds), from
    levels alone. ``peak_limits`` are the right-hand sides of the peak rows as solved (`Solution.peak_limits`: the
    ceiling, or the no-peak path before the peak year); without them a peak row's limit is its explicit value.
    ``net_level``: for CO2 rows, the level net of the sinks added by measures (co2 + co2_sink)."""
    return pd.DataFrame.from_records(target_records(p, lv, duals, peak_limits), columns=TARGET_COLUMNS)


def target_records(p: Params, lv: dict, duals: dict | None = None, peak_limits: dict | None = None) -> list[dict]:
    """The rows of `evaluate_targets` as dicts, without the table (a sweep's row reads them directly)."""
    duals, peak_limits = duals or {}, peak_limits or {}
    by_id = {t["target_id"]: t for t in p.targets}
    records = []
    for row in rows(p):
        t = by_id[row.target_id]
        kind, i, scope, v, y = t["kind"], t["indicator_id"], t["scope"], t["value"], row.year
        L, limit, achieved = _limit(p, t, row, lv, peak_limits)
        if limit is None:
            slack, status = None, "not solved"
        else:
            slack = _slack(row, L, limit)
            tol = TOL * max(1.0, abs(limit))
            status = "binding" if abs(slack) <= tol else ("met" if slack > 0 else "violated")
        dual = duals.get((row.target_id, y))
        marginal = None
        if dual is not None:
            marginal = (dual if row.sense == GE else -dual) / ((1 + p.rate) ** -(y - p.base_year))
            marginal = 0.0 if abs(marginal) < 1e-9 else marginal
        net = L + scope_level(p, lv, SINK, scope, y) if i == "co2" and SINK in p.indicators else None
        records.append({
            "target_id": row.target_id, "kind": kind, "indicator_id": i, "scope": scope, "year": y,
            "first_year": t["year"], "until": last_year(p, t), "role": row.role, "sense": row.sense, "value": v,
            "achieved": achieved, "level": L, "limit": limit, "slack": slack, "status": status,
            "marginal_cost": marginal, "net_level": net,
        })
    return records


def target_slacks(p: Params, level_sets, keys, peak_limits: dict | None = None) -> list[dict[tuple[str, int], float]]:
    """The ``slack`` column of `evaluate_targets` for the rows ``keys`` (target_id, year) only, for each level set
    of ``level_sets``, as plain floats (NaN where a row has no limit), without building a table: for analyses that
    evaluate many level sets (the same arithmetic as `evaluate_targets`)."""
    wanted, peak_limits = slack_rows(p, keys), peak_limits or {}
    return [row_slacks(p, wanted, lv, peak_limits) for lv in level_sets]


def slack_rows(p: Params, keys) -> list[tuple]:
    """(row, target) of the target rows ``keys`` (target_id, year), in row order: for `row_slacks`."""
    keys = set(keys)
    by_id = {t["target_id"]: t for t in p.targets}
    return [(row, by_id[row.target_id]) for row in rows(p) if (row.target_id, row.year) in keys]


def row_slacks(p: Params, wanted: list[tuple], lv, peak_limits: dict) -> dict[tuple[str, int], float]:
    """The slack of each row of ``wanted`` (`slack_rows`) under the levels ``lv`` (`target_slacks` for one set)."""
    slacks = {}
    for row, t in wanted:
        L, limit, _ = _limit(p, t, row, lv, peak_limits)
        slacks[row.target_id, row.year] = float("nan") if limit is None else float(_slack(row, L, limit))
    return slacks


def slack_coefficients(p: Params, row, t: dict, ri: dict, col: dict, peak_limits: dict) -> np.ndarray | None:
    """The slack of a target row is affine in the levels (`_limit`): ``slack = const + sum coef[ri, t] * level``; the
    coefficients on the levels of the model years, (len(ri), len(col)), or None for a row without a limit (a peak row
    not solved). The same arithmetic as `evaluate_targets`: a contribution to the slack computed from these is exact
    up to rounding, and free of the cancellation of a difference of two slacks of 1e8 t."""
    kind, i, scope, v, y = t["kind"], t["indicator_id"], t["scope"], t["value"], row.year
    if kind == "peak" and peak_limits.get((row.target_id, y), v if row.role == CEILING else None) is None:
        return None
    coef = np.zeros((len(ri), len(col)))
    sign = 1.0 if row.sense == GE else -1.0  # slack = sign * (L - limit)
    regions = p.scope_regions(scope)

    def add(ind: str, year: int, c: float) -> None:
        j = col.get(year)
        if j is not None and c:
            for r in regions:
                coef[ri[r, ind], j] += c

    add(i, y, sign)
    if kind in ("share_min", "share_max"):
        add(t["denominator_id"], y, -sign * v)
    elif kind == "reduction":
        add(i, t["base_year"], -sign * (1 - v))
    elif kind == "intensity_reduction":
        dy = p.baseline_sum(t["denominator_id"], scope, y)
        db = p.baseline_sum(t["denominator_id"], scope, t["base_year"])
        add(i, t["base_year"], -sign * (1 - v) * dy / db)
    return coef


class _Reads:
    """Levels that note every key read from them."""

    def __init__(self, lv):
        self.lv, self.keys = lv, set()

    def __getitem__(self, key):
        self.keys.add(key)
        return self.lv[key]


def slack_reads(p: Params, wanted: list[tuple], lv, peak_limits: dict) -> dict[tuple[str, int], set]:
    """(target_id, year) -> the (region, indicator) pairs whose levels the slack of the row reads under ``lv``: where
    none of them moves, `row_slacks` gives the same slack (it reads the same numbers)."""
    out = {}
    for row, t in wanted:
        reads = _Reads(lv)
        _limit(p, t, row, reads, peak_limits)
        out[row.target_id, row.year] = {k[:2] for k in reads.keys}
    return out


def allocation_table(p: Params, data: Data, build: dict) -> pd.DataFrame:
    st = stocks(p, build)
    capex = dict(zip(data.measures["measure_id"].tolist(), data.measures["capex"].tolist(), strict=True))
    effects: dict[tuple[str, str], list[float]] = {}  # (region, measure) -> effect per unit on each REPORTED
    records = []
    for (r, m, t), s in st.items():
        b = build.get((r, m, t), 0.0)
        if abs(s) < 1e-9 and abs(b) < 1e-9:
            continue
        eff = effects.get((r, m))
        if eff is None:
            total = p.total_effect(r, m)
            eff = effects[r, m] = [total.get(i, 0.0) for i in REPORTED]
        records.append((r, m, t, b, s, b * float(capex[m]), s * p.unit_cost[m], s * p.electricity_cost(r, m, t),
                        *(e * s for e in eff)))
    cols = ["region_id", "measure_id", "year", "build", "stock", "investment", "annual_cost", "electricity_cost",
            *(f"delta_{i}" for i in REPORTED)]
    return pd.DataFrame.from_records(records, columns=cols)


def measure_table(p: Params, alloc: pd.DataFrame) -> pd.DataFrame:
    """One row per region and measure deployed: what stands in 2025, 2030 and the last year, what it costs, and what
    it cuts in 2030 (or the last model year before it)."""
    years = [y for y in (2025, 2030, p.years[-1]) if y in p.years]
    years = list(dict.fromkeys(years))
    if alloc.empty:  # nothing deployed: the same columns, no rows
        return pd.DataFrame(columns=["region_id", "measure_id", "first_year", *(f"stock_{y}" for y in years),
                                     "investment", "discounted_cost", *(f"cut_{i}" for i in REPORTED)])
    mid = 2030 if 2030 in p.years else p.years[-1]
    keys = ["region_id", "measure_id"]
    out = alloc[keys].drop_duplicates(ignore_index=True)  # the pairs in the order they first appear
    idx = pd.MultiIndex.from_frame(out)
    built = alloc[alloc["build"] > 1e-9].groupby(keys, sort=False)["year"].min().reindex(idx)
    out["first_year"] = built.to_numpy(dtype="int64") if built.notna().all() else built.to_numpy(dtype=float)
    pairs = list(zip(out["region_id"].tolist(), out["measure_id"].tolist(), strict=True))
    row = {k: j for j, k in enumerate(zip(*(alloc[c].tolist() for c in (*keys, "year")), strict=True))}
    stock = alloc["stock"].tolist()
    for y in years:
        out[f"stock_{y}"] = _at_year(stock, row, pairs, y)
    out["investment"] = alloc.groupby(keys, sort=False)["investment"].sum().reindex(idx).to_numpy()
    discount = (1 + p.rate) ** -(alloc["year"] - p.base_year).astype(float)
    pv = (alloc["annual_cost"] + alloc["electricity_cost"]) * discount
    out["discounted_cost"] = pv.groupby([alloc[k] for k in keys], sort=False).sum().reindex(idx).to_numpy()
    for i in REPORTED:
        out[f"cut_{i}"] = -_at_year(alloc[f"delta_{i}"].tolist(), row, pairs, mid)
    return out.sort_values("investment", ascending=False, ignore_index=True)


def _at_year(values: list, row: dict, pairs: list[tuple[str, str]], year: int) -> np.ndarray:
    """The values of an allocation column (``row``: (region, measure, year) -> row) in one year for the ``pairs``,
    0 where absent."""
    return np.array([values[row[r, m, year]] if (r, m, year) in row else 0.0 for r, m in pairs], dtype=float)


def indicator_table(p: Params, lv: dict) -> pd.DataFrame:
    years = [p.base_year, *[y for y in range(p.base_year + 1, p.years[-1] + 1)]]
    cols: dict[str, list] = {"region_id": [], "indicator_id": [], "year": [], "baseline": [], "level": []}
    region, indicator, year, baseline, level = cols.values()
    for i in p.indicators:
        for y in years:
            for r in p.regions:
                region.append(r)
                indicator.append(i)
                year.append(y)
                baseline.append(p.baseline[r, i, y])
                level.append(lv[r, i, y])
            region.append(CITY)
            indicator.append(i)
            year.append(y)
            baseline.append(p.baseline_sum(i, CITY, y))
            level.append(scope_level(p, lv, i, CITY, y))
    if "co2" in p.indicators and SINK in p.indicators:  # net CO2 beside the gross figure the peak applies to
        n = len(years) * (len(p.regions) + 1)  # rows per indicator, in the same order for each
        g0, s0 = p.indicators.index("co2") * n, p.indicators.index(SINK) * n
        for k in range(n):
            region.append(region[g0 + k])
            indicator.append(NET)
            year.append(year[g0 + k])
            baseline.append(baseline[g0 + k] + baseline[s0 + k])
            level.append(level[g0 + k] + level[s0 + k])
    df = pd.DataFrame(cols)
    df["change"] = df["level"] - df["baseline"]
    return df


def electricity_table(p: Params, lv: dict, row_duals: dict | None = None) -> pd.DataFrame:
    """The city grid per year, base year to last: demand, local non-fossil generation, imports, thermal output, its
    floor and the capacity it may use, the emission factors of electricity they imply (t CO2/MWh): territorial
    (thermal CO2 / demand), consumption-based (thermal and imported CO2 / demand), marginal (thermal_co2 for one more
    MWh of demand; for one MWh less, 0 where thermal output sits at its must-run floor), beside the published
    provincial factor; and what a MWh is worth (yuan/MWh of each year): the variable cost of thermal output c_th, the
    marginal value of electricity (the dual of the year's thermal balance over df: c_th plus what the capacity row,
    the must-run floor and the targets thermal output moves add at the margin), beside the benchmark tariff."""
    cols = ["year", "demand", "generation_nonfossil", "imports", "thermal", "must_run", "thermal_capacity",
            "thermal_co2", "import_co2", "import_co2_official", "factor_territorial", "factor_consumption",
            "factor_marginal_up", "factor_marginal_down", "factor_official", "thermal_cost", "marginal_value",
            "benchmark_tariff"]
    g = p.grid
    if g is None:
        return pd.DataFrame(columns=cols)
    from ..inputs.grid import CAPACITY, DEMAND, GENERATION, IMPORT, THERMAL

    ef = g.factors["thermal_co2"]
    duals = row_duals or {}
    capacity = CAPACITY if CAPACITY in p.indicators and g.max_hours is not None else None
    records = []
    for y in range(p.base_year, p.years[-1] + 1):
        d, gen, imp, th = (scope_level(p, lv, i, CITY, y) for i in (DEMAND, GENERATION, IMPORT, THERMAL))
        floor = g.must_run.get(y)
        dual = duals.get(("thermal_balance", y))
        records.append({
            "year": y, "demand": d, "generation_nonfossil": gen, "imports": imp, "thermal": th, "must_run": floor,
            "thermal_capacity": scope_level(p, lv, capacity, CITY, y) * g.max_hours if capacity else None,
            "import_co2_official": imp * g.import_official[y] if y in g.import_official else None,
            "thermal_cost": g.cost.get(y), "benchmark_tariff": g.tariff.get(y),
            # the dual of thermal_change[t] - ... = 0 is the objective's change per MWh more thermal output, in
            # present value: of the base year; /df gives yuan of the year
            "marginal_value": dual / p.df[y] if dual is not None else None,
            "thermal_co2": th * ef, "import_co2": imp * g.import_co2.get(y, 0.0),
            "factor_territorial": th * ef / d if d else None,
            "factor_consumption": (th * ef + imp * g.import_co2.get(y, 0.0)) / d if d else None,
            "factor_marginal_up": ef,
            "factor_marginal_down": 0.0 if floor is not None and th <= floor * (1 + 1e-6) else ef,
            "factor_official": g.official.get(y),
        })
    return pd.DataFrame.from_records(records, columns=cols)


def cost_split(p: Params, alloc: pd.DataFrame) -> dict[str, float]:
    """The discounted cost split in two, so a headline never reads as a mystery: what the no-regret measures (net
    annual cost below zero, their electricity valued by the balance: `Params.system_cost`) save, and what the other
    measures, deployed to meet the targets, cost. The two add up to the objective: ``sum_t df[t] * c[r, m, t] *
    stock[r, m, t]`` over the rows with ``c < 0`` and ``c >= 0``, c the system cost."""
    if alloc.empty:
        return {"no_regret_yuan": 0.0, "target_cost_yuan": 0.0}
    pv = (alloc["annual_cost"] + alloc["electricity_cost"]) * alloc["year"].map(p.df)
    nr = pd.Series([p.system_cost(r, m, t) < 0 for r, m, t in zip(
        alloc["region_id"].tolist(), alloc["measure_id"].tolist(), alloc["year"].tolist(), strict=True)],
        index=alloc.index)
    return {"no_regret_yuan": float(pv[nr].sum()), "target_cost_yuan": float(pv[~nr].sum())}


def collect(data: Data, p: Params, sol: Solution, counts: dict, build_seconds: float,
            solver_options: dict | None = None) -> Result:
    build = sol.build if sol.optimal else {}
    lv = levels(p, build)
    case = data.case
    summary = {
        "case": case.name,
        "title_zh": case.title_zh,
        "title_en": case.title_en,
        "status": sol.status,
        "objective_yuan": sol.objective,
        "objective_without_peak_yuan": sol.reference_objective,
        "discount_rate": case.discount_rate,
        "base_year": case.base_year,
        "years": f"{case.first_year}-{case.last_year}",
        "solver": sol.solver,
        "build_seconds": build_seconds,
        "solve_seconds": sol.solve_seconds,
        "primal_infeasibility": sol.primal_infeasibility,
        "variables": counts.get("variables"),
        "constraints": counts.get("constraints"),
        "data_folder": shown(case.data_dir, case.path),  # relative to the case file: never an absolute path
        "data_hash": data.data_hash,
        "written": dt.datetime.now().isoformat(timespec="seconds"),
        **run_record(data, solver_options),  # case chain, input hashes, package versions, solver options
    }
    alloc = allocation_table(p, data, build)
    summary.update(cost_split(p, alloc))
    return Result(
        data=data, params=p, solution=sol,
        allocation=alloc,
        measures=measure_table(p, alloc),
        indicators=indicator_table(p, lv),
        targets=evaluate_targets(p, lv, sol.duals, sol.peak_limits),
        summary=summary, counts=counts,
        electricity=electricity_table(p, lv, sol.row_duals),
    )


__all__ = ["Result", "collect", "cost_split", "electricity_table", "levels", "stocks", "evaluate_targets",
           "target_slacks", "slack_rows", "row_slacks", "slack_reads", "slack_coefficients", "LE", "GE"]
