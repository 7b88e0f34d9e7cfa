"""指标分解: the city's targets split among the regions of a solved case (the 38 districts of ``regions =
"districts"``), three ways, each with what it costs.

Every city target row reads ``s * (sum_d g_d(x) + c) >= 0`` with ``s = +1`` for a ``>=`` row and ``-1`` for a ``<=``
row, ``g_d`` the part of the row's body that district d's levels make and ``c`` a constant (`pieces`):

    cap, floor, abatement, peak   g_d = L_d(i, t)
    share_min, share_max          g_d = L_d(i, t) - v * L_d(den, t)
    reduction                     g_d = L_d(i, t) - (1 - v) * L_d(i, b)
    intensity_reduction           g_d = L_d(i, t) - (1 - v) * L_d(i, b) * D(t) / D(b)      (the city's driver ratio)

At the baseline (no measure built) the row misses its limit by the city's **gap** ``G = -s * (sum_d g_d(0) + c)``;
a district's **effort** is ``E_d = s * (g_d(x) - g_d(0))``, and the efforts add up to at least G.

1. **Least cost** (最低成本分解): the efforts of a least-cost plan, written as district targets a planner can hand
   out: each district's level in the target's own terms (share, reduction, level), its change from the base year,
   and its share of the city's effort ``E_d / sum E``. Many plans cost the least when a measure costs the same in
   every district (its siting is then free), and the one HiGHS ends on is arbitrary among them; the split hands out
   the **evenest** of them (a second solve, `_even_hook`): the least cost first, then the largest district cost per
   unit of 2020 GDP against the city's, ``mu``, as small as it can be: ``min cost(x) + EVEN * |Z*| * mu  s.t.
   cost_d(x) <= mu * GDP_d / GDP * |Z*|`` (``Z*`` the case's optimum; the weight is a tie-break). Since the
   district costs add up to the city's, ``mu >= 1``; ``mu = 1`` means every district pays exactly its share of GDP.
   ``mu`` is reported; a fair split with a multiple at or above it costs nothing more.
2. **Administrative** (行政分解), solved: every district must make ``E_d >= w_d * G`` of each row the baseline misses
   (rows it meets stay city rows), with ``w_d`` the district's share of the row's size (``equal``: the same
   percentage everywhere: the same cut of a cap, reduction or intensity, the same rise in points of a share; a floor
   with no baseline is split by GDP) or of 2020 GDP (``gdp``), chosen by the case (``admin_split``). Where the split
   cannot be met in full (a district without the potential), each row may fall short at a price of 1000 times the
   least-cost plan's whole cost per whole gap of the row, far above any cost of making it (an exact penalty): one
   solve gives the least total shortfall (in parts of each row's gap) and the least cost with it; both are reported,
   the cost without the penalty.
3. **Fair** (公平分解), solved: no district's discounted net cost per unit of 2020 GDP above ``fair_multiple`` times
   the city's: ``cost_d(x) <= multiple * GDP_d / GDP * Z`` with ``Z = sum_d cost_d(x)`` the total.

A peak target's rows are held at the limits of the least-cost plan (its no-peak path before the peak year, its
ceiling after: `Solution.peak_limits`), as caps, so the three splits meet the same city rows with the same numbers and
the least-cost split is the case's optimum. The least-cost split is never dearer than the other two: both add rows to
the same LP (tested).

Costs are the result tables' (`planner.results.tables.allocation_table`): a district's discounted net cost of the
measures standing in it (annuities, O&M, savings, the thermal output they change at c_th), which add up to the
objective.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass, field

import pandas as pd
import pyomo.core as pyo  # not pyomo.environ: its solver and transformation plugins cost 0.12 s of import
from pyomo.core.expr.numeric_expr import LinearExpression

from ..inputs.load import CITY
from ..model import build_model
from ..model.cost import build_coefficient
from ..model.params import Params
from ..model.targets import last_year
from ..results.tables import Result, allocation_table, levels
from ..solver import solve

SPLITS = ("least_cost", "administrative", "fair")
SPLIT_ZH = {"least_cost": "最低成本分解", "administrative": "行政分解", "fair": "公平分解"}
ADMIN_ZH = {"equal": "等比例", "gdp": "按GDP比例"}
GDP = "gdp"


@dataclass
class Decomposition:
    """The three splits of a solved case's city targets among its regions."""

    targets: pd.DataFrame  # split, target, year, district: level in the target's terms, change, effort and its share
    districts: pd.DataFrame  # split, district: GDP, discounted cost, cost per GDP, difference from least cost
    summary: dict  # objective and status of each split, the administrative key, the multiple, what each split costs
    seconds: dict = field(default_factory=dict)
    names: pd.DataFrame | None = None  # region_id, name_zh, name_en (and cluster, with the district set)


