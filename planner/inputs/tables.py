"""Raw tables from a data folder of CSV files or from one data-entry workbook (`planner template`).

Both give a `RawTable`: the header as written and every non-blank row as text cells, each row with its origin
(``data/targets.csv, row 5`` or ``inputs.xlsx, sheet targets, row 7``: the row number a spreadsheet shows, blank
rows counted). `raw_tables` reads them all and refuses files and sheets that are not tables of the schema; `frame`
checks a header (unknown, misspelt, duplicated, missing columns) and gives the rows as text. Validation
(`planner.inputs`) is the same for both sources.

Workbook layout (written by `planner.inputs.template`): one sheet per table, named as the table; row 1 the column names
(ids such as ``max_build``), row 2 the Chinese name and unit, row 3 the column's description; data from row 4.
The reader reads what is there, not what the file claims: the header is the first row (of the first
`HEADER_SCAN`) that names the table's key columns, the template's description rows under it are recognised by their
text (deleted, the data starts right under the header), every row is read whatever the sheet's ``<dimension>`` tag
says, at most `MAX_COLUMNS` columns are read (a file claiming A1:XFD1048576 costs nothing), and a formula without a
saved value is refused, naming sheet, row and column (openpyxl reads the value Excel saved, never computes one).

A CSV file's quote that opens and is not closed would read the following rows into one cell: the reader refuses it,
naming the row where it opens.
"""

from __future__ import annotations

import csv
import difflib
import io
import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..base.errors import Problem
from .case import Case, _display
from .cells import did_you_mean
from .schema import TABLES, Table, column_label

HEADER_ROWS = 3  # in a data-entry workbook: names, Chinese name and unit, description
HEADER_SCAN = 20  # rows searched for a sheet's header
MAX_COLUMNS = 200  # columns of a sheet read (no table of the schema has more than 20)


@dataclass
class RawTable:
    where: str  # the file (and sheet), for problems with the whole table or a column
    header: list[str]
    rows: list[tuple[str, list[str]]]  # (origin, cells as text)


def read_csv(path: Path, where: str, problems: list[Problem]) -> RawTable | None:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        problems.append(Problem(where, "", "not UTF-8 text; save the file as CSV UTF-8"))
        return None
    except OSError as e:
        problems.append(Problem(where, "", f"not a readable CSV file: {e}"))
        return None
    reader = csv.reader(io.StringIO(text, newline=""), skipinitialspace=True)
    records, lines = [], []  # each record and the file's lines it spans (first, last)
    try:
        last = 0
        for rec in reader:
            records.append(rec)
            lines.append((last + 1, reader.line_num))
            last = reader.line_num
    except csv.Error as e:
        problems.append(Problem(where, "", f"not a readable CSV file: {e}"))
        return None
    if not records or not any(c.strip() for c in records[0]):
        problems.append(Problem(where, "", "not a readable CSV file: no header row (row 1 names the columns)"))
        return None
    if _open_quote(text, records, lines, where, problems):
        return None
    rows = [(f"{where}, row {n}", cells) for n, cells in enumerate(records[1:], start=2)]
    return RawTable(where, records[0], rows)


def _open_quote(text: str, records: list[list[str]], lines: list[tuple[int, int]], where: str,
                problems: list[Problem]) -> bool:
    """A quote that opens a cell and is never closed, or is closed only rows later: the rows in between would be read
    as one text cell. Found where a record's quotes do not pair up at the end of the file, or where a cell that spans
    lines holds a line as long as a row of the table (as many commas as the header)."""
    header = [h.strip() for h in records[0]]
    width = len(header)
    file_lines = text.splitlines()
    for n, (rec, (first, last)) in enumerate(zip(records, lines, strict=True), start=1):
        if first == last:
            continue
        span = "\n".join(file_lines[first - 1:last])
        for j, cell in enumerate(rec):
            inner = cell.split("\n")[1:]
            if not inner:
                continue
            unclosed = last == len(file_lines) and span.count('"') % 2 == 1
            row_like = any(line.count(",") >= max(2, width - 1) for line in inner)
            if unclosed or row_like:
                name = header[j] if j < width and header[j] else f"{j + 1}"
                problems.append(Problem(f"{where}, row {n}", name, (
                    f"a quote (\") opens this cell and is {'never closed' if unclosed else 'not closed on its line'}: "
                    f"lines {first + 1}-{last} of the file are read into this one cell; expected a closing quote on "
                    f"line {first} (a quote inside a text is written twice: \"\")")))
                return True
    return False


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


