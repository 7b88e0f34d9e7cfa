"""Why each measure is (not) in the plan: reduced costs and a plain reason per deployed measure.

**Reduced cost** of measure m in region r, in yuan per unit standing per year (levelized): for each build year τ,

    d[τ] = c[r,m,τ] - Σ_rows λ · a[row; r,m,τ]  excluding the potential rows  =  rc[τ] + Σ_{t: τ <= t < τ+L} μ[t]

where ``rc`` is the solver's reduced cost of ``build[r,m,τ]`` (present value) and ``μ`` the duals of its potential
rows (``stock_bounds``), divided by ``W[τ] = Σ_{t in T, τ <= t < τ+L} df[t]`` to give yuan per unit per year. The
table reports the smallest over τ. A measure that is not built has ``d > 0``: it must get that much cheaper per unit
per year to be used. A measure built up to its potential has ``d < 0``: it could cost that much more and still be
built to the full. A measure built part-way is at the margin (``d ≈ 0``).

**Reason** for each deployed measure: *pays for itself* when its net annual cost per unit is negative (no-regret);
else *needed for* the targets whose rows it helps meet, weighted by the value it brings each binding row: its
contribution to the row (the change of the row's slack that its deployment makes, from the level tables) times the
row's marginal cost in present value.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..results.levels import level_map
from ..results.tables import slack_coefficients, slack_rows
from .common import Context

TOL = 1e-6


def reduced_costs(ctx: Context) -> pd.DataFrame:
    p, sol = ctx.p, ctx.result.solution
    rcs = getattr(sol, "reduced_costs", None) or {}  # empty where the solver route gives none
    bound_duals = getattr(sol, "row_duals", None) or {}
    alloc = ctx.result.allocation
    built = alloc.groupby(["region_id", "measure_id"])["build"].sum() if not alloc.empty else pd.Series(dtype=float)
    peak = alloc.groupby(["region_id", "measure_id"])["stock"].max() if not alloc.empty else pd.Series(dtype=float)
    built, peak = built.to_dict(), peak.to_dict()
    # (lifetime, tau) -> the model years a build of tau stands in (a slice of the sorted years) and W[tau]
    windows: dict[tuple[int, int], tuple[slice, float]] = {}
    rows = []
    for r, m in p.pairs:
        life = p.lifetime[m]
        best, best_year = None, None
        mu = None  # the duals of the pair's potential rows, by model year
        for tau in p.years:
            win = windows.get((life, tau))
            if win is None:
                at = [j for j, t in enumerate(p.years) if tau <= t < tau + life]
                win = windows[life, tau] = (slice(at[0], at[-1] + 1) if at else slice(0, 0),
                                            sum(p.df[p.years[j]] for j in at))
            span, w = win
            if w <= 0 or (r, m, tau) not in rcs:
                continue
            if mu is None:
                mu = [bound_duals.get(("stock_bounds", (r, m, t)), 0.0) for t in p.years]
            d = rcs[r, m, tau] + sum(mu[span])
            d /= w
            if best is None or d < best:
                best, best_year = d, tau
        units = float(built.get((r, m), 0.0))
        at_potential = float(peak.get((r, m), 0.0)) >= p.max_stock[r, m] * (1 - 1e-6) and p.max_stock[r, m] > 0
        u = ctx.measure_unit.get(m, "unit")
        state = "" if best is None else "not built" if units <= TOL else "at potential" if at_potential \
            else "built in part"
        if best is None:
            say = ""
        elif best > TOL:
            say = f"must be {best:,.0f} yuan per {u} per year cheaper to be used"
        elif best < -TOL:
            say = (f"could cost {-best:,.0f} yuan per {u} per year more and still be built as much "
                   "(held back by its potential or its yearly build limit)")
        else:
            say = "at the margin: any dearer and less is built, any cheaper and more"
        rows.append({"region_id": r, "measure_id": m, "measure_zh": ctx.measure_zh.get(m, ""),
                     "sector": ctx.sector.get(m, ""), "unit": ctx.measure_unit.get(m, ""),
                     "annual_cost_per_unit": p.system_cost(r, m, ctx.report_year), "reduced_cost": best,
                     "reduced_cost_year": best_year,
                     "state": state, "meaning": say})
    return pd.DataFrame.from_records(rows, columns=[
        "region_id", "measure_id", "measure_zh", "sector", "unit", "annual_cost_per_unit", "reduced_cost",
        "reduced_cost_year", "state", "meaning"])


def reasons(ctx: Context, marginal: pd.DataFrame) -> pd.DataFrame:
    """One row per deployed (region, measure): the reason in words and the value it brings each target.

    The value a pair brings a binding row is its contribution to the row's slack times the row's marginal cost: the
    slack is affine in the levels (`planner.results.tables.slack_coefficients`), so the contribution of every pair to
    a row is one pass over the pairs' effects (`LevelMap.contributions`), not a re-evaluation of the row without each
    pair (which read every region's level of a city row for every pair: 13 s on 38 districts)."""
    res, p = ctx.result, ctx.p
    sol = res.solution
    tg = res.targets
    mpv = marginal.set_index(["target_id", "year"])["marginal_cost_pv"].fillna(0.0)
    active = mpv[mpv.abs() > 1e-9]
    out = []
    deployed = res.measures[["region_id", "measure_id", "discounted_cost"]] if not res.measures.empty else []
    lm = level_map(p)
    b = lm.builds(sol.build)
    st = lm.stocks(b)
    col = {int(t): c for c, t in enumerate(lm.years.tolist())}
    peak_limits = getattr(sol, "peak_limits", None) or {}
    rows: list[tuple[str, float, np.ndarray]] = []  # (target, marginal cost pv, contribution of every pair)
    if len(active):
        solved = set(zip(tg["target_id"].tolist(), tg["year"].tolist(), strict=True))
        for row, t in slack_rows(p, active.index):
            if (row.target_id, row.year) not in solved:
                continue
            coef = slack_coefficients(p, row, t, lm.ri, col, peak_limits)
            if coef is not None:
                rows.append((row.target_id, float(active[row.target_id, row.year]), lm.contributions(b, coef, st)))
    for row in getattr(deployed, "itertuples", lambda: [])():
        r, m = row.region_id, row.measure_id
        value: dict[str, float] = {}
        k = lm.index[r, m]
        for target, lam, contribution in rows:
            c = float(contribution[k])
            if abs(c) > 1e-12:
                value[target] = value.get(target, 0.0) + lam * c
        total = sum(v for v in value.values() if v > 0)
        needed = sorted(((k, v) for k, v in value.items() if v > 0), key=lambda kv: -kv[1])
        cost = p.system_cost(r, m, ctx.report_year)
        if cost < 0:
            reason = (f"pays for itself: saves {-cost:,.0f} yuan per {ctx.measure_unit[m]} per year net of its "
                      f"annualized cost (in {ctx.report_year}, electricity at the grid's thermal cost)")
            reason_zh = (f"自身即可回本: 扣除年化成本后每{ctx.measure_unit[m]}每年节约 {-cost:,.0f} 元"
                         f"({ctx.report_year} 年, 电力按电网火电成本计)")
            kind = "no-regret"
        elif needed:
            parts = [f"{ctx.target_zh.get(k, k)} ({k}, {v / total:.0%})" for k, v in needed if v / total >= 0.05]
            reason = "needed for " + "; ".join(parts)
            reason_zh = "为达到以下目标所需: " + "; ".join(parts)
            kind = "needed for targets"
        elif p.min_stock.get((r, m), 0.0) > 0:
            reason, kind = "required minimum deployment (min_stock in potentials)", "required"
            reason_zh = "要求的最低部署量 (potentials 的 min_stock)"
        else:
            reason = "no binding target pays for it at the margin (an equally cheap plan may leave it out)"
            reason_zh = "边际上没有起约束作用的目标需要它 (同样便宜的方案可以不含它)"
            kind = "indifferent"
        out.append({"region_id": r, "measure_id": m, "measure_zh": ctx.measure_zh.get(m, ""),
                    "sector": ctx.sector.get(m, ""), "reason_kind": kind, "reason": reason, "reason_zh": reason_zh,
                    "main_target": needed[0][0] if needed else "",
                    "target_value_pv": total, "discounted_cost": row.discounted_cost, "values": value})
    return pd.DataFrame.from_records(out, columns=[
        "region_id", "measure_id", "measure_zh", "sector", "reason_kind", "reason", "reason_zh", "main_target",
        "target_value_pv", "discounted_cost", "values"])


def drivers(reasons_table: pd.DataFrame) -> pd.Series:
    """Value (present value, yuan) that each binding target gives the measures it needs, largest first: which
    targets drive the plan's spending."""
    total: dict[str, float] = {}
    for values in reasons_table["values"]:
        for k, v in values.items():
            if v > 0:
                total[k] = total.get(k, 0.0) + v
    return pd.Series(total, dtype=float).sort_values(ascending=False)
