"""Why a case is infeasible: which targets cannot be met together, and by how much each would have to move.

`diagnose` solves an elastic copy of the model (a slack on every target row, minimising the slacks relative to each
row's baseline size) and, on the original LP, asks HiGHS for an irreducible infeasible subsystem (IIS), which names
the rows in conflict.
"""

from __future__ import annotations

import os
import re
import tempfile
import time
from dataclasses import dataclass

import highspy
import numpy as np
import pyomo.core as pyo
from pyomo.common.errors import InfeasibleConstraintException

from ..model import Params, build_model
from ..model.indicators import level
from ..model.targets import GE, row_scale
from . import peak
from .lp import new_highs
from .solve import _compile, _load, _prepare_peak, _run


@dataclass
class Relaxation:
    target_id: str
    year: int
    sense: str
    slack: float  # in the unit of the target's indicator
    relative: float  # slack / baseline level of the row
    share: tuple[float, float] | None = None  # share targets: (the value, the slack over the denominator's level)
    zero_baseline: bool = False  # the row's baseline level is 0: no percentage of it makes sense


@dataclass
class Diagnosis:
    relaxations: list[Relaxation]
    iis_rows: list[str]
    bounds_conflict: bool = False

    @property
    def targets(self) -> list[str]:
        return list(dict.fromkeys(r.target_id for r in self.relaxations))

    def lines(self, names: dict[str, str] | None = None, units: dict[str, str] | None = None) -> list[str]:
        names, units = names or {}, units or {}
        if self.bounds_conflict:
            out = ["Infeasible even with every target relaxed: the potentials conflict "
                   "(min_stock cannot be reached within max_build, or min_stock > max_stock)."]
        else:
            out = ["The targets cannot be met together. Smallest relaxation that makes the case feasible:"]
        for k in self.targets:  # a lasting target's rows in one line: its years and the range of the amounts
            rs = sorted((r for r in self.relaxations if r.target_id == k), key=lambda r: r.year)
            direction = "lowered" if rs[0].sense == GE else "raised"
            label = f"{k} ({names[k]})" if k in names else k
            share = rs[0].share is not None
            what = "share" if share else "limit"
            unit = units.get(k, "")

            def amount(r, unit=unit):
                if r.share is not None:  # a share moves in percentage points, not in the numerator's unit
                    value, points = r.share
                    new = value - points if r.sense == GE else value + points
                    return f"{points * 100:,.2f} percentage points (from {value:.2%} to {new:.2%})"
                return " ".join(x for x in (f"{r.slack:,.6g}", unit) if x)

            if len(rs) == 1:
                r = rs[0]
                of = "" if share else " (its baseline level is 0)" if r.zero_baseline else \
                    f" ({r.relative:.2%} of its baseline level)"
                out.append(f"  {label}, {r.year}: {what} must be {direction} by {amount(r)}{of}")
                continue
            big = max(rs, key=lambda r: r.relative)
            tail = "" if share else "; its baseline level is 0" if big.zero_baseline else \
                f"; at most {big.relative:.2%} of its baseline level ({big.year})"
            out.append(f"  {label}, {_years([r.year for r in rs])}: {what} must be {direction} in each of these "
                       f"{len(rs)} years, by {amount(rs[0])} ({rs[0].year}) to {amount(rs[-1])} ({rs[-1].year}){tail}")
        if self.iis_rows:
            out.append("HiGHS IIS (rows that together cannot hold):")
            out += [f"  {row}" for row in self.iis_rows]
        return out


