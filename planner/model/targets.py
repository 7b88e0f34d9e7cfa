"""Targets: one family of rows per target kind, one row per target and model year it holds.

A target holds in every model year ``t`` from its ``year`` y through its ``until`` (blank: the last model year, so a
target lasts unless its row says otherwise; ``until = year``: that year alone). ``L(i, t)`` is the level of
indicator i summed over the target's scope (all regions for ``city``, else one region) in year t; ``v`` is the
target's value, a mutable parameter ``model.target_value[k]`` (a sweep changes it and re-solves warm); ``D`` is an
exogenous driver (its baseline); b is the base year.

===================== =================================================================================
kind                  row in year t, y <= t <= until
===================== =================================================================================
cap                   L(i, t) <= v
floor                 L(i, t) >= v
share_min             L(i, t) - v * L(d, t) >= 0                       (d = denominator_id; no division)
share_max             L(i, t) - v * L(d, t) <= 0
reduction             L(i, t) - (1 - v) * L(i, b) <= 0                 (a constant if b is before the model
                                                                        years)
intensity_reduction   L(i, t) - (1 - v) * L(i, b) * D(t) / D(b) <= 0   (D = denominator_id, exogenous: the
                                                                        ratio of each year t)
abatement             L(i, t) - (B(i, t) - v) <= 0                     (B = baseline of i in scope: measures
                                                                        cut at least v below it, e.g. 重点工程
                                                                        减排量)
concentration         C(i, t) <= v                                     (µg/m3: a region's annual mean, or
                                                                        the city's population-weighted mean
                                                                        Σ_r w_r C[r, t], `planner.inputs.
                                                                        airquality`)
peak                  L(i, t) <= E0(t)          first year <= t < y   (no rise before the peak year)
                      L(i, y) <= min(C, E0(y))                          (the peak year)
                      L(i, t) <= C              y < t <= until          (ceiling)
===================== =================================================================================

A lasting level is kept by stock: a unit that retires leaves the level, so the model builds a new one to keep it
(``build`` is allowed in every year; stock counts units built in the last ``lifetime`` years).

**Peak.** The ceiling ``C = model.target_value[k]`` is exogenous, so a higher peak-year level never loosens the
later rows (an endogenous ``L(i, t) <= L(i, y)`` did: the solver raised the peak year by holding back measures that
pay for themselves). C is the row's ``value`` (t CO2) when given, else ``E0(y)``; ``E0`` is the path of indicator i
in the same case solved with every peak target switched off (the first stage, `planner.solver.peak`, run by
`planner.solve` before the model is solved and cached until a non-peak target value changes). The rows before the
peak year hold each year at its no-peak level ``E0(t)`` and the peak year at ``min(C, E0(y))``
(``model.peak_path[k, t]``, mutable), so switching a peak on can never raise emissions in any year up to and
including the peak year, even with an explicit ceiling above ``E0(y)``. Setting ``model.target_value[k]`` of a peak
whose value was blank turns its ceiling into that explicit value for the next solves. The peak's indicator in the
shipped data is gross CO2 (energy and processes); sinks are ``co2_sink`` and never netted in.

Every row is ``lhs (<= or >=) rhs`` in the unit of indicator i; a concentration row is written times 1e3 (ng/m3,
``ROW_SCALE``: its coefficients on the stock of measures that move a tonne of freight are near 1e-10 µg/m3, below
what HiGHS keeps), and its dual is read back times 1e3, so every table sees the row in µg/m3. With ``elastic=True``
each row gets a slack ``s >= 0`` that relaxes it (``lhs - s <= rhs`` or ``lhs + s >= rhs``): the infeasibility
diagnosis minimises the slacks, each divided by the baseline level of its row, so it tells how far each target has to
move.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyomo.core as pyo  # not pyomo.environ: its solver and transformation plugins cost 0.12 s of import

from .indicators import level
from .params import Params

LE, GE = "<=", ">="
# kind -> factor its rows are written with: a concentration row in ng/m3 (1e3 x µg/m3), its duals read back x 1e3
ROW_SCALE = {"concentration": 1e3}
NO_RISE, PEAK_YEAR, CEILING = "no_rise", "peak_year", "ceiling"


@dataclass(frozen=True)
class Row:
    target_id: str
    year: int
    sense: str
    role: str = ""  # peak rows: "no_rise" (t < peak year), "peak_year" (t = peak year), "ceiling" (t > peak year)


def last_year(p: Params, t: dict) -> int:
    """The last model year a target holds: its ``until``, or the last model year when blank (or later)."""
    until = t.get("until")
    return p.years[-1] if until is None or until != until else min(int(until), p.years[-1])


def rows(p: Params) -> list[Row]:
    """The constraint rows of all enabled targets, in target order, one per target and year it holds."""
    out = []
    for t in p.targets:
        k, y, end = t["target_id"], t["year"], last_year(p, t)
        if t["kind"] == "peak":
            out += [Row(k, s, LE, NO_RISE if s < y else PEAK_YEAR if s == y else CEILING)
                    for s in p.years if s <= end]
        else:
            sense = GE if t["kind"] in ("floor", "share_min") else LE
            out += [Row(k, s, sense) for s in p.years if y <= s <= end]
    return out


def peak_targets(p: Params) -> list[dict]:
    return [t for t in p.targets if t["kind"] == "peak"]


def row_expression(m: pyo.ConcreteModel, p: Params, t: dict, year: int, value):
    """``lhs - rhs`` of one row: the row reads ``expr <= 0`` or ``expr >= 0``."""
    kind, i, scope = t["kind"], t["indicator_id"], t["scope"]
    lhs = level(m, p, i, scope, year)
    if kind in ("cap", "floor", "concentration"):
        return lhs - value
    if kind in ("share_min", "share_max"):
        return lhs - value * level(m, p, t["denominator_id"], scope, year)
    if kind == "reduction":
        return lhs - (1 - value) * level(m, p, i, scope, t["base_year"])
    if kind == "intensity_reduction":
        d = t["denominator_id"]
        ratio = p.baseline_sum(d, scope, year) / p.baseline_sum(d, scope, t["base_year"])
        return lhs - (1 - value) * ratio * level(m, p, i, scope, t["base_year"])
    if kind == "abatement":
        return lhs - (p.baseline_sum(i, scope, year) - value)
    if kind == "peak":
        return lhs - (value if year > t["year"] else m.peak_path[t["target_id"], year])
    raise ValueError(kind)


def add_constraints(m: pyo.ConcreteModel, p: Params, elastic: bool = False) -> None:
    by_id = {t["target_id"]: t for t in p.targets}
    target_rows = rows(p)
    m.K = pyo.Set(initialize=[t["target_id"] for t in p.targets], ordered=True)
    # A peak's limits start at its baseline path (no measure built) until planner.solver.peak writes the first stage's.
    def start(t: dict, year: int) -> float:
        return p.baseline_sum(t["indicator_id"], t["scope"], year)

    m.target_value = pyo.Param(
        m.K, mutable=True, within=pyo.Any,
        initialize={k: (t["value"] if t["value"] is not None else start(t, t["year"]) if t["kind"] == "peak" else 0.0)
                    for k, t in by_id.items()},
    )
    # Peak rows up to the peak year: E0(t) before it, min(C, E0(y)) in it; set by planner.solver.peak before each solve.
    pre = [(r.target_id, r.year) for r in target_rows if r.role in (NO_RISE, PEAK_YEAR)]
    m.KP = pyo.Set(initialize=pre, dimen=2, ordered=True)
    m.peak_path = pyo.Param(m.KP, mutable=True, within=pyo.Any,
                            initialize={(k, y): start(by_id[k], y) for k, y in pre})
    m.peak_auto = {t["target_id"] for t in peak_targets(p) if t["value"] is None}  # ceiling from the first stage
    m.KY = pyo.Set(initialize=[(r.target_id, r.year) for r in target_rows], dimen=2, ordered=True)
    sense = {(r.target_id, r.year): r.sense for r in target_rows}
    m.target_sense = sense
    # rows written times a scale (their duals are read back times it, planner/solver): a concentration's row has
    # coefficients of 1e-10 µg/m3 per unit (a tonne of freight moved by rail), which HiGHS would drop as zero
    m.target_scale = {} if elastic else {k: ROW_SCALE[t["kind"]] for k, t in by_id.items() if t["kind"] in ROW_SCALE}
    if elastic:
        m.slack = pyo.Var(m.KY, domain=pyo.NonNegativeReals)

    def rule(_, k, y):
        expr = row_expression(m, p, by_id[k], y, m.target_value[k])
        if k in m.target_scale:
            expr = m.target_scale[k] * expr
        if elastic:
            expr = expr + (m.slack[k, y] if sense[k, y] == GE else -m.slack[k, y])
        return expr >= 0 if sense[k, y] == GE else expr <= 0

    m.target = pyo.Constraint(m.KY, rule=rule)


def row_scale(p: Params, t: dict, year: int) -> float:
    """Baseline size of a row, to express elastic slacks as fractions."""
    return max(abs(p.baseline_sum(t["indicator_id"], t["scope"], year)), 1.0)