# ---------------------------------------------------------------------------------------------- row pieces


def pieces(p: Params, t: dict, year: int) -> tuple[list[tuple[str, int, float]], float]:
    """The body of a target row as ``sum of coef * L(scope, indicator, year_read) + const``: ([(indicator, year_read,
    coef)], const). The district part g_d is the same sum over the district's levels."""
    kind, i, v = t["kind"], t["indicator_id"], t["value"]
    if kind in ("cap", "floor"):
        return [(i, year, 1.0)], -v
    if kind == "abatement":
        return [(i, year, 1.0)], -(p.baseline_sum(i, t["scope"], year) - v)
    if kind in ("share_min", "share_max"):
        return [(i, year, 1.0), (t["denominator_id"], year, -v)], 0.0
    if kind == "reduction":
        return [(i, year, 1.0), (i, t["base_year"], -(1 - v))], 0.0
    if kind == "intensity_reduction":
        d, b = t["denominator_id"], t["base_year"]
        ratio = p.baseline_sum(d, t["scope"], year) / p.baseline_sum(d, t["scope"], b)
        return [(i, year, 1.0), (i, b, -(1 - v) * ratio)], 0.0
    raise ValueError(f"no district pieces for a {kind} row (a peak is split as caps)")


def sense(t: dict) -> float:
    return 1.0 if t["kind"] in ("floor", "share_min") else -1.0


def _part(p: Params, lv, d: str, parts) -> float:
    return sum(c * lv[d, i, y] for i, y, c in parts)


def peak_as_caps(p: Params, res: Result) -> Params:
    """``p`` with every peak target replaced by one cap row a year at the limit the least-cost plan held it to."""
    limits = {(k, int(y)): float(v) for k, y, v in zip(res.targets["target_id"], res.targets["year"],
                                                       res.targets["limit"], strict=True) if v == v}
    targets = []
    for t in p.targets:
        if t["kind"] != "peak":
            targets.append(t)
            continue
        for y in p.years:
            if y <= last_year(p, t) and (t["target_id"], y) in limits:
                targets.append({**t, "target_id": f"{t['target_id']}@{y}", "kind": "cap", "year": y, "until": y,
                                "value": limits[t["target_id"], y], "peak_of": t["target_id"]})
    return dataclasses.replace(p, targets=targets)


def city_rows(p: Params) -> list[tuple[dict, int]]:
    """(target, year) of every city target row, in row order."""
    return [(t, y) for t in p.targets if t["scope"] == CITY
            for y in p.years if t["year"] <= y <= last_year(p, t)]


def weights(p: Params, t: dict, year: int, how: str) -> tuple[dict[str, float], str]:
    """District -> its share of the row's gap (adds up to 1), and the key used."""
    if how == "equal":
        size = t["denominator_id"] if t["kind"] in ("share_min", "share_max") else t["indicator_id"]
        w = {d: p.baseline[d, size, year] for d in p.regions}
        tot = sum(w.values())
        if tot > 0 and all(v >= 0 for v in w.values()):
            return {d: v / tot for d, v in w.items()}, f"{size} {year}"
    if GDP not in p.indicators:
        return {d: 1 / len(p.regions) for d in p.regions}, "equal parts"
    w = {d: p.baseline[d, GDP, p.base_year] for d in p.regions}
    tot = sum(w.values())
    return {d: v / tot for d, v in w.items()}, f"GDP {p.base_year}"


