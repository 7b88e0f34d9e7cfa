"""The workbook a planner hands on, written with XlsxWriter from the result and analysis tables.

Sheets: Summary (front sheet that reads like the report's summary), Targets, Marginal costs, Costs, Measures,
Reduced costs, MAC, Co-control, Pathways, Indicators, Allocation, Inputs. Numbers are stored as numbers (money in
亿元 or 万元 with the unit in the header, shares as percentages); headers are bilingual with units, frozen, with a
filter; every sheet prints landscape on A4 with the header row repeated on every page: fit to the page width when that
keeps the text at `MIN_SCALE` or more, else at that scale across several pages, the first columns (the row's names)
repeated on each. Pathways, MAC (cost and saving per unit on logarithmic axes) and Costs (savings below zero) carry
native Excel charts.

Safety: every text cell is written with ``write_string`` in a workbook opened with ``strings_to_formulas``,
``strings_to_urls`` and ``strings_to_numbers`` off, so a name that starts with ``=``, ``+``, ``-`` or ``@`` stays text;
control characters are stripped and text longer than Excel's 32,767 characters is cut with a visible marker. The file
is written to a temporary file in the target folder and renamed into place: an interrupted run leaves no broken or
temporary file behind.
"""

from __future__ import annotations

import gc
import math
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd
import xlsxwriter

from ..analysis import PCT_KINDS, Analysis, analyse
from ..analysis.common import SECTOR_ZH
from ..base.safe import atomic, text_cell
from ..inputs.case import shown
from ..results.record import record_rows
from ..results.tables import REPORTED, Result
from .air import sheet_air

STATUS_ZH = {"binding": "约束起作用", "met": "达标", "violated": "未达标"}
POLLUTANT_ZH = {"co2": "二氧化碳", "co2_process": "工业过程二氧化碳", "co2_official": "二氧化碳(考核口径)",
                "ch4": "甲烷", "so2": "二氧化硫", "nox": "氮氧化物", "pm": "颗粒物",
                "vocs": "挥发性有机物", "nh3": "氨", "cod": "化学需氧量", "nh3n": "氨氮"}
# format kinds -> (Excel number format, scale divisor)
PAGE_WIDTH = 150  # characters of column width an A4 landscape page holds at 100% (Calibri 11, margins 0.4 in)
MIN_SCALE = 75  # no sheet prints smaller than this: 11 pt text at 8 pt or more (fit to width printed 3-5 pt)
FORMATS = {"int": "#,##0", "num": "#,##0.00", "num4": "#,##0.0000", "pct": "0.00%", "pct1": "0.0%",
           "yi": "#,##0.00", "wan": "#,##0.0", "year": "0", "mt": "#,##0.000", "general": "General"}


def clean_text(value) -> str:
    """Text as stored in a cell (planner.base.safe.text_cell): control characters escaped, cut visibly at Excel's
    limit."""
    return text_cell(str(value))


