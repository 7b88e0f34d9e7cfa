"""Stage 1, read and check. In: a case file (``cases/*.toml``) and its data (a folder of CSV files or one data-entry
workbook). Out: `Data`, the validated tables with the case's overrides applied; or `InputError` listing every
problem at once, each naming file, row and column.

Modules: `case` (case files, ``extends``, dotted overrides), `schema` (every input table described once), `tables`
(raw tables from CSV or xlsx), `cells` (one cell to its typed value), `overrides` (a case's overrides on the tables),
`grid` (the electricity table read and checked), `plausible` (numbers far outside their range: another unit?),
`load` (validation and `load`), `gate` (the same checks for every value of a study's points), `template` (the Excel
entry workbook generated from the schema). Uses `planner.base` only.
"""

from .case import Case, load_case
from .load import CITY, Data, load

__all__ = ["CITY", "Case", "Data", "load", "load_case"]
