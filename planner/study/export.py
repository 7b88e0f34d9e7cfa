"""Files of a study: CSV, Parquet if asked, and a workbook with the table and a chart of cost against the first
parameter (one line per value of the second parameter, if any).

Every file is written to a temporary file and renamed when whole (`planner.base.safe.atomic`), like the result workbook.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from openpyxl.chart import Reference, ScatterChart, Series

from ..base.safe import atomic, csv_text, frame_text, text_only


def write_study(df: pd.DataFrame, out: Path, params: list[str], name: str = "sweep", parquet: bool = False
                ) -> list[Path]:
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    csv = out / f"{name}.csv"
    with atomic(csv) as tmp:
        csv_text(df).to_csv(tmp, index=False)  # a text starting with = + - @ is quoted: never a formula in Excel
    written.append(csv)
    if parquet:
        pq = out / f"{name}.parquet"
        with atomic(pq) as tmp:
            df.to_parquet(tmp, index=False)
        written.append(pq)
    written.append(_workbook(df, out / f"{name}.xlsx", params))
    return written


def _workbook(df: pd.DataFrame, path: Path, params: list[str]) -> Path:
    with atomic(path) as tmp, pd.ExcelWriter(tmp, engine="openpyxl") as xw:
        frame_text(df).to_excel(xw, sheet_name="Sweep", index=False)
        ws = xw.sheets["Sweep"]
        ws.freeze_panes = "A2"
        solved = df[pd.to_numeric(df["objective"], errors="coerce").notna()] if "objective" in df.columns else df
        if params and not solved.empty and all(pd.api.types.is_numeric_dtype(solved[p]) for p in params[:1]):
            _chart(solved, xw, params)
        text_only(xw.book)  # every text cell is text, never a formula
    return path


def _chart(df: pd.DataFrame, xw: pd.ExcelWriter, params: list[str]) -> None:
    """Sheet "Chart": total cost (亿元) against the first parameter, one series per value of the second."""
    x, by = params[0], (params[1] if len(params) > 1 else None)
    groups = list(df.groupby(by, sort=True)) if by else [(None, df)]
    groups = groups[:12]
    col = 1
    frames = []
    for value, g in groups:
        g = g.sort_values(x)
        cost = pd.to_numeric(g["objective"], errors="coerce").to_numpy(dtype=float) / 1e8
        frames.append((value, pd.DataFrame({x: g[x].to_numpy(), "cost_1e8_yuan": cost})))
    for _value, f in frames:
        f.to_excel(xw, sheet_name="Chart data", index=False, startcol=col - 1)
        col += 3
    ws_data = xw.sheets["Chart data"]
    chart = ScatterChart()
    chart.title = "Total discounted cost 总贴现成本"
    chart.x_axis.title = x
    chart.y_axis.title = "亿元 (1e8 yuan)"
    chart.style = 13
    chart.height, chart.width = 10, 18
    col = 1
    for value, f in frames:
        n = len(f)
        xs = Reference(ws_data, min_col=col, min_row=2, max_row=n + 1)
        ys = Reference(ws_data, min_col=col + 1, min_row=1, max_row=n + 1)
        s = Series(ys, xs, title_from_data=value is None)
        if value is not None:
            from openpyxl.chart.series import SeriesLabel

            s.tx = SeriesLabel(v=f"{by} = {value:g}" if isinstance(value, float) else f"{by} = {value}")
        s.marker.symbol = "circle"
        chart.series.append(s)
        col += 3
    ws = xw.book.create_sheet("Chart", 0)
    ws["A1"] = f"Total cost against {x}" + (f", one line per {by}" if by else "") + \
        "; infeasible points have no cost and are listed with their diagnosis on the Sweep sheet."
    ws.add_chart(chart, "A3")
