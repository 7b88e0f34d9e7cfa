"""The gate every value of a study passes before any solve: a sweep grid (`planner.sweep`, ``planner sweep --set``),
Monte Carlo draws, sensitivity samples.

A study changes a case at many points without reading the case again, so the checks a case file's value passes
(`planner.inputs.case.setting_value` for settings; `planner.inputs.cells.override_value`, its bounds and
`planner.inputs.plausible` for data cells; `planner.inputs.load.target_problems` and `potential_problems` for the
row a cell belongs to) are run here on every value, with the same messages, each naming the key (and, for a list of
points, the point). A key that changes the structure (years, lifetimes, a new target, another data folder) or
names a row the data does not have is checked by reading the case with those overrides (`planner.inputs.load`), once
per distinct set of such overrides. Each distinct value is checked once.

    >>> gate = Gate(case)                  # reads and checks the case itself
    >>> problems, warnings = gate.check([{"measures.pv_utility.capex": -1}], "sweep grid")
"""

from __future__ import annotations

import dataclasses
import types

from ..base.errors import InputError, Problem
from . import plausible
from .airquality import concentration_indicators
from .case import SETTINGS, Case, _apply_dotted, setting_value
from .cells import override_value
from .load import Data, load, potential_problems, target_problems
from .schema import OVERRIDABLE, TABLES

IN_PLACE = {  # what a compiled model changes in place (planner.study.points.in_place): table -> columns
    "targets": ("value", "enabled"),
    "measures": ("capex", "fixed_om", "savings"),
    "potentials": ("max_stock", "min_stock", "max_build"),
}


def _hashable(value) -> tuple:
    return type(value).__name__, repr(value)