def gdp_of(p: Params) -> dict[str, float]:
    if GDP in p.indicators:
        return {d: p.baseline[d, GDP, p.base_year] for d in p.regions}
    return {d: 1.0 for d in p.regions}


# ---------------------------------------------------------------------------------------------- the extra rows


def _admin_rows(p: Params, how: str, only: set[str] | None = None) -> list[dict]:
    """One record per (target row the baseline misses, district): its pieces and what it must make; ``only``: the
    targets split (None: every city target)."""
    out = []
    for t, y in city_rows(p):
        if only is not None and (t.get("peak_of") or t["target_id"]) not in only:
            continue
        parts, const = pieces(p, t, y)
        s = sense(t)
        base = {d: _part(p, p.baseline, d, parts) for d in p.regions}
        gap = -s * (sum(base.values()) + const)
        if gap <= 1e-9 * max(1.0, abs(const), *(abs(v) for v in base.values())):
            continue  # the baseline meets the row: nothing to split
        w, key = weights(p, t, y, how)
        for d in p.regions:
            out.append({"target_id": t.get("peak_of") or t["target_id"], "year": y, "district": d, "parts": parts,
                        "sense": s, "base": base[d], "required": w[d] * gap, "weight": w[d], "gap": gap, "key": key})
    return out


PENALTY = 1e3  # the shortfall's price, in units of the least-cost objective per whole gap of a row (see _admin_hook)


def _linear(m: pyo.ConcreteModel, p: Params, d: str, parts, const: float) -> LinearExpression:
    """``sum coef * level(d, i, y) + const`` as one LinearExpression of distinct variables (the compiler reads it
    directly, without Pyomo's expression walk)."""
    terms: dict[int, list] = {}
    for i, y, c in parts:
        if y < p.years[0]:
            const += c * p.baseline[d, i, y]
            continue
        e = m.level[d, i, y]
        const += c * e.constant
        for a, v in zip(e.linear_coefs, e.linear_vars, strict=True):
            t = terms.get(id(v))
            if t is None:
                terms[id(v)] = [v, c * a]
            else:
                t[1] += c * a
    kept = [t for t in terms.values() if t[1] != 0.0]
    return LinearExpression(constant=const, linear_coefs=[t[1] for t in kept], linear_vars=[t[0] for t in kept])


def _admin_hook(p: Params, rows: list[dict], penalty: float | None):
    """The administrative rows ``s * (g_d(x) - g_d(0)) >= required``. With ``penalty`` (yuan per whole gap of a row),
    each row may fall short at that price: ``... + short_n >= required`` and ``penalty * short_n / gap_n`` added to
    the cost. The price is set far above any finite marginal cost of a row (1000 times the least-cost plan's whole
    cost per gap), so a shortfall is left only where the district cannot make its share at any cost (an exact
    penalty: the cost is then the least with that shortfall)."""
    def hook(m: pyo.ConcreteModel, _p) -> None:
        m.ADMIN = pyo.Set(initialize=range(len(rows)), ordered=True)
        if penalty is not None:
            m.admin_short = pyo.Var(m.ADMIN, domain=pyo.NonNegativeReals)

        def rule(_, n):
            r = rows[n]
            s = r["sense"]
            body = _linear(m, p, r["district"], [(i, y, s * c) for i, y, c in r["parts"]], -s * r["base"])
            if not body.linear_vars and penalty is None:  # nothing the district can build moves the row
                ok = body.constant >= r["required"] - 1e-9 * r["gap"]
                return pyo.Constraint.Feasible if ok else pyo.Constraint.Infeasible
            if penalty is not None:
                body = LinearExpression(constant=body.constant, linear_coefs=[*body.linear_coefs, 1.0],
                                        linear_vars=[*body.linear_vars, m.admin_short[n]])
            return body >= r["required"]

        m.admin_split = pyo.Constraint(m.ADMIN, rule=rule)
        if penalty is not None:
            m.cost.expr = m.cost.expr + pyo.quicksum(penalty / rows[n]["gap"] * m.admin_short[n] for n in m.ADMIN)
    return hook


