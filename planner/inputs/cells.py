"""One cell: from raw text (a CSV or workbook cell, or a TOML value) to its typed value, or what was expected."""

from __future__ import annotations

import difflib
import math
import re

import pandas as pd

from ..base.errors import Problem
from .schema import MAX_ABS, MIN_ABS, TEXT_MAX, WARN_ABS, WARN_TINY, Column, Table

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # tab, line feed, carriage return allowed
ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")
TRUE = {"true", "1", "yes", "y", "t"}
FALSE = {"false", "0", "no", "n", "f"}


def convert(col: Column, raw) -> tuple[object, str | None]:
    """Turn one raw cell (text from a CSV or a TOML value) into its typed value, or say what was expected."""
    if isinstance(raw, bool):
        text = "true" if raw else "false"
    elif raw is None:
        text = ""
    else:
        text = str(raw).strip()
    if text == "":
        if col.required:
            return None, f"expected {expected(col)}, got an empty cell"
        return col.default, None
    bad = CONTROL.search(text)
    if bad:
        return None, (f"contains the control character U+{ord(bad.group()):04X} at character {bad.start() + 1}; "
                      "expected plain text (remove it)")
    if len(text) > TEXT_MAX:
        return None, f"expected at most {TEXT_MAX:,} characters (what an Excel cell holds), got {len(text):,}"
    if col.type == "id":
        return (text, None) if ID_RE.match(text) else (None, f"expected an ASCII snake_case id, got {text!r}")
    if col.type == "text":
        return text, None
    if col.type == "choice":
        if text in col.choices:
            return text, None
        return None, f"expected one of {', '.join(col.choices)}, got {text!r}{did_you_mean(text, col.choices)}"
    if col.type == "bool":
        low = text.lower()
        if low in TRUE:
            return True, None
        if low in FALSE:
            return False, None
        return None, f"expected true or false, got {text!r}"
    if col.type in ("number", "int"):
        try:
            value = float(text.replace("_", ""))
        except ValueError:
            return None, f"expected {expected(col)}, got {text!r}"
        if not math.isfinite(value):
            return None, f"expected {expected(col)}, got {text!r}"
        if abs(value) >= MAX_ABS:
            return None, (f"expected a magnitude below {MAX_ABS:.0e} (HiGHS takes 1e20 as infinity and larger "
                          f"numbers make the model badly scaled; is the unit right?), got {text!r}")
        if value != 0 and abs(value) <= MIN_ABS:
            return None, (f"expected 0 or a magnitude above {MIN_ABS:.0e} (HiGHS drops coefficients this small, so "
                          f"it would count as 0; is the unit right?), got {text!r}")
        if col.type == "int":
            if value != int(value):
                return None, f"expected {expected(col)}, got {text!r}"
            value = int(value)
        if col.min is not None and (value < col.min or (col.min_exclusive and value == col.min)):
            return None, f"expected {expected(col)}, got {text!r}"
        return value, None
    raise ValueError(col.type)


def override_value(col: Column, value) -> tuple[object, str | None]:
    """A typed value (a case file's TOML, `Case.with_overrides`, a sweep grid, ``--set``) for a column: numbers and
    booleans must be numbers and booleans, not quoted text; then the checks of a CSV cell (`convert`)."""
    if col.type in ("number", "int") and isinstance(value, str):
        return None, f"expected a number, got the text {value!r}; write it without quotes"
    if col.type == "bool" and not isinstance(value, bool):
        return None, f"expected true or false (without quotes), got {value!r}"
    if col.type in ("number", "int") and isinstance(value, bool):
        return None, f"expected a number, got {value!r}"
    return convert(col, value)


def magnitude_warning(col: Column, value) -> str | None:
    """A number likely in the wrong unit: beyond 1e13 or a non-zero magnitude below 1e-9."""
    if col.type != "number" or not isinstance(value, int | float) or isinstance(value, bool) or value == 0:
        return None
    if abs(value) > WARN_ABS:
        return f"{value:g} is beyond {WARN_ABS:.0e}; check the unit (the LP may be badly scaled)"
    if abs(value) < WARN_TINY:
        return f"{value:g} is below {WARN_TINY:.0e} in magnitude; check the unit (the LP may be badly scaled)"
    return None


def expected(col: Column) -> str:
    base = {"id": "an ASCII snake_case id", "text": "a value", "number": "a number", "int": "a whole number",
            "bool": "true or false", "choice": "one of " + ", ".join(col.choices)}[col.type]
    if col.min is not None:
        base += f" {'>' if col.min_exclusive else '>='} {col.min:g}"
    return base


def did_you_mean(word: str, options) -> str:
    close = difflib.get_close_matches(str(word), [str(o) for o in options], n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def typed(table: Table, raw: pd.DataFrame, problems: list[Problem], warnings: list[Problem]) -> pd.DataFrame:
    """The raw text cells (``frame``) as typed values, one object column per schema column (absent optional columns
    get their default); every bad cell is a problem and every number likely in the wrong unit a warning, in column
    order then row order. Each distinct text of a column is converted once (ids and sources repeat down a column)."""
    origins = raw["origin_"].tolist()
    columns: dict[str, pd.Series] = {}
    for col in table.columns:
        if col.name not in raw.columns:
            columns[col.name] = pd.Series([col.default] * len(raw), index=raw.index, dtype=object)
            continue
        seen: dict = {}  # text -> (value, error, warning)
        values = []
        for origin, cell in zip(origins, raw[col.name].tolist(), strict=True):
            hit = seen.get(cell)
            if hit is None:
                value, err = convert(col, cell)
                hit = seen[cell] = (value, err, None if err else magnitude_warning(col, value))
            value, err, warn = hit
            if err:
                problems.append(Problem(origin, col.name, err))
            elif warn:
                warnings.append(Problem(origin, col.name, warn))
            values.append(value)
        columns[col.name] = pd.Series(values, index=raw.index, dtype=object)
    out = raw.copy()
    for name, series in columns.items():  # present columns keep their place; absent ones go last, in schema order
        out[name] = series
    return out
