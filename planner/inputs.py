"""Read and validate the data folder of a case, and apply the case's overrides.

Everything is checked before a model is built, and every problem is reported at once, each naming the file, row
(the spreadsheet row: the header is row 1) and column, and what was expected. Nothing here touches Pyomo.
"""

from __future__ import annotations

import difflib
import hashlib
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import sources_io
from .case import Case, _display, load_case
from .errors import InputError, Problem
from .schema import MAX_ABS, MIN_ABS, TABLES, TEXT_MAX, WARN_ABS, WARN_TINY, Column, Table
from .sources_io import RawTable

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")
TRUE = {"true", "1", "yes", "y", "t"}
FALSE = {"false", "0", "no", "n", "f"}
CITY = "city"
SEMANTIC = ("regions", "indicators", "baseline", "effects", "potentials", "targets")  # read by _check_semantics


@dataclass
class Data:
    """A validated case: the case settings and one typed DataFrame per input table."""

    case: Case
    tables: dict[str, pd.DataFrame]
    data_hash: str
    warnings: list[Problem] = field(default_factory=list)  # numbers likely in the wrong unit (not errors)

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
        return None, f"expected one of {', '.join(col.choices)}, got {text!r}{_did_you_mean(text, col.choices)}"
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
        if abs(value) >= MAX_ABS:
            return None, (f"expected a magnitude below {MAX_ABS:.0e} (HiGHS takes 1e20 as infinity and larger "
                          f"numbers make the model badly scaled; is the unit right?), got {text!r}")
        if value != 0 and abs(value) <= MIN_ABS:
            return None, (f"expected 0 or a magnitude above {MIN_ABS:.0e} (HiGHS drops coefficients this small, so "
                          f"it would count as 0; is the unit right?), got {text!r}")
        if col.type == "int":
            if value != int(value):
                return None, f"expected {_expected(col)}, got {text!r}"
            value = int(value)
        if col.min is not None and (value < col.min or (col.min_exclusive and value == col.min)):
            return None, f"expected {_expected(col)}, got {text!r}"
        return value, None
    raise ValueError(col.type)


def magnitude_warning(col: Column, value) -> str | None:
    """A number likely in the wrong unit: beyond 1e13 or a non-zero magnitude below 1e-9."""
    if col.type != "number" or not isinstance(value, int | float) or isinstance(value, bool) or value == 0:
        return None
    if abs(value) > WARN_ABS:
        return f"{value:g} is beyond {WARN_ABS:.0e}; check the unit (the LP may be badly scaled)"
    if abs(value) < WARN_TINY:
        return f"{value:g} is below {WARN_TINY:.0e} in magnitude; check the unit (the LP may be badly scaled)"
    return None


def _expected(col: Column) -> str:
    base = {"id": "an ASCII snake_case id", "text": "a value", "number": "a number", "int": "a whole number",
            "bool": "true or false", "choice": "one of " + ", ".join(col.choices)}[col.type]
    if col.min is not None:
        base += f" {'>' if col.min_exclusive else '>='} {col.min:g}"
    return base


