"""XlsxWriter's workbook and worksheet, saved faster: the same parts of the file, byte for byte (issue 8).

A workbook of the planner holds some 70,000 cells, nearly all numbers, shared strings and blanks. When the workbook is
closed XlsxWriter writes each cell's XML element through a general routine (attribute escaping, a cell reference
computed per cell, a method call per element) and scans every column of every row for cells; `FastSheet` writes these
three kinds of cell directly as the same elements, leaves every other cell (formulas, booleans, rich strings, ...)
to XlsxWriter, and visits only the cells each row holds (a sheet with comments, or in constant-memory mode, is left to
XlsxWriter). It also takes a whole column of numbers or texts at once (`write_numbers`, `write_strings`). It plugs in
where XlsxWriter is meant to be extended, a `Workbook` subclass naming its worksheet class; tests/test_fast_paths.py
writes every kind of cell both ways and compares the XML, so a change of XlsxWriter's output is caught there.

`Workbook` also keeps the parts of the file in memory until they are zipped (XlsxWriter's ``in_memory`` option) rather
than in temporary files; the zip entries then carry XlsxWriter's other fixed date (1980-01-01, not 1980-01-31).
"""

from __future__ import annotations

from math import isfinite

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import CellBlankTuple, CellNumberTuple, CellStringTuple, Worksheet

TESTED = "3.3."  # the XlsxWriter release line tests/test_fast_paths.py compares with, byte for byte (planner.export
# uses this module only with it: another release gets XlsxWriter's own worksheets)
_COLUMNS: dict[int, str] = {}  # column index -> letters


class FastSheet(Worksheet):
    """A worksheet that writes its number, shared-string and blank cells' XML directly when the workbook is saved,
    and takes a column of numbers or texts at once (`write_numbers`, `write_strings`)."""

    def _stored(self, first: int, last: int, col: int) -> bool:
        """Widen the used range to rows first..last of ``col`` as XlsxWriter does for each cell written there; False
        (nothing done) where a cell would fall outside the sheet or the sheet streams its rows."""
        if self.constant_memory or first < 0 or col < 0 or last >= self.xls_rowmax or col >= self.xls_colmax:
            return False
        self._check_dimensions(first, col)
        self._check_dimensions(last, col)
        return True

    def write_numbers(self, row: int, col: int, values: list[float], cell_format=None) -> None:
        """``write_number`` of each finite value down ``col`` from ``row``, ``write_blank`` (with the format) where a
        value is not finite."""
        if cell_format is not None:  # every cell stored: a number or a blank with the format
            rows = [row, row + len(values) - 1] if values else []
        else:
            rows = [i for i, x in enumerate(values, start=row) if isfinite(x)]
        if not rows:
            return
        if not self._stored(rows[0], rows[-1], col):
            for i, x in enumerate(values, start=row):
                self.write_number(i, col, x, cell_format) if isfinite(x) else self.write_blank(i, col, None,
                                                                                              cell_format)
            return
        table = self.table
        for i, x in enumerate(values, start=row):
            if isfinite(x):
                table[i][col] = CellNumberTuple(x, cell_format)
            elif cell_format is not None:
                table[i][col] = CellBlankTuple(cell_format)

    def write_strings(self, row: int, col: int, values: list[str | None]) -> None:
        """``write_string`` (no format) of each text down ``col`` from ``row``; None leaves its cell empty."""
        rows = [i for i, x in enumerate(values, start=row) if x is not None]
        if not rows:
            return
        if not self._stored(rows[0], rows[-1], col):
            for i, x in enumerate(values, start=row):
                if x is not None:
                    self.write_string(i, col, x)
            return
        table, index, half = self.table, self.str_table._get_shared_string_index, self.xls_strmax // 2
        for i, x in enumerate(values, start=row):
            if x is None:
                continue
            if len(x) > half:  # may need cutting to Excel's limit: as XlsxWriter does it
                self._write_string(i, col, x)
            else:
                table[i][col] = CellStringTuple(index(x), None)

    def _calculate_spans(self) -> None:
        """The ``spans`` of each block of 16 rows (the first and last column with a cell), as XlsxWriter's, from the
        cells each row holds rather than a scan of every column."""
        if self.comments:
            super()._calculate_spans()
            return
        blocks: dict[int, list[int]] = {}
        for row, cells in self.table.items():
            if cells:
                lo, hi = min(cells), max(cells)
                span = blocks.get(row // 16)
                if span is None:
                    blocks[row // 16] = [lo, hi]
                else:
                    span[0], span[1] = min(span[0], lo), max(span[1], hi)
        self.row_spans = {k: f"{lo + 1}:{hi + 1}" for k, (lo, hi) in sorted(blocks.items())}

    def _write_rows(self) -> None:
        """The rows of cells, as XlsxWriter's, visiting the cells each row holds rather than every column."""
        if self.comments or self.constant_memory:
            super()._write_rows()
            return
        self._calculate_spans()
        table, info, spans = self.table, self.row_info, self.row_spans
        for row in range(self.dim_rowmin, self.dim_rowmax + 1):
            cells = table.get(row)
            if cells:
                self._write_row(row, spans.get(row // 16), info.get(row))
                for col in sorted(cells):
                    self._write_cell(row, col, cells[col])
                self._xml_end_tag("row")
            elif row in info:  # a row with attributes only
                self._write_empty_row(row, spans.get(row // 16), info[row])

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
