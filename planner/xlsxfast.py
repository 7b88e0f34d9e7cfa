"""XlsxWriter's workbook and worksheet, saved faster: the same file, byte for byte in every sheet (issue 8).

A workbook of the planner holds some 70,000 cells, nearly all numbers, shared strings and blanks. When the workbook is
closed XlsxWriter writes each cell's XML element through a general routine (attribute escaping, a cell reference
computed per cell, a method call per element); `FastSheet` writes these three kinds of cell directly as the same
elements and leaves every other cell (formulas, booleans, rich strings, ...) and the constant-memory mode to
XlsxWriter. It plugs in where XlsxWriter is meant to be extended, a `Workbook` subclass naming its worksheet class;
tests/test_fast_paths.py writes every kind of cell both ways and compares the XML, so a change of XlsxWriter's output
is caught there.

`Workbook` also keeps the parts of the file in memory until they are zipped (XlsxWriter's ``in_memory`` option) rather
than in temporary files.
"""

from __future__ import annotations

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

_COLUMNS: dict[int, str] = {}  # column index -> letters


class FastSheet(Worksheet):
    """A worksheet that writes its number, shared-string and blank cells' XML directly when the workbook is saved."""

    def _write_cell(self, row: int, col: int, cell) -> None:
        kind = cell.__class__.__name__
        if self.constant_memory or kind not in ("Number", "String", "Blank"):
            super()._write_cell(row, col, cell)
            return
        letters = _COLUMNS.get(col)
        if letters is None:
            letters = _COLUMNS[col] = xl_col_to_name(col)
        fmt = cell.format
        if fmt:  # the cell's format, else its row's, else its column's (as Worksheet._write_cell)
            style = f' s="{fmt._get_xf_index()}"'
        elif row in self.row_info and self.row_info[row].row_format:
            style = f' s="{self.row_info[row].row_format._get_xf_index()}"'
        elif col in self.col_info and self.col_info[col].column_format is not None:
            style = f' s="{self.col_info[col].column_format._get_xf_index()}"'
        else:
            style = ""
        if kind == "Number":
            self.fh.write(f'<c r="{letters}{row + 1}"{style}><v>{cell.number:.16G}</v></c>')
        elif kind == "String":
            self.fh.write(f'<c r="{letters}{row + 1}"{style} t="s"><v>{cell.string}</v></c>')
        else:
            self.fh.write(f'<c r="{letters}{row + 1}"{style}/>')


class Workbook(xlsxwriter.Workbook):
    """An XlsxWriter workbook whose worksheets are `FastSheet` and whose parts are assembled in memory."""

    worksheet_class = FastSheet

    def __init__(self, filename=None, options: dict | None = None):
        super().__init__(filename, {**(options or {}), "in_memory": True})