def _iis_rows(m: pyo.ConcreteModel) -> list[str]:
    """HiGHS's irreducible infeasible subsystem as readable rows (``target cap90 (2022)``,
    ``potential of a in r1 (2022)``), or [] where HiGHS finds none."""
    import pyomo.environ  # noqa: F401  registers Pyomo's MPS writer (the rest of planner needs only pyomo.core)

    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "model.mps")
        _, smap_id = m.write(path, io_options={"symbolic_solver_labels": True})
        by_symbol = m.solutions.symbol_map[smap_id].bySymbol
        h = new_highs()
        if h.readModel(path) != highspy.HighsStatus.kOk:
            return []
        h.setOptionValue("iis_strategy", 2)  # the elastic strategy: the default returned empty IISs (TECH-NOTES)
        h.run()
        try:
            status, iis = h.getIis()
        except Exception:  # noqa: BLE001  HiGHS calls its IIS "under development"
            return []
        if status != highspy.HighsStatus.kOk:
            return []
        names = list(h.getLp().row_names_ or [])
        col_names = list(h.getLp().col_names_ or [])
    targets: dict[str, list[int]] = {}
    potentials: dict[str, dict[str, list[int]]] = {}
    limits: dict[tuple[str, str], list[int]] = {}
    other = []
    for i in iis.row_index_:
        label = names[i] if i < len(names) else f"row {i}"
        core = re.sub(r"^(?:[cr]_[ul]_|c_e_)|_$", "", label)  # Pyomo's MPS prefixes (c_e_: an equality)
        con = by_symbol.get(core)
        if con is not None and con.parent_component().name == "target":
            k, y = con.index()
            targets.setdefault(k, []).append(y)
        elif con is not None and con.parent_component().name == "stock_bounds":
            r, ms, y = con.index()
            potentials.setdefault(ms, {}).setdefault(r, []).append(y)
        elif con is not None and con.parent_component().name == "indicator_bound":
            r, i, y = con.index()
            limits.setdefault((i, r), []).append(y)
        else:
            ix = con.index() if con is not None else None
            other.append((con.parent_component().name, " ".join(map(str, ix)) if isinstance(ix, tuple) else
                          str(ix)) if con is not None else (core, ""))
    stock_cols: dict[str, dict[str, list[tuple[int, int]]]] = {}  # measure -> region -> [(column, year)]
    for j in getattr(iis, "col_index_", []):  # a potential is a bound of the stock variable
        var = by_symbol.get(col_names[j]) if j < len(col_names) else None
        if var is not None and var.parent_component().name == "stock":
            r, ms, y = var.index()
            stock_cols.setdefault(ms, {}).setdefault(r, []).append((j, y))
    untested: list[str] = []
    start = time.perf_counter()
    for ms, by_r in stock_cols.items():  # tested by measure, then by region where there are few (REGIONS_TESTED)
        if time.perf_counter() - start > BOUND_SECONDS:  # an infeasible re-solve takes seconds on the 38 districts
            untested.append(ms)
            continue
        if not _bounds_needed(h, [j for cols in by_r.values() for j, _ in cols]):
            continue
        for r, cols in by_r.items():
            if len(by_r) == 1 or len(by_r) > REGIONS_TESTED or _bounds_needed(h, [j for j, _ in cols]):
                potentials.setdefault(ms, {})[r] = [y for _, y in cols]
    out = [f"target {k} ({_years(ys)})" for k, ys in targets.items()]
    out += [f"potential of {ms} in {_places(by_r)}" for ms, by_r in potentials.items()]
    if untested:  # one line: HiGHS lists every column of its subsystem, most of them not part of the conflict
        out.append(f"potentials of {len(untested)} more measure(s) in HiGHS's IIS, not tested within "
                   f"{BOUND_SECONDS:g} s (each may or may not take part): " + ", ".join(untested))
    bound_by = m.params.bounded_by
    by_bound: dict[str, dict[str, list[int]]] = {}
    for (i, r), ys in limits.items():
        by_bound.setdefault(i, {})[r] = ys
    out += [f"bound {i} <= {bound_by[i]} in {_places(by_r)}" for i, by_r in by_bound.items()]
    return out + _grouped(other)


def _places(by_r: dict[str, list[int]]) -> str:
    """``r1 (2022), r2 (2021-2022)``; more than REGIONS_TESTED regions as their count and the first three."""
    shown = [f"{r} ({_years(ys)})" for r, ys in by_r.items()]
    if len(shown) <= REGIONS_TESTED:
        return ", ".join(shown)
    return f"{len(shown)} regions: " + ", ".join(shown[:3]) + ", ..."


def _grouped(rows: list[tuple[str, str]]) -> list[str]:
    """The IIS's other rows by their constraint family: one line each, with its count and first few indices (a
    conflict on the 38 districts lists hundreds of stock balances, which only say the builds involved)."""
    by: dict[str, list[str]] = {}
    for name, index in rows:
        by.setdefault(name, []).append(index)
    out = []
    for name, ixs in by.items():
        shown = [i for i in ixs if i][:3]
        more = ", ..." if len(ixs) > len(shown) and shown else ""
        what = f"{len(ixs)} rows" if len(ixs) > 1 else "1 row"
        out.append(f"{name}: {what}" + (f" ({'; '.join(shown)}{more})" if shown else ""))
    return out


