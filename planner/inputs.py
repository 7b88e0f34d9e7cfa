"""Read and validate the data folder of a case, and apply the case's overrides.

Everything is checked before a model is built, and every problem is reported at once, each naming the file, row
(the spreadsheet row: the header is row 1) and column, and what was expected. Nothing here touches Pyomo.
"""

from __future__ import annotations

import hashlib
import math
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .case import Case, _display, load_case
from .errors import InputError, Problem
from .schema import TABLES, Column, Table

ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")
TRUE = {"true", "1", "yes", "y", "t"}
FALSE = {"false", "0", "no", "n", "f"}
CITY = "city"


@dataclass
class Data:
    """A validated case: the case settings and one typed DataFrame per input table."""

    case: Case
    tables: dict[str, pd.DataFrame]
    data_hash: str

    @property
    def sources(self) -> pd.DataFrame:
        return self.tables["sources"]

    @property
    def indicators(self) -> pd.DataFrame:
        return self.tables["indicators"]

    @property
    def baseline(self) -> pd.DataFrame:
        return self.tables["baseline"]

    @property
    def measures(self) -> pd.DataFrame:
        return self.tables["measures"]

    @property
    def effects(self) -> pd.DataFrame:
        return self.tables["effects"]

    @property
    def potentials(self) -> pd.DataFrame:
        return self.tables["potentials"]

    @property
    def targets(self) -> pd.DataFrame:
        return self.tables["targets"]

    @property
    def electricity(self) -> pd.DataFrame:
        return self.tables["electricity"]

    @property
    def regions(self) -> list[str]:
        """Region ids in data order (the regions table itself is ``tables["regions"]``)."""
        return list(self.tables["regions"]["region_id"])

    @property
    def years(self) -> list[int]:
        return self.case.years


# ---------------------------------------------------------------------------------------------- cell conversion


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
            return None, f"expected {_expected(col)}, got an empty cell"
        return col.default, None
    if col.type == "id":
        return (text, None) if ID_RE.match(text) else (None, f"expected an ASCII snake_case id, got {text!r}")
    if col.type == "text":
        return text, None
    if col.type == "choice":
        if text in col.choices:
            return text, None
        return None, f"expected one of {', '.join(col.choices)}, got {text!r}"
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
            return None, f"expected {_expected(col)}, got {text!r}"
        if not math.isfinite(value):
            return None, f"expected {_expected(col)}, got {text!r}"
        if col.type == "int":
            if value != int(value):
                return None, f"expected {_expected(col)}, got {text!r}"
            value = int(value)
        if col.min is not None and (value < col.min or (col.min_exclusive and value == col.min)):
            return None, f"expected {_expected(col)}, got {text!r}"
        return value, None
    raise ValueError(col.type)


def _expected(col: Column) -> str:
    base = {"id": "an ASCII snake_case id", "text": "a value", "number": "a number", "int": "a whole number",
            "bool": "true or false", "choice": "one of " + ", ".join(col.choices)}[col.type]
    if col.min is not None:
        base += f" {'>' if col.min_exclusive else '>='} {col.min:g}"
    return base


# ---------------------------------------------------------------------------------------------- reading


def _read_table(table: Table, data_dir: Path, problems: list[Problem]) -> pd.DataFrame | None:
    path = data_dir / table.file
    where = _display(path)
    if not path.is_file():
        if not table.optional:
            problems.append(Problem(where, "", f"file not found; expected the {table.name} table "
                                           f"({table.description})"))
        return None
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig", skipinitialspace=True)
    except UnicodeDecodeError:
        problems.append(Problem(where, "", "not UTF-8 text; save the file as CSV UTF-8"))
        return None
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as e:
        problems.append(Problem(where, "", f"not a readable CSV file: {str(e).strip()}"))
        return None
    raw.columns = [str(c).strip() for c in raw.columns]
    missing = [c.name for c in table.columns if c.required and c.name not in raw.columns]
    for name in missing:
        problems.append(Problem(where, name, "missing column; expected columns "
                                + ", ".join(c.name for c in table.columns if c.required)))
    if missing:
        return None
    raw["origin_"] = [f"{where}, row {i + 2}" for i in range(len(raw))]
    return raw