def cost_expressions(m: pyo.ConcreteModel, p: Params) -> dict[str, LinearExpression]:
    """Region -> its discounted net cost in the model's variables (the objective split by the region built in)."""
    coefs: dict[str, list] = {r: [] for r in p.regions}
    variables: dict[str, list] = {r: [] for r in p.regions}
    for r, ms in p.pairs:
        for tau in p.years:
            c = build_coefficient(p, ms, tau)
            if c:
                coefs[r].append(c)
                variables[r].append(m.build[r, ms, tau])
        for t in p.years:
            e = p.df[t] * p.electricity_cost(r, ms, t)
            if e:
                coefs[r].append(e)
                variables[r].append(m.stock[r, ms, t])
    return {r: LinearExpression(constant=0.0, linear_coefs=coefs[r], linear_vars=variables[r]) for r in p.regions}


EVEN = 1e-6  # the weight of the burden against the cost: a tie-break among the least-cost plans (see _even_hook)


def _even_hook(p: Params, least: float):
    """The least-cost plan with the most even burden: ``min cost(x) + EVEN * |Z*| * mu`` with ``cost_d(x) <= mu *
    GDP_d / GDP * |Z*|`` (``even_burden`` is mu; ``least`` is Z*). The weight is a tie-break: small enough that the
    cost decides (the plan found is checked to cost Z* to 1e-8, else the case's own optimum is used), large enough
    that HiGHS's tolerances see it (1e-9 was lost on a case of a few yuan). A weighted objective rather than ``min
    mu`` with the cost held at Z*: HiGHS solves it in about the time of the case (2-3 s on the 38 districts), where
    ``min mu`` took 33-60 s (37,753 iterations)."""
    size = abs(least) or 1.0

    def hook(m: pyo.ConcreteModel, _p) -> None:
        m.even_burden = pyo.Var()
        _burden_rows(m, p, cost_expressions(m, p), "even_split", size * m.even_burden)
        m.cost.expr = m.cost.expr + EVEN * size * m.even_burden
    return hook


def _fair_hook(p: Params, multiple: float):
    def hook(m: pyo.ConcreteModel, _p) -> None:
        cost = cost_expressions(m, p)
        m.fair_total = pyo.Var()
        m.fair_total_def = pyo.Constraint(expr=m.fair_total - pyo.quicksum(cost.values()) == 0)
        _burden_rows(m, p, cost, "fair_split", multiple * m.fair_total)
    return hook


def _burden_rows(m: pyo.ConcreteModel, p: Params, cost: dict, name: str, limit) -> None:
    """``cost_d(x) <= GDP_d / GDP * limit`` for every region d, as the constraint ``name``: no region's cost per unit
    of GDP above ``limit`` per unit of the city's (the even and the fair split)."""
    gdp = gdp_of(p)
    total_gdp = sum(gdp.values())
    setattr(m, name, pyo.Constraint(list(p.regions), rule=lambda _, d: cost[d] - gdp[d] / total_gdp * limit <= 0))


# ---------------------------------------------------------------------------------------------- the tables


def own_terms(p: Params, t: dict, lv, d: str, year: int) -> float | None:
    """The district's level in the target's own terms in ``year``: a share, a reduction, a level or an abatement."""
    kind, i = t["kind"], t["indicator_id"]
    L = lv[d, i, year]
    if kind in ("share_min", "share_max"):
        den = lv[d, t["denominator_id"], year]
        return L / den if den else None
    if kind == "reduction":
        base = lv[d, i, t["base_year"]]
        return 1 - L / base if base else None
    if kind == "intensity_reduction":
        b, dn = t["base_year"], t["denominator_id"]
        base, db, dy = lv[d, i, b], p.baseline[d, dn, b], p.baseline[d, dn, year]
        return 1 - (L / dy) / (base / db) if base and db and dy else None
    if kind == "abatement":
        return p.baseline[d, i, year] - L
    return L


