"""Plausible magnitudes: a number far outside the range its measure or its unit allows is most likely in another unit.

Each number with a known plausible range ``lo..hi`` is judged against it:

- inside: fine;
- outside, but within a factor of 10 (``lo / 10 .. hi * 10`` for positive ranges; see `limits`): a warning naming
  the range and the expected unit;
- beyond that: an error naming the expected unit (``capex = 2400`` for utility PV, typed in yuan/kW where the table
  wants yuan/MW, against its own range of 2.2e6-2.8e6), unless the case says ``allow_outliers = true``, which turns
  these errors into warnings.

The range of a measure's cost is the measure's own low/high (``capex_low``/``capex_high``, ...; measures.csv); a share
or reduction target's value is a fraction 0-1; other columns have the range the schema gives their unit
(`planner.inputs.schema.Column.plausible`), settings the one of `SETTING_RANGES`. The same function judges a CSV or
workbook cell, a case file's override, `Case.with_overrides` and every value of a sweep or Monte Carlo study
(`planner.inputs.gate`).
"""

from __future__ import annotations

import math

from ..base.errors import Problem
from .schema import TABLES

FACTOR = 10.0
SHARE_KINDS = ("share_min", "share_max", "reduction", "intensity_reduction")
COST_COLUMNS = ("capex", "fixed_om", "savings")
SETTING_RANGES = {  # setting -> (low, high, unit)
    "discount_rate": (0.0, 0.2, "a rate per year (0.06 for 6%)"),
    "gwp_ch4": (20.0, 40.0, "t CO2e per t CH4 (28 for AR5)"),
}


def fmt(v: float) -> str:
    """A number as a planner writes it: 2,200,000; 0.25; 1.5e-05; 1e+12."""
    if v == int(v) and abs(v) < 1e9:
        return f"{int(v):,}"
    return f"{v:.6g}"


def limits(lo: float, hi: float) -> tuple[float, float]:
    """The values a factor of 10 outside ``lo..hi``: ``lo / 10`` (``lo * 10`` for a negative low end) and
    ``hi * 10`` (``hi / 10`` for a negative high end); an end at 0 reaches 9 times the range's width beyond it."""
    span = hi - lo
    low = lo / FACTOR if lo > 0 else lo * FACTOR if lo < 0 else -(FACTOR - 1) * span
    high = hi * FACTOR if hi > 0 else hi / FACTOR if hi < 0 else (FACTOR - 1) * span
    return low, high


def judge(value, lo: float, hi: float, unit: str, what: str, allow: bool) -> tuple[str | None, str | None]:
    """(error, warning) for ``value`` against its plausible range ``lo..hi`` in ``unit`` (``what`` names the range)."""
    if not isinstance(value, int | float) or isinstance(value, bool) or not math.isfinite(value):
        return None, None
    if lo == hi == 0 or lo <= value <= hi:
        return None, None
    low, high = limits(lo, hi)
    rng = f"{fmt(lo)} to {fmt(hi)} {unit}".rstrip()
    if low <= value <= high:
        return None, f"{fmt(value)} is outside {rng} ({what}), within a factor of 10; check the unit"
    side = "above" if value > hi else "below"
    msg = (f"expected {rng} ({what}); {fmt(value)} is more than 10 times {side} that: is it in another unit? "
           "(allow_outliers = true in the case keeps it)")
    if allow:
        return None, msg.replace("expected ", "outlier kept (allow_outliers): expected ", 1)
    return msg, None


def cost_unit(column: str, measure_unit: str) -> str:
    unit = measure_unit or "unit"
    return f"yuan/{unit}" if column == "capex" else f"yuan/{unit}/yr"


def cell(table: str, column: str, value, row: dict, allow: bool) -> tuple[str | None, str | None]:
    """(error, warning) for one cell of ``table``; ``row`` holds the row's other typed cells (a measure's unit and
    low/high, a target's kind)."""
    if table == "measures" and column in COST_COLUMNS:
        lo, hi = row.get(f"{column}_low"), row.get(f"{column}_high")
        if lo is None or hi is None or lo != lo or hi != hi or lo > hi:
            return None, None
        unit = cost_unit(column, str(row.get("unit") or ""))
        return judge(value, float(lo), float(hi), unit, f"{column}_low to {column}_high of measure "
                     f"{row.get('measure_id')}", allow)
    if table == "targets" and column == "value":
        if row.get("kind") in SHARE_KINDS:
            return judge(value, 0.0, 1.0, "", f"a {row.get('kind')} target's value as a fraction, 0.25 for 25%", allow)
        return None, None
    col = TABLES[table].column(column)
    if col is not None and col.plausible is not None:
        lo, hi = col.plausible
        return judge(value, lo, hi, col.unit, f"the plausible range of {column}", allow)
    return None, None


def setting(key: str, value, allow: bool) -> tuple[str | None, str | None]:
    if key not in SETTING_RANGES:
        return None, None
    lo, hi, unit = SETTING_RANGES[key]
    return judge(value, lo, hi, unit, f"the plausible range of {key}", allow)


CHECKED = {  # table -> columns judged here
    name: tuple(c.name for c in t.columns if c.plausible is not None
                or (name == "measures" and c.name in COST_COLUMNS) or (name == "targets" and c.name == "value"))
    for name, t in TABLES.items()
}


def check_table(name: str, df, allow: bool, problems: list[Problem], warnings: list[Problem], skip: set) -> None:
    """Judge every checked cell of a typed table (rows whose origin is in ``skip`` had a problem already)."""
    columns = [c for c in CHECKED.get(name, ()) if c in df.columns]
    if not columns or df.empty:
        return
    for row in df.to_dict("records"):
        origin = row["origin_"]
        if origin in skip or (name == "targets" and row.get("enabled") is False):
            continue
        for c in columns:
            value = row.get(c)
            if value is None:
                continue
            err, warn = cell(name, c, value, row, allow)
            if err:
                problems.append(Problem(origin, c, err, field="key" if origin.endswith("]") else "column"))
            elif warn:
                warnings.append(Problem(origin, c, warn, field="key" if origin.endswith("]") else "column"))


def check_settings(case, where: str, problems: list[Problem], warnings: list[Problem]) -> None:
    for key in SETTING_RANGES:
        err, warn = setting(key, getattr(case, key, None), case.allow_outliers)
        if err:
            problems.append(Problem(where, key, err, field="key"))
        elif warn:
            warnings.append(Problem(where, key, warn, field="key"))
