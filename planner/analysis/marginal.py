"""Marginal costs of the targets in each target's own terms, and a check by re-solving.

The dual ``λ`` of a target row is the change of the objective (present value in the base year b0) per unit of the
row's right-hand side. ``results.evaluate_targets`` turns it into ``marginal_cost`` = yuan **of the row's year** per
unit of the target's indicator (``λ / df[y]``, the present value carried forward to the year y of the row; for a
lasting or peak target each row has its own year). Here each row also gets:

- ``marginal_cost_pv``: the same in yuan of the base year (present value), ``marginal_cost · df[y]``;
- ``per_pp``: for shares and reductions, yuan (of the row's year) per **percentage point** of the target value,
  ``marginal_cost · 0.01 · S`` where ``S`` is how much one whole unit of the value moves the row's limit
  (envelope theorem on ``∂ row / ∂ v``):

  ====================== ===========================================
  share_min / share_max   S = L(d, y)          (denominator level)
  reduction               S = L(i, b)          (base-year level)
  intensity_reduction     S = L(i, b) · D(y)/D(b)
  ====================== ===========================================

- ``own_value`` / ``own_unit``: ``per_pp`` in yuan/pp for shares and reductions, else ``marginal_cost`` in
  yuan per unit of the indicator (yuan/t for caps and peaks, yuan/ha, yuan/berth, ...).

`tighten_check` proves the figures: it tightens each binding target by a small step in its own terms (the value for
targets that have one; the row itself for a peak), re-solves warm and compares the change of the objective with the
reported marginal cost.
"""

from __future__ import annotations

from collections import namedtuple

import pandas as pd
import pyomo.core as pyo  # not pyomo.environ: its solver and transformation plugins cost 0.12 s of import

from ..results.tables import GE, Result
from .common import PCT_KINDS, Context


def _scale(ind: dict, t: dict, year: int) -> float | None:
    """How much one whole unit of the target value moves the row's limit (for shares and reductions).
    ``ind[(scope, indicator, year)] = (baseline, level)``."""
    kind, scope = t["kind"], t["scope"]

    def level(i, y):
        v = ind.get((scope, i, int(y)))
        return None if v is None else float(v[1])

    def base(i, y):
        v = ind.get((scope, i, int(y)))
        return None if v is None else float(v[0])

    if kind in ("share_min", "share_max"):
        return level(t["denominator_id"], year)
    if kind == "reduction":
        return level(t["indicator_id"], t["base_year"])
    if kind == "intensity_reduction":
        lb, dy, db = level(t["indicator_id"], t["base_year"]), base(t["denominator_id"], year), \
            base(t["denominator_id"], t["base_year"])
        return lb * dy / db if None not in (lb, dy, db) and db else None
    return None


_Row = namedtuple("_Row", "target_id indicator_id marginal_cost year kind scope status")  # a target row, read as lists


def marginal_costs(res: Result, ctx: Context | None = None) -> pd.DataFrame:
    """One row per target row: status, marginal cost per unit (yuan of the row's year and present value) and in the
    target's own terms."""
    ctx = ctx if ctx is not None else Context(res)
    tdata = ctx.target_rows
    ind = ctx.indicator_values
    records = []
    tg = res.targets
    fields = ("target_id", "indicator_id", "marginal_cost", "year", "kind", "scope", "status")
    for r in (_Row(*v) for v in zip(*(tg[c].tolist() for c in fields), strict=True)):
        t = tdata[r.target_id]
        unit = ctx.unit.get(r.indicator_id, "")
        mc = r.marginal_cost if r.marginal_cost is not None and r.marginal_cost == r.marginal_cost else None
        pv = mc * ctx.df(r.year) if mc is not None else None
        per_pp = None
        if r.kind in PCT_KINDS and mc is not None:
            s = _scale(ind, {**t, "kind": r.kind, "scope": r.scope}, r.year)
            per_pp = mc * 0.01 * s if s is not None else None
        own, own_unit = (per_pp, "yuan/pp") if r.kind in PCT_KINDS else (mc, f"yuan/{unit}" if unit else "yuan")
        records.append({
            "target_id": r.target_id, "target_zh": ctx.target_zh.get(r.target_id, ""),
            "target_en": ctx.target_en.get(r.target_id, ""), "kind": r.kind, "scope": r.scope, "year": r.year,
            "status": r.status, "unit": unit, "marginal_cost": mc, "marginal_cost_pv": pv, "per_pp": per_pp,
            "own_value": own, "own_unit": own_unit,
        })
    return pd.DataFrame.from_records(records, columns=[
        "target_id", "target_zh", "target_en", "kind", "scope", "year", "status", "unit", "marginal_cost",
        "marginal_cost_pv", "per_pp", "own_value", "own_unit"])


