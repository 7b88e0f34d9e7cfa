"""The Excel workbook of a result: Summary, Measures, Allocation, Indicators, Targets, Inputs.

Headers carry the English name with its unit and the Chinese name; region, measure, indicator and target names are
given in both languages next to their ids. The workbook is written to a temporary file in the target folder and
renamed into place, so an interrupted run never leaves a broken workbook behind.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pandas as pd
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from .record import record_rows
from .results import DERIVED, NET, REPORTED, Result
from .safe import atomic, frame_text, text_only

STATUS_ZH = {"binding": "恰好达标(约束起作用)", "met": "达标", "violated": "未达标", "not solved": "未求解"}
ROLE_ZH = {"no_rise": "达峰年前不高于无达峰约束路径", "peak_year": "达峰年", "ceiling": "达峰后上限"}
INT, NUM, NUM2, PCT, MONEY = "#,##0", "#,##0.00", "#,##0.0000", "0.00%", "#,##0"
POLLUTANT_ZH = {"co2": "二氧化碳", "ch4": "甲烷", "so2": "二氧化硫", "nox": "氮氧化物", "pm": "颗粒物",
                "vocs": "挥发性有机物", "nh3": "氨", "cod": "化学需氧量", "nh3n": "氨氮"}


def _names(df: pd.DataFrame, key: str) -> tuple[dict, dict]:
    return dict(zip(df[key], df["name_zh"], strict=True)), dict(zip(df[key], df["name_en"], strict=True))


def _frames(result: Result) -> dict[str, tuple[pd.DataFrame, list[tuple[str, str, str, str]]]]:
    """Each sheet: a frame and its column specs (column, English header with unit, Chinese header, format)."""
    d = result.data
    rz, ren = _names(d.tables["regions"], "region_id")
    rz["city"], ren["city"] = "全市", "Whole city"
    mz, men = _names(d.measures, "measure_id")
    iz, ien = _names(d.indicators, "indicator_id")
    tz, ten = _names(d.targets, "target_id")
    units = dict(zip(d.indicators["indicator_id"], d.indicators["unit"], strict=True))
    for i, (zh, en, unit) in DERIVED.items():  # indicators the results derive (net CO2)
        iz[i], ien[i], units[i] = zh, en, unit
    ms = d.measures.set_index("measure_id")

    def labelled(df: pd.DataFrame) -> pd.DataFrame:
        """Region and measure names in both languages, sector, clause and unit next to the ids."""
        df = df.copy()
        df.insert(1, "region_zh", df["region_id"].map(rz))
        df.insert(2, "region_en", df["region_id"].map(ren))
        for pos, (col, values) in enumerate((("measure_zh", mz), ("measure_en", men), ("sector", ms["sector"]),
                                             ("clause", ms["clause"]), ("unit", ms["unit"])), start=4):
            df.insert(pos, col, df["measure_id"].map(values))
        return df

    label_cols = [
        ("region_id", "Region id", "地区代码", ""), ("region_zh", "Region", "地区", ""),
        ("region_en", "Region (English)", "地区(英文)", ""),
        ("measure_id", "Measure id", "措施代码", ""), ("measure_zh", "Measure", "措施", ""),
        ("measure_en", "Measure (English)", "措施(英文)", ""), ("sector", "Sector", "领域", ""),
        ("clause", "Plan clause", "方案条款", ""), ("unit", "Measure unit", "措施单位", ""),
    ]
    alloc = labelled(result.allocation)
    alloc_cols = [
        *label_cols,
        ("year", "Year", "年份", "0"), ("build", "Built this year (units)", "当年新增", NUM),
        ("stock", "Standing (units)", "累计保有", NUM), ("investment", "Investment (yuan)", "当年投资(元)", MONEY),
        ("annual_cost", "Annual net cost (yuan/yr)", "年净成本(元/年)", MONEY),
        *((f"delta_{i}", f"{ien.get(i, i)} change ({units.get(i, 't')}/yr)", f"{POLLUTANT_ZH[i]}变化量", NUM)
          for i in REPORTED),
    ]

    mt = labelled(result.measures)
    stock_years = [c for c in mt.columns if c.startswith("stock_")]
    cut_year = 2030 if 2030 in result.params.years else result.params.years[-1]
    mt_cols = [
        *label_cols,
        ("first_year", "First built", "首次部署年份", "0"),
        *((c, f"Standing {c[6:]} (units)", f"{c[6:]}年保有量", NUM) for c in stock_years),
        ("investment", "Investment, all years (yuan)", "累计投资(元)", MONEY),
        ("discounted_cost", "Discounted net cost (yuan, PV)", "折现净成本(元,现值)", MONEY),
        *((f"cut_{i}", f"{ien.get(i, i)} cut {cut_year} ({units.get(i, 't')}/yr)",
           f"{cut_year}年{POLLUTANT_ZH[i]}削减量", NUM) for i in REPORTED),
    ]

    ind = result.indicators.copy()
    ind.insert(1, "region_zh", ind["region_id"].map(rz))
    ind.insert(3, "indicator_zh", ind["indicator_id"].map(iz))
    ind.insert(4, "indicator_en", ind["indicator_id"].map(ien))
    ind.insert(5, "unit", ind["indicator_id"].map(units))
    ind_cols = [
        ("region_id", "Region id", "地区代码", ""), ("region_zh", "Region", "地区", ""),
        ("indicator_id", "Indicator id", "指标代码", ""), ("indicator_zh", "Indicator", "指标", ""),
        ("indicator_en", "Indicator (English)", "指标(英文)", ""), ("unit", "Unit", "单位", ""),
        ("year", "Year", "年份", "0"), ("baseline", "Baseline (unit)", "基准情景", NUM),
        ("level", "With measures (unit)", "实施措施后", NUM), ("change", "Change (unit)", "变化量", NUM),
    ]

    tg = result.targets.copy()
    tdata = d.targets.set_index("target_id")
    tg.insert(1, "target_zh", tg["target_id"].map(tz))
    tg.insert(2, "target_en", tg["target_id"].map(ten))
    tg.insert(3, "clause", tg["target_id"].map(tdata["clause"]))
    tg["scope_zh"] = tg["scope"].map(rz)
    tg["unit"] = tg["indicator_id"].map(units)
    tg["status_zh"] = tg["status"].map(STATUS_ZH)
    tg["role_zh"] = tg["role"].map(ROLE_ZH)
    tg_cols = [
        ("target_id", "Target id", "目标代码", ""), ("target_zh", "Target", "目标", ""),
        ("target_en", "Target (English)", "目标(英文)", ""), ("clause", "Plan clause", "方案条款", ""),
        ("kind", "Kind", "类型", ""), ("scope", "Scope", "范围", ""), ("scope_zh", "Scope (Chinese)", "范围(中文)", ""),
        ("year", "Year", "年份", "0"), ("first_year", "From year", "起始年", "0"),
        ("until", "Until (lasting to)", "持续至", "0"), ("role", "Peak row", "达峰约束行", ""),
        ("role_zh", "Peak row (Chinese)", "达峰约束行(中文)", ""),
        ("indicator_id", "Indicator", "指标", ""), ("unit", "Unit", "单位", ""),
        ("value", "Target value", "目标值", NUM2), ("achieved", "Achieved (same terms as value)", "实现值", NUM2),
        ("level", "Level (unit)", "水平", NUM), ("sense", "Sense", "方向", ""),
        ("limit", "Limit (unit)", "限值", NUM), ("slack", "Slack (unit, >= 0 when met)", "余量", NUM),
        ("status", "Status", "状态(英文)", ""), ("status_zh", "Status (Chinese)", "状态", ""),
        ("marginal_cost", "Marginal cost (yuan of that year per unit)", "边际成本(元/单位)", NUM),
        ("net_level", "CO2 net of sinks added by measures (t)", "扣除碳汇后净排放(吨)", NUM),
    ]

    s = result.summary
    summary_rows = [
        ("Case", "情景", s["case"]), ("Title", "标题", f"{s['title_zh']} {s['title_en']}".strip()),
        ("Status", "求解状态", s["status"]),
        ("Total discounted cost (yuan, present value in base year)", "总折现成本(元,基准年现值)", s["objective_yuan"]),
        ("  of which no-regret measures (net cost < 0)", "其中:无悔措施(净成本<0)", s.get("no_regret_yuan")),
        ("  of which other measures, for the targets", "其中:其他措施(为达标)", s.get("target_cost_yuan")),
        ("Total discounted cost of the same case without its peak targets (first stage; yuan)",
         "不含达峰约束的同一情景总折现成本(第一阶段,元)", s.get("objective_without_peak_yuan")),
        ("Discount rate", "折现率", s["discount_rate"]), ("Base year", "基准年", s["base_year"]),
        ("Model years", "规划年份", s["years"]), ("Solver", "求解器", s["solver"]),
        ("Build time (s)", "建模时间(秒)", round(s["build_seconds"], 3)),
        ("Solve time (s)", "求解时间(秒)", round(s["solve_seconds"], 3)),
        ("Variables", "变量数", s["variables"]), ("Constraints", "约束数", s["constraints"]),
        ("Targets met", "达标目标数", f"{(result.targets['status'] != 'violated').sum()} / {len(result.targets)}"),
        ("Binding targets", "起约束作用的目标", ", ".join(dict.fromkeys(
            result.targets.loc[result.targets["status"] == "binding", "target_id"]))),
        ("Total investment, all years (yuan)", "累计投资(元)", float(result.allocation["investment"].sum())
         if not result.allocation.empty else 0.0),
        *(_co2_rows(result)),
        ("Data folder", "数据目录", s["data_folder"]), ("Data hash (sha256, 16 hex)", "数据哈希", s["data_hash"]),
        ("Written", "生成时间", s["written"]),
        *record_rows(s),
    ]
    summary = pd.DataFrame(summary_rows, columns=["item_en", "item_zh", "value"])
    summary["value"] = summary["value"].astype(object)
    summary_cols = [("item_en", "Item", "项目", ""), ("item_zh", "Item (Chinese)", "项目(中文)", ""),
                    ("value", "Value", "值", "#,##0.####")]

    case = d.case
    inputs_rows = [("setting", "", k, v) for k, v in (
        ("name", case.name), ("case_file", str(case.path)), ("extends", " -> ".join(str(p) for p in case.chain)),
        ("data", str(case.data_dir)), ("base_year", case.base_year), ("first_year", case.first_year),
        ("last_year", case.last_year), ("discount_rate", case.discount_rate), ("description", case.description))]
    for table, rows in case.overrides.items():
        for key, cols in rows.items():
            label = ".".join(key) if isinstance(key, tuple) else key
            inputs_rows += [(f"override {table}", label, c, v) for c, v in cols.items()]
    inputs = pd.DataFrame(inputs_rows, columns=["what", "key", "item", "value"])
    inputs["value"] = inputs["value"].astype(str)
    inputs_cols = [("what", "What", "类别", ""), ("key", "Key", "对象", ""), ("item", "Item", "项", ""),
                   ("value", "Value", "值", "")]

    return {
        "Summary": (summary, summary_cols),
        "Measures": (mt, mt_cols),
        "Allocation": (alloc, alloc_cols),
        "Indicators": (ind, ind_cols),
        "Targets": (tg, tg_cols),
        "Inputs": (inputs, inputs_cols),
    }


def _co2_rows(result: Result) -> list[tuple]:
    ind = result.indicators[(result.indicators["region_id"] == "city") & (result.indicators["indicator_id"] == "co2")]
    ind = ind.set_index("year")
    rows = []
    for y in (result.params.base_year, 2025, 2030, result.params.years[-1]):
        if y in ind.index:
            rows.append((f"CO2 {y} with measures / baseline (t)", f"{y}年二氧化碳排放(措施后/基准,吨)",
                         f"{ind.at[y, 'level']:,.0f} / {ind.at[y, 'baseline']:,.0f}"))
    net = result.indicators[(result.indicators["region_id"] == "city") & (result.indicators["indicator_id"] == NET)]
    net = net.set_index("year")
    for y in (2030, result.params.years[-1]):
        if y in net.index:
            rows.append((f"CO2 {y} net of sinks added by measures (t)", f"{y}年扣除新增碳汇后的二氧化碳净排放(吨)",
                         f"{net.at[y, 'level']:,.0f}"))
    return list(dict.fromkeys(rows))


def _width(value) -> int:
    text = f"{value:,.2f}" if isinstance(value, float) else str(value)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def write_excel(result: Result, path: str | Path) -> Path:
    """Write the workbook atomically (temporary file, then rename) and return its path. Every text cell is text
    (`planner.safe.text_only`): a name such as ``=1+1`` never becomes a formula."""
    path = Path(path)
    with atomic(path) as tmp:
        with pd.ExcelWriter(tmp, engine="openpyxl") as xw:
            for sheet, (df, cols) in _frames(result).items():
                out = frame_text(df[[c for c, *_ in cols]])
                out.columns = [f"{en}\n{zh}" for _, en, zh, _ in cols]
                out.to_excel(xw, sheet_name=sheet, index=False)
                _format(xw.book[sheet], out, cols)
                if sheet == "Targets":
                    _format_target_values(xw.book[sheet], df, [c for c, *_ in cols])
            text_only(xw.book)
    return path


def _format_target_values(ws, df: pd.DataFrame, names: list[str]) -> None:
    """Shares and reductions read as percentages, counts and amounts as whole numbers, row by row."""
    value_cols = [names.index(c) + 1 for c in ("value", "achieved")]
    for row, kind in enumerate(df["kind"], start=2):
        fmt = PCT if kind in ("share_min", "share_max", "reduction", "intensity_reduction") else INT
        for col in value_cols:
            ws.cell(row=row, column=col).number_format = fmt


def _format(ws, df: pd.DataFrame, cols) -> None:
    head_font, head_fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    for j, (_, en, zh, fmt) in enumerate(cols, start=1):
        cell = ws.cell(row=1, column=j)
        cell.font, cell.fill = head_font, head_fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        values = df.iloc[:, j - 1]
        if fmt:
            for i in range(2, len(df) + 2):
                ws.cell(row=i, column=j).number_format = fmt
        sample = values.head(500).dropna()
        width = max([_width(en), _width(zh), *(_width(v) for v in sample)] or [8])
        ws.column_dimensions[get_column_letter(j)].width = min(max(width + 2, 8), 60)
    ws.row_dimensions[1].height = 32
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