def _did_you_mean(word: str, options) -> str:
    close = difflib.get_close_matches(str(word), [str(o) for o in options], n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


# ---------------------------------------------------------------------------------------------- reading


def _raw_tables(case: Case, problems: list[Problem]) -> dict[str, RawTable]:
    """The raw tables of the case's data: a folder of CSV files or one .xlsx workbook; every file, sheet and
    column that is not in the schema is a problem (never silently ignored)."""
    source = case.data_dir
    out: dict[str, RawTable] = {}
    if source.suffix.lower() == ".xlsx":
        where = _display(source)
        book = sources_io.workbook_sheets(source, where, problems)
        if book is None:
            return out
        for sheet in book.sheetnames:
            if sheet in TABLES:
                out[sheet] = sources_io.read_sheet(book, sheet, where)
            elif not sheet.startswith("_"):
                problems.append(Problem(f"{where}, sheet {sheet}", "", "not a table of the schema; expected "
                                        + ", ".join(TABLES) + _did_you_mean(sheet, TABLES)))
        book.close()
        for name, table in TABLES.items():
            if name not in out and not table.optional:
                problems.append(Problem(where, "", f"sheet {name} not found; expected the {name} table "
                                        f"({table.description})"))
        return out
    known = {t.file for t in TABLES.values()}
    for path in sorted(source.glob("*.csv")):
        if path.name not in known:
            problems.append(Problem(_display(path), "", "not a table of the schema; expected one of "
                                    + ", ".join(sorted(known)) + _did_you_mean(path.name, sorted(known))))
    for name, table in TABLES.items():
        path = source / table.file
        where = _display(path)
        if path.is_dir():
            problems.append(Problem(where, "", f"is a folder; expected the {name} table as a CSV file"))
        elif path.is_symlink() and not path.exists():
            problems.append(Problem(where, "", f"is a broken link; expected the {name} table as a CSV file"))
        elif not path.is_file():
            if not table.optional:
                problems.append(Problem(where, "", f"file not found; expected the {name} table "
                                        f"({table.description})"))
        else:
            raw = sources_io.read_csv(path, where, problems)
            if raw is not None:
                out[name] = raw
    return out


def _frame(table: Table, raw: RawTable, problems: list[Problem]) -> pd.DataFrame | None:
    """The raw cells as a DataFrame of text with an ``origin_`` column; None when a required column is missing."""
    names = [c.name for c in table.columns]
    header = [h.strip() for h in raw.header]
    used = [j for j, h in enumerate(header) if h or any(j < len(c) and c[j].strip() for _, c in raw.rows)]
    unknown = [header[j] for j in used if header[j] not in names]
    missing = [c.name for c in table.columns if c.required and c.name not in header]
    for j in used:
        h = header[j]
        if not h:
            problems.append(Problem(raw.where, "", f"column {j + 1} holds values but has no name in row 1; expected "
                                    "one of " + ", ".join(names)))
        elif header.count(h) > 1 and header.index(h) == j:
            where = ", ".join(str(k + 1) for k, x in enumerate(header) if x == h)
            problems.append(Problem(raw.where, h, f"appears more than once (columns {where}); keep one"))
    for h in dict.fromkeys(u for u in unknown if u):
        close = difflib.get_close_matches(h, names, n=1, cutoff=0.6)
        if close and close[0] in missing:
            missing.remove(close[0])
            problems.append(Problem(raw.where, h, f"unknown column; did you mean {close[0]!r}? ({close[0]} is "
                                    "required and missing)"))
        else:
            problems.append(Problem(raw.where, h, f"unknown column{_did_you_mean(h, names) or ''}; expected "
                                    "columns " + ", ".join(names)))
    for name in missing:
        problems.append(Problem(raw.where, name, "missing column; expected columns "
                                + ", ".join(c.name for c in table.columns if c.required)))
    if missing:
        return None
    index = {h: header.index(h) for h in names if h in header}
    records, origins = [], []
    for origin, cells in raw.rows:
        if not any(c.strip() for c in cells):
            continue  # a blank row: skipped, and still counted in the row numbers
        extra = [c for j, c in enumerate(cells) if j >= len(header) and c.strip()]
        if extra:
            problems.append(Problem(origin, "", f"has {len(cells)} cells but the header names {len(header)} "
                                    "columns; expected one value per column (a stray comma?)"))
        records.append({h: (cells[j] if j < len(cells) else "") for h, j in index.items()})
        origins.append(origin)
    df = pd.DataFrame.from_records(records, columns=list(index))
    df["origin_"] = origins
    return df


def _typed(table: Table, raw: pd.DataFrame, problems: list[Problem], warnings: list[Problem]) -> pd.DataFrame:
    out = raw.copy()
    for col in table.columns:
        if col.name not in out.columns:
            out[col.name] = pd.Series([col.default] * len(out), index=out.index, dtype=object)
            continue
        values = []
        for origin, cell in zip(out["origin_"], out[col.name], strict=True):
            value, err = convert(col, cell)
            if err:
                problems.append(Problem(origin, col.name, err))
            elif (w := magnitude_warning(col, value)):
                warnings.append(Problem(origin, col.name, w))
            values.append(value)
        out[col.name] = pd.Series(values, index=out.index, dtype=object)
    return out


def _override_value(col: Column, value) -> tuple[object, str | None]:
    """A TOML value: numbers and booleans must be TOML numbers and booleans, not quoted text."""
    if col.type in ("number", "int") and isinstance(value, str):
        return None, f"expected a number, got the text {value!r}; write it without quotes"
    if col.type == "bool" and not isinstance(value, bool):
        return None, f"expected true or false (without quotes), got {value!r}"
    if col.type in ("number", "int") and isinstance(value, bool):
        return None, f"expected a number, got {value!r}"
    return convert(col, value)


def _apply_overrides(name: str, df: pd.DataFrame, case: Case, tables: dict, problems: list[Problem],
                     warnings: list[Problem]) -> pd.DataFrame:
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
            if col is None:  # refused when the case was read (case.py)
                continue
            v, err = _override_value(col, value)
            if err:
                problems.append(Problem(f"{where}, {label}", col_name, err, field="key"))
            elif (w := magnitude_warning(col, v)):
                warnings.append(Problem(f"{where}, {label}", col_name, w, field="key"))
            typed[col_name] = v
        if key_t in index:
            for col_name, v in typed.items():
                df.at[index[key_t], col_name] = v
            df.at[index[key_t], "origin_"] = f"{where}, {label}"
            continue
        # not in the data: a misspelt id, or a new row (targets; potentials of known regions and measures)
        unknown = []
        for key_col, key_value in zip(key_cols, key_t, strict=True):
            ref = table.column(key_col).references
            if ref and ref.split(".")[0] in tables:
                ref_table, ref_col = ref.split(".")
                known = [v for v in tables[ref_table][ref_col] if v]
                if key_value not in known:
                    unknown.append(f"{ref_col} {key_value!r} is not in {ref_table}{_did_you_mean(key_value, known)}")
        if name == "measures":
            known = [v for v in df["measure_id"] if v]
            problems.append(Problem(where, f"measures.{key_t[0]}", field="key", message=(
                f"unknown measure_id {key_t[0]!r}{_did_you_mean(key_t[0], known)}; a case changes measures of the "
                "data, it does not add them")))
            continue
        if unknown:
            problems.append(Problem(where, f"{name}.{'.'.join(key_t)}", field="key", message=(
                "; ".join(unknown) + f"; {label} must name existing ids")))
            continue
        row = dict(zip(key_cols, key_t, strict=True))
        lacking = [c.name for c in table.columns if c.required and c.name not in row and c.name not in typed]
        for col in table.columns:
            if col.name not in row:
                row[col.name] = typed.get(col.name, col.default)
        if lacking:
            what = "a new target" if name == "targets" else f"a new {name} row"
            existing = [str(k[0]) if len(k) == 1 else ".".join(k) for k in index]
            hint = _did_you_mean(".".join(key_t), existing).replace("; did you mean", " Did you mean")
            problems.append(Problem(f"{where}, {label}", ", ".join(lacking), field="key", message=(
                f"missing; {label} is not in the data, so it adds {what} and needs every required column: "
                + ", ".join(c.name for c in table.columns if c.required) + (f".{hint}" if hint else ""))))
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
        if any(v is None and table.column(c).required for c, v in zip(table.key, key, strict=True)):
            continue  # a bad key cell, reported already
        key = tuple("" if v is None else v for v in key)
        if key in seen:
            label = ", ".join(f"{c}={v}" for c, v in zip(table.key, key, strict=True) if v != "")
            problems.append(Problem(origin, table.key[0], f"duplicate {label}; already on {seen[key]}"))
        else:
            seen[key] = origin


def table_where(source: Path, name: str) -> str:
    """Where a table lives: ``data/targets.csv`` or ``inputs.xlsx, sheet targets``."""
    if source.suffix.lower() == ".xlsx":
        return f"{_display(source)}, sheet {name}"
    return _display(source / TABLES[name].file)


def _check_references(tables: dict[str, pd.DataFrame], data_dir: Path, problems: list[Problem],
                      notes: list[str]) -> None:
    unreadable = {t for t, df in tables.items() if df[TABLES[t].key[0]].isna().any()}
    for t in sorted(unreadable):
        notes.append(f"Not checked yet: references to {t} ({table_where(data_dir, t)} has ids that could not be "
                     "read, see above); run again after fixing them.")
    for name, df in tables.items():
        for col in TABLES[name].columns:
            if not col.references or col.name not in df.columns:
                continue
            ref_table, ref_col = col.references.split(".")
            if ref_table not in tables or ref_table in unreadable:
                continue
            known = set(tables[ref_table][ref_col].dropna())
            for origin, value in zip(df["origin_"], df[col.name], strict=True):
                if value in (None, "") or value in known:
                    continue
                problems.append(Problem(origin, col.name, f"unknown {ref_col} {value!r}; expected one defined in "
                                        + table_where(data_dir, ref_table) + _did_you_mean(value, sorted(known))))


def _check_semantics(data: dict[str, pd.DataFrame], case: Case, problems: list[Problem]) -> None:
    regions = {r for r in data["regions"]["region_id"] if r}
    indicators = data["indicators"].dropna(subset=["indicator_id"]).drop_duplicates("indicator_id") \
        .set_index("indicator_id")
    exogenous = {i for i, x in indicators["exogenous"].items() if x}
    years = set(case.years)
    data_file = lambda t: table_where(case.data_dir, t)  # noqa: E731

    # baseline: every indicator in every region covers the base year and the last model year
    bl = data["baseline"].dropna(subset=["region_id", "indicator_id", "year"])
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
        if t.enabled is False or t.kind is None:  # switched off (checked for types only), or a bad kind
            continue
        where = t.origin_
        if t.scope != CITY and t.scope not in regions:
            problems.append(Problem(where, "scope", f"expected city or a region id ({', '.join(sorted(regions))}), "
                                    f"got {t.scope!r}"))
        if t.year is not None and t.year not in years:
            problems.append(Problem(where, "year", f"expected a model year {case.first_year}-{case.last_year}, "
                                    f"got {t.year}"))
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


def input_files(case: Case) -> list[Path]:
    """Every file a run reads: the data tables (or the workbook) and the case files, parents first."""
    source = case.data_dir
    files = [source] if source.is_file() else [p for p in sorted(source.glob("*.csv")) if p.is_file()]
    return [*files, *case.chain]


def file_hashes(case: Case) -> dict[str, str]:
    """sha256 of every input file (the run record), by path as shown to the user."""
    return {_display(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in input_files(case)}


def _hash(case: Case) -> str:
    h = hashlib.sha256()
    for path in input_files(case):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def load(case: Case | str | Path) -> Data:
    """Read, override and validate a case's data. Raise `InputError` with every problem found.

    Every stage runs on whatever the earlier stages could read, so one run lists every problem; the checks across
    tables (references, baseline coverage, target years, ...) need every required table, and say so when one is
    missing. Numbers likely in the wrong unit are not errors: they are in ``Data.warnings``.
    """
    if not isinstance(case, Case):
        case = load_case(case)
    problems: list[Problem] = []
    warnings: list[Problem] = []
    tables: dict[str, pd.DataFrame] = {}
    raws = _raw_tables(case, problems)
    for name, table in TABLES.items():
        frame = _frame(table, raws[name], problems) if name in raws else None
        if frame is None:
            if table.optional and name not in raws:
                tables[name] = pd.DataFrame(columns=[c.name for c in table.columns] + ["origin_"])
            continue
        tables[name] = _typed(table, frame, problems, warnings)
    for name in case.overrides:
        if name in tables:
            tables[name] = _apply_overrides(name, tables[name], case, tables, problems, warnings)
    for name, df in tables.items():
        _check_keys(TABLES[name], df, problems)
    notes: list[str] = []
    _check_references(tables, case.data_dir, problems, notes)
    lacking = [t for t in TABLES if t not in tables]
    if lacking:
        notes.append(f"Not checked yet: the checks of meaning (baseline coverage, target years and kinds, "
                     f"potentials) and references into {', '.join(lacking)}: they need every table readable; run "
                     "again after fixing the problems above.")
    else:
        bad = {p.where for p in problems}
        skipped = sorted({n for n, df in tables.items() if n in SEMANTIC and df["origin_"].isin(bad).any()})
        if skipped:
            notes.append(f"The checks of meaning (baseline coverage, target years and kinds, potentials) skipped the "
                         f"rows of {', '.join(skipped)} with a problem above; fixing them may show more.")
        _check_semantics({n: df[~df["origin_"].isin(bad)] for n, df in tables.items()}, case, problems)
    if problems:
        raise InputError(problems, notes)
    return Data(case=case, tables=tables, data_hash=_hash(case), warnings=warnings)
