"""The input tables, described once.

Every table of a data folder is a `Table` of `Column`s. Validation (`planner.inputs`), the defaults of optional
columns and the column reference in `docs/data.md` all come from this one description.

Column types:
- ``id``: ASCII snake_case identifier (``^[a-z][a-z0-9_]*$``)
- ``text``: any non-empty text (or empty when optional)
- ``number``: a finite number; ``min``/``min_exclusive`` bound it from below
- ``int``: a whole number (years, counts)
- ``bool``: true/false (also 1/0, yes/no)
- ``choice``: one of ``choices``
"""

from __future__ import annotations

from dataclasses import dataclass, field

TARGET_KINDS = ("cap", "floor", "share_min", "share_max", "reduction", "intensity_reduction", "abatement", "peak",
                "concentration")
GRID_PARAMETERS = (
    "thermal_co2", "thermal_coal", "thermal_gas", "thermal_energy_industry", "thermal_so2", "thermal_nox", "thermal_pm",
    "import_co2", "nonfossil_coal_equivalent", "must_run", "thermal_share", "grid_factor_official",
    "coal_price", "gas_price", "thermal_vom", "thermal_max_hours", "import_co2_official", "benchmark_tariff",
)
AIR_PARAMETERS = ("pm25_observed", "pm25_observed_max", "gemm_theta", "gemm_alpha", "gemm_mu", "gemm_nu", "gemm_cf",
                  "deaths", "ncd_lri_share", "vsl")
SOURCE_KINDS = ("document", "dataset", "assumption")
SECTORS = (
    "industry", "energy", "transport", "buildings", "agriculture", "ecology", "air", "water", "soil", "waste",
)


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    required: bool = True
    unit: str = ""
    description: str = ""
    min: float | None = None
    min_exclusive: bool = False
    choices: tuple[str, ...] = ()
    default: object = None
    references: str | None = None  # "table.column" this column must point into
    plausible: tuple[float, float] | None = None  # the range its unit makes plausible (`planner.inputs.plausible`)


@dataclass(frozen=True)
class Table:
    name: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    description: str = ""
    optional: bool = False
    extra: dict = field(default_factory=dict)

    @property
    def file(self) -> str:
        return f"{self.name}.csv"

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)


def _source(required: bool = True) -> Column:
    return Column("source_id", "id", required=required, default="", references="sources.source_id",
                  description="Where the row's numbers come from (an id of sources.csv)")


def _note(what: str = "Free text: derivation, caveats, where the figure was read") -> Column:
    return Column("note", "text", required=False, default="", description=what)


def _range(name: str, unit: str, what: str) -> Column:
    return Column(name, "number", required=False, default=None, unit=unit, min=0 if "savings" not in name else None,
                  description=what + " (data report: the low / high cost range); blank: the central value")


TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table(
            "sources",
            ("source_id",),
            (
                Column("source_id", "id", description="Id other tables cite"),
                Column("kind", "choice", choices=SOURCE_KINDS, description="document, dataset or assumption"),
                Column("title", "text", description="Title (original language)"),
                Column("publisher", "text", description="Who published it; for an assumption, who made it"),
                Column("year", "int", description="Year of publication"),
                Column("reference", "text", description="Document number, table, URL or repository path"),
                Column("note", "text", required=False, default="",
                       description="For an assumption: how it was derived and from which figures"),
            ),
            "Where every number comes from",
        ),
        Table(
            "regions",
            ("region_id",),
            (
                Column("region_id", "id"),
                Column("name_zh", "text"),
                Column("name_en", "text"),
                Column("land_area_km2", "number", required=False, unit="km2", min=0, plausible=(1, 1e5)),
                Column("districts", "int", required=False, default=None, min=0,
                       description="Number of districts and counties in the region"),
                Column("population_2020", "number", required=False, unit="persons", min=0, plausible=(1e3, 5e7),
                       description="Resident population, 2020 census"),
                Column("gdp_2020_yuan", "number", required=False, unit="yuan", min=0, plausible=(1e8, 1e13),
                       description="GDP 2020"),
                _source(required=False),
                _note(),
            ),
            "The regions of the case",
        ),
        Table(
            "districts",
            ("district_id",),
            (
                Column("district_id", "id"),
                Column("name_zh", "text"),
                Column("name_en", "text"),
                Column("region_id", "id", references="regions.region_id",
                       description="The district's cluster (a region of regions.csv)"),
                Column("adcode", "int", required=False, default=None, min=0,
                       description="GB/T 2260 code of 2020 (the district maps' boundaries are keyed by it)"),
                Column("land_area_km2", "number", required=False, unit="km2", min=0),
                Column("population_2020", "number", required=False, unit="persons", min=0),
                Column("gdp_2020_yuan", "number", required=False, unit="yuan", min=0, description="GDP 2020"),
                _source(required=False),
                _note(),
            ),
            "Districts and counties with their cluster: the decision regions of a case with regions = \"districts\" "
            "(planner/inputs/regionset.py)",
            optional=True,
        ),
        Table(
            "indicators",
            ("indicator_id",),
            (
                Column("indicator_id", "id"),
                Column("name_zh", "text"),
                Column("name_en", "text"),
                Column("unit", "text"),
                Column("accumulates", "bool",
                       description="true: measures act through stock-years (forest growth), not stock"),
                Column("exogenous", "bool", required=False, default=False,
                       description="true: a driver no measure may move (GDP, land area)"),
                Column("bounded_by", "id", required=False, default="", references="indicators.indicator_id",
                       description="The level never exceeds this indicator's level in any region and year "
                                   "(used <= generated, electric <= fleet, forest <= land)"),
                Column("source_id", "id", required=False, default="", references="sources.source_id",
                       description="Where the definition comes from"),
                Column("description", "text", required=False, default="",
                       description="What the indicator counts and how"),
                Column("formula", "text", required=False, default="",
                       description="A derived indicator: terms '[number *] [parameter *] indicator' joined by + or - "
                                   "(parameters from electricity.csv, by year); it has no baseline or effect rows"),
            ),
            "Every quantity a target or report talks about",
        ),
        Table(
            "baseline",
            ("variant", "region_id", "indicator_id", "year"),
            (
                Column("variant", "id", required=False, default="",
                       description="Baseline variant the row belongs to (reference, frozen_technology, ...); blank: "
                                   "every variant. A case picks one with `baseline = ...`; its rows override blank "
                                   "rows of the same region, indicator and year"),
                Column("region_id", "id", references="regions.region_id"),
                Column("indicator_id", "id", references="indicators.indicator_id"),
                Column("year", "int"),
                Column("value", "number", unit="indicator unit"),
                _source(),
                Column("split_key", "text", required=False, default="",
                       description="Where only a city total is published: the key that splits it among regions"),
                _note(),
            ),
            "Business-as-usual level of each indicator in each region (no new measures); linear in between years",
        ),
        Table(
            "measures",
            ("measure_id",),
            (
                Column("measure_id", "id"),
                Column("name_zh", "text"),
                Column("name_en", "text"),
                Column("sector", "choice", choices=SECTORS),
                Column("clause", "text", description="Clause of the plan that names the measure"),
                Column("unit", "text", description="What one unit of the measure is (MW, vehicle, ha, ...)"),
                Column("capex", "number", unit="yuan/unit", min=0, description="Investment per unit, once"),
                Column("fixed_om", "number", unit="yuan/unit/yr", min=0, description="Fixed O&M per unit and year"),
                Column("savings", "number", unit="yuan/unit/yr",
                       description="Fuel, energy or revenue gained per unit and year (negative: extra cost)"),
                Column("lifetime", "int", unit="yr", min=0, min_exclusive=True, plausible=(1, 60)),
                Column("after_record", "bool", required=False, default=False,
                       description="true: the measure moves indicators whose record a calibrated baseline "
                                   "reproduces (energy, CO2, electricity, forest, ...), so a case with "
                                   "history_until = Y can build it only from Y + 1: what was deployed before is in the "
                                   "record"),
                _source(),
                Column("barrier", "text", required=False, default="",
                       description="For a no-regret measure (net annual cost below zero): what holds its uptake back "
                                   "(split incentive, turnover, siting, ...); its potentials' max_build is the "
                                   "diffusion ceiling the barrier allows. Blank where the note says its autonomous "
                                   "uptake is in the baseline, or where the measure costs money"),
                _range("capex_low", "yuan/unit", "Lowest investment per unit found"),
                _range("capex_high", "yuan/unit", "Highest investment per unit found"),
                _range("savings_low", "yuan/unit/yr", "Lowest savings per unit and year"),
                _range("savings_high", "yuan/unit/yr", "Highest savings per unit and year"),
                _range("fixed_om_low", "yuan/unit/yr", "Lowest fixed O&M per unit and year"),
                _range("fixed_om_high", "yuan/unit/yr", "Highest fixed O&M per unit and year"),
                _note(),
            ),
            "The measures the model may deploy",
        ),
        Table(
            "effects",
            ("measure_id", "indicator_id", "region_id"),
            (
                Column("measure_id", "id", references="measures.measure_id"),
                Column("indicator_id", "id", references="indicators.indicator_id"),
                Column("effect", "number", unit="indicator unit per measure unit (per year standing)"),
                Column("region_id", "id", required=False, default="", references="regions.region_id",
                       description="Blank: all regions; a region id overrides the all-region row there"),
                _source(),
                _note(),
            ),
            "What one unit of a measure standing does to an indicator",
        ),
        Table(
            "potentials",
            ("region_id", "measure_id"),
            (
                Column("region_id", "id", references="regions.region_id"),
                Column("measure_id", "id", references="measures.measure_id"),
                Column("max_stock", "number", unit="measure units", min=0),
                Column("min_stock", "number", required=False, default=0.0, unit="measure units", min=0),
                Column("max_build", "number", required=False, default=None, unit="measure units/yr", min=0),
                Column("first_year", "int", required=False, default=None,
                       description="Earliest year a unit can be built: a line in service, a technology available, or "
                                   "the first year after the record that the reference baseline reproduces"),
                _source(),
                _note(),
            ),
            "Where a measure applies and how much of it can stand / be built",
        ),
        Table(
            "targets",
            ("target_id",),
            (
                Column("target_id", "id"),
                Column("name_zh", "text"),
                Column("name_en", "text"),
                Column("clause", "text"),
                Column("kind", "choice", choices=TARGET_KINDS),
                Column("indicator_id", "id", references="indicators.indicator_id"),
                Column("denominator_id", "id", required=False, default="", references="indicators.indicator_id",
                       description="share_*: the denominator; intensity_reduction: the exogenous driver"),
                Column("scope", "id", description="city, or a region_id"),
                Column("base_year", "int", required=False, default=None,
                       description="reduction and intensity_reduction: the year compared against"),
                Column("year", "int", description="The first year the target applies to (peak: the peak year)"),
                Column("until", "int", required=False, default=None,
                       description="The last year the target holds (every model year from year to until); blank: "
                                   "the last model year (a lasting target); until = year: that year only"),
                Column("value", "number", required=False, default=None,
                       description="Limit (cap, floor), share (0-1), reduction fraction (0-1), abatement below the "
                                   "baseline (indicator unit); peak: the ceiling "
                                   "after the peak year, or blank for the level of the peak year in a first solve "
                                   "without the peak"),
                Column("enabled", "bool", required=False, default=True),
                _source(),
                _note(),
            ),
            "The targets of the plan and the user's own",
        ),
        Table(
            "electricity",
            ("parameter", "region_id", "year"),
            (
                Column("parameter", "choice", choices=GRID_PARAMETERS,
                       description="thermal_*: change per MWh of thermal output; import_co2: t CO2/MWh imported "
                                   "(the imports' own mix); must_run: city thermal floor (MWh/yr); thermal_share: a "
                                   "region's share of thermal generation; grid_factor_official: published provincial "
                                   "factor (t/MWh, comparison); coal_price, gas_price: yuan/tce burned by power "
                                   "plants; thermal_vom: yuan/MWh besides fuel; thermal_max_hours: full-load hours "
                                   "of thermal capacity a year; import_co2_official: t CO2/MWh of net imports on "
                                   "the assessment basis; benchmark_tariff: yuan/MWh (comparison)"),
                Column("region_id", "id", required=False, default="", references="regions.region_id",
                       description="thermal_share only: the region; blank for city-grid parameters"),
                Column("year", "int", required=False, default=None,
                       description="Blank: every year; dated rows are interpolated"),
                Column("value", "number", unit="see unit", min=0),
                Column("unit", "text"),
                _source(),
                Column("note", "text", required=False, default="", description="Derivation"),
            ),
            "The city grid's electricity balance (planner/model/electricity.py): factors of thermal output and "
            "imports, the must-run floor and the regions' thermal shares",
            optional=True,
        ),
        Table(
            "pollution_equivalents",
            ("indicator_id",),
            (
                Column("indicator_id", "id", references="indicators.indicator_id"),
                Column("kg_per_equivalent", "number", unit="kg per pollution equivalent", min=0, min_exclusive=True),
                _source(),
                _note(),
            ),
            "Weights that add pollutants into pollution equivalents (data report, co-control metrics)",
            optional=True,
        ),
        Table(
            "source_receptor",
            ("indicator_id", "receptor_id", "source_region_id", "precursor_id", "year"),
            (
                Column("indicator_id", "id", references="indicators.indicator_id",
                       description="The concentration the row adds to (pm25): an indicator with no baseline or "
                                   "effect rows of its own"),
                Column("receptor_id", "id", references="regions.region_id",
                       description="The region whose concentration the row adds to"),
                Column("source_region_id", "id", required=False, default="", references="regions.region_id",
                       description="The region the precursor is emitted in; blank on a background row"),
                Column("precursor_id", "id", required=False, default="", references="indicators.indicator_id",
                       description="The emission indicator (t/yr) the coefficient multiplies; blank: the background "
                                   "(transport from outside the city and what no precursor explains)"),
                Column("year", "int", required=False, default=None,
                       description="Background rows only: blank for every year; dated rows are interpolated"),
                Column("coefficient", "number", unit="µg/m3 per t/yr (background: µg/m3)", min=0,
                       description="Concentration added per tonne a year of the precursor emitted in the source "
                                   "region (the background row: µg/m3)"),
                Column("coefficient_low", "number", required=False, default=None, min=0,
                       description="Low end of the coefficient's range (Monte Carlo of the health account)"),
                Column("coefficient_high", "number", required=False, default=None, min=0,
                       description="High end of the coefficient's range"),
                _source(),
                _note(),
            ),
            "Concentrations from emissions (planner/inputs/airquality.py): a receptor region's annual mean is its "
            "background plus, for each source region and precursor, the coefficient times the emissions (linear)",
            optional=True,
        ),
        Table(
            "air_quality",
            ("parameter", "region_id", "year"),
            (
                Column("parameter", "choice", choices=AIR_PARAMETERS,
                       description="pm25_observed: the city's published annual mean (validation); pm25_observed_max: "
                                   "a published bound (the standard met); gemm_*: the GEMM concentration-response "
                                   "function (theta, alpha, mu, nu, the counterfactual cf); deaths: the city's "
                                   "all-cause deaths a year; ncd_lri_share: the share of deaths the GEMM covers "
                                   "(NCD+LRI, adults 25+); vsl: value of a statistical life (yuan of the base year)"),
                Column("region_id", "id", required=False, default="", references="regions.region_id",
                       description="Blank: the city (every parameter is a city parameter today)"),
                Column("year", "int", required=False, default=None,
                       description="pm25_observed and deaths: the year; dated deaths are interpolated, flat outside"),
                Column("value", "number", unit="see unit"),
                Column("value_low", "number", required=False, default=None,
                       description="Low end of the range (Monte Carlo of the health account); blank: the value"),
                Column("value_high", "number", required=False, default=None, description="High end of the range"),
                Column("unit", "text"),
                _source(),
                _note(),
            ),
            "Health account of air quality (planner/model/health.py): the GEMM function, baseline deaths, the value "
            "of a statistical life, and the published record of the city's PM2.5",
            optional=True,
        ),
    )
}