def workbook_sheets(path: Path, where: str, problems: list[Problem], data_only: bool = True):
    """The openpyxl workbook (read-only; values as saved, or with ``data_only=False`` formulas as written), or None
    with a problem."""
    import openpyxl

    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=data_only)
    except Exception as e:  # noqa: BLE001  any unreadable file: one line naming it
        problems.append(Problem(where, "", f"not a readable .xlsx workbook ({type(e).__name__}: {e}); "
                                           "save it from Excel as .xlsx"))
        return None


def _rows(ws, values_only: bool = True):
    """Every row of a sheet from row 1, as many as there are (the ``<dimension>`` tag is not trusted), each cut at
    `MAX_COLUMNS` columns."""
    ws.reset_dimensions()
    return ws.iter_rows(min_row=1, max_col=MAX_COLUMNS, values_only=values_only)


def _header_row(table: Table, records: list[tuple[int, list[str]]]) -> int | None:
    """The index in ``records`` of the header: the first row (of the first `HEADER_SCAN`) that names every key
    column of the table; else the one naming most columns (at least two)."""
    names = {c.name for c in table.columns}
    best, best_n = None, 1
    for k, (_, cells) in enumerate(records[:HEADER_SCAN]):
        got = {c.split("\n")[0].strip() for c in cells} & names
        if set(table.key) <= got:
            return k
        if len(got) > best_n:
            best, best_n = k, len(got)
    return best


def read_sheet(book, sheet: str, where: str, formulas=None, problems: list[Problem] | None = None
               ) -> RawTable | None:
    """A sheet as a raw table: the header found by its names, the template's description rows under it skipped,
    every data row read. ``formulas``: the same workbook opened with ``data_only=False``; a formula whose saved
    value is missing is a problem naming sheet, row and column."""
    table = TABLES[sheet]
    sw = f"{where}, sheet {sheet}"
    problems = problems if problems is not None else []
    records = []  # (row number, cells as text), blank rows left out
    for n, cells in enumerate(_rows(book[sheet]), start=1):
        if any(v is not None and str(v).strip() != "" for v in cells):
            records.append((n, [_text(v) for v in cells]))
    k = _header_row(table, records)
    if k is None:
        problems.append(Problem(sw, "", f"no header row: expected a row naming the columns ({', '.join(table.key)}, "
                                "...) within the first rows"))
        return None
    header_row, cells = records[k]
    header = [c.split("\n")[0] for c in cells]
    while len(header) > 1 and not header[-1].strip():
        header.pop()
    labels = {c.name: (column_label(c), c.description) for c in table.columns}
    body = records[k + 1:]
    while body and _describes(header, body[0][1], labels):  # the template's rows 2 and 3 (Chinese name, meaning)
        body = body[1:]
    if formulas is not None:
        _missing_values(formulas[sheet], {n for n, _ in body}, header, dict(body), sw, problems)
    return RawTable(sw, header, [(f"{sw}, row {n}", c) for n, c in body])


def _describes(header: list[str], cells: list[str], labels: dict) -> bool:
    """Whether a row under the header holds the template's texts for its columns (name and unit, or meaning; under a
    column whose name is not the table's, any column's)."""
    anywhere = {t.strip() for texts in labels.values() for t in texts}
    seen = False
    for h, c in zip(header, cells, strict=False):
        if not c.strip():
            continue
        texts = labels.get(h.strip())
        if c.strip() not in ({t.strip() for t in texts} if texts is not None else anywhere):
            return False
        seen = True
    return seen


def _missing_values(ws, rows: set, header: list[str], values: dict, where: str, problems: list[Problem]) -> None:
    """Formula cells of the data rows whose saved value is missing (a program that wrote the formula did not
    compute it): read as blank they would change the answer (a max_build read as no limit)."""
    for row in _rows(ws, values_only=False):
        for cell in row:
            if getattr(cell, "data_type", None) != "f" or cell.row not in rows:
                continue
            j = cell.column - 1
            saved = values[cell.row][j] if j < len(values[cell.row]) else ""
            if saved == "":
                name = header[j].strip() if j < len(header) and header[j].strip() else f"{j + 1}"
                problems.append(Problem(f"{where}, row {cell.row}", name, (
                    f"holds the formula {str(cell.value)[:100]} without a saved value (the program that wrote the "
                    "file did not calculate it); expected a value: open and save the workbook in Excel, or type the "
                    "value")))


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
        formulas = workbook_sheets(source, where, [], data_only=False)
        for sheet in book.sheetnames:
            if sheet in TABLES:
                raw = read_sheet(book, sheet, where, formulas, problems)
                if raw is not None:
                    out[sheet] = raw
            elif not sheet.startswith("_"):
                problems.append(Problem(f"{where}, sheet {sheet}", "", "not a table of the schema; expected "
                                        + ", ".join(TABLES) + did_you_mean(sheet, TABLES)))
        book.close()
        if formulas is not None:
            formulas.close()
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