def _typed(table: Table, raw: pd.DataFrame, problems: list[Problem]) -> pd.DataFrame:
    out = raw.copy()
    for col in table.columns:
        if col.name not in out.columns:
            out[col.name] = col.default
            continue
        values = []
        for origin, cell in zip(out["origin_"], out[col.name], strict=True):
            value, err = convert(col, cell)
            if err:
                problems.append(Problem(origin, col.name, err))
            values.append(value)
        out[col.name] = pd.Series(values, index=out.index, dtype=object)
    return out


def _apply_overrides(name: str, df: pd.DataFrame, case: Case, problems: list[Problem]) -> pd.DataFrame:
    table = TABLES[name]
    where = _display(case.path)
    rows = case.overrides.get(name, {})
    if not rows:
        return df
    df = df.copy()
    key_cols = table.key
    index = {tuple(r): i for i, r in zip(df.index, df[list(key_cols)].itertuples(index=False), strict=True)}
    new_rows = []
    for key, cols in rows.items():
        key_t = key if isinstance(key, tuple) else (key,)
        label = f"[{name}.{'.'.join(key_t)}]"
        typed = {}
        for col_name, value in cols.items():
            col = table.column(col_name)
            if col is None:  # free columns such as note
                typed[col_name] = str(value)
                continue
            v, err = convert(col, value)
            if err:
                problems.append(Problem(f"{where}, {label}", col_name, err, field="key"))
            typed[col_name] = v
        if key_t in index:
            for col_name, v in typed.items():
                df.at[index[key_t], col_name] = v
            df.at[index[key_t], "origin_"] = f"{where}, {label}"
            continue
        row = dict(zip(key_cols, key_t, strict=True))
        lacking = [c.name for c in table.columns if c.required and c.name not in row and c.name not in typed]
        for col in table.columns:
            if col.name not in row:
                row[col.name] = typed.get(col.name, col.default)
        if lacking:
            what = "a new target" if name == "targets" else f"a new {name} row"
            problems.append(Problem(f"{where}, {label}", ", ".join(lacking), field="key", message=(
                f"missing; {label} is not in the data, so it adds {what} and needs every required column: "
                + ", ".join(c.name for c in table.columns if c.required))))
        for k, v in typed.items():
            row.setdefault(k, v)
        for key_col, key_value in zip(key_cols, key_t, strict=True):
            kc = table.column(key_col)
            _, err = convert(kc, key_value)
            if err:
                problems.append(Problem(f"{where}, {label}", key_col, err, field="key"))
        row["origin_"] = f"{where}, {label}"
        new_rows.append(row)
    if new_rows:
        df = pd.concat([df, pd.DataFrame(new_rows)], ignore_index=True)
    return df


# ---------------------------------------------------------------------------------------------- checks


def _check_keys(table: Table, df: pd.DataFrame, problems: list[Problem]) -> None:
    seen: dict[tuple, str] = {}
    for origin, key in zip(df["origin_"], df[list(table.key)].itertuples(index=False), strict=True):
        key = tuple("" if v is None else v for v in key)
        if key in seen:
            label = ", ".join(f"{c}={v}" for c, v in zip(table.key, key, strict=True) if v != "")
            problems.append(Problem(origin, table.key[0], f"duplicate {label}; already on {seen[key]}"))
        else:
            seen[key] = origin


def _check_references(tables: dict[str, pd.DataFrame], data_dir: Path, problems: list[Problem]) -> None:
    for name, df in tables.items():
        for col in TABLES[name].columns:
            if not col.references or col.name not in df.columns:
                continue
            ref_table, ref_col = col.references.split(".")
            if ref_table not in tables:
                continue
            known = set(tables[ref_table][ref_col].dropna())
            for origin, value in zip(df["origin_"], df[col.name], strict=True):
                if value in (None, "") or value in known:
                    continue
                problems.append(Problem(origin, col.name, f"unknown {ref_col} {value!r}; expected one defined in "
                                        + _display(data_dir / TABLES[ref_table].file)))