def column_label(col: Column) -> str:
    """Row 2 of a data-entry workbook: the column's Chinese name, its unit, required or optional."""
    return (COLUMN_ZH.get(col.name, col.name) + (f" ({col.unit})" if col.unit else "")
            + (" 必填 required" if col.required else " 选填 optional"))


# Columns a case file may override, per table (ids and sources stay as in the data).
OVERRIDABLE = {
    "targets": ("name_zh", "name_en", "clause", "kind", "indicator_id", "denominator_id", "scope", "base_year",
                "year", "until", "value", "enabled", "source_id", "note"),
    "measures": ("capex", "fixed_om", "savings", "lifetime", "after_record", "source_id", "note"),
    "potentials": ("max_stock", "min_stock", "max_build", "first_year", "source_id", "note"),
}

# Numbers: HiGHS treats 1e20 as infinity, drops matrix coefficients of magnitude <= 1e-9 (its small_matrix_value:
# such an effect would silently count as 0), and an LP whose coefficients span more than ~1e9 is badly scaled. No
# figure of a city plan comes near 1e15 (Chongqing's GDP is 2.5e12 yuan): beyond it, or a non-zero magnitude of at
# most 1e-9, is an error; beyond 1e13, or below 1e-7, is warned about (file, row, column): likely a unit mistake.
MAX_ABS = 1e15
MIN_ABS = 1e-9
WARN_ABS = 1e13
WARN_TINY = 1e-7
TEXT_MAX = 32_767  # characters an Excel cell holds; longer text is refused at input

