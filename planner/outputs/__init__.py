"""Stage 6, outputs. In: an `Analysis` (`planner.analysis`) of a solved case, or validated data for the catalog.
Out: files and text for the person reading them.

Modules: `workbook` (the Excel workbook), `report` and `charts` with `templates/` and `static/` (the self-contained
HTML report and its Vega-Lite charts), `iamc` (the IAMC long table), `compare` (cases side by side), `console` (the
summary `planner run` prints), `catalog` (the measure catalog of ``planner data-report``). Every file is written
through `planner.base.safe`. Reads result and analysis tables only; nothing here reaches back into the model.
"""
