"""Case files (``cases/*.toml``): which data, which years, which discount rate, and overrides on the data.

A case never copies the base data: it names the data folder and overrides single cells or adds target rows.
``extends`` inherits another case file and layers this one's settings and overrides on top::

    name = "strict_co2"
    extends = "baseline.toml"          # optional, relative to this file
    data = "../data"                   # relative to the case file
    base_year = 2020
    first_year = 2021
    last_year = 2035
    discount_rate = 0.06
    baseline = "reference"             # baseline variant: a `variant` of data/baseline.csv (default reference)
    history_until = 2023               # the baseline reproduces the record to 2023: after_record measures start 2024

    [targets.carbon_peak_2030]         # change columns of a target row ...
    enabled = false
    [targets.co2_cap_2030]             # ... or add a new one (all required columns)
    kind = "cap"
    ...
    [measures.pv_utility]              # change a measure's cost or lifetime
    capex = 3000000
    [potentials.main_urban.pv_utility] # change a potential
    max_stock = 5000
"""

from __future__ import annotations

import copy
import difflib
import math
import numbers
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from ..base.errors import InputError
from ..base.errors import Problem as _Problem
from .cells import override_value
from .schema import OVERRIDABLE, TABLES

SETTINGS = {
    "name": str,
    "title_zh": str,
    "title_en": str,
    "description": str,
    "data": str,
    "base_year": int,
    "first_year": int,
    "last_year": int,
    "discount_rate": float,
    "baseline": str,
    "history_until": int,
    "gwp_ch4": float,
    "objective": str,
    "regions": str,
    "admin_split": str,
    "fair_multiple": float,
    "allow_outliers": bool,
    "extends": str,
}
ADMIN_SPLITS = ("equal", "gdp")  # planner decompose: the administrative split (planner/analysis/decompose.py)
OBJECTIVES = ("cost", "social")  # least financial cost; least social cost (cost minus the valued health benefit)
TYPE_NAMES = {str: "text", int: "a whole number", float: "a number", bool: "true or false"}
YEARS = ("base_year", "first_year", "last_year", "history_until")
MAX_EXTENDS = 100  # case files in one extends chain


def Problem(where: str, key: str, message: str) -> _Problem:  # noqa: N802  a case-file problem names a key
    return _Problem(where, key, message, field="key")


REQUIRED = ("data", "base_year", "first_year", "last_year", "discount_rate")


@dataclass
class Case:
    """A case, resolved: settings plus overrides, with ``extends`` already applied."""

    name: str
    path: Path
    data_dir: Path
    base_year: int
    first_year: int
    last_year: int
    discount_rate: float
    title_zh: str = ""
    title_en: str = ""
    description: str = ""
    baseline: str = ""  # baseline variant (data/baseline.csv column `variant`); "" = reference if the data has it
    history_until: int | None = None  # last year of the record the baseline reproduces (after_record measures wait)
    gwp_ch4: float = 28.0  # GWP100 of CH4 for CO2e in the MAC curves (IPCC AR5 without feedbacks; AR6 gives 27.9)
    # "cost": least discounted financial cost; "social": that cost minus the valued health benefit of cleaner air
    # (planner/model/health.py; needs data/source_receptor.csv and data/air_quality.csv)
    objective: str = "cost"
    regions: str = ""  # "districts": the districts of districts.csv as decision regions (planner/inputs/regionset.py)
    admin_split: str = "equal"  # planner decompose: the administrative split, "equal" (等比例) or "gdp" (按GDP)
    fair_multiple: float = 2.0  # planner decompose: no district's cost per unit GDP above this multiple of the city's
    allow_outliers: bool = False  # numbers far outside their plausible range are warned about, not refused
    # overrides[table][key] = {column: value}; potentials keyed by (region_id, measure_id)
    overrides: dict[str, dict] = field(default_factory=dict)
    chain: list[Path] = field(default_factory=list)

    @property
    def years(self) -> list[int]:
        return list(range(self.first_year, self.last_year + 1))

    # ------------------------------------------------------------------------------------------ Python API

    @classmethod
    def load(cls, path: str | Path) -> Case:
        """Read a case file (``planner.Case.load("cases/baseline.toml")``); raise `InputError` on bad input."""
        return load_case(path, cls)

    def with_overrides(self, changes: dict | None = None, /, **tables) -> Case:
        """A new case with changed settings and data cells; this case is left as it was.

        ``changes`` maps dotted keys to values, as ``planner sweep --set`` writes them::

            case.with_overrides({"targets.nonfossil_share_2025.value": 0.30,
                                 "measures.pv_utility.capex": 2.0e6,
                                 "potentials.northeast.wind_onshore.max_stock": 6000,
                                 "discount_rate": 0.04, "last_year": 2040})

        Keyword tables do the same in the case file's shape: ``with_overrides(targets={"co2_cap": {...}})``.
        Each value is checked at once with the case file's checks and messages (its type, its bounds, a setting's
        range); what needs the data (ids, plausible magnitudes) is checked when the case is loaded or solved.
        """
        new = copy.deepcopy(self)
        problems: list[_Problem] = []
        where = f"{_display(self.path)} (overrides)"
        for key, value in (changes or {}).items():
            _apply_dotted(new, str(key), value, where, problems)
        for table, rows in tables.items():
            if table in OVERRIDABLE:
                _collect_overrides(table, rows, where, new.overrides, problems, values=True)
            else:
                _apply_dotted(new, table, rows, where, problems)
        problems += order_problems(vars(new), where)
        if problems:
            raise InputError(problems)
        return new