def _is_missing(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA or v is pd.NaT


def _width(value) -> int:
    text = f"{value:,.2f}" if isinstance(value, float) else str(value)
    text = text[:60]
    if text.isascii():  # no wide characters: one column each
        return len(text)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _number_width(values: np.ndarray) -> int | None:
    """The widest ``_width`` of the numbers (NaN left out), from the few that can be widest: ``f"{x:,.2f}"`` grows with
    x from 0 up and with -x from -0 down (infinities are short: "inf")."""
    x = values[~np.isnan(values)]
    if not x.size:
        return None
    finite = x[np.isfinite(x)]
    negative = np.signbit(finite)
    widest = [v for v in (np.inf, -np.inf) if (x == v).any()]
    if (~negative).any():
        widest.append(finite[~negative].max())
    if negative.any():
        widest.append(finite[negative].min())
    return max(_width(float(v)) for v in widest)


def _int_width(values: pd.Series) -> int | None:
    """The widest ``_width`` of whole numbers: of the largest or of the smallest."""
    return max(_width(int(values.max())), _width(int(values.min()))) if len(values) else None


def _numbers(ws, row: int, col: int, values: list[float], fmt) -> None:
    """Numbers down a column from ``row``: each finite one a number with the format, the others blank cells with it."""
    for i, x in enumerate(values, start=row):
        ws.write_number(i, col, x, fmt) if math.isfinite(x) else ws.write_blank(i, col, None, fmt)


def _mixed(ws, row: int, col: int, cells: list, text: bool, fmt, div: float) -> None:
    """Cells down a column from ``row``: a str as text (no format), None as nothing; in a column that is not text,
    anything else as a number with the format (divided by ``div``), blank where missing or not finite."""
    for i, v in enumerate(cells, start=row):
        if isinstance(v, str):
            ws.write_string(i, col, v)
        elif v is None and text:
            continue
        elif _is_missing(v):
            ws.write_blank(i, col, None, fmt)
        else:
            x = float(v) / div
            ws.write_number(i, col, x, fmt) if math.isfinite(x) else ws.write_blank(i, col, None, fmt)


class Book:
    """A thin layer over an XlsxWriter workbook: bilingual tables with formats, print set-up and safe text."""

    def __init__(self, path: str):
        self.wb = xlsxwriter.Workbook(path, {"strings_to_formulas": False, "strings_to_urls": False,
                                  "strings_to_numbers": False, "nan_inf_to_errors": True})
        self.head = self.wb.add_format({"bold": True, "bg_color": "#DDEBF7", "text_wrap": True, "valign": "top",
                                        "border": 1, "border_color": "#BBBBBB"})
        self.fmt = {k: self.wb.add_format({"num_format": f}) for k, f in FORMATS.items()}
        self.title = self.wb.add_format({"bold": True, "font_size": 14})
        self.wrap = self.wb.add_format({"text_wrap": True, "valign": "top"})
        self.bold = self.wb.add_format({"bold": True})

    def text(self, ws, row: int, col: int, value, fmt=None) -> None:
        ws.write_string(row, col, clean_text(value), fmt) if fmt else ws.write_string(row, col, clean_text(value))

    def value(self, ws, row: int, col: int, v, fmt=None) -> None:
        if _is_missing(v):
            ws.write_blank(row, col, None, fmt)
        elif isinstance(v, bool):
            self.text(ws, row, col, "yes" if v else "no")
        elif isinstance(v, int | float) or hasattr(v, "dtype"):
            x = float(v)
            if math.isfinite(x):
                ws.write_number(row, col, x, fmt)
            else:
                ws.write_blank(row, col, None, fmt)
        else:
            self.text(ws, row, col, v)

    def table(self, name: str, df: pd.DataFrame, cols: list[tuple], row0: int = 0, note: str | None = None):
        """cols: (column, English header with unit, Chinese header, format kind, divisor). Returns the sheet."""
        ws = self.wb.add_worksheet(name)
        r = row0
        if note:
            self.text(ws, r, 0, note, self.wrap)
            r += 1
        for j, (_, en, zh, *_rest) in enumerate(cols):
            self.text(ws, r, j, f"{en}\n{zh}", self.head)
        widths = [max(_width(en), _width(zh)) for _, en, zh, *_ in cols]
        cleaned: dict[str, str] = {}  # text_cell of each distinct text once (names repeat down a column)
        wide: dict[str, int] = {}  # _width of each distinct text once
        for j, (c, _en, _zh, kind, *scale) in enumerate(cols):
            fmt = self.fmt.get(kind)
            div = scale[0] if scale else 1.0
            column = df[c] if c in df else None
            if kind != "text" and column is not None and isinstance(column.dtype, np.dtype) \
                    and column.dtype.kind in "fiu":
                # numbers only (no text, no None): each cell a number, or blank where it is not finite
                values = column.to_numpy(dtype=float) / div
                _numbers(ws, r + 1, j, values.tolist(), fmt)
                w = _number_width(values[:300]) if column.dtype.kind == "f" else _int_width(column.iloc[:300])
                if w is not None:
                    widths[j] = max(widths[j], w)
                continue
            data = column.tolist() if column is not None else [None] * len(df)
            # as `text` and `value` would write them: text (no format) where the column is text or the cell holds
            # text, nothing where that is missing; else a number, or a blank where missing or not finite
            if kind == "text" or any(isinstance(v, str) for v in data):
                texts = []
                for v in data:
                    if kind == "text" or isinstance(v, str):
                        if _is_missing(v):
                            texts.append(None)
                            continue
                        t = v if isinstance(v, str) else str(v)
                        x = cleaned.get(t)
                        if x is None:
                            x = cleaned[t] = clean_text(t)
                        texts.append(x)
                    else:
                        texts.append(v)
                _mixed(ws, r + 1, j, texts, kind == "text", fmt, div)
            else:
                nan = float("nan")
                _numbers(ws, r + 1, j, [nan if _is_missing(v) else float(v) / div for v in data], fmt)
            sample = [x for x in data[:300] if not _is_missing(x)]
            if sample:
                most = 0
                for x in sample:
                    if isinstance(x, str):
                        w = wide.get(x)
                        if w is None:
                            w = wide[x] = _width(x)
                    else:
                        w = _width(x / div if isinstance(x, float) else x)
                    most = max(most, w)
                widths[j] = max(widths[j], most)
        shown_widths = [min(max(w + 2, 8), 50) for w in widths]
        for j, w in enumerate(shown_widths):
            ws.set_column(j, j, w)
        ws.set_row(r, 32)
        ws.freeze_panes(r + 1, 0)
        if len(df):
            ws.autofilter(r, 0, r + len(df), len(cols) - 1)
        keys = next((j for j, (_, _, _, kind, *_) in enumerate(cols) if kind != "text"), 0)
        self.print_setup(ws, r, sum(shown_widths), min(keys, 3))
        ws.print_area(0, 0, r + max(len(df), 1), len(cols) - 1)
        return ws

    def print_setup(self, ws, header_row: int = 0, width: float = 0.0, key_columns: int = 0) -> None:
        """A4 landscape, the header rows repeated on every page; fit to the page width if the columns (``width``,
        in characters) need no smaller scale than `MIN_SCALE`, else printed at that scale across pages with the
        first ``key_columns`` (the names of the row) repeated on each."""
        ws.set_landscape()
        ws.set_paper(9)  # A4
        scale = PAGE_WIDTH / width * 100 if width else 100
        if scale >= MIN_SCALE:
            ws.fit_to_pages(1, 0)  # fit to the page width, as many pages down as needed
        else:
            ws.set_print_scale(MIN_SCALE)
            if key_columns:
                ws.repeat_columns(0, key_columns - 1)
        ws.repeat_rows(0, header_row)
        ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
        ws.set_footer("&L&A&R&P / &N")


def _names(ctx):
    return ctx.region_zh, ctx.region_en, ctx.measure_zh, ctx.measure_en


def sector_labels(sectors: pd.Series) -> pd.Series:
    """Sector ids as the workbook shows them: Chinese and English (能源 energy)."""
    return sectors.map(lambda s: f"{SECTOR_ZH[s]} {s}" if s in SECTOR_ZH else s)


def _labelled(ctx, df: pd.DataFrame) -> pd.DataFrame:
    df = df.copy()
    df["region_zh"] = df["region_id"].map(ctx.region_zh)
    df["region_en"] = df["region_id"].map(ctx.region_en)
    df["measure_zh"] = df["measure_id"].map(ctx.measure_zh)
    df["measure_en"] = df["measure_id"].map(ctx.measure_en)
    ms = ctx.measures
    for c in ("sector", "clause", "unit"):
        df[c] = df["measure_id"].map(ms[c])
    df["sector"] = sector_labels(df["sector"])
    df["assumed"] = df["measure_id"].isin(ctx.assumed_measures)
    return df


LABELS = [
    ("region_id", "Region id", "地区代码", "text"), ("region_zh", "Region", "地区", "text"),
    ("region_en", "Region (English)", "地区(英文)", "text"),
    ("measure_id", "Measure id", "措施代码", "text"), ("measure_zh", "Measure", "措施", "text"),
    ("measure_en", "Measure (English)", "措施(英文)", "text"), ("sector", "Sector", "领域", "text"),
    ("clause", "Plan clause", "方案条款", "text"), ("unit", "Measure unit", "措施单位", "text"),
]


def _summary_rows(a: Analysis) -> list[tuple]:
    from .report import BASIS, sentences, summary_facts

    f = summary_facts(a)
    s = a.result.summary
    rows = [("title", f"{f['title_zh']}  {f['title_en']}".strip(), None, "")]
    rows += [("sentence", line, None, "") for line in sentences(f)]
    rows += [
        ("Case", "情景", f["case"], ""), ("Status", "求解状态", s["status"], ""),
        ("Model years", "规划年份", f"{f['first_year']}-{f['last_year']}", ""),
        ("Discount rate", "折现率", f["rate"], "pct1"),
        (f"Total discounted net cost ({f['base_year']} present value), 亿元", "总折现净成本(亿元)",
         f["objective"] / 1e8, "yi"),
        ("Investment, all years (undiscounted), 亿元", "累计投资(亿元,未折现)", f["investment"] / 1e8, "yi"),
        ("No-regret measures, net (present value), 亿元", "无悔措施净成本(亿元,现值;负值为节约)",
         f["net_no_regret_pv"] / 1e8, "yi"),
        ("Measures the targets need, net (present value), 亿元", "达标所需措施净成本(亿元,现值)",
         f["net_targets_pv"] / 1e8, "yi"),
        ("O&M, all years (present value), 亿元", "运维成本(亿元,现值)", f["om_pv"] / 1e8, "yi"),
        ("Savings, all years (present value), 亿元", "节约(亿元,现值)", f["savings_pv"] / 1e8, "yi"),
    ]
    if f["co2"]:
        y = f["report_year"]
        zh, en = BASIS.get(f["co2_basis"], ("", f["co2_basis"]))
        rows += [(f"CO2 {y} with the plan ({en}), Mt", f"{y}年二氧化碳排放({zh},方案,百万吨)", f["co2"][1] / 1e6, "mt"),
                 (f"CO2 {y} baseline ({en}), Mt", f"{y}年二氧化碳排放({zh},基准,百万吨)", f["co2"][0] / 1e6, "mt")]
        if f.get("co2_territorial"):
            rows.append((f"CO2 {y} with the plan (territorial: combustion + processes), Mt",
                         f"{y}年二氧化碳排放(本地:能源活动+工业过程,方案,百万吨)", f["co2_territorial"][1] / 1e6, "mt"))
    if f.get("peak_ceiling"):
        c = f["peak_ceiling"]
        rows.append((f"Peak ceiling after {c['year']}, Mt (set by {c['set_by']})",
                     f"{c['year']}年后排放上限(百万吨;"
                     f"{'情景给定' if c['set_by'] == 'value' else '不含达峰约束路径的达峰年水平'})",
                     c["ceiling"] / 1e6, "mt"))
    if f["peak"]:
        rows += [("CO2 peak year (plan)", "碳排放达峰年份", f["peak"]["plan_year"], "year"),
                 ("CO2 peak level, Mt", "峰值(百万吨)", f["peak"]["plan_level"] / 1e6, "mt")]
    if f.get("air"):
        h, y = f["air"], f["report_year"]
        at = h["by_year"].get(y, {})
        rows += [(f"City PM2.5 {y} with the plan (population-weighted), µg/m3", f"{y}年全市PM2.5(方案,人口加权)",
                  at.get("pm25"), "num"),
                 (f"City PM2.5 {y} baseline, µg/m3", f"{y}年全市PM2.5(基准)", at.get("pm25_baseline"), "num"),
                 (f"Deaths attributable to PM2.5 avoided, {h['years']}", f"{h['years']}年避免PM2.5归因死亡(人)",
                  h["avoided_deaths"], "num"),
                 ("Their value (present value), 亿元", "健康效益(亿元,现值)", h["value_pv_yuan"] / 1e8, "yi")]
        if h.get("ranges"):
            rg = h["ranges"]
            rows += [("Deaths avoided, 5% / median / 95% (Monte Carlo)", "避免死亡 5%/中位/95%",
                      " / ".join(f"{x:,.0f}" for x in rg["avoided_deaths"]), ""),
                     ("Their value, 5% / median / 95%, 亿元", "健康效益 5%/中位/95%(亿元)",
                      " / ".join(f"{x / 1e8:,.1f}" for x in rg["value_pv_yuan"]), "")]
        if h.get("social_objective") is not None:
            rows.append(("Least social cost (the LP objective), 亿元", "最小社会成本(目标函数值,亿元)",
                         h["social_objective"] / 1e8, "yi"))
    if f["plan"]:
        rows += [("Air-pollutant equivalents cut, 万当量", "大气污染当量削减(万当量)",
                  f["plan"]["air_pe_cut"] / 1e4, "wan"),
                 ("Water-pollutant equivalents cut, 万当量", "水污染当量削减(万当量)",
                  f["plan"]["water_pe_cut"] / 1e4, "wan")]
    rows += [
        ("Targets met", "达标目标数", f"{f['targets_met']} / {f['targets_total']}", ""),
        ("Binding targets", "起约束作用的目标", ", ".join(f["binding"]), ""),
        ("Share of investment in measures resting on assumed data", "投资中依赖假设数据的比例",
         f["investment_assumed_share"], "pct1"),
        ("Solver", "求解器", s["solver"], ""), ("Variables", "变量数", s["variables"], "int"),
        ("Constraints", "约束数", s["constraints"], "int"),
        ("Data folder", "数据目录", s["data_folder"], ""),
        ("Data hash (sha256, 16 hex)", "数据哈希", s["data_hash"], ""),
        ("Written", "生成时间", s["written"], ""),
    ]
    if s.get("objective_without_peak_yuan") is not None:
        rows.insert(rows.index(next(r for r in rows if r[0] == "Investment, all years (undiscounted), 亿元")),
                    ("Total discounted net cost without the peak targets (first stage), 亿元",
                     "不含达峰约束的总折现净成本(第一阶段,亿元)", s["objective_without_peak_yuan"] / 1e8, "yi"))
    rows += [(en, zh, v, "") for en, zh, v in record_rows(s)]  # the run record: case chain, input hashes, packages
    return rows


def _sheet_summary(book: Book, a: Analysis) -> None:
    ws = book.wb.add_worksheet("Summary")
    ws.set_column(0, 0, 58)
    ws.set_column(1, 1, 40)
    ws.set_column(2, 2, 28)
    r = 0
    for en, zh, v, kind in _summary_rows(a):
        if en == "title":
            book.text(ws, r, 0, zh, book.title)
            r += 2
            continue
        if en == "sentence":
            ws.merge_range(r, 0, r, 2, "")
            book.text(ws, r, 0, zh, book.wrap)
            ws.set_row(r, 48)
            r += 1
            continue
        if r and en == "Case":
            r += 1
            book.text(ws, r, 0, "Item", book.head)
            book.text(ws, r, 1, "项目", book.head)
            book.text(ws, r, 2, "Value 值", book.head)
            r += 1
        book.text(ws, r, 0, en)
        book.text(ws, r, 1, zh)
        book.value(ws, r, 2, v, book.fmt.get(kind) if kind else None)
        r += 1
    book.print_setup(ws, 0, 58 + 40 + 28)  # the page width, as many pages down as its rows need
    ws.activate()


def _sheet_targets(book: Book, a: Analysis) -> None:
    ctx, res = a.ctx, a.result
    tg = res.targets.merge(a.marginal[["target_id", "year", "marginal_cost_pv", "per_pp", "own_value", "own_unit"]],
                           on=["target_id", "year"], how="left")
    tdata = ctx.targets
    tg["target_zh"] = tg["target_id"].map(ctx.target_zh)
    tg["target_en"] = tg["target_id"].map(ctx.target_en)
    tg["clause"] = tg["target_id"].map(tdata["clause"])
    tg["scope_zh"] = tg["scope"].map(ctx.region_zh)
    tg["unit"] = tg["indicator_id"].map(ctx.unit)
    tg["status_zh"] = tg["status"].map(STATUS_ZH)
    pct = tg["kind"].isin(PCT_KINDS)
    tg["value_pct"] = tg["value"].where(pct)
    tg["achieved_pct"] = tg["achieved"].where(pct)
    tg["value_abs"] = tg["value"].where(~pct & (tg["kind"] != "peak"))
    cols = [
        ("target_id", "Target id", "目标代码", "text"), ("target_zh", "Target", "目标", "text"),
        ("target_en", "Target (English)", "目标(英文)", "text"), ("clause", "Plan clause", "方案条款", "text"),
        ("kind", "Kind", "类型", "text"), ("scope", "Scope", "范围", "text"),
        ("scope_zh", "Scope (Chinese)", "范围(中文)", "text"), ("year", "Year", "年份", "year"),
        ("indicator_id", "Indicator", "指标", "text"), ("unit", "Unit", "单位", "text"),
        ("value_pct", "Required share or cut, %", "目标值(%)", "pct"),
        ("achieved_pct", "Achieved share or cut, %", "实现值(%)", "pct"),
        ("value_abs", "Required level (unit)", "目标值(单位)", "num"),
        ("level", "Level (unit)", "水平", "num"), ("sense", "Sense", "方向", "text"),
        ("limit", "Limit (unit)", "限值", "num"), ("slack", "Slack (unit, >= 0 when met)", "余量", "num"),
        ("status", "Status", "状态(英文)", "text"), ("status_zh", "Status (Chinese)", "状态", "text"),
        ("marginal_cost", "Marginal cost (yuan of that year per unit)", "边际成本(当年元/单位)", "num"),
        ("per_pp", "Marginal cost per percentage point, 万元 of that year", "每个百分点的边际成本(万元)", "wan", 1e4),
    ]
    book.table("Targets", tg, cols)


def _sheet_marginal(book: Book, a: Analysis) -> None:
    mc = a.marginal.copy()
    mc["status_zh"] = mc["status"].map(STATUS_ZH)
    cols = [
        ("target_id", "Target id", "目标代码", "text"), ("target_zh", "Target", "目标", "text"),
        ("kind", "Kind", "类型", "text"), ("year", "Row year", "年份", "year"),
        ("status", "Status", "状态", "text"), ("status_zh", "Status (Chinese)", "状态(中文)", "text"),
        ("unit", "Indicator unit", "指标单位", "text"),
        ("marginal_cost", "Per unit, yuan of the row's year", "每单位边际成本(当年元)", "num"),
        ("marginal_cost_pv", f"Per unit, yuan of {a.ctx.p.base_year} (present value)",
         f"每单位边际成本({a.ctx.p.base_year}年现值元)", "num"),
        ("per_pp", "Per percentage point, 万元 of the row's year", "每个百分点(当年万元)", "wan", 1e4),
        ("own_value", "In the target's own terms", "按目标自身口径", "num"),
        ("own_unit", "Own unit", "口径单位", "text"),
    ]
    book.table("Marginal costs", mc, cols, note=(
        "Marginal cost: what tightening the target row by one unit adds to the total cost. Money: yuan of the row's "
        "year (the present-value dual carried forward to that year, undiscounted), and present value in the base year. "
        "边际成本:目标收紧一个单位使总成本增加的数额,按该行年份的元(未折现)及基准年现值。"))


def _sheet_costs(book: Book, a: Analysis) -> None:
    c = a.costs
    cols = [("year", "Year", "年份", "year")]
    for key, en, zh in (("investment", "Investment outlay", "投资"), ("capital_charge", "Capital charge", "资本年金"),
                        ("om", "O&M", "运维"), ("savings", "Savings", "节约"), ("net", "Net cost", "净成本"),
                        ("net_no_regret", "Net, no-regret measures", "无悔措施净成本"),
                        ("net_targets", "Net, measures the targets need", "达标措施净成本")):
        cols.append((key, f"{en}, 亿元 (undiscounted)", f"{zh}(亿元)", "yi", 1e8))
    cols.append(("df", "Discount factor", "折现系数", "num4"))
    for key, en, zh in (("investment_pv", "Investment", "投资"), ("net_pv", "Net cost", "净成本"),
                        ("net_no_regret_pv", "Net, no-regret", "无悔措施"),
                        ("net_targets_pv", "Net, targets", "达标措施")):
        cols.append((key, f"{en}, 亿元 (present value)", f"{zh}(亿元,现值)", "yi", 1e8))
    total = {k: c[k].sum() for k in c.columns if k not in ("year", "df")}
    df = pd.concat([c, pd.DataFrame([{**total, "year": None}])], ignore_index=True)
    ws = book.table("Costs", df, cols)
    book.text(ws, len(df), 0, "Total 合计", book.bold)
    n = len(c)
    # the chart's data beside the table (outside the printed area): savings as negative bars, so that the bars add
    # up to the net line (capital charge + O&M - savings)
    col0 = len(cols) + 1
    for j, (key, name) in enumerate((("capital_charge", "Capital charge 资本年金"), ("om", "O&M 运维"),
                                     ("savings", "Savings 节约 (−)"), ("net", "Net 净成本"))):
        book.text(ws, 0, col0 + j, name, book.head)
        values = c[key].to_numpy(dtype=float) / 1e8 * (-1.0 if key == "savings" else 1.0)
        _numbers(ws, 1, col0 + j, values.tolist(), book.fmt["yi"])
    chart = book.wb.add_chart({"type": "column", "subtype": "stacked"})
    for j, colour in ((0, "#4e79a7"), (1, "#76b7b2"), (2, "#59a14f")):
        chart.add_series({"name": ["Costs", 0, col0 + j], "categories": ["Costs", 1, 0, n, 0],
                          "values": ["Costs", 1, col0 + j, n, col0 + j], "fill": {"color": colour}})
    line = book.wb.add_chart({"type": "line"})
    line.add_series({"name": ["Costs", 0, col0 + 3], "categories": ["Costs", 1, 0, n, 0],
                     "values": ["Costs", 1, col0 + 3, n, col0 + 3], "marker": {"type": "circle"},
                     "line": {"color": "black"}})
    chart.combine(line)
    chart.set_title({"name": "Annual cost, 亿元 年度成本 (savings below zero 节约为负)"})
    chart.set_y_axis({"name": "亿元"})
    chart.set_x_axis({"label_position": "low"})
    chart.set_size({"width": 720, "height": 360})
    ws.insert_chart(n + 3, 1, chart)
    ws.print_area(0, 0, n + 22, len(cols) - 1)  # the table and its chart


def _sheet_measures(book: Book, a: Analysis) -> None:
    ctx = a.ctx
    mt = _labelled(ctx, a.result.measures) if not a.result.measures.empty else pd.DataFrame(
        columns=[c for c, *_ in LABELS])
    why = a.reasons[["region_id", "measure_id", "reason", "reason_zh", "main_target"]] if len(a.reasons) else None
    if why is not None and len(mt):
        mt = mt.merge(why, on=["region_id", "measure_id"], how="left")
    stock_cols = [c for c in mt.columns if c.startswith("stock_")]
    y = ctx.report_year
    cols = [
        *LABELS, ("first_year", "First built", "首次部署年份", "year"),
        *((c, f"Standing {c[6:]} (units)", f"{c[6:]}年保有量", "num") for c in stock_cols),
        ("investment", "Investment, all years, 万元", "累计投资(万元)", "wan", 1e4),
        ("discounted_cost", "Discounted net cost, 万元 (PV)", "折现净成本(万元,现值)", "wan", 1e4),
        *((f"cut_{i}", f"{ctx.indicator_en.get(i, i)} cut {y} ({ctx.unit.get(i, 't')}/yr)",
           f"{y}年{POLLUTANT_ZH.get(i, i)}削减量", "num") for i in REPORTED if f"cut_{i}" in mt),
        ("reason_zh", "Why it is in the plan (Chinese)", "部署原因", "text"),
        ("reason", "Why it is in the plan", "部署原因(英文)", "text"),
        ("assumed", "Rests on assumed data", "依赖假设数据", "text"),
    ]
    book.table("Measures", mt, cols)


def _sheet_reduced(book: Book, a: Analysis) -> None:
    rc = a.reduced.copy()
    rc["region_zh"] = rc["region_id"].map(a.ctx.region_zh)
    if "sector" in rc:
        rc["sector"] = sector_labels(rc["sector"])
    cols = [
        ("region_id", "Region id", "地区代码", "text"), ("region_zh", "Region", "地区", "text"),
        ("measure_id", "Measure id", "措施代码", "text"), ("measure_zh", "Measure", "措施", "text"),
        ("sector", "Sector", "领域", "text"), ("unit", "Unit", "单位", "text"),
        ("state", "State", "状态", "text"),
        ("annual_cost_per_unit", "Net annual cost, yuan per unit per year", "年净成本(元/单位/年)", "num"),
        ("reduced_cost", "Reduced cost, yuan per unit per year (levelized)", "检验数(元/单位/年)", "num"),
        ("reduced_cost_year", "Build year it refers to", "对应建设年份", "year"),
        ("meaning", "What it means", "含义", "text"),
    ]
    book.table("Reduced costs", rc, cols, note=(
        "Reduced cost: > 0 how much cheaper per unit and year a measure must get to be used; < 0 how much dearer it "
        "could be and still be built as much. 检验数:正值为措施需降低的成本,负值为仍会同样部署的可增成本。"))


def _sheet_mac(book: Book, a: Analysis) -> None:
    ctx = a.ctx
    frames = []
    for k, label in (("co2e", "t CO2e"), ("air", "PE"), ("water", "PE")):
        m = a.mac[k].copy()
        m["metric_unit"] = label
        frames.append(m)
    mac = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    mac["region_zh"] = mac["region_id"].map(ctx.region_zh)
    if "sector" in mac:
        mac["sector"] = sector_labels(mac["sector"])
    cols = [
        ("metric", "Curve", "曲线", "text"), ("region_id", "Region id", "地区代码", "text"),
        ("region_zh", "Region", "地区", "text"), ("measure_id", "Measure id", "措施代码", "text"),
        ("measure_zh", "Measure", "措施", "text"), ("sector", "Sector", "领域", "text"),
        ("cost_per_unit_cut", "Cost, yuan per unit cut (t CO2e or PE)", "单位减排成本(元/吨或元/当量)", "num"),
        ("cut_per_unit", "Cut per measure unit per year", "每单位措施年减排量", "num"),
        ("potential", "Abatement at potential per year", "潜在年减排量", "num"),
        ("cumulative_potential", "Cumulative abatement at potential", "累计潜在减排量", "num"),
        ("deployed", f"Abatement deployed {ctx.report_year}", f"{ctx.report_year}年已部署减排量", "num"),
        ("metric_unit", "Unit of the cut", "减排单位", "text"), ("co_benefit", "Co-benefit", "协同效益", "text"),
        ("assumed", "Rests on assumed data", "依赖假设数据", "text"),
    ]
    if a.health:  # the value of the PM2.5 a unit removes (planner.analysis.health), per unit cut, and cost less it
        cols += [("health_per_unit_cut", "Health benefit of cleaner air, yuan per unit cut",
                  "PM2.5健康效益(元/单位减排)", "num"),
                 ("social_cost_per_unit_cut", "Social cost (cost less health), yuan per unit cut",
                  "社会成本(扣除健康效益, 元/单位减排)", "num")]
    ws = book.table("MAC", mac, cols, note=(
        f"Marginal abatement cost curves, {ctx.report_year}: annualized net cost per unit cut, sorted; CO2e with CH4 "
        f"at GWP100 = {ctx.gwp['ch4']:g}; pollution equivalents from pollution_equivalents.csv. 边际减排成本曲线。"))
    co = a.mac["co2e"]
    if len(co):
        # step curve of the CO2e MAC, points (cumulative start, y) and (cumulative end, y) in Mt CO2e, on a logarithmic
        # axis (costs run from a few yuan to tens of thousands per tonne: on a linear axis most steps look flat): the
        # cost of the measures that cost, and apart the saving of those that pay for themselves (negative cost)
        col0 = len(cols) + 1
        for j, head in enumerate(("MAC step x, Mt CO2e", "Cost 成本, yuan/t", "Saving 节约, yuan/t")):
            book.text(ws, 1, col0 + j, head, book.head)
        x0, r = 0.0, 2
        for row in co.itertuples():
            x1 = x0 + row.potential / 1e6
            cost = float(row.cost_per_unit_cut)
            for x in (x0, x1):
                ws.write_number(r, col0, x)
                if math.isfinite(cost) and cost > 0:
                    ws.write_number(r, col0 + 1, cost)
                elif math.isfinite(cost) and cost < 0:
                    ws.write_number(r, col0 + 2, -cost)
                r += 1
            x0 = x1
        chart = book.wb.add_chart({"type": "scatter", "subtype": "straight"})
        for j, (name, colour) in enumerate((("Cost 成本 (yuan/t)", "#d6604d"),
                                            ("Saving 节约 (no-regret, yuan/t)", "#1b7837"))):
            chart.add_series({"name": name, "categories": ["MAC", 2, col0, r - 1, col0],
                              "values": ["MAC", 2, col0 + 1 + j, r - 1, col0 + 1 + j], "line": {"color": colour}})
        chart.show_blanks_as("gap")
        chart.set_title({"name": f"MAC curve CO2e {ctx.report_year} 二氧化碳当量边际减排成本曲线 (log)"})
        chart.set_x_axis({"name": "Mt CO2e/yr at potential 潜在减排量"})
        chart.set_y_axis({"name": "yuan/t CO2e 元/吨 (log 对数刻度)", "log_base": 10})
        chart.set_legend({"position": "top"})
        chart.set_size({"width": 760, "height": 380})
        ws.insert_chart(2, col0 + 4, chart)


def _sheet_cocontrol(book: Book, a: Analysis) -> None:
    co = a.cocontrol.copy()
    if "annual_cost" not in co:
        co["annual_cost"] = None
    cols = [
        ("level", "Level", "层级", "text"), ("key", "Group", "对象", "text"), ("name_zh", "Name", "名称", "text"),
        ("scope", "Baseline scope", "基准范围", "text"),
        ("co2_cut", "CO2 cut, t/yr", "二氧化碳削减量(吨/年)", "int"),
        ("air_pe_cut", "Air-pollutant equivalents cut, 万/yr", "大气污染当量削减(万/年)", "wan", 1e4),
        ("water_pe_cut", "Water-pollutant equivalents cut, 万/yr", "水污染当量削减(万/年)", "wan", 1e4),
        ("co2_cut_rel", "CO2 cut, % of baseline", "二氧化碳削减率", "pct"),
        ("air_cut_rel", "Air PE cut, % of baseline", "大气污染当量削减率", "pct"),
        ("water_cut_rel", "Water PE cut, % of baseline", "水污染当量削减率", "pct"),
        ("quadrant", "Quadrant", "协同象限", "text"),
        ("els_air", "Els air (ΔAP/AP)/(ΔCO2/CO2)", "协同弹性(大气)", "num4"),
        ("els_water", "Els water", "协同弹性(水)", "num4"),
        ("annual_cost", "Net annual cost, 万元/yr", "年净成本(万元/年)", "wan", 1e4),
        ("combined_pp", "Combined reduction, points", "综合削减(百分点)", "num4"),
        ("unit_cocontrol_cost", "Unit co-control cost, 万元 per point", "单位协同控制成本(万元/点)", "wan", 1e4),
        ("synergy_degree", "Synergy degree (-1..1)", "协同度", "num4"),
        ("synergy_score", "Synergy score", "协同得分", "num4"), ("rank", "Rank within level", "排名", "int"),
    ]
    if a.health and "health_value" in co:  # cleaner air valued (planner.analysis.health)
        co["pays_with_health"] = co["pays_with_health"].map({True: "yes 是", False: ""})
        cols += [("health_value", "Health value of cleaner air, 万元/yr", "PM2.5健康效益(万元/年)", "wan", 1e4),
                 ("social_annual_cost", "Social annual cost (net cost less health), 万元/yr",
                  "社会年成本(扣除健康效益, 万元/年)", "wan", 1e4),
                 ("pays_with_health", "Costs money, pays once health is counted", "计入健康效益后净收益", "text")]
    book.table("Co-control", co, cols, note=(
        f"Co-control of the plan in {a.ctx.report_year} (formulas and sources: docs/report.md). "
        "减污降碳协同效应评估:象限、协同弹性、单位协同控制成本、协同度。"))


def _sheet_pathways(book: Book, a: Analysis) -> None:
    res = a.result
    pw = a.pathways.copy()
    pct = pw["kind"].isin(PCT_KINDS)
    for c in ("baseline", "level", "required"):
        pw[f"{c}_pct"] = pw[c].where(pct)
        pw[f"{c}_abs"] = pw[c].where(~pct)
    pw["unit"] = pw["in_own_terms"]
    cols = [
        ("target_id", "Target id", "目标代码", "text"), ("target_zh", "Target", "目标", "text"),
        ("kind", "Kind", "类型", "text"), ("scope", "Scope", "范围", "text"), ("year", "Year", "年份", "year"),
        ("baseline_pct", "Baseline, %", "基准(%)", "pct"), ("level_pct", "With the plan, %", "方案(%)", "pct"),
        ("required_pct", "Required, %", "要求(%)", "pct"),
        ("baseline_abs", "Baseline (unit)", "基准(单位)", "num"),
        ("level_abs", "With the plan (unit)", "方案(单位)", "num"),
        ("required_abs", "Required (unit)", "要求(单位)", "num"), ("unit", "Unit", "单位", "text"),
    ]
    ws = book.table("Pathways", pw, cols, note="Each target over time in its own terms. 各目标按自身口径的进程。")
    ind = res.indicators
    c = ind[(ind["region_id"] == "city") & (ind["indicator_id"] == "co2")].sort_values("year")
    if len(c):
        col0 = len(cols) + 1
        for j, h in enumerate(("Year 年份", "CO2 baseline, Mt 基准", "CO2 with the plan, Mt 方案")):
            book.text(ws, 1, col0 + j, h, book.head)
        for i, row in enumerate(c.itertuples(), start=2):
            ws.write_number(i, col0, row.year, book.fmt["year"])
            ws.write_number(i, col0 + 1, row.baseline / 1e6, book.fmt["mt"])
            ws.write_number(i, col0 + 2, row.level / 1e6, book.fmt["mt"])
        last = 1 + len(c)
        chart = book.wb.add_chart({"type": "line"})
        for j, colour in ((1, "#999999"), (2, "#e15759")):
            chart.add_series({"name": ["Pathways", 1, col0 + j], "categories": ["Pathways", 2, col0, last, col0],
                              "values": ["Pathways", 2, col0 + j, last, col0 + j], "line": {"color": colour}})
        chart.set_title({"name": "City CO2, Mt 全市二氧化碳排放"})
        chart.set_y_axis({"name": "Mt CO2"})
        chart.set_size({"width": 640, "height": 340})
        ws.insert_chart(last + 2, col0, chart)


def _sheet_sectors(book: Book, a: Analysis) -> None:
    """CO2 cut by measure sector and year (Mt): each sector's contribution to the reduction."""
    sec = a.sectors
    if len(sec.columns) <= 1:
        return
    cols = [("year", "Year", "年份", "year")] + [(c, f"{c}, Mt CO2 cut", f"{SECTOR_ZH.get(c, c)}二氧化碳削减量(百万吨)",
                                                 "mt", 1e6) for c in sec.columns if c != "year"]
    book.table("Sector cuts", sec, cols)


ELECTRICITY = {  # column of the result's electricity table -> (English header with unit, Chinese header)
    "year": ("Year", "年份"), "demand": ("Demand, MWh", "全社会用电量(兆瓦时)"),
    "generation_nonfossil": ("Local non-fossil generation, MWh", "本地非化石发电量(兆瓦时)"),
    "imports": ("Net imports, MWh", "净外购电量(兆瓦时)"),
    "thermal": ("Thermal output, MWh", "火电发电量(兆瓦时)"),
    "must_run": ("Must-run floor, MWh", "火电必开出力下限(兆瓦时)"),
    "thermal_capacity": ("Thermal output the fleet can give, MWh", "在役火电可发电量(兆瓦时)"),
    "thermal_co2": ("Thermal CO2, t", "火电二氧化碳(吨)"),
    "import_co2": ("Imported CO2 (its own mix), t", "外购电二氧化碳-自身构成(吨)"),
    "import_co2_official": ("Imported CO2 (assessment basis), t", "外购电二氧化碳-考核口径(吨)"),
    "factor_territorial": ("Factor, territorial, t CO2/MWh", "排放因子-本地口径(吨/兆瓦时)"),
    "factor_consumption": ("Factor, consumption-based, t CO2/MWh", "排放因子-消费口径(吨/兆瓦时)"),
    "factor_marginal_up": ("Factor, marginal (one MWh more), t CO2/MWh", "边际排放因子-增(吨/兆瓦时)"),
    "factor_marginal_down": ("Factor, marginal (one MWh less), t CO2/MWh", "边际排放因子-减(吨/兆瓦时)"),
    "factor_official": ("Factor, published provincial average, t CO2/MWh", "官方省级平均排放因子(吨/兆瓦时)"),
    "thermal_cost": ("Thermal variable cost, yuan/MWh", "火电可变成本(元/兆瓦时)"),
    "marginal_value": ("Marginal value of electricity, yuan/MWh (yuan of the year)", "边际电价(元/兆瓦时,当年价)"),
    "benchmark_tariff": ("Coal benchmark tariff, yuan/MWh", "燃煤基准价(元/兆瓦时)"),
}


def _sheet_electricity(book: Book, a: Analysis) -> None:
    """The city grid per year, where the model has one (every column of the result's electricity table)."""
    el = getattr(a.result, "electricity", None)
    if el is None or len(el) == 0:
        return
    cols = [(c, *ELECTRICITY.get(c, (c.replace("_", " "), c)),
             "year" if c == "year" else "num4" if c.startswith("factor") else "num") for c in el.columns]
    book.table("Electricity", el, cols, note="City grid: MWh per year; factors in t CO2/MWh; values in yuan/MWh of "
               "each year. What a MWh is worth comes out of the balance (its dual), never out of a measure's savings. "
               "全市电网电力平衡: 电量为兆瓦时/年, 排放因子为吨二氧化碳/兆瓦时, 电价为元/兆瓦时(当年价); "
               "电的价值由平衡的对偶值给出, 不取自措施的节约。")


def _sheet_indicators(book: Book, a: Analysis) -> None:
    """Every indicator per region (and the whole city), baseline and plan on two rows, years across: a few hundred
    rows that print on a few pages."""
    ctx = a.ctx
    ind = a.result.indicators
    years = sorted(ind["year"].unique())
    wide = ind.pivot_table(index=["region_id", "indicator_id"], columns="year", values=["baseline", "level"],
                           sort=False)
    rows = []
    values = {series: wide[series][years].to_numpy().tolist() for series in ("baseline", "level")}
    for n, (r, i) in enumerate(wide.index):
        for series, en, zh in (("baseline", "baseline", "基准"), ("level", "plan", "方案")):
            rows.append({"region_id": r, "region_zh": ctx.region_zh.get(r, r), "indicator_id": i,
                         "indicator_zh": ctx.indicator_zh.get(i, ""), "indicator_en": ctx.indicator_en.get(i, ""),
                         "unit": ctx.unit.get(i, ""), "series": f"{zh} {en}",
                         **dict(zip((int(y) for y in years), values[series][n], strict=True))})
    df = pd.DataFrame.from_records(rows)
    cols = [
        ("region_id", "Region id", "地区代码", "text"), ("region_zh", "Region", "地区", "text"),
        ("indicator_id", "Indicator id", "指标代码", "text"), ("indicator_zh", "Indicator", "指标", "text"),
        ("indicator_en", "Indicator (English)", "指标(英文)", "text"), ("unit", "Unit", "单位", "text"),
        ("series", "Series", "情景", "text"), *((int(y), str(y), f"{y}年", "num") for y in years),
    ]
    book.table("Indicators", df, cols)


def _sheet_allocation(book: Book, a: Analysis) -> None:
    ctx = a.ctx
    alloc = _labelled(ctx, a.result.allocation) if not a.result.allocation.empty else pd.DataFrame(
        columns=[c for c, *_ in LABELS])
    cols = [
        *LABELS,
        ("year", "Year", "年份", "year"), ("build", "Built this year (units)", "当年新增", "num"),
        ("stock", "Standing (units)", "累计保有", "num"),
        ("investment", "Investment, 万元", "当年投资(万元)", "wan", 1e4),
        ("annual_cost", "Annual net cost, 万元/yr", "年净成本(万元/年)", "wan", 1e4),
        *((f"delta_{i}", f"{ctx.indicator_en.get(i, i)} change ({ctx.unit.get(i, 't')}/yr)",
           f"{POLLUTANT_ZH.get(i, i)}变化量", "num") for i in REPORTED),
    ]
    book.table("Allocation", alloc, cols)


def _sheet_inputs(book: Book, a: Analysis) -> None:
    case = a.result.data.case
    rows = [("setting", "", k, v) for k, v in (
        ("name", case.name), ("case_file", case.path.name),
        ("extends", " -> ".join(shown(p, case.path) for p in case.chain)),  # relative to the case file, never absolute
        ("data", shown(case.data_dir, case.path)), ("base_year", case.base_year), ("first_year", case.first_year),
        ("last_year", case.last_year), ("discount_rate", case.discount_rate),
        ("gwp_ch4", getattr(case, "gwp_ch4", "")), ("allow_outliers", getattr(case, "allow_outliers", False)),
        ("description", case.description))]
    for table, overrides in case.overrides.items():
        for key, cols in overrides.items():
            label = ".".join(key) if isinstance(key, tuple) else key
            rows += [(f"override {table}", label, c, v) for c, v in cols.items()]
    df = pd.DataFrame(rows, columns=["what", "key", "item", "value"])
    df["value"] = [v if isinstance(v, int | float) and not isinstance(v, bool) else str(v) for v in df["value"]]
    book.table("Inputs", df, [("what", "What", "类别", "text"), ("key", "Key", "对象", "text"),
                              ("item", "Item", "项", "text"), ("value", "Value", "值", "general")])


def _sheet_decomposition(book: Book, a: Analysis) -> None:
    """The District map sheet of a district case, and 指标分解 (`planner decompose`): `planner.outputs.decomposition`;
    nothing for a case of other regions."""
    from .decomposition import district_sheet, sheets

    district_sheet(book, a)
    sheets(book, a)


SHEETS = (_sheet_summary, _sheet_targets, _sheet_marginal, _sheet_costs, _sheet_measures, _sheet_reduced, _sheet_mac,
          _sheet_cocontrol, _sheet_pathways, _sheet_sectors, _sheet_electricity, sheet_air, _sheet_indicators,
          _sheet_allocation, _sheet_inputs, _sheet_decomposition)


def write_excel(result: Result, path: str | Path, analysis: Analysis | None = None) -> Path:
    """Write the workbook atomically (temporary file, then rename) and return its path."""
    a = analysis if analysis is not None else analyse(result)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic(path) as tmp:  # planner.base.safe: an interrupt removes the temporary file
        fill_workbook(a, tmp)
    return path


def fill_workbook(a: Analysis, target: str | Path) -> None:
    """Write every sheet of the workbook into the new file ``target`` (`write_excel` gives it a temporary)."""
    collecting = gc.isenabled()
    gc.disable()  # some 70,000 cells, none of them garbage: no cyclic collection while they are made
    try:
        book = Book(str(target))
        for sheet in SHEETS:
            sheet(book, a)
        book.wb.close()
    finally:
        if collecting:
            gc.enable()
