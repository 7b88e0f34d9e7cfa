"""Targets: one family of rows per target kind. ``L(i, y)`` is the level of indicator i summed over the target's
scope (all regions for ``city``, else one region) in year y; ``v`` is the target's value (a mutable parameter, so a
sweep can change it and re-solve warm); ``D`` is an exogenous driver (its baseline).

===================== =================================================================================
kind                  row(s)
===================== =================================================================================
cap                   L(i, y) <= v
floor                 L(i, y) >= v
share_min             L(i, y) - v * L(d, y) >= 0                       (d = denominator_id; no division)
share_max             L(i, y) - v * L(d, y) <= 0
reduction             L(i, y) - (1 - v) * L(i, b) <= 0                 (b = base_year; a constant if b is
                                                                        before the model years)
intensity_reduction   L(i, y) - (1 - v) * L(i, b) * D(y) / D(b) <= 0   (D = denominator_id, exogenous)
peak                  L(i, t) - L(i, y) <= 0   for every model year t > y
===================== =================================================================================

Every row is ``lhs (<= or >=) rhs`` in the unit of indicator i. With ``elastic=True`` each row gets a slack
``s >= 0`` that relaxes it (``lhs - s <= rhs`` or ``lhs + s >= rhs``): the infeasibility diagnosis minimises the
slacks, each divided by the baseline level of its row, so it tells how far each target has to move.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyomo.environ as pyo

from .indicators import level
from .params import Params

LE, GE = "<=", ">="


@dataclass(frozen=True)
class Row:
    target_id: str
    year: int
    sense: str


def rows(p: Params) -> list[Row]:
    """The constraint rows of all enabled targets, in target order."""
    out = []
    for t in p.targets:
        if t["kind"] == "peak":
            out += [Row(t["target_id"], y, LE) for y in p.years if y > t["year"]]
        else:
            out.append(Row(t["target_id"], t["year"], GE if t["kind"] in ("floor", "share_min") else LE))
    return out


def row_expression(m: pyo.ConcreteModel, p: Params, t: dict, year: int, value):
    """``lhs - rhs`` of one row: the row reads ``expr <= 0`` or ``expr >= 0``."""
    kind, i, scope = t["kind"], t["indicator_id"], t["scope"]
    lhs = level(m, p, i, scope, year)
    if kind in ("cap", "floor"):
        return lhs - value
    if kind in ("share_min", "share_max"):
        return lhs - value * level(m, p, t["denominator_id"], scope, year)
    if kind == "reduction":
        return lhs - (1 - value) * level(m, p, i, scope, t["base_year"])
    if kind == "intensity_reduction":
        d = t["denominator_id"]
        ratio = p.baseline_sum(d, scope, year) / p.baseline_sum(d, scope, t["base_year"])
        return lhs - (1 - value) * ratio * level(m, p, i, scope, t["base_year"])
    if kind == "peak":
        return lhs - level(m, p, i, scope, t["year"])
    raise ValueError(kind)


def add_constraints(m: pyo.ConcreteModel, p: Params, elastic: bool = False) -> None:
    by_id = {t["target_id"]: t for t in p.targets}
    target_rows = rows(p)
    m.K = pyo.Set(initialize=[t["target_id"] for t in p.targets], ordered=True)
    m.target_value = pyo.Param(
        m.K, mutable=True, within=pyo.Any,
        initialize={k: (t["value"] if t["value"] is not None else 0.0) for k, t in by_id.items()},
    )
    m.KY = pyo.Set(initialize=[(r.target_id, r.year) for r in target_rows], dimen=2, ordered=True)
    sense = {(r.target_id, r.year): r.sense for r in target_rows}
    m.target_sense = sense
    if elastic:
        m.slack = pyo.Var(m.KY, domain=pyo.NonNegativeReals)

    def rule(_, k, y):
        expr = row_expression(m, p, by_id[k], y, m.target_value[k])
        if elastic:
            expr = expr + (m.slack[k, y] if sense[k, y] == GE else -m.slack[k, y])
        return expr >= 0 if sense[k, y] == GE else expr <= 0

    m.target = pyo.Constraint(m.KY, rule=rule)


def row_scale(p: Params, t: dict, year: int) -> float:
    """Baseline size of a row, to express elastic slacks as fractions."""
    return max(abs(p.baseline_sum(t["indicator_id"], t["scope"], year)), 1.0)
