"""Read and validate the data folder of a case, and apply the case's overrides.

Everything is checked before a model is built, and every problem is reported at once, each naming the file, row
(the spreadsheet row: the header is row 1) and column, and what was expected. Nothing here touches Pyomo.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..base.errors import InputError, Problem
from . import plausible
from .case import Case, _display, load_case, shown
from .cells import convert, did_you_mean, magnitude_warning, typed
from .overrides import apply_overrides
from .regionset import REGIONAL, cluster_members
from .regionset import apply as apply_region_set
from .regionset import files as region_set_files
from .regionset import folder as region_set_folder
from .schema import TABLES, Table
from .tables import frame, raw_tables

__all__ = ["CITY", "Data", "convert", "file_hashes", "input_files", "load", "magnitude_warning", "output_problems",
           "table_where"]

CITY = "city"
# read by _check_semantics
SEMANTIC = ("regions", "indicators", "baseline", "effects", "potentials", "targets", "source_receptor", "air_quality")


@dataclass
class Data:
    """A validated case: the case settings and one typed DataFrame per input table."""

    case: Case
    tables: dict[str, pd.DataFrame]
    data_hash: str
    warnings: list[Problem] = field(default_factory=list)  # numbers likely in the wrong unit (not errors)
    clusters: pd.DataFrame | None = None  # with regions = "districts": the regions of regions.csv, the clusters

    @property
    def sources(self) -> pd.DataFrame:
        return self.tables["sources"]

    @property
    def indicators(self) -> pd.DataFrame:
        return self.tables["indicators"]

    @property
    def baseline(self) -> pd.DataFrame:
        return self.tables["baseline"]

    @property
    def measures(self) -> pd.DataFrame:
        return self.tables["measures"]

    @property
    def effects(self) -> pd.DataFrame:
        return self.tables["effects"]

    @property
    def potentials(self) -> pd.DataFrame:
        return self.tables["potentials"]

    @property
    def targets(self) -> pd.DataFrame:
        return self.tables["targets"]

    @property
    def electricity(self) -> pd.DataFrame:
        return self.tables["electricity"]

    @property
    def regions(self) -> list[str]:
        """Region ids in data order (the regions table itself is ``tables["regions"]``)."""
        return list(self.tables["regions"]["region_id"])

    @property
    def years(self) -> list[int]:
        return self.case.years

    @property
    def cluster_regions(self) -> dict[str, list[str]]:
        """Cluster -> its regions (the district set); empty when the regions are not grouped."""
        return cluster_members(self.tables["regions"])


# ---------------------------------------------------------------------------------------------- checks


def _check_keys(table: Table, df: pd.DataFrame, problems: list[Problem]) -> None:
    seen: dict[tuple, str] = {}
    required = [table.column(c).required for c in table.key]
    for origin, *key in zip(df["origin_"].tolist(), *(df[c].tolist() for c in table.key), strict=True):
        if None in key and any(v is None and req for v, req in zip(key, required, strict=True)):
            continue  # a bad key cell, reported already
        key = tuple("" if v is None else v for v in key)
        if key in seen:
            label = ", ".join(f"{c}={v}" for c, v in zip(table.key, key, strict=True) if v != "")
            problems.append(Problem(origin, table.key[0], f"duplicate {label}; already on {seen[key]}"))
        else:
            seen[key] = origin


def table_where(source: Path, name: str) -> str:
    """Where a table lives: ``data/targets.csv`` or ``inputs.xlsx, sheet targets``."""
    if source.suffix.lower() == ".xlsx":
        return f"{_display(source)}, sheet {name}"
    return _display(source / TABLES[name].file)


def _check_references(tables: dict[str, pd.DataFrame], data_dir: Path, problems: list[Problem],
                      notes: list[str]) -> None:
    unreadable = {t for t, df in tables.items() if df[TABLES[t].key[0]].isna().any()}
    for t in sorted(unreadable):
        notes.append(f"Not checked yet: references to {t} ({table_where(data_dir, t)} has ids that could not be "
                     "read, see above); run again after fixing them.")
    for name, df in tables.items():
        for col in TABLES[name].columns:
            if not col.references or col.name not in df.columns:
                continue
            ref_table, ref_col = col.references.split(".")
            if ref_table not in tables or ref_table in unreadable:
                continue
            known = set(tables[ref_table][ref_col].dropna())
            for origin, value in zip(df["origin_"].tolist(), df[col.name].tolist(), strict=True):
                if value in (None, "") or value in known:
                    continue
                problems.append(Problem(origin, col.name, f"unknown {ref_col} {value!r}; expected one defined in "
                                        + table_where(data_dir, ref_table) + did_you_mean(value, sorted(known))))


def _check_semantics(data: dict[str, pd.DataFrame], case: Case, problems: list[Problem]) -> None:
    regions = {r for r in data["regions"]["region_id"] if r}
    clusters = set(cluster_members(data["regions"]))
    indicators = data["indicators"].dropna(subset=["indicator_id"]).drop_duplicates("indicator_id") \
        .set_index("indicator_id")
    exogenous = {i for i, x in indicators["exogenous"].items() if x}

    def data_file(t: str):
        return table_where(region_set_folder(case) if case.regions and t in REGIONAL else case.data_dir, t)

    # baseline: every indicator in every region covers the base year and the last model year
    bl = data["baseline"].dropna(subset=["region_id", "indicator_id", "year"])
    span: dict[tuple[str, str], list] = {}  # (region, indicator) -> [first year, last year, origin of its first row]
    for r, i, y, origin in zip(*(bl[c].tolist() for c in ("region_id", "indicator_id", "year", "origin_")),
                               strict=True):
        s = span.get((r, i))
        if s is None:
            span[r, i] = [y, y, origin]
        elif y < s[0]:
            s[0] = y
        elif y > s[1]:
            s[1] = y
    for (r, i), (lo, hi, origin) in sorted(span.items(), key=lambda kv: kv[0]):
        lacking = [y for y in (case.base_year, case.last_year) if not lo <= y <= hi]
        if lacking:
            problems.append(Problem(origin, "year",
                                    f"baseline of {i} in {r} does not reach {', '.join(map(str, lacking))}; expected "
                                    f"values from {case.base_year} (base year) to {case.last_year} (last model year)"))
    have = set(span)
    from .airquality import check as check_air
    from .airquality import concentration_indicators

    concentrations = concentration_indicators(data.get("source_receptor"))
    derived = _check_formulas(data, indicators, problems)
    for (_r, i), (_, _, origin) in sorted(span.items(), key=lambda kv: kv[0]):
        if i in derived:
            problems.append(Problem(origin, "indicator_id", f"{i} is derived (indicators.csv formula); expected no "
                                    "baseline rows: its level follows from its formula"))
        elif i in concentrations:
            problems.append(Problem(origin, "indicator_id", f"{i} is a concentration (source_receptor.csv); "
                                    "expected no baseline rows: its level follows from the emissions"))
    derived = derived | concentrations
    where = {t: data_file(t) for t in ("indicators", "regions", "source_receptor", "air_quality")}
    for origin, column, message in check_air(data, indicators.reset_index(), regions, where):
        problems.append(Problem(origin, column, message))
    for r in sorted(regions):
        for i in indicators.index:
            if (r, i) not in have and i not in derived:
                problems.append(Problem(data_file("baseline"), "indicator_id",
                                        f"no baseline rows for {i} in region {r}; expected rows for years "
                                        f"{case.base_year} to {case.last_year}"))

    # the grid balance: its parameters and the baseline's balance identity
    from .grid import check as check_grid

    for origin, column, message in check_grid(data["electricity"], bl, list(indicators.index), sorted(regions),
                                              data_file("electricity")):
        problems.append(Problem(origin, column, message))

    # bounded_by: same unit, not itself
    for row in data["indicators"].itertuples():
        b = row.bounded_by
        if not b:
            continue
        if b == row.indicator_id:
            problems.append(Problem(row.origin_, "bounded_by", f"an indicator cannot be bounded by itself ({b})"))
        elif b in indicators.index and indicators.at[b, "unit"] != row.unit:
            problems.append(Problem(row.origin_, "bounded_by", f"expected an indicator in the same unit "
                                    f"({row.unit}), got {b} in {indicators.at[b, 'unit']}"))

    # effects: exogenous indicators are never moved, derived ones move through their formula
    for origin, m, i in zip(data["effects"]["origin_"], data["effects"]["measure_id"],
                            data["effects"]["indicator_id"], strict=True):
        if i in concentrations:
            problems.append(Problem(origin, "indicator_id", f"{i} is a concentration (source_receptor.csv) and moves "
                                    f"with the emissions; expected no effect rows for it (measure {m})"))
        elif i in derived:
            problems.append(Problem(origin, "indicator_id", f"{i} is derived (indicators.csv formula) and moves with "
                                    f"its terms; expected no effect rows for it (measure {m})"))
        elif i in exogenous:
            problems.append(Problem(origin, "indicator_id",
                                    f"{i} is exogenous (indicators.csv) and cannot be moved by measure {m}"))

    # potentials: min <= max
    for row in data["potentials"].itertuples():
        for column, message in potential_problems(row.min_stock, row.max_stock):
            problems.append(Problem(row.origin_, column, message))

    # targets
    for t in data["targets"].itertuples():
        for column, message in target_problems(t, case, regions, set(indicators.index), exogenous, clusters,
                                               concentrations):
            problems.append(Problem(t.origin_, column, message))


def potential_problems(min_stock, max_stock) -> list[tuple[str, str]]:
    """(column, message) of one potentials row: min_stock <= max_stock."""
    if min_stock is not None and max_stock is not None and min_stock > max_stock:
        return [("min_stock", f"expected min_stock <= max_stock ({max_stock:g}), got {min_stock:g}")]
    return []


def target_problems(t, case: Case, regions: set, indicators: set, exogenous: set,
                    clusters: set = frozenset(),
                    concentrations: set | frozenset = frozenset()) -> list[tuple[str, str]]:
    """(column, message) of one target row ``t`` (attributes as the targets table's columns) against the case and the
    data: scope (the city, a region, or with regions = "districts" a cluster), years, kind and value. A switched-off
    target is checked for its types only. ``concentrations``: the concentration indicators (source_receptor.csv),
    which take the kind concentration and no other."""
    out: list[tuple[str, str]] = []
    if t.enabled is False or t.kind is None:  # switched off (checked for types only), or a bad kind
        return out
    if t.scope != CITY and t.scope not in regions and t.scope not in clusters:
        named = f"a cluster ({', '.join(sorted(clusters))}) or a district id" if clusters else \
            f"a region id ({', '.join(sorted(regions))})"
        out.append(("scope", f"expected city or {named}, got {t.scope!r}"
                    + did_you_mean(t.scope, sorted(set(regions) | set(clusters)))))
    if t.year is not None and not case.first_year <= t.year <= case.last_year:
        out.append(("year", f"expected a model year {case.first_year}-{case.last_year}, got {t.year}"))
    until = getattr(t, "until", None)
    if until is not None and t.year is not None and until < t.year:
        out.append(("until", f"expected a year from the target year {t.year} on (blank: the last model year "
                    f"{case.last_year}), got {until}"))
    if t.kind == "concentration" and t.indicator_id and t.indicator_id not in concentrations:
        out.append(("indicator_id", f"a concentration target needs a concentration indicator (named in "
                    f"source_receptor.csv: {', '.join(sorted(concentrations)) or 'none'}), got {t.indicator_id}"))
    elif t.kind != "concentration" and t.indicator_id in concentrations:
        out.append(("kind", f"{t.indicator_id} is a concentration (µg/m3: its city value is the population-weighted "
                    f"mean, not a sum); expected kind concentration, got {t.kind}"))
    if t.kind == "peak":
        if t.year is not None and t.year >= case.last_year:
            out.append(("year", f"a peak year must be before the last model year {case.last_year}, got {t.year}"))
    elif t.value is None:
        out.append(("value", f"expected a number for a {t.kind} target, got an empty cell"))
    if t.kind in ("share_min", "share_max", "intensity_reduction") and not t.denominator_id:
        what = "the exogenous driver" if t.kind == "intensity_reduction" else "the denominator indicator"
        out.append(("denominator_id", f"a {t.kind} target needs {what}, got an empty cell"))
    if t.kind == "intensity_reduction" and t.denominator_id and t.denominator_id not in exogenous \
            and t.denominator_id in indicators:
        out.append(("denominator_id", f"the driver of an intensity target must be exogenous (indicators.csv), got "
                    f"{t.denominator_id}"))
    if t.kind in ("share_min", "share_max") and t.value is not None and t.value < 0:
        out.append(("value", f"expected a share >= 0 (0.25 for 25%), got {t.value:g}"))
    if t.kind in ("reduction", "intensity_reduction"):
        if t.value is not None and not t.value < 1:
            out.append(("value", f"expected a reduction fraction below 1 (0.1 for 10%), got {t.value:g}"))
        if t.base_year is None:
            out.append(("base_year", f"a {t.kind} target needs a base year, got an empty cell"))
        elif not (case.base_year <= t.base_year <= case.last_year) or (t.year and t.base_year >= t.year):
            out.append(("base_year", f"expected a year from {case.base_year} to before the target year {t.year}, "
                        f"got {t.base_year}"))
    return out


def _check_formulas(data: dict[str, pd.DataFrame], indicators: pd.DataFrame, problems: list[Problem]) -> set[str]:
    """The derived indicators (a formula in indicators.csv), each term checked: its indicator defined earlier in the
    table (no circle), its parameter a city parameter of electricity.csv."""
    from .formula import parse

    parameters = set(data["electricity"].loc[data["electricity"]["region_id"].isin(["", None]), "parameter"])
    seen: set[str] = set()
    derived: set[str] = set()
    for row in data["indicators"].itertuples():
        text = getattr(row, "formula", "") or ""
        if text:
            derived.add(row.indicator_id)
            terms, problem = parse(text)
            if problem:
                problems.append(Problem(row.origin_, "formula", problem))
            for _, par, ind in terms:
                if ind not in seen:
                    problems.append(Problem(row.origin_, "formula", f"{ind} must be an indicator listed above "
                                            f"{row.indicator_id} in indicators.csv" + did_you_mean(ind, sorted(seen))))
                if par is not None and par not in parameters:
                    problems.append(Problem(row.origin_, "formula", f"{par} must be a city parameter of "
                                            "electricity.csv" + did_you_mean(par, sorted(parameters))))
        seen.add(row.indicator_id)
    return derived


def variants(baseline: pd.DataFrame) -> list[str]:
    """The named baseline variants of a baseline table, in data order."""
    return list(dict.fromkeys(v for v in baseline["variant"] if v))


def select_variant(bl: pd.DataFrame, case: Case, problems: list[Problem]) -> pd.DataFrame:
    """The baseline rows of the case's variant: blank-variant rows, overridden by the variant's own rows for the same
    region, indicator and year. No setting means ``reference`` where the data has it, else the blank rows alone."""
    named = variants(bl)
    chosen = case.baseline or ("reference" if "reference" in named else "")
    if chosen and chosen not in named:
        problems.append(Problem(_display(case.path), "baseline", f"unknown baseline variant {chosen!r}; expected one "
                                f"of {', '.join(named) or '(none: data/baseline.csv has no variant rows)'}",
                                field="key"))
        return bl
    own = bl[bl["variant"] == chosen] if chosen else bl.iloc[0:0]
    taken = set(zip(own["region_id"], own["indicator_id"], own["year"], strict=True))
    free = [k not in taken for k in zip(bl["region_id"], bl["indicator_id"], bl["year"], strict=True)]
    shared = bl[(bl["variant"] == "").to_numpy() & np.array(free, dtype=bool)]
    return pd.concat([shared, own]).sort_values(["region_id", "indicator_id", "year"], kind="stable")


def input_files(case: Case) -> list[Path]:
    """Every file a run reads: the data tables (or the workbook) and the case files, parents first."""
    source = case.data_dir
    files = [source] if source.is_file() else [p for p in sorted(source.glob("*.csv")) if p.is_file()]
    return [*files, *region_set_files(case), *case.chain]


def output_problems(cases: list[Case], paths: list[Path], option: str = "--out") -> list[Problem]:
    """Outputs that would touch an input of the run: a file a case reads (a data table or workbook, a case file of
    its extends chain), or anything in its data folder (an output there would be read as data next time). Each
    problem names the option and the path; [] when the outputs are clear of the inputs."""
    def real(path: Path) -> Path:
        try:
            return Path(os.path.realpath(path))
        except (OSError, ValueError):
            return path.absolute()

    inputs: dict[Path, str] = {}
    folders: list[Path] = []
    for case in cases:
        if case.data_dir.is_dir():
            folders.append(real(case.data_dir))
        else:
            inputs.setdefault(real(case.data_dir), "the data workbook of the run")
        for f in input_files(case):
            inputs.setdefault(real(f), "a case file of the run" if f in case.chain else "a data file of the run")
    out = []
    for path in paths:
        r = real(Path(path))
        if r in inputs:
            out.append(Problem(option, "", f"{_display(Path(path))} is {inputs[r]}; planner never writes over its "
                               "inputs: choose another output name or folder"))
        elif any(r == d or d in r.parents for d in folders):
            out.append(Problem(option, "", f"{_display(Path(path))} is in the data folder of the run; outputs there "
                               "would be read as data: choose another folder"))
        elif Path(path).is_dir() and not Path(path).is_symlink() and Path(path).suffix:
            out.append(Problem(option, "", f"{_display(Path(path))} is a folder, in the way of an output of that "
                               "name; choose another name or move the folder"))
    return out


def file_hashes(case: Case) -> dict[str, str]:
    """sha256 of every input file (the run record), by its path relative to the case file (`case.shown`: an output
    never holds the machine's absolute paths)."""
    return {shown(p, case.path): hashlib.sha256(p.read_bytes()).hexdigest() for p in input_files(case)}


def _hash(case: Case) -> str:
    h = hashlib.sha256()
    for path in input_files(case):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def load(case: Case | str | Path) -> Data:
    """Read, override and validate a case's data. Raise `InputError` with every problem found.

    Every stage runs on whatever the earlier stages could read, so one run lists every problem; the checks across
    tables (references, baseline coverage, target years, ...) need every required table, and say so when one is
    missing. Numbers likely in the wrong unit are not errors: they are in ``Data.warnings``.
    """
    if not isinstance(case, Case):
        case = load_case(case)
    problems: list[Problem] = []
    warnings: list[Problem] = []
    tables: dict[str, pd.DataFrame] = {}
    raws = raw_tables(case, problems)
    for name, table in TABLES.items():
        df = frame(table, raws[name], problems) if name in raws else None
        if df is None:
            if table.optional and name not in raws:
                tables[name] = pd.DataFrame(columns=[c.name for c in table.columns] + ["origin_"])
            continue
        tables[name] = typed(table, df, problems, warnings)
    clusters = apply_region_set(case, tables, problems, warnings)
    for name in case.overrides:
        if name in tables:
            tables[name] = apply_overrides(name, tables[name], case, tables, problems, warnings)
    for name, df in tables.items():
        _check_keys(TABLES[name], df, problems)
    notes: list[str] = []
    if "baseline" in tables:
        tables["baseline"] = select_variant(tables["baseline"], case, problems)
    _check_references(tables, case.data_dir, problems, notes)
    lacking = [t for t in TABLES if t not in tables]
    if lacking:
        notes.append(f"Not checked yet: the checks of meaning (baseline coverage, target years and kinds, "
                     f"potentials) and references into {', '.join(lacking)}: they need every table readable; run "
                     "again after fixing the problems above.")
    else:
        bad = {p.where for p in problems}
        skipped = sorted({n for n, df in tables.items() if n in SEMANTIC and df["origin_"].isin(bad).any()})
        if skipped:
            notes.append(f"The checks of meaning (baseline coverage, target years and kinds, potentials) skipped the "
                         f"rows of {', '.join(skipped)} with a problem above; fixing them may show more.")
        _check_semantics({n: df[~df["origin_"].isin(bad)] for n, df in tables.items()}, case, problems)
    bad = {p.where for p in problems}
    for name, df in tables.items():  # numbers far outside their plausible range: another unit?
        plausible.check_table(name, df, case.allow_outliers, problems, warnings, bad)
    plausible.check_settings(case, _display(case.path), problems, warnings)
    if problems:
        raise InputError(problems, notes)
    return Data(case=case, tables=tables, data_hash=_hash(case), warnings=warnings, clusters=clusters)