def tighten_check(case, pp_step: float = 0.01, rel_step: float = 1e-4, min_marginal: float = 1e-6) -> pd.DataFrame:
    """Tighten each binding target with a non-zero marginal cost by a small step, re-solve warm and compare.

    Shares and reductions move their value by ``pp_step`` percentage points; caps and floors by ``rel_step`` of
    their value; targets without a value (peak) have each binding row tightened by ``rel_step`` of its limit, and
    targets binding in several years their tightest row (a row's marginal cost is what tightening that row alone
    costs, `planner.solver.sides`: at a degenerate optimum the rows' figures are not additive, so moving the value,
    which moves every row at once, matches none of them). Each target is restored before the next one. Returns
    predicted and observed changes of the objective (present value, yuan) per step, tightened and loosened: as the
    optimal cost is convex in a bound, the reported marginal cost must
    lie between the two one-sided changes (``bracketed``); at a degenerate vertex the two differ, and a step can cross
    a change of basis, so ``relative_error`` against the tightened change alone may be large while the figure is
    right.
    """
    from ..inputs import load
    from ..model import build_model, derive
    from ..results.tables import collect
    from ..solver.solve import solve

    data = load(case)
    p = derive(data)
    m = build_model(p)
    sol = solve(m)
    res = collect(data, p, sol, {}, 0.0)
    mc = marginal_costs(res)
    base = sol.objective
    from ..solver.peak import state  # a dual holds the peak's no-peak path and ceiling as solved: so does the check

    state(m).frozen = True
    out = []
    by_id = {t["target_id"]: t for t in p.targets}
    active = mc[(mc["status"] == "binding") & (mc["marginal_cost_pv"].abs() > min_marginal)]
    def change(apply, undo) -> float | None:
        apply()
        sol = solve(m, duals=False)  # the cost is what is compared
        undo()
        return sol.objective - base if sol.optimal else None

    limits = res.targets.set_index(["target_id", "year"])["limit"]
    for k, rows in active.groupby("target_id", sort=False):
        t = by_id[k]
        dfs = rows["year"].map(lambda y: (1 + p.rate) ** -(y - p.base_year))
        value = t.get("value")
        if len(rows) > 1:  # several binding rows: the tightest row on its own (the one the console shows)
            rows, value = rows.loc[[rows["marginal_cost_pv"].abs().idxmax()]], None
            dfs = dfs.loc[rows.index]
        if t["kind"] in PCT_KINDS and value is not None:
            sign, step = (-1.0 if t["kind"] == "share_max" else 1.0), pp_step
            predicted = float((rows["per_pp"] * dfs).sum()) * step
            what = f"value {sign * step:+g} pp"
        elif t["kind"] in ("cap", "floor") and value is not None:
            sign, step = (1.0 if t["kind"] == "floor" else -1.0), rel_step * max(abs(value), 1.0)
            predicted = float(rows["marginal_cost_pv"].sum()) * step
            what = f"value {sign * step:+g}"
        else:
            sign = None
        if sign is not None:
            def setter(x, k=k):
                return lambda: m.target_value.__setitem__(k, x)
            unit = step / 100.0 if t["kind"] in PCT_KINDS else step
            observed = change(setter(value + sign * unit), setter(value))
            loosened = change(setter(value - sign * unit), setter(value))
            one_sided = observed is None
            if observed is None:  # cannot be tightened (a share of 100%): loosen instead, the cost falls by as much
                observed = -loosened if loosened is not None else None
                what += " (infeasible; loosened instead)"
            out.append({"target_id": k, "year": int(rows["year"].min()), "how": what, "step": step,
                        "predicted": predicted, "observed": observed, "observed_loosened": loosened,
                        "one_sided": one_sided})
            continue
        for row in rows.itertuples():
            con = m.target[k, row.year]
            step = rel_step * max(abs(float(limits[(k, row.year)])), 1.0)
            ge = m.target_sense[k, row.year] == GE
            bound = pyo.value(con.lower if ge else con.upper)

            original = con.expr

            def add(s, con=con, ge=ge, bound=bound):  # the row itself moved by s (s > 0 tightens)
                return lambda: con.set_value(con.body >= bound + s if ge else con.body <= bound - s)

            def undo(con=con, original=original):
                con.set_value(original)

            observed, loosened = change(add(step), undo), change(add(-step), undo)
            one_sided = observed is None  # cannot be tightened (a share of 100%): its figure is the loosening side
            out.append({"target_id": k, "year": row.year, "how": f"row {step:g}" + (
                " (infeasible; loosened instead)" if one_sided else ""), "step": step,
                "predicted": row.marginal_cost_pv * step,
                "observed": -loosened if one_sided and loosened is not None else observed,
                "observed_loosened": loosened, "one_sided": one_sided})
    solve(m)
    df = pd.DataFrame.from_records(out, columns=["target_id", "year", "how", "step", "predicted", "observed",
                                                 "observed_loosened", "one_sided"])
    df["relative_error"] = (df["observed"] - df["predicted"]).abs() / df["predicted"].abs().clip(lower=1e-9)
    # the optimal cost is convex in a row's bound, so the dual lies between the one-sided changes of a finite step:
    # -(cost change when loosened) <= dual x step <= (cost change when tightened), up to the solver's tolerance
    tol = 1e-6 * df["predicted"].abs() + 1e-3
    df["bracketed"] = (-df["observed_loosened"] - tol <= df["predicted"]) & (
        df["one_sided"] | (df["predicted"] <= df["observed"] + tol))  # one-sided: a share at 100% cannot tighten
    return df