def _check_semantics(data: dict[str, pd.DataFrame], case: Case, problems: list[Problem]) -> None:
    regions = set(data["regions"]["region_id"])
    indicators = data["indicators"].set_index("indicator_id")
    exogenous = {i for i, x in indicators["exogenous"].items() if x}
    years = set(case.years)
    data_file = lambda t: _display(case.data_dir / TABLES[t].file)  # noqa: E731

    # baseline: every indicator in every region covers the base year and the last model year
    bl = data["baseline"]
    for (r, i), grp in bl.groupby(["region_id", "indicator_id"]):
        ys = set(grp["year"])
        lacking = [y for y in (case.base_year, case.last_year) if not any(x <= y for x in ys)
                   or not any(x >= y for x in ys)]
        if lacking:
            problems.append(Problem(grp["origin_"].iloc[0], "year",
                                    f"baseline of {i} in {r} does not reach {', '.join(map(str, lacking))}; expected "
                                    f"values from {case.base_year} (base year) to {case.last_year} (last model year)"))
    have = set(zip(bl["region_id"], bl["indicator_id"], strict=True))
    for r in sorted(regions):
        for i in indicators.index:
            if (r, i) not in have:
                problems.append(Problem(data_file("baseline"), "indicator_id",
                                        f"no baseline rows for {i} in region {r}; expected rows for years "
                                        f"{case.base_year} to {case.last_year}"))

    # the grid balance: its parameters and the baseline's balance identity
    from .model.electricity import check as check_grid  # a lazy import: planner.model imports this module

    for origin, column, message in check_grid(data["electricity"], bl, list(indicators.index), sorted(regions),
                                              data_file("electricity")):
        problems.append(Problem(origin, column, message))

    # bounded_by: same unit, not itself
    for row in data["indicators"].itertuples():
        b = row.bounded_by
        if not b:
            continue
        if b == row.indicator_id:
            problems.append(Problem(row.origin_, "bounded_by", f"an indicator cannot be bounded by itself ({b})"))
        elif b in indicators.index and indicators.at[b, "unit"] != row.unit:
            problems.append(Problem(row.origin_, "bounded_by", f"expected an indicator in the same unit "
                                    f"({row.unit}), got {b} in {indicators.at[b, 'unit']}"))

    # effects: exogenous indicators are never moved
    for origin, m, i in zip(data["effects"]["origin_"], data["effects"]["measure_id"],
                            data["effects"]["indicator_id"], strict=True):
        if i in exogenous:
            problems.append(Problem(origin, "indicator_id",
                                    f"{i} is exogenous (indicators.csv) and cannot be moved by measure {m}"))

    # potentials: min <= max, max_build can reach min
    for row in data["potentials"].itertuples():
        if row.min_stock is not None and row.max_stock is not None and row.min_stock > row.max_stock:
            problems.append(Problem(row.origin_, "min_stock",
                                    f"expected min_stock <= max_stock ({row.max_stock:g}), got {row.min_stock:g}"))

    # targets
    for t in data["targets"].itertuples():
        where = t.origin_
        if t.scope != CITY and t.scope not in regions:
            problems.append(Problem(where, "scope", f"expected city or a region id ({', '.join(sorted(regions))}), "
                                    f"got {t.scope!r}"))
        if t.year is not None and t.year not in years:
            problems.append(Problem(where, "year", f"expected a model year {case.first_year}-{case.last_year}, "
                                    f"got {t.year}"))
        until = getattr(t, "until", None)
        if until is not None and t.year is not None and until < t.year:
            problems.append(Problem(where, "until", f"expected a year from the target year {t.year} on (blank: "
                                    f"the last model year {case.last_year}), got {until}"))
        if t.kind == "peak":
            if t.year is not None and t.year >= case.last_year:
                problems.append(Problem(where, "year", f"a peak year must be before the last model year "
                                        f"{case.last_year}, got {t.year}"))
        elif t.value is None:
            problems.append(Problem(where, "value", f"expected a number for a {t.kind} target, got an empty cell"))
        if t.kind in ("share_min", "share_max", "intensity_reduction") and not t.denominator_id:
            what = "the exogenous driver" if t.kind == "intensity_reduction" else "the denominator indicator"
            problems.append(Problem(where, "denominator_id", f"a {t.kind} target needs {what}, got an empty cell"))
        if t.kind == "intensity_reduction" and t.denominator_id and t.denominator_id not in exogenous \
                and t.denominator_id in indicators.index:
            problems.append(Problem(where, "denominator_id", f"the driver of an intensity target must be exogenous "
                                    f"(indicators.csv), got {t.denominator_id}"))
        if t.kind in ("share_min", "share_max") and t.value is not None and t.value < 0:
            problems.append(Problem(where, "value", f"expected a share >= 0 (0.25 for 25%), got {t.value:g}"))
        if t.kind in ("reduction", "intensity_reduction"):
            if t.value is not None and not t.value < 1:
                problems.append(Problem(where, "value", f"expected a reduction fraction below 1 (0.1 for 10%), "
                                        f"got {t.value:g}"))
            if t.base_year is None:
                problems.append(Problem(where, "base_year", f"a {t.kind} target needs a base year, got an empty cell"))
            elif not (case.base_year <= t.base_year <= case.last_year) or (t.year and t.base_year >= t.year):
                problems.append(Problem(where, "base_year", f"expected a year from {case.base_year} to before the "
                                        f"target year {t.year}, got {t.base_year}"))