REGIONS_TESTED = 5  # a measure's potential is tested region by region where its IIS columns are in this many or fewer
BOUND_SECONDS = 30.0  # the time the potentials' tests may take; measures left are named as in the IIS, untested


def _bounds_needed(h: highspy.Highs, cols: list[int]) -> bool:
    """Whether the potentials of these columns (their upper bounds, or positive lower bounds) take part in the
    conflict: HiGHS lists every column of its subsystem's rows with the bounds it has, so they are tested by lifting
    them together (the upper to infinity, then the lower to 0, where build >= 0 holds the stock anyway) and solving
    again; still infeasible means they are not needed. Together, not one by one: a measure's columns are lifted in
    one solve (1,235 single-column solves took 36 s on the shipped case's 3 regions, and would take hours on the 38
    districts); a measure whose columns are needed is then narrowed to its regions where they are few."""
    lp = h.getLp()
    idx = np.array(cols, dtype=np.int32)
    lo, up = np.asarray(lp.col_lower_)[idx].astype(float), np.asarray(lp.col_upper_)[idx].astype(float)
    needed = False
    for new_lo, new_up in ((lo, np.full(len(idx), highspy.kHighsInf)), (np.minimum(lo, 0.0), up)):
        if np.array_equal(new_lo, lo) and np.array_equal(new_up, up):
            continue
        h.changeColsBounds(len(idx), idx, new_lo, new_up)
        h.run()
        needed |= h.getModelStatus() != highspy.HighsModelStatus.kInfeasible
        h.changeColsBounds(len(idx), idx, lo, up)
        if needed:
            break
    return needed


def _years(ys: list[int]) -> str:
    ys = sorted(set(ys))
    return str(ys[0]) if len(ys) == 1 else f"{ys[0]}-{ys[-1]}" if ys[-1] - ys[0] == len(ys) - 1 else \
        ", ".join(map(str, ys))


def _peak_ids(p: Params) -> set[str]:
    return {t["target_id"] for t in p.targets if t["kind"] == "peak"}


def diagnose(p: Params, original: pyo.ConcreteModel | None = None, tol: float = 1e-7, extra=None) -> Diagnosis:
    """Which targets conflict and by how much each must move (elastic copy, with the user's ``extra`` hook if
    given), plus HiGHS's IIS rows."""
    em = build_model(p, elastic=True, extra=extra)
    ref = None
    if original is not None and peak.state(original).ref is not None:
        ref = peak.state(original).ref
        if ref.optimal:
            peak.copy_limits(original, em)
    elif _peak_ids(p):  # the peak's limits come from the case (not its elastic copy) solved without its peaks
        m0 = build_model(p, extra=extra)
        try:
            ref = _prepare_peak(m0, _compile(m0), None)
        except InfeasibleConstraintException:
            ref = peak.Reference(status="infeasible")
        if ref is not None and ref.optimal:
            peak.copy_limits(m0, em)
    ids = _peak_ids(p)
    first_stage_fails = ref is not None and not ref.optimal
    if first_stage_fails:  # the case fails without its peak: diagnose the other targets
        for k, y in em.target:
            if k in ids:
                em.target[k, y].deactivate()
    lp = _compile(em)
    run = _run(lp, None)
    iis = []
    if original is not None:
        peak_rows = [c for (k, _), c in original.target.items() if k in ids and c.active]
        if first_stage_fails:  # the conflict is in the case without its peak
            for c in peak_rows:
                c.deactivate()
        try:
            iis = _iis_rows(original)
        finally:
            if first_stage_fails:
                for c in peak_rows:
                    c.activate()
    if run.status != "optimal":
        return Diagnosis([], iis, bounds_conflict=True)
    _load(lp, np.clip(run.x, lp.col_lower, lp.col_upper))
    by_id = {t["target_id"]: t for t in p.targets}
    relax = []
    for (k, y), var in em.slack.items():
        s = float(var.value or 0.0)
        scale = row_scale(p, by_id[k], y)
        if s / scale > tol:
            t = by_id[k]
            share = None
            if t["kind"] in ("share_min", "share_max"):
                d = pyo.value(level(em, p, t["denominator_id"], t["scope"], y))
                share = (t["value"], s / d) if d > 0 else None
            zero = abs(p.baseline_sum(t["indicator_id"], t["scope"], y)) == 0
            relax.append(Relaxation(k, y, em.target_sense[k, y], s, s / scale, share, zero))
    return Diagnosis(relax, iis)
