"""``planner template CASE --out inputs.xlsx``: the case's data as one data-entry workbook, generated from the schema.

One sheet per table (named as the table); row 1 the column names (what the reader matches), row 2 the Chinese name,
the unit and whether the column is required, row 3 the column's description; data from row 4, header rows frozen.
Ids that must exist in another table get a drop-down list of that table's ids, fixed choices a drop-down of the
choices, numbers a validation of their bounds (and of the magnitude the solver can take). A case may then say
``data = "inputs.xlsx"``; `planner.inputs` reads it with the same checks, naming sheet, row and column.

The workbook holds the data folder as it is, without the case's overrides (a case naming the workbook applies its
own). Every text cell is text (`planner.base.safe.text_only`).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ..base.safe import atomic, text_only
from .case import Case, load_case
from .load import load
from .schema import MAX_ABS, TABLES, Column, column_label
from .tables import HEADER_ROWS

SPARE_ROWS = 500  # rows below the data that carry the drop-downs and validations, for new entries
ABOUT = [
    ("How to use / 使用说明", ""),
    ("Row 1", "Column name (keep as is) / 列名(请勿修改)"),
    ("Row 2", "Chinese name, unit, required or optional / 中文名、单位、必填或选填"),
    ("Row 3", "What the column means / 列说明"),
    ("Row 4 on", "Data; blank rows are skipped / 数据(空行忽略)"),
    ("Use it", 'In a case file: data = "inputs.xlsx"; then planner validate / planner run'),
    ("Sheets", "One per table; a sheet whose name starts with _ is not read / 每表一页,以 _ 开头的页不读取"),
]


def _cell(col: Column, v):
    if v is None or (isinstance(v, float) and v != v):
        return None
    if col.type == "bool":
        return "true" if v else "false"
    return v


def _validation(col: Column, rows: str, key_letter: dict[str, str]) -> DataValidation | None:
    if col.references:
        table, ref_col = col.references.split(".")
        letter = key_letter[f"{table}.{ref_col}"]
        dv = DataValidation(type="list", formula1=f"={table}!${letter}${HEADER_ROWS + 1}:${letter}$5000",
                            allow_blank=not col.required)
    elif col.type == "choice":
        dv = DataValidation(type="list", formula1='"' + ",".join(col.choices) + '"', allow_blank=not col.required)
    elif col.type == "bool":
        dv = DataValidation(type="list", formula1='"true,false"', allow_blank=True)
    elif col.type in ("number", "int"):
        low = col.min if col.min is not None else -MAX_ABS
        dv = DataValidation(type="whole" if col.type == "int" else "decimal", operator="between",
                            formula1=str(low), formula2=str(MAX_ABS), allow_blank=not col.required)
        if col.min_exclusive:
            dv.operator, dv.formula2 = "greaterThan", None
    else:
        return None
    dv.error = f"{col.name}: {col.description or col.type}"
    dv.errorTitle = "planner"
    dv.showErrorMessage = True
    dv.add(rows)
    return dv


def write_template(case: Case | str | Path, out: str | Path) -> Path:
    """Write the case's data (without its overrides) as a data-entry workbook; return its path."""
    if not isinstance(case, Case):
        case = load_case(case)
    data = load(dataclasses.replace(case, overrides={}, regions=""))  # the data folder as it is
    book = Workbook()
    about = book.active
    about.title = "_about"
    for row in ABOUT:
        about.append(row)
    about.column_dimensions["A"].width, about.column_dimensions["B"].width = 14, 90
    key_letter = {f"{n}.{c.name}": get_column_letter(j) for n, t in TABLES.items()
                  for j, c in enumerate(t.columns, start=1)}
    head_font, head_fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    for name, table in TABLES.items():
        ws = book.create_sheet(name)
        df = data.tables[name]
        ws.append([c.name for c in table.columns])
        ws.append([column_label(c) for c in table.columns])
        ws.append([c.description for c in table.columns])
        for rec in df[[c.name for c in table.columns]].itertuples(index=False):
            ws.append([_cell(c, v) for c, v in zip(table.columns, rec, strict=True)])
        last = HEADER_ROWS + len(df) + SPARE_ROWS
        for j, col in enumerate(table.columns, start=1):
            letter = get_column_letter(j)
            for i in range(1, HEADER_ROWS + 1):
                cell = ws.cell(row=i, column=j)
                cell.font, cell.fill = head_font, head_fill
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            dv = _validation(col, f"{letter}{HEADER_ROWS + 1}:{letter}{last}", key_letter)
            if dv is not None:
                ws.add_data_validation(dv)
            ws.column_dimensions[letter].width = 14 if col.type in ("number", "int", "bool") else 24
        ws.freeze_panes = f"A{HEADER_ROWS + 1}"
    text_only(book)
    with atomic(out) as tmp:
        book.save(tmp)
    return Path(out)
