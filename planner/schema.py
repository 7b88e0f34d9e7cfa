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

TARGET_KINDS = ("cap", "floor", "share_min", "share_max", "reduction", "intensity_reduction", "abatement", "peak")
GRID_PARAMETERS = (
    "thermal_co2", "thermal_coal", "thermal_gas", "thermal_energy_industry", "thermal_so2", "thermal_nox", "thermal_pm",
    "import_co2", "nonfossil_coal_equivalent", "must_run", "thermal_share", "grid_factor_official",
)
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


def _source() -> Column:
    return Column("source_id", "id", references="sources.source_id", description="Where the row's numbers come from")


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
                Column("land_area_km2", "number", required=False, unit="km2", min=0),
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
                Column("region_id", "id", references="regions.region_id"),
                Column("land_area_km2", "number", required=False, unit="km2", min=0),
                Column("population_2020", "number", required=False, unit="persons", min=0),
            ),
            "Districts and counties with their region (reference and aggregation only)",
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
                Column("lifetime", "int", unit="yr", min=0, min_exclusive=True),
                _source(),
                Column("barrier", "text", required=False, default="",
                       description="For a no-regret measure (net annual cost below zero): what holds its uptake back "
                                   "(split incentive, turnover, siting, ...); its potentials' max_build is the "
                                   "diffusion ceiling the barrier allows. Blank where the note says its autonomous "
                                   "uptake is in the baseline, or where the measure costs money"),
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
            ),
            "The targets of the plan and the user's own",
        ),
        Table(
            "electricity",
            ("parameter", "region_id", "year"),
            (
                Column("parameter", "choice", choices=GRID_PARAMETERS,
                       description="thermal_*: change per MWh of thermal output; import_co2: t CO2/MWh imported; "
                                   "must_run: city thermal floor (MWh/yr); thermal_share: a region's share of thermal "
                                   "generation; grid_factor_official: published provincial factor (t/MWh)"),
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
            ),
            "Weights that add pollutants into pollution equivalents (data report, co-control metrics)",
            optional=True,
        ),
    )
}

# Columns a case file may override, per table (ids and sources stay as in the data).
OVERRIDABLE = {
    "targets": ("name_zh", "name_en", "clause", "kind", "indicator_id", "denominator_id", "scope", "base_year",
                "year", "until", "value", "enabled", "source_id", "note"),
    "measures": ("capex", "fixed_om", "savings", "lifetime", "source_id", "note"),
    "potentials": ("max_stock", "min_stock", "max_build", "first_year", "source_id", "note"),
}
