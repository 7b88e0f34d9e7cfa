"""Raw tables from a data folder of CSV files or from one data-entry workbook (`planner template`).

Both give a `RawTable`: the header as written and every non-blank row as text cells, each row with its origin
(``data/targets.csv, row 5`` or ``inputs.xlsx, sheet targets, row 7``: the row number a spreadsheet shows, blank
rows counted). `raw_tables` reads them all and refuses files and sheets that are not tables of the schema; `frame`
checks a header (unknown, misspelt, duplicated, missing columns) and gives the rows as text. Validation
(`planner.inputs`) is the same for both sources.

Workbook layout (written by `planner.inputs.template`): one sheet per table, named as the table; row 1 the column names
(ids such as ``max_build``), row 2 the Chinese name and unit, row 3 the column's description; data from row 4.
"""

from __future__ import annotations

import csv
import difflib
import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..base.errors import Problem
from .case import Case, _display
from .cells import did_you_mean
from .schema import TABLES, Table

HEADER_ROWS = 3  # in a data-entry workbook: names, Chinese name and unit, description


@dataclass
class RawTable:
    where: str  # the file (and sheet), for problems with the whole table or a column
    header: list[str]
    rows: list[tuple[str, list[str]]]  # (origin, cells as text)


def read_csv(path: Path, where: str, problems: list[Problem]) -> RawTable | None:
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            records = list(csv.reader(f, skipinitialspace=True))
    except UnicodeDecodeError:
        problems.append(Problem(where, "", "not UTF-8 text; save the file as CSV UTF-8"))
        return None
    except (OSError, csv.Error) as e:
        problems.append(Problem(where, "", f"not a readable CSV file: {e}"))
        return None
    if not records or not any(c.strip() for c in records[0]):
        problems.append(Problem(where, "", "not a readable CSV file: no header row (row 1 names the columns)"))
        return None
    rows = [(f"{where}, row {n}", cells) for n, cells in enumerate(records[1:], start=2)]
    return RawTable(where, records[0], rows)


def _text(v) -> str:
    """A workbook cell as the text a CSV would hold (numbers without a spurious .0, booleans as true/false)."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        if math.isfinite(v) and v == int(v) and abs(v) < 1e15:
            return str(int(v))
        return repr(v)
    return str(v)


def workbook_sheets(path: Path, where: str, problems: list[Problem]):
    """The openpyxl workbook (values only), or None with a problem."""
    import openpyxl

    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as e:  # noqa: BLE001  any unreadable file: one line naming it
        problems.append(Problem(where, "", f"not a readable .xlsx workbook ({type(e).__name__}: {e}); "
                                           "save it from Excel as .xlsx"))
        return None


def read_sheet(book, sheet: str, where: str) -> RawTable:
    ws = book[sheet]
    sw = f"{where}, sheet {sheet}"
    records = [list(r) for r in ws.iter_rows(values_only=True)]
    header = [_text(v).split("\n")[0] for v in (records[0] if records else [])]
    rows = [(f"{sw}, row {n}", [_text(v) for v in cells])
            for n, cells in enumerate(records[HEADER_ROWS:], start=HEADER_ROWS + 1)]
    return RawTable(sw, header, rows)


def raw_tables(case: Case, problems: list[Problem]) -> dict[str, RawTable]:
    """The raw tables of the case's data: a folder of CSV files or one .xlsx workbook; every file, sheet and
    column that is not in the schema is a problem (never silently ignored)."""
    source = case.data_dir
    out: dict[str, RawTable] = {}
    if source.suffix.lower() == ".xlsx":
        where = _display(source)
        book = workbook_sheets(source, where, problems)
        if book is None:
            return out
        for sheet in book.sheetnames:
            if sheet in TABLES:
                out[sheet] = read_sheet(book, sheet, where)
            elif not sheet.startswith("_"):
                problems.append(Problem(f"{where}, sheet {sheet}", "", "not a table of the schema; expected "
                                        + ", ".join(TABLES) + did_you_mean(sheet, TABLES)))
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
                                    + ", ".join(sorted(known)) + did_you_mean(path.name, sorted(known))))
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
            raw = read_csv(path, where, problems)
            if raw is not None:
                out[name] = raw
    return out


def frame(table: Table, raw: RawTable, problems: list[Problem]) -> pd.DataFrame | None:
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
            problems.append(Problem(raw.where, h, f"unknown column{did_you_mean(h, names) or ''}; expected "
                                    "columns " + ", ".join(names)))
    for name in missing:
        problems.append(Problem(raw.where, name, "missing column; expected columns "
                                + ", ".join(c.name for c in table.columns if c.required)))
    if missing:
        return None
    index = {h: header.index(h) for h in names if h in header}
    kept, origins = [], []
    width = len(header)
    for origin, cells in raw.rows:
        if not any(c.strip() for c in cells):
            continue  # a blank row: skipped, and still counted in the row numbers
        if len(cells) > width and any(c.strip() for c in cells[width:]):
            problems.append(Problem(origin, "", f"has {len(cells)} cells but the header names {len(header)} "
                                    "columns; expected one value per column (a stray comma?)"))
        kept.append(cells)
        origins.append(origin)
    # text cells kept as Python objects (no string dtype to build and iterate: `cells.typed` converts every column)
    df = pd.DataFrame({h: pd.Series([c[j] if j < len(c) else "" for c in kept], dtype=object)
                       for h, j in index.items()}, columns=list(index))
    df["origin_"] = origins
    return df