def shown(path: Path, case_file: Path) -> str:
    """A path as the outputs of a run show it: relative to the case file's folder (``../data``, ``baseline.toml``),
    or the file's name alone when it lies far from it; never the machine's absolute path (a workbook or report is
    handed on)."""
    path, base = Path(path), Path(case_file).parent
    try:
        rel = os.path.relpath(path.parent.resolve() / path.name, base.resolve())
    except (ValueError, OSError):
        return path.name
    if rel.startswith(os.path.join("..", "..", "..")):
        return path.name
    return rel


def _display(path: Path) -> str:
    try:  # the parent resolved, the name as given: a link is shown as itself, not as what it points to
        return str((path.parent.resolve() / path.name).relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _read_toml(path: Path, problems: list[Problem], child: Path | None = None) -> dict | None:
    where = _display(path)
    if not path.is_file():
        by = f" (named by extends in {_display(child)})" if child is not None else ""
        problems.append(Problem(where, "", f"case file not found{by}; expected a TOML file such as "
                                "cases/baseline.toml"))
        return None
    try:
        text = path.read_bytes().decode("utf-8-sig")  # a byte-order mark (Notepad, Excel) is not an error
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        problems.append(Problem(where, "", f"not valid TOML: {e}"))
    except UnicodeDecodeError:
        problems.append(Problem(where, "", "not valid TOML: the file is not UTF-8 text"))
    return None


def _did_you_mean(word: str, options) -> str:
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f"did you mean {close[0]}? " if close else ""


CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
NAME_RE = re.compile(r"^[A-Za-z0-9\u4e00-\u9fff][A-Za-z0-9_.\-\u4e00-\u9fff]{0,99}$")


def _collect(path: Path, problems: list[Problem], seen: list[Path], child: Path | None = None) -> tuple[dict, dict]:
    """Settings and overrides of ``path`` with its ``extends`` chain applied (parent first)."""
    try:
        path = path.resolve()
    except (OSError, RuntimeError):  # a symbolic link that leads back to itself
        by = f" (named by extends in {_display(child)})" if child is not None else ""
        problems.append(Problem(_display(path), "", f"is a symbolic link in a loop{by}; expected a case file"))
        return {}, {}
    if path in seen:
        problems.append(Problem(_display(path), "extends", "cases extend each other in a loop: "
                                + " -> ".join(_display(p) for p in [*seen, path])))
        return {}, {}
    if len(seen) >= MAX_EXTENDS:
        problems.append(Problem(_display(seen[0]), "extends", f"expected a chain of at most {MAX_EXTENDS} case files "
                                f"(each extending the next), got more: {_display(path)} is number {len(seen) + 1}"))
        return {}, {}
    seen.append(path)
    raw = _read_toml(path, problems, child)
    if raw is None:
        return {}, {}
    where = _display(path)
    settings: dict = {}
    overrides: dict = {"targets": {}, "measures": {}, "potentials": {}}
    if "extends" in raw:
        if not isinstance(raw["extends"], str):
            problems.append(Problem(where, "extends", "expected a path to another case file, as text"))
        else:
            parent_settings, parent_overrides = _collect(path.parent / raw["extends"], problems, seen, path)
            settings.update(parent_settings)
            for table, rows in parent_overrides.items():
                for key, cols in rows.items():
                    overrides[table].setdefault(key, {}).update(copy.deepcopy(cols))
    for key, value in raw.items():
        if key in OVERRIDABLE:
            _collect_overrides(key, value, where, overrides, problems)
        elif key in SETTINGS:
            if key == "extends":
                continue
            value, err = setting_value(key, value)
            if err:
                problems.append(Problem(where, key, err))
                continue
            if key == "data":
                value = str((path.parent / value).resolve())
            settings[key] = value
        else:
            allowed = ", ".join([*SETTINGS, *OVERRIDABLE])
            problems.append(Problem(where, key, f"unknown setting; {_did_you_mean(key, [*SETTINGS, *OVERRIDABLE])}"
                                    f"expected one of {allowed}"))
    if not isinstance(raw.get("name"), str):  # a case is named by its own file, never by the one it extends
        settings["name"] = path.stem if NAME_RE.match(path.stem) else "case"
    return settings, overrides


def _collect_overrides(table: str, value, where: str, overrides: dict, problems: list[Problem],
                       values: bool = False) -> None:
    if not isinstance(value, dict):
        problems.append(Problem(where, table, f"expected a table [{table}.<id>] of column = value"))
        return
    if table == "potentials":
        for region, measures in value.items():
            if not isinstance(measures, dict) or not all(isinstance(v, dict) for v in measures.values()):
                problems.append(Problem(where, f"potentials.{region}",
                                        "expected [potentials.<region_id>.<measure_id>] with column = value"))
                continue
            for measure, cols in measures.items():
                _check_columns(table, f"potentials.{region}.{measure}", cols, where, problems, values)
                overrides[table].setdefault((region, measure), {}).update(cols)
        return
    for key, cols in value.items():
        if not isinstance(cols, dict):
            problems.append(Problem(where, f"{table}.{key}", f"expected a table [{table}.{key}] of column = value"))
            continue
        _check_columns(table, f"{table}.{key}", cols, where, problems, values)
        overrides[table].setdefault(key, {}).update(cols)


def _check_columns(table: str, label: str, cols: dict, where: str, problems: list[Problem],
                   values: bool = False) -> None:
    """Every column may be overridden and holds a single value; with ``values``, also of the column's type (what
    `planner.inputs.overrides` checks again when the data is read)."""
    for col, v in cols.items():
        if col not in OVERRIDABLE[table]:
            problems.append(Problem(where, f"{label}.{col}", f"cannot be overridden; "
                                    f"{_did_you_mean(col, OVERRIDABLE[table])}expected one of "
                                    f"{', '.join(OVERRIDABLE[table])}"))
        elif isinstance(v, dict | list):
            problems.append(Problem(where, f"{label}.{col}", f"expected a single value, got {v!r}"))
        elif values:
            _, err = override_value(TABLES[table].column(col), v)
            if err:
                problems.append(Problem(where, f"{label}.{col}", err))


def setting_value(key: str, value) -> tuple[object, str | None]:
    """One setting's value, typed, or what was expected: the same check for a case file, `Case.with_overrides`, a
    sweep grid and ``planner sweep --set``. Whole numbers are taken where a number is expected (and ``2030.0`` where
    a year is); numbers must be finite (TOML allows ``nan`` and ``inf``); years lie from 1900 to 2200."""
    expected = SETTINGS[key]
    if expected is bool:
        if isinstance(value, bool):
            return value, None
        return None, f"expected true or false (without quotes), got {value!r}"
    if isinstance(value, bool):
        return None, f"expected {TYPE_NAMES[expected]}, got {value!r}"
    if expected in (int, float) and isinstance(value, numbers.Real):
        if not math.isfinite(float(value)):
            return None, f"expected a finite number, got {value!r}"
        if expected is int:
            if float(value) != int(value):
                return None, f"expected {TYPE_NAMES[int]}, got {value!r}"
            value = int(value)
        else:
            value = float(value)
    if not isinstance(value, expected):
        return None, f"expected {TYPE_NAMES[expected]}, got {value!r}"
    if isinstance(value, str) and (CONTROL.search(value) or len(value) > 32_767):
        return None, "expected plain text of at most 32,767 characters, without control characters"
    if key == "name" and not NAME_RE.match(value):
        return None, (f"expected a plain name (letters, digits, _ . -; it names the workbook, never a folder), "
                      f"got {value!r}")
    if key in YEARS and not 1900 <= value <= 2200:
        return None, f"expected a year from 1900 to 2200, got {value}"
    if key == "discount_rate" and not 0 <= value < 1:
        return None, f"expected a rate between 0 and 1 (0.06 for 6%), got {value}"
    if key == "gwp_ch4" and not value > 0:
        return None, f"expected a positive number (28 for AR5), got {value}"
    if key == "objective" and value not in OBJECTIVES:
        close = difflib.get_close_matches(value, OBJECTIVES, n=1, cutoff=0.6)
        return None, (f"expected one of {', '.join(OBJECTIVES)} (least financial cost, or least social cost: cost "
                      f"minus the valued health benefit), got {value!r}"
                      + (f"; did you mean {close[0]!r}?" if close else ""))
    if key == "admin_split" and value not in ADMIN_SPLITS:
        return None, f"expected one of {', '.join(ADMIN_SPLITS)}, got {value!r}"
    if key == "fair_multiple" and not value >= 1:
        return None, f"expected a number of at least 1 (2 = no district pays more than twice the city's cost per " \
            f"unit GDP), got {value}"
    return value, None


def order_problems(settings: dict, where: str) -> list[_Problem]:
    """base_year < first_year <= last_year, when all three are known."""
    years = [settings.get(k) for k in ("base_year", "first_year", "last_year")]
    if None in years or years[0] < years[1] <= years[2]:
        return []
    return [Problem(where, "first_year", "expected base_year < first_year <= last_year, got "
                    f"{years[0]}, {years[1]}, {years[2]}")]


def load_case(path: str | Path, cls: type[Case] = Case) -> Case:
    """Read a case file (and the files it extends); raise `InputError` listing every problem at once. ``cls``: the
    class of the case made (`planner.Case`, which adds `solve`, or this module's `Case`)."""
    path = Path(path)
    problems: list[Problem] = []
    seen: list[Path] = []
    settings, overrides = _collect(path, problems, seen)
    where = _display(path)
    if not seen or any(p.column in ("", "extends") for p in problems):  # the chain could not be read whole
        raise InputError(problems)
    for key in REQUIRED:
        if key not in settings and not any(p.column == key or f"did you mean {key}?" in p.message for p in problems):
            problems.append(Problem(where, key, "missing; a case needs " + ", ".join(REQUIRED)))
    if "data" in settings:
        data_dir = Path(settings["data"])
        if data_dir.suffix.lower() == ".xlsx":
            if not data_dir.is_file():
                problems.append(Problem(where, "data", f"data workbook {_display(data_dir)} not found"))
        elif not data_dir.is_dir():
            problems.append(Problem(where, "data", f"data folder {_display(data_dir)} not found; expected a folder "
                                    "of CSV files or an .xlsx workbook made by planner template"))
    problems += order_problems(settings, where)
    if problems:
        raise InputError(problems)
    return cls(
        name=settings["name"],
        path=path.resolve(),
        data_dir=data_dir,
        base_year=settings["base_year"],
        first_year=settings["first_year"],
        last_year=settings["last_year"],
        discount_rate=settings["discount_rate"],
        title_zh=settings.get("title_zh", ""),
        title_en=settings.get("title_en", ""),
        description=settings.get("description", ""),
        baseline=settings.get("baseline", ""),
        history_until=settings.get("history_until"),
        gwp_ch4=settings.get("gwp_ch4", 28.0),
        objective=settings.get("objective", "cost"),
        regions=settings.get("regions", ""),
        admin_split=settings.get("admin_split", "equal"),
        fair_multiple=settings.get("fair_multiple", 2.0),
        allow_outliers=settings.get("allow_outliers", False),
        overrides=overrides,
        chain=seen,
    )


# ---------------------------------------------------------------------------------------------- dotted overrides


def _apply_dotted(case: Case, key: str, value, where: str, problems: list[_Problem]) -> None:
    """Apply one ``table.id[.id].column = value`` or ``setting = value`` change to ``case`` in place."""
    parts = key.split(".")
    table = parts[0]
    if table in OVERRIDABLE:
        n_ids = 2 if table == "potentials" else 1
        if len(parts) != n_ids + 2:
            shape = "potentials.<region_id>.<measure_id>.<column>" if table == "potentials" \
                else f"{table}.<id>.<column>"
            problems.append(Problem(where, key, f"expected {shape}"))
            return
        ids, col = parts[1:-1], parts[-1]
        row = (ids[0], ids[1]) if table == "potentials" else ids[0]
        _check_columns(table, ".".join(parts[:-1]), {col: value}, where, problems, values=True)
        case.overrides.setdefault(table, {}).setdefault(row, {})[col] = value
        return
    if len(parts) == 1 and key in SETTINGS and key not in ("extends", "name"):
        value, err = setting_value(key, value)
        if err:
            problems.append(Problem(where, key, err))
            return
        if key == "data":
            case.data_dir = (case.path.parent / value).resolve()
        else:
            setattr(case, key, value)
        return
    allowed = ", ".join([*(k for k in SETTINGS if k not in ("extends", "name", "data")), "data",
                         *(f"{t}.<id>.<column>" for t in OVERRIDABLE)])
    problems.append(Problem(where, key, f"unknown setting; expected one of {allowed}"))