def _target_table(p: Params, split: str, lv, admin: dict) -> list[dict]:
    """One record per (city target at its year, district): the district target as handed out."""
    out = []
    for t in p.targets:
        if t["scope"] != CITY:
            continue
        peak_of = t.get("peak_of")
        if peak_of and t["year"] != t.get("peak_year"):
            continue
        y = t["year"]
        parts, const = pieces(p, t, y)
        s = sense(t)
        effort = {d: s * (_part(p, lv, d, parts) - _part(p, p.baseline, d, parts)) for d in p.regions}
        total = sum(effort.values())
        b0 = p.base_year
        for d in p.regions:
            now = own_terms(p, t, lv, d, y)
            then = own_terms(p, t, p.baseline, d, b0) if t["kind"] not in ("reduction", "intensity_reduction",
                                                                             "abatement") else 0.0
            req = admin.get((peak_of or t["target_id"], y, d))
            out.append({"split": split, "target_id": peak_of or t["target_id"], "year": y, "kind": t["kind"],
                        "indicator_id": t["indicator_id"], "region_id": d, "level": now, "base_level": then,
                        "change": None if now is None or then is None else now - then,
                        "effort": effort[d], "effort_share": effort[d] / total if total else None,
                        "required": req})
    return out


def _district_table(p: Params, data, split: str, build: dict, co2: dict) -> pd.DataFrame:
    alloc = allocation_table(p, data, build)
    if alloc.empty:
        cost = pd.Series(0.0, index=p.regions)
    else:
        pv = (alloc["annual_cost"] + alloc["electricity_cost"]) * alloc["year"].map(p.df)
        cost = pv.groupby(alloc["region_id"]).sum().reindex(p.regions, fill_value=0.0)
    gdp = gdp_of(p)
    return pd.DataFrame({"split": split, "region_id": p.regions, "gdp_yuan": [gdp[d] for d in p.regions],
                         "cost_yuan": cost.to_numpy(), "co2_cut_t": [co2.get(d) for d in p.regions]})


def _co2_cut(p: Params, lv, year: int, indicator: str) -> dict[str, float]:
    if indicator not in p.indicators or year not in p.years:
        return {}
    return {d: p.baseline[d, indicator, year] - lv[d, indicator, year] for d in p.regions}


