"""The total cost split into investment, O&M, savings and net, per year and discounted; no-regret savings apart.

Per model year t, summed over the deployment (``stock`` = units standing, ``build`` = units built in t):

    investment outlay[t] = Σ build · capex                  (spent in the year built; not in the objective as such)
    capital charge[t]    = Σ stock · capex · crf(rate, L)   (the annuity the objective counts)
    O&M[t]               = Σ stock · fixed_om
    savings[t]           = Σ stock · savings                (fuel, water, materials: never electricity)
    electricity[t]       = Σ stock · δ · c_th[t]            (the thermal output the measures change, at its variable
                                                              cost: negative where they save it; δ = thermal_delta)
    net[t]               = capital charge + O&M - savings + electricity
    Σ_t df[t] · net[t]   = the objective (total discounted net cost, present value in the base year)

Measures whose net annual cost per unit, electricity included (`Params.system_cost`), is negative are **no-regret**:
they are built because they pay for themselves. The net is shown as the no-regret part (negative: what they save)
plus the cost of the measures that cost money, which is what the targets make the plan spend.
"""

from __future__ import annotations

import pandas as pd

from ..model.params import crf
from .common import Context


def cost_by_year(ctx: Context) -> pd.DataFrame:
    p, alloc = ctx.p, ctx.result.allocation
    ms = ctx.measures
    capex_of, om_of, sav_of = (ms[c].astype(float).to_dict() for c in ("capex", "fixed_om", "savings"))
    rows = []
    by_year: dict[int, list[tuple]] = {}  # year -> (region, measure, build, stock, electricity) of its rows
    if not alloc.empty:
        for r, y, m, b, st, el in zip(*(alloc[c].tolist() for c in ("region_id", "year", "measure_id", "build", "stock",
                                                                    "electricity_cost")), strict=True):
            by_year.setdefault(y, []).append((r, m, b, st, el))
    recovery: dict[str, float] = {}  # measure -> crf(rate, lifetime), once each
    for t in p.years:
        rec = {"year": t, "investment": 0.0, "capital_charge": 0.0, "om": 0.0, "savings": 0.0, "electricity": 0.0,
               "net_no_regret": 0.0, "net_targets": 0.0}
        for r, m, build, stock, el in by_year.get(t, ()):
            capex, om, sav = capex_of[m], om_of[m], sav_of[m]
            if m not in recovery:
                recovery[m] = crf(p.rate, p.lifetime[m])
            charge = stock * capex * recovery[m]
            rec["investment"] += build * capex
            rec["capital_charge"] += charge
            rec["om"] += stock * om
            rec["savings"] += stock * sav
            rec["electricity"] += el
            net = charge + stock * (om - sav) + el
            rec["net_no_regret" if p.system_cost(r, m, t) < 0 else "net_targets"] += net
        rec["net"] = rec["capital_charge"] + rec["om"] - rec["savings"] + rec["electricity"]
        rec["df"] = ctx.df(t)
        rows.append(rec)
    df = pd.DataFrame.from_records(rows)
    for c in ("investment", "capital_charge", "om", "savings", "electricity", "net", "net_no_regret", "net_targets"):
        df[f"{c}_pv"] = df[c] * df["df"]
    return df


def cost_summary(ctx: Context, by_year: pd.DataFrame | None = None) -> dict:
    """Totals over the horizon, undiscounted and present value (yuan); ``net_pv`` equals the objective."""
    by_year = cost_by_year(ctx) if by_year is None else by_year
    out = {}
    for c in ("investment", "capital_charge", "om", "savings", "electricity", "net", "net_no_regret", "net_targets"):
        out[c] = float(by_year[c].sum())
        out[f"{c}_pv"] = float(by_year[f"{c}_pv"].sum())
    return out
