"""Raw tables from a data folder of CSV files or from one data-entry workbook (`planner template`).

Both give a `RawTable`: the header as written and every non-blank row as text cells, each row with its origin
(``data/targets.csv, row 5`` or ``inputs.xlsx, sheet targets, row 7``: the row number a spreadsheet shows, blank
rows counted). Validation (`planner.inputs`) is the same for both.

Workbook layout (written by `planner.template`): one sheet per table, named as the table; row 1 the column names
(ids such as ``max_build``), row 2 the Chinese name and unit, row 3 the column's description; data from row 4.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path

from .errors import Problem

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