class Gate:
    """The checks of a case's values, for the points of a study on that case."""

    def __init__(self, case: Case, data: Data | None = None):
        self.case = case
        self.data = data if data is not None else load(case)
        d = self.data
        self.rows = {
            "measures": {r["measure_id"]: r for r in d.measures.to_dict("records")},
            "targets": {r["target_id"]: r for r in d.targets.to_dict("records")},
            "potentials": {(r["region_id"], r["measure_id"]): r for r in d.potentials.to_dict("records")},
        }
        self.regions = set(d.regions)
        self.clusters = set(d.cluster_regions)  # regions = "districts": a target may name a cluster
        self.indicators = set(d.indicators["indicator_id"])
        self.exogenous = {i for i, x in zip(d.indicators["indicator_id"], d.indicators["exogenous"], strict=True) if x}
        self.concentrations = concentration_indicators(d.tables.get("source_receptor"))
        self.loaded: dict[tuple, Data] = {(): self.data}  # structural overrides -> the data read with them
        self._seen: dict[tuple, tuple[list[tuple[str, str]], list[tuple[str, str]], bool]] = {}

    # ------------------------------------------------------------------------------------------ one value

    def _row(self, key: str):
        """(table, row id, column) of a dotted data key, or None for a setting or a malformed key."""
        parts = key.split(".")
        if parts[0] not in OVERRIDABLE:
            return None
        n = 2 if parts[0] == "potentials" else 1
        if len(parts) != n + 2:
            return None
        rid = (parts[1], parts[2]) if n == 2 else parts[1]
        return parts[0], rid, parts[-1]

    def structural(self, key: str) -> bool:
        """Whether ``key`` needs the case read again (not a change of a known row's in-place column, nor the
        discount rate)."""
        if key == "discount_rate":
            return False
        row = self._row(key)
        if row is None:
            return True
        table, rid, col = row
        return col not in IN_PLACE.get(table, ()) or rid not in self.rows[table]

    def value(self, key: str, value, allow: bool) -> tuple[list, list, list, bool]:
        """(errors, outliers, warnings, structural) of one key = value: errors of its shape and type (what
        `Case.with_overrides` checks), then, for an in-place change of a known row or a setting, the errors and
        warnings of its magnitude (`planner.inputs.plausible`); each a list of (key, message)."""
        memo = (key, _hashable(value), allow)
        hit = self._seen.get(memo)
        if hit is not None:
            return hit
        found: list[Problem] = []
        scratch = dataclasses.replace(self.case, overrides={})
        _apply_dotted(scratch, key, value, "", found)  # the key's shape and the value's type: with_overrides' checks
        errors = [(p.column, p.message) for p in found]
        outliers: list[tuple[str, str]] = []
        warnings: list[tuple[str, str]] = []
        structural = self.structural(key)
        if not errors and not structural:
            if key in SETTINGS:
                typed, _ = setting_value(key, value)
                err, warn = plausible.setting(key, typed, allow)
            else:
                table, rid, col = self._row(key)
                typed, _ = override_value(TABLES[table].column(col), value)
                row = {**self.rows[table][rid], col: typed}
                err, warn = plausible.cell(table, col, typed, row, allow) if col != "enabled" else (None, None)
            if err:
                outliers.append((key, err))
            elif warn:
                warnings.append((key, warn))
        out = self._seen[memo] = (errors, outliers, warnings, structural)
        return out

    # ------------------------------------------------------------------------------------------ points

    def check(self, pts: list[dict], where: str, each: bool = False) -> tuple[list[Problem], list[Problem]]:
        """Problems and warnings of every point, before any solve; ``where`` names the grid in the messages
        (``sweep grid``, ``--set``, ``Monte Carlo sample``); ``each``: name the point (1-based) too. The order of
        the checks is `planner.inputs.load`'s: a value's type, then its row, then (for a row without a problem)
        its magnitude."""
        problems: list[Problem] = []
        warnings: list[Problem] = []
        told: set = set()
        groups: dict[tuple, list[int]] = {}

        def tell(out: list, label: str, column: str, message: str) -> None:
            if (column, message) not in told:
                told.add((column, message))
                out.append(Problem(label, column, message, field="key"))

        for n, point in enumerate(pts):
            label = f"{where} {n + 1}" if each else where
            allow = point.get("allow_outliers", self.case.allow_outliers)
            allow = allow if isinstance(allow, bool) else self.case.allow_outliers
            structure, checked, bad = [], {}, False
            for key, value in point.items():
                errors, outliers, warns, structural = checked[key] = self.value(str(key), value, allow)
                for column, message in errors:
                    tell(problems, label, column, message)
                bad = bad or bool(errors)
                if structural and not errors:
                    structure.append((str(key), _hashable(value)))
            if not bad:
                found, rows_bad = self._rows(point)
                for column, message in found:
                    tell(problems, label, column, message)
                for key, (_, outliers, warns, _) in checked.items():
                    if self._row(str(key)) and self._row(str(key))[:2] in rows_bad:
                        continue  # its row has a problem: named once, as load names it
                    for column, message in outliers:
                        tell(problems, label, column, message)
                    for column, message in warns:
                        tell(warnings, label, column, message)
            groups.setdefault(tuple(sorted(structure)), []).append(n)
        if problems:
            if not each:  # a grid of keys: its problems key by key, in the order of the keys
                order = {k: n for n, k in enumerate(pts[0])} if pts else {}
                problems.sort(key=lambda p: order.get(p.column, len(order)))
            return problems, warnings
        for structure, idx in groups.items():  # the case read again with each distinct set of structural overrides
            if not structure or structure in self.loaded:
                continue
            point = pts[idx[0]]
            changes = {k: point[k] for k, _ in structure}
            shown = ", ".join(f"{k}={point[k]!r}" for k, _ in structure)
            label = f"{where} {idx[0] + 1}" if each else where
            try:
                data = load(self.case.with_overrides(changes))
            except InputError as e:
                for p in e.problems:
                    if (p.where, p.column, p.message) not in told:
                        told.add((p.where, p.column, p.message))
                        problems.append(dataclasses.replace(p, where=f"{label} ({shown}): {p.where}"))
                continue
            self.loaded[structure] = data
            for w in data.warnings:
                if (w.where, w.column, w.message) not in told:
                    told.add((w.where, w.column, w.message))
                    warnings.append(dataclasses.replace(w, where=f"{label} ({shown}): {w.where}"))
        return problems, warnings
    def _rows(self, point: dict) -> tuple[list[tuple[str, str]], set]:
        """The row checks of every target and potential the point changes, with all of the point's changes to it: a
        target's scope, years, kind and value (`target_problems`), a potential's min_stock <= max_stock. Returns
        (key, message) of each problem and the (table, row id) of the rows with one."""
        changed: dict[tuple, dict] = {}
        for key, value in point.items():
            row = self._row(str(key))
            if row is None or row[0] == "measures" or row[1] not in self.rows[row[0]]:
                continue
            table, rid, col = row
            typed, _ = override_value(TABLES[table].column(col), value)
            changed.setdefault((table, rid), {})[col] = (typed, str(key))
        out, bad = [], set()
        for (table, rid), cols in changed.items():
            memo = ("row", table, rid, tuple(sorted((c, _hashable(v)) for c, (v, _) in cols.items())))
            found = self._seen.get(memo)
            if found is None:
                row = {**self.rows[table][rid], **{c: v for c, (v, _) in cols.items()}}
                if table == "targets":
                    found = target_problems(types.SimpleNamespace(**row), self.case, self.regions, self.indicators,
                                            self.exogenous, self.clusters, self.concentrations)
                else:
                    found = potential_problems(row["min_stock"], row["max_stock"])
                self._seen[memo] = found
            prefix = "targets." + rid if table == "targets" else f"potentials.{rid[0]}.{rid[1]}"
            for column, message in found:
                out.append((cols[column][1] if column in cols else f"{prefix}.{column}", message))
                bad.add((table, rid))
        return out, bad