def variants(baseline: pd.DataFrame) -> list[str]:
    """The named baseline variants of a baseline table, in data order."""
    return list(dict.fromkeys(v for v in baseline["variant"] if v))


def select_variant(bl: pd.DataFrame, case: Case, problems: list[Problem]) -> pd.DataFrame:
    """The baseline rows of the case's variant: blank-variant rows, overridden by the variant's own rows for the same
    region, indicator and year. No setting means ``reference`` where the data has it, else the blank rows alone."""
    named = variants(bl)
    chosen = case.baseline or ("reference" if "reference" in named else "")
    if chosen and chosen not in named:
        problems.append(Problem(_display(case.path), "baseline", f"unknown baseline variant {chosen!r}; expected one "
                                f"of {', '.join(named) or '(none: data/baseline.csv has no variant rows)'}",
                                field="key"))
        return bl
    own = bl[bl["variant"] == chosen] if chosen else bl.iloc[0:0]
    taken = set(zip(own["region_id"], own["indicator_id"], own["year"], strict=True))
    free = [k not in taken for k in zip(bl["region_id"], bl["indicator_id"], bl["year"], strict=True)]
    shared = bl[(bl["variant"] == "").to_numpy() & np.array(free, dtype=bool)]
    return pd.concat([shared, own]).sort_values(["region_id", "indicator_id", "year"], kind="stable")


def _hash(case: Case) -> str:
    h = hashlib.sha256()
    for path in [*sorted(case.data_dir.glob("*.csv")), *case.chain]:
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def load(case: Case | str | Path) -> Data:
    """Read, override and validate a case's data. Raise `InputError` with every problem found."""
    if not isinstance(case, Case):
        case = load_case(case)
    problems: list[Problem] = []
    tables: dict[str, pd.DataFrame] = {}
    for name, table in TABLES.items():
        raw = _read_table(table, case.data_dir, problems)
        if raw is None:
            if table.optional:
                tables[name] = pd.DataFrame(columns=[c.name for c in table.columns] + ["origin_"])
            continue
        df = _typed(table, raw, problems)
        if name in case.overrides:
            df = _apply_overrides(name, df, case, problems)
        tables[name] = df
    if problems or len(tables) < len([t for t in TABLES.values() if not t.optional]):
        raise InputError(problems)
    for name, df in tables.items():
        _check_keys(TABLES[name], df, problems)
    tables["baseline"] = select_variant(tables["baseline"], case, problems)
    _check_references(tables, case.data_dir, problems)
    if not problems:
        _check_semantics(tables, case, problems)
    if problems:
        raise InputError(problems)
    return Data(case=case, tables=tables, data_hash=_hash(case))