def decompose(result: Result, admin_split: str | None = None, fair_multiple: float | None = None,
              time_limit: float | None = None, targets: list[str] | None = None) -> Decomposition:
    """The least-cost, administrative and fair splits of a solved case's city targets among its regions.
    ``targets``: the city targets the administrative split hands out to the districts (default: all; the others
    stay city rows, as in the least-cost plan)."""
    case = result.data.case
    how = admin_split or getattr(case, "admin_split", "equal")
    multiple = float(fair_multiple if fair_multiple is not None else getattr(case, "fair_multiple", 2.0))
    if how not in ADMIN_ZH:
        raise ValueError(f"admin_split: expected one of {', '.join(ADMIN_ZH)}, got {how!r}")
    if not multiple >= 1:
        raise ValueError(f"fair_multiple: expected a number of at least 1, got {multiple}")
    if not result.optimal:
        raise ValueError("decompose needs an optimal case")
    seconds: dict[str, float] = {}
    p0 = result.params
    p = peak_as_caps(p0, result)
    for t in p.targets:  # the peak's own year, to show the split of the peak as one row
        if t.get("peak_of"):
            t["peak_year"] = next(q["year"] for q in p0.targets if q["target_id"] == t["peak_of"])
    report_year = 2030 if 2030 in p.years else p.years[-1]
    co2 = "co2_official" if "co2_official" in p.indicators else "co2"

    only = None if targets is None else set(targets)
    if only is not None:
        known = {t["target_id"] for t in p0.targets if t["scope"] == CITY}
        unknown = sorted(only - known)
        if unknown:
            raise ValueError(f"targets: not a city target of the case: {', '.join(unknown)}")
    rows = _admin_rows(p, how, only)
    required = {(r["target_id"], r["year"], r["district"]): r["required"] for r in rows}

    def run(name: str, hook) -> tuple[object, object]:
        start = time.perf_counter()
        m = build_model(p, extra=hook)
        sol = solve(m, time_limit=time_limit, duals=False)  # the splits need the plan, not the prices
        seconds[name] = seconds.get(name, 0.0) + time.perf_counter() - start
        return m, sol

    # least cost: the evenest of the least-cost plans (the case's own optimum if that solve fails)
    m, sol = run("least_cost", _even_hook(p, result.solution.objective))
    build = sol.build if sol.optimal else result.solution.build
    mu = float(pyo.value(m.even_burden)) if sol.optimal else None
    size = abs(result.solution.objective) or 1.0
    if mu is not None and sol.objective - EVEN * size * mu > result.solution.objective + 1e-8 * size:
        build, mu, sol.status = result.solution.build, None, "dearer than the least cost"  # the tie-break traded cost
    del m
    lv0 = levels(p, build)
    records = _target_table(p, "least_cost", lv0, required)
    districts = [_district_table(p, result.data, "least_cost", build, _co2_cut(p, lv0, report_year, co2))]
    summary = {"admin_targets": None if only is None else sorted(only),
               "admin_split": how, "fair_multiple": multiple, "objective_least_cost": result.solution.objective,
               "status_least_cost": "optimal", "admin_rows": len(rows), "report_year": report_year,
               "co2_indicator": co2, "status_even": sol.status,
               "even_burden": mu}

    # administrative: each row's shortfall allowed at a price far above any cost (one solve: with no shortfall left,
    # the optimum of the split as stated; with some, the least shortfall and the least cost with it)
    price = PENALTY * max(abs(result.solution.objective), 1e8)
    m, sol = run("administrative", _admin_hook(p, rows, penalty=price))
    shortfall = []
    if sol.optimal:
        paid = 0.0
        for n in m.ADMIN:
            v = max(0.0, float(pyo.value(m.admin_short[n])))
            r = rows[n]
            paid += price * v / r["gap"]
            if v > 1e-5 * r["gap"]:
                shortfall.append({"target_id": r["target_id"], "year": r["year"], "region_id": r["district"],
                                  "required": r["required"], "short": v, "short_of_gap": v / r["gap"]})
        sol.objective -= paid
    summary["admin_penalty_per_gap"] = price
    summary["status_administrative"] = sol.status
    summary["objective_administrative"] = sol.objective if sol.optimal else None
    summary["admin_shortfall"] = pd.DataFrame(shortfall, columns=["target_id", "year", "region_id", "required",
                                                                  "short", "short_of_gap"])
    if sol.optimal:
        lv = levels(p, sol.build)
        records += _target_table(p, "administrative", lv, required)
        districts.append(_district_table(p, result.data, "administrative", sol.build,
                                         _co2_cut(p, lv, report_year, co2)))

    del m  # the administrative model, before the fair one is built: one model at a time in memory
    m, sol = run("fair", _fair_hook(p, multiple))
    summary["status_fair"] = sol.status
    summary["objective_fair"] = sol.objective if sol.optimal else None
    if sol.optimal:
        lv = levels(p, sol.build)
        records += _target_table(p, "fair", lv, required)
        districts.append(_district_table(p, result.data, "fair", sol.build, _co2_cut(p, lv, report_year, co2)))

    tt = pd.DataFrame.from_records(records, columns=["split", "target_id", "year", "kind", "indicator_id", "region_id",
                                                     "level", "base_level", "change", "effort", "effort_share",
                                                     "required"])
    dd = pd.concat(districts, ignore_index=True)
    city_gdp = dd.loc[dd["split"] == "least_cost", "gdp_yuan"].sum()
    totals = dd.groupby("split")["cost_yuan"].sum()
    dd["cost_per_gdp"] = dd["cost_yuan"] / dd["gdp_yuan"]
    dd["city_cost_per_gdp"] = dd["split"].map(totals) / city_gdp
    dd["relative_burden"] = dd["cost_per_gdp"] / dd["city_cost_per_gdp"]
    least = dd[dd["split"] == "least_cost"].set_index("region_id")["cost_yuan"]
    dd["extra_cost_yuan"] = dd["cost_yuan"] - dd["region_id"].map(least)
    for s in ("administrative", "fair"):
        z = summary.get(f"objective_{s}")
        summary[f"extra_cost_{s}"] = None if z is None else z - summary["objective_least_cost"]
    summary["max_relative_burden"] = dd.groupby("split")["relative_burden"].max().to_dict()
    regions = result.data.tables["regions"]
    keep = [c for c in ("region_id", "name_zh", "name_en", "cluster") if c in regions]
    return Decomposition(targets=tt, districts=dd, summary=summary, seconds=seconds,
                         names=regions[keep].reset_index(drop=True))