# Chinese names of the columns (same name, same meaning in every table), for the data-entry workbook.
COLUMN_ZH = {
    "source_id": "来源代码", "kind": "类型", "title": "标题", "publisher": "发布者", "year": "年份",
    "reference": "文号/表/网址", "note": "备注", "region_id": "地区代码", "name_zh": "中文名称", "name_en": "英文名称",
    "land_area_km2": "土地面积", "districts": "区县数", "population_2020": "2020年常住人口",
    "gdp_2020_yuan": "2020年地区生产总值", "district_id": "区县代码", "indicator_id": "指标代码", "unit": "单位",
    "accumulates": "按存量年累计", "exogenous": "外生指标", "bounded_by": "上限指标", "description": "说明",
    "value": "数值", "split_key": "分解依据", "measure_id": "措施代码", "sector": "领域", "clause": "方案条款",
    "capex": "单位投资", "fixed_om": "单位年固定运维费", "savings": "单位年节约", "lifetime": "寿命",
    "capex_low": "单位投资(低)", "capex_high": "单位投资(高)", "savings_low": "单位年节约(低)",
    "savings_high": "单位年节约(高)", "fixed_om_low": "单位年运维费(低)", "fixed_om_high": "单位年运维费(高)",
    "effect": "单位效果", "max_stock": "最大保有量", "min_stock": "最小保有量", "max_build": "年最大新增量",
    "target_id": "目标代码", "denominator_id": "分母指标", "scope": "范围", "base_year": "基准年",
    "enabled": "启用", "kg_per_equivalent": "污染当量值", "adcode": "行政区划代码",
    "receptor_id": "受体地区", "source_region_id": "排放地区",
    "precursor_id": "前体物指标", "coefficient": "系数", "coefficient_low": "系数(低)", "coefficient_high": "系数(高)",
    "parameter": "参数", "value_low": "数值(低)", "value_high": "数值(高)",
}