def headline(dec: Decomposition) -> list[str]:
    """What the decomposition says, in a few lines (console, report)."""
    s = dec.summary
    yi = 1e8
    lines = [f"Least-cost split (最低成本分解): {s['objective_least_cost'] / yi:,.2f} 亿元 (present value)."]
    mu = s.get("even_burden")
    if mu is not None:
        lines[0] += (f" Of the plans that cost this (a measure that costs the same everywhere can stand in any "
                     f"district), the evenest: no district above {mu:.2f}x the city's cost per unit GDP.")
    else:
        lines[0] += f" The evenest least-cost plan was not found ({s.get('status_even')}): the case's own optimum."
    for name in ("administrative", "fair"):
        z = s.get(f"objective_{name}")
        handed = "" if not s.get("admin_targets") else f"; handing out {', '.join(s['admin_targets'])} only"
        what = (f"{ADMIN_ZH[s['admin_split']]} ({s['admin_split']}){handed}" if name == "administrative"
                else f"no district above {s['fair_multiple']:g}x the city's cost per unit GDP")
        if z is None:
            lines.append(f"{name.capitalize()} split ({SPLIT_ZH[name]}, {what}): {s[f'status_{name}']}.")
        else:
            lines.append(f"{name.capitalize()} split ({SPLIT_ZH[name]}, {what}): {z / yi:,.2f} 亿元, "
                         f"{(z - s['objective_least_cost']) / yi:+,.2f} 亿元 against the least-cost split.")
    short = s.get("admin_shortfall")
    if short is not None and len(short):
        n = short["region_id"].nunique()
        lines.append(f"The administrative split cannot be met in full: {n} district(s) fall short of their share "
                     f"of {short['target_id'].nunique()} target(s) (least total shortfall; its cost meets the rest).")
    return lines


def _named(dec: Decomposition, df: pd.DataFrame) -> pd.DataFrame:
    if dec.names is None:
        return df
    out = df.merge(dec.names, on="region_id", how="left")
    front = [c for c in ("split", "target_id", "year", "region_id", "name_zh", "name_en", "cluster") if c in out]
    return out[front + [c for c in out.columns if c not in front]]


def table(dec: Decomposition) -> pd.DataFrame:
    """The district targets of the three splits, one row per (split, target, district), with bilingual names: what
    `planner decompose` writes as decomposition_targets.csv."""
    return _named(dec, dec.targets)


def district_table(dec: Decomposition) -> pd.DataFrame:
    """Each district's GDP, cost, cost per GDP and burden under each split, with bilingual names."""
    return _named(dec, dec.districts)


def district_costs_wide(dec: Decomposition) -> pd.DataFrame:
    """One row per region: GDP and the cost, cost per GDP and burden of each split side by side."""
    d = dec.districts
    out = d[d["split"] == "least_cost"][["region_id", "gdp_yuan"]].set_index("region_id")
    for s in SPLITS:
        part = d[d["split"] == s].set_index("region_id")
        if part.empty:
            continue
        out[f"cost_{s}"] = part["cost_yuan"]
        out[f"burden_{s}"] = part["relative_burden"]
        if s != "least_cost":
            out[f"extra_{s}"] = part["extra_cost_yuan"]
    return out.reset_index()


__all__ = ["Decomposition", "decompose", "headline", "district_costs_wide", "table", "district_table",
           "SPLITS", "SPLIT_ZH", "ADMIN_ZH"]
