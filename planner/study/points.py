"""Points of a study and the runner that solves them: built once, changed in place, re-solved warm.

A point is a set of overrides in dotted form (``{"targets.nonfossil_share_2025.value": 0.3}``, as
`planner.Case.with_overrides` and ``planner sweep --set`` take them). These change the compiled HiGHS object in
place (`planner.solver.compiled`): a target's ``value`` or ``enabled``; a measure's ``capex``, ``fixed_om`` or
``savings``; a potential's ``max_stock``, ``min_stock`` or ``max_build``; the ``discount_rate``. Anything else (years,
lifetimes, effects, a new target, a data folder) changes the structure: the points that share those overrides are
solved on a model rebuilt for them, once. A point the compiled model cannot take in place (a potential so large that a
bound row left out as redundant could now bind; a cost where the objective has more than build costs) is rebuilt alone.

With a peak target the compiled model solves each point in two stages (`planner.solver.compiled`): the case without its
peaks (re-solved only when the point changes something besides a peak ceiling), then the case with the peak rows set
from it; ``solves`` says how many HiGHS solves the point took, and an infeasible first stage makes the point
infeasible with the diagnosis `planner.solve.diagnose` gives it (the targets other than the peak).

`run_points` returns one record per point: its parameters, status (infeasible points are kept, with a diagnosis),
total cost and its split by sector, each target row's level and marginal cost, units built per measure, and city
emissions of the reported pollutants in 2025, 2030 and the last model year.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
import re
import time
from collections.abc import Callable, Iterable

import numpy as np
import pandas as pd
import pyomo.core as pyo
import scipy.sparse as sp

from ..inputs.case import Case
from ..inputs.load import CITY, Data, load
from ..model import Params, build_model, derive
from ..model import bounds as bounds_module
from ..model.cost import thermal_coefficients
from ..results.tables import REPORTED, SINK, target_records
from ..solver.compiled import Compiled, compile_model, cost_factors, unit_costs
from ..solver.diagnose import diagnose
from ..solver.lp import constant_fits

COST_COLS = ("capex", "fixed_om", "savings")
POTENTIAL_COLS = ("max_stock", "min_stock", "max_build")


# -------------------------------------------------------------------------------------------- grids


MAX_VALUES = 1_000_000  # values of one key (FROM:TO:N)
THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?([eE][+-]?\d+)?$")  # 2,000,000 or 1,234.5


def values(spec) -> list:
    """``"a:b:n"`` -> n evenly spaced values from a to b; ``"a,b,c"`` -> those (``;`` separates too); a list stays a
    list. Text is read as a case file would read it: numbers, ``true``/``false``, else text. Commas between groups of
    three digits are thousands separators when a group starts with 0 (``2,000,000`` is one number); where they could
    be either (``3,100``) the text is refused as ambiguous: write ``3100``, or ``3, 100`` (with a space) for two
    values. Raises ValueError saying what was expected."""
    if isinstance(spec, str):
        text = spec.strip()
        if text.count(":") == 2:
            a, b, n = (x.strip() for x in text.split(":"))
            try:
                lo, hi = float(a.replace(",", "")), float(b.replace(",", ""))
                count = int(n.replace(",", "").replace("_", ""))
            except ValueError:
                raise ValueError(f"expected FROM:TO:N with numbers FROM and TO and a whole number N, got {spec!r}"
                                 ) from None
            if not (math.isfinite(lo) and math.isfinite(hi)):
                raise ValueError(f"expected finite numbers FROM and TO in FROM:TO:N, got {spec!r}")
            if not 1 <= count <= MAX_VALUES:
                raise ValueError(f"expected N from 1 to {MAX_VALUES:,} in FROM:TO:N, got {spec!r}")
            return [float(v) for v in np.linspace(lo, hi, count)]
        if THOUSANDS.match(text):
            groups = text.split(".")[0].split(",")[1:]
            if any(g.startswith("0") for g in groups):  # 2,000,000: no list value is written 000
                return [_scalar(text.replace(",", ""))]
            raise ValueError(f"{text!r} is ambiguous: write {text.replace(',', '')} for one number, or "
                             f"{text.replace(',', ', ')} (with spaces) for {len(groups) + 1} values")
        parts = re.split(r"[,;]", text)
        if any(not p.strip() for p in parts):
            raise ValueError(f"expected values separated by commas (A,B,C), got {spec!r} (an empty value)")
        return [_scalar(v) for v in parts]
    if isinstance(spec, dict):
        return [spec]
    if isinstance(spec, Iterable):
        return list(spec)
    return [spec]


def _scalar(text: str):
    """A value as a case file writes it: an integer, a number (nan and inf too: the gate refuses them by name),
    true/false, else the text itself."""
    text = text.strip()
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    if re.fullmatch(r"[+-]?\d[\d_]*", text):
        return int(text)  # exactly, as TOML reads it (through a float, 9928007452262399 would become ...400)
    try:
        f = float(text)
    except ValueError:
        return text
    return int(f) if f.is_integer() and "." not in text and "e" not in text.lower() else f


def count(grid) -> int:
    """How many points ``grid`` makes, without making them (a grid of a million points is counted, not built)."""
    if isinstance(grid, pd.DataFrame):
        return len(grid)
    if isinstance(grid, dict):
        return math.prod(len(values(v)) for v in grid.values()) if grid else 0
    return len(grid) if hasattr(grid, "__len__") else len(list(grid))


def points(grid) -> list[dict]:
    """Override sets from a grid: a dict of key -> values (the Cartesian product), a list of dicts, or a DataFrame
    (one point per row)."""
    if isinstance(grid, pd.DataFrame):
        return [{k: (v.item() if hasattr(v, "item") else v) for k, v in row.items()}
                for row in grid.to_dict("records")]
    if isinstance(grid, dict):
        if not grid:
            return []
        keys = list(grid)
        return [dict(zip(keys, combo, strict=True)) for combo in itertools.product(*(values(grid[k]) for k in keys))]
    return [dict(p) for p in grid]


def in_place(key: str) -> bool:
    parts = key.split(".")
    return ((parts[0] == "targets" and len(parts) == 3 and parts[2] in ("value", "enabled"))
            or (parts[0] == "measures" and len(parts) == 3 and parts[2] in COST_COLS)
            or (parts[0] == "potentials" and len(parts) == 4 and parts[3] in POTENTIAL_COLS)
            or key == "discount_rate")


def structure(point: dict) -> tuple:
    return tuple(sorted((k, repr(v)) for k, v in point.items() if not in_place(k)))


# -------------------------------------------------------------------------------------------- the runner


class Runner:
    """One case built and compiled once; `solve(point)` applies the point's in-place overrides and re-solves warm."""

    def __init__(self, case: Case, extra: Callable | None = None, data: Data | None = None):
        self.case = case
        self.extra = extra
        start = time.perf_counter()
        self.data: Data = data if data is not None else load(case)
        self.params: Params = derive(self.data)
        self.model = build_model(self.params, extra=extra)
        self.compiled: Compiled = compile_model(self.model)
        self.build_seconds = time.perf_counter() - start
        p = self.params
        self.measures = self.data.measures.set_index("measure_id")
        self.sector = self.measures["sector"].to_dict()
        self.sectors = sorted(set(self.sector.values()))
        self.bounded = set(self.model.BOUNDED) if hasattr(self.model, "BOUNDED") else None
        self.state: dict = {}
        self.base = {"rate": p.rate, "unit_cost": dict(p.unit_cost)}
        idx = self.compiled.build_index
        self.col_measure = np.array([ms for _, ms, _ in idx])
        self.col_sector = np.array([self.sector[ms] for ms in self.col_measure])
        self.capex = np.array([float(self.measures.at[ms, "capex"]) for ms in self.col_measure])
        # each measure's cost columns as plain lists, in Params.measures order: a point that draws costs (a Monte
        # Carlo sample sets 150 of them) writes into copies of these and recomputes the unit costs, no table copied
        self.cost_columns = {col: [float(self.measures.at[ms, col]) for ms in p.measures]
                             for col in ("capex", "fixed_om", "savings")}
        self.lifetime = [int(self.measures.at[ms, "lifetime"]) for ms in p.measures]
        self.measure_at = {ms: n for n, ms in enumerate(p.measures)}
        self.unit = dict(zip(self.data.indicators["indicator_id"], self.data.indicators["unit"], strict=True))
        # target rows with no variable left (a target on an indicator no measure moves): not HiGHS rows, checked at
        # every point as the compiler checks them (planner.solver.lp.constant_fits)
        self.constant_rows = [key for key in self.model.target if key not in self.compiled.target_rows]
        self.constant_targets = {k for k, _ in self.constant_rows} - set(self.compiled.moves)
        self._level_map()

    def _level_map(self) -> None:
        """level[r, i, t] = baseline + W @ build + S @ (G @ build) for the model years, from the same effects and
        weights as `planner.results.levels` (which these tables then read): W the measures' own effects in the
        region where they are built; G the city's thermal output the builds move in each year (on the stock, and on
        stock-years for an accumulating indicator); S how that output is booked to each region and indicator (its
        thermal share times the indicator's change per MWh, `Params.flows`). The grid's part stays one term per
        year: booked to every region first, it made regions x pairs entries (50 s of a sweep's start on 38
        regions)."""
        p = self.params
        needed = {t[c] for t in p.targets for c in ("indicator_id", "denominator_id") if t.get(c)}
        if "co2" in needed:
            needed.add(SINK)  # a CO2 row also reports its level net of sinks (results.target_records)
        needed = [i for i in p.indicators if i in needed or i in REPORTED]  # what the table row reads
        self.lv_base = {k: v for k, v in p.baseline.items() if k[1] in needed}
        self.level_keys = [(r, i, t) for r in p.regions for i in needed for t in p.years]
        at = {k: n for n, k in enumerate(self.level_keys)}
        index, years = self.compiled.build_index, p.years
        position = {key: j for j, key in enumerate(index)}
        kinds = {acc: next((i for i in p.indicators if p.accumulates[i] == acc), None) for acc in (False, True)}

        rows, cols, vals = [np.zeros(0, dtype=np.int64)], [np.zeros(0, dtype=np.int64)], [np.zeros(0)]
        grid_rows, grid_cols, grid_vals = [np.zeros(0, dtype=np.int64)], [np.zeros(0, dtype=np.int64)], [np.zeros(0)]
        moved = p.thermal_moved
        grid_kinds = sorted({p.accumulates[i] for i in needed if moved.get(i)})
        for rb, ms in p.pairs:
            col = np.array([position.get((rb, ms, tau), -1) for tau in years], dtype=np.int64)
            for i, e in p.effects.get((rb, ms), {}).items():  # own effects, in the region built
                row = np.array([at.get((rb, i, t), -1) for t in years], dtype=np.int64)
                if not e or (row < 0).all():
                    continue
                w, n, k = p.weight_matrix(ms, i)
                keep = (row[n] >= 0) & (col[k] >= 0)
                rows.append(row[n[keep]])
                cols.append(col[k[keep]])
                vals.append(e * w[n[keep], k[keep]])
            delta = p.thermal_delta.get((rb, ms), 0.0)
            for g, acc in enumerate(grid_kinds):  # thermal output moved, per year (row g*T + t of G)
                if not delta:
                    break
                w, n, k = p.weight_matrix(ms, kinds[acc])
                keep = col[k] >= 0
                grid_rows.append(g * len(years) + n[keep])
                grid_cols.append(col[k[keep]])
                grid_vals.append(delta * w[n[keep], k[keep]])
        n_keys, n_build = len(self.level_keys), len(index)
        self.W = sp.csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
                               shape=(n_keys, n_build))
        self.G = sp.csr_matrix((np.concatenate(grid_vals), (np.concatenate(grid_rows), np.concatenate(grid_cols))),
                               shape=(len(grid_kinds) * len(years), n_build))
        spread_rows, spread_cols, spread_vals = [], [], []
        shares = p.grid.shares if p.grid is not None else {}
        for (r, i, t), n in at.items():
            f, share = moved.get(i, 0.0), shares.get(r, 0.0)
            if f and share:
                spread_rows.append(n)
                spread_cols.append(grid_kinds.index(p.accumulates[i]) * len(years) + years.index(t))
                spread_vals.append(share * f)
        self.S = sp.csr_matrix((spread_vals, (spread_rows, spread_cols)), shape=(n_keys, len(grid_kinds) * len(years)))
        self.level0 = np.array([p.baseline[k] for k in self.level_keys])
        self.by_measure = pd.Index(self.col_measure).unique()
        codes = pd.Index(self.by_measure).get_indexer(self.col_measure)
        self.measure_code = codes
        self.measure_sum = sp.csr_matrix((np.ones(len(codes)), (codes, np.arange(len(codes)))),
                                         shape=(len(self.by_measure), len(codes)))

    # point -> params of that point (plain values, for the result tables) --------------------------------------

    def point_params(self, point: dict) -> Params | None:
        """The Params the point describes, or None if it is not a change this compiled model can take in place."""
        p = self.params
        targets = {t["target_id"]: dict(t) for t in p.targets}
        known = set(self.compiled.moves)
        ms_over: dict[str, dict] = {}
        has_pot = any(k.startswith("potentials.") for k in point)
        min_stock, max_stock, max_build = ((dict(p.min_stock), dict(p.max_stock), dict(p.max_build)) if has_pot
                                           else (p.min_stock, p.max_stock, p.max_build))
        pot_pairs = set()
        rate = p.rate
        for key, v in point.items():
            parts = key.split(".")
            if parts[0] == "targets":
                k, col = parts[1], parts[2]
                if k not in known and k not in self.constant_targets:
                    return None
                if col == "value":
                    targets[k]["value"] = float(v)
                else:
                    targets[k]["enabled_"] = bool(v)
            elif parts[0] == "measures":
                if (parts[1] not in self.measure_at or parts[2] not in self.cost_columns
                        or not self.compiled.cost_in_place):
                    return None
                ms_over.setdefault(parts[1], {})[parts[2]] = float(v)
            elif parts[0] == "potentials":
                key_rm = (parts[1], parts[2])
                if key_rm not in self.compiled.stock_cols:
                    return None
                pot_pairs.add(key_rm)
                col = parts[3]
                target = {"max_stock": max_stock, "min_stock": min_stock, "max_build": max_build}[col]
                target[key_rm] = None if v is None or v != v else float(v)
                if col == "min_stock" and target[key_rm] is None:
                    target[key_rm] = 0.0
            elif key == "discount_rate":
                if not self.compiled.cost_in_place:
                    return None
                rate = float(v)
        if ms_over or rate != p.rate:
            cost = {col: list(values) for col, values in self.cost_columns.items()}
            for ms, cols in ms_over.items():
                for col, v in cols.items():
                    cost[col][self.measure_at[ms]] = v
            unit_cost = dict(zip(p.measures, unit_costs(cost["capex"], cost["fixed_om"], cost["savings"],
                                                        self.lifetime, rate), strict=True))
        else:
            unit_cost = p.unit_cost
        new = dataclasses.replace(
            p, targets=[t for t in targets.values() if t.get("enabled_", True)], unit_cost=unit_cost, rate=rate,
            df={t: (1.0 + rate) ** -(t - p.base_year) for t in p.years}, min_stock=min_stock, max_stock=max_stock,
            max_build=max_build)
        if self.bounded is not None and (max_stock != p.max_stock or min_stock != p.min_stock):
            cache: dict = {}
            try:
                rows = {(r, i, t) for i, j in new.bounded_by.items() for r in new.regions for t in new.years
                        if bounds_module._can_bind(new, r, i, j, t, cache)}
            except Exception:  # noqa: BLE001  the bounds module changed: be safe, rebuild
                return None
            if not rows <= self.bounded:
                return None
        new._enabled = {k: t.get("enabled_", True) for k, t in targets.items()}  # type: ignore[attr-defined]
        new._pot_pairs = pot_pairs  # type: ignore[attr-defined]
        return new

    def apply(self, new: Params) -> None:
        """Push the differences between the current state and ``new`` into HiGHS."""
        c, p, st = self.compiled, self.params, self.state
        values = {t["target_id"]: t["value"] for t in new.targets}
        for t in p.targets:
            k = t["target_id"]
            if k in c.peaks:  # its ceiling (None: the no-peak level of its year); the rows follow at the solve
                c.set_peak(k, new._enabled[k], values.get(k))
                continue
            if k not in c.moves:  # rows with no variable only: nothing in HiGHS (`constant_rows_fit`)
                continue
            if not new._enabled[k]:
                if st.get(("enabled", k), True):
                    c.set_target_enabled(k, False)
                    st[("enabled", k)] = False
                continue
            value = values[k] if values[k] is not None else c.target_value0[k]
            if not st.get(("enabled", k), True) or st.get(("value", k), c.target_value0[k]) != value:
                c.set_target_value(k, value)
                st[("value", k)], st[("enabled", k)] = value, True
        if st.get("rate", p.rate) != new.rate:
            grid = thermal_coefficients(new)
            c.set_cost_factor(cost_factors(new, c.build_index), np.array([grid[t] for t in c.thermal_years]))
            st["rate"] = new.rate
            st["unit_cost"] = None  # force the cost vector
        if st.get("unit_cost", p.unit_cost) != new.unit_cost:
            c.set_costs(new.unit_cost)
            st["unit_cost"] = dict(new.unit_cost)
        touched = self.state.setdefault("touched", set())
        for rm in touched | new._pot_pairs:
            bounds = (new.min_stock[rm], new.max_stock[rm])
            if st.get(("stock", rm), (p.min_stock[rm], p.max_stock[rm])) != bounds:
                c.set_stock_bounds(*rm, *bounds)
                st[("stock", rm)] = bounds
            if st.get(("build", rm), p.max_build[rm]) != new.max_build[rm]:
                c.set_max_build(*rm, new.max_build[rm])
                st[("build", rm)] = new.max_build[rm]
        self.state["touched"] = set(new._pot_pairs)

    # one point ------------------------------------------------------------------------------------------------

    def solve(self, point: dict, detail: bool = True, diagnosis: bool = True, time_limit: float | None = None) -> dict:
        new = self.point_params({k: v for k, v in point.items() if in_place(k)})
        if new is None:
            return solve_rebuilt(self.case, point, self.extra, detail, diagnosis, time_limit)
        self.apply(new)
        if not self.constant_rows_fit(new):  # as planner.solve: infeasible before HiGHS runs
            rec = {"status": "infeasible", "objective": None, "primal_infeasibility": 0.0, "rebuilt": False,
                   "solves": 0, "iterations": 0, "solve_seconds": 0.0, "diagnosis": ""}
            if diagnosis:
                rec["diagnosis"] = describe(diagnose(new, extra=self.extra))
            return rec
        # marginal costs on the tightening side (planner.solver.sides), unless asked for HiGHS's duals as they come
        fs = self.compiled.solve(time_limit, tighten=detail is True)
        rec = {"status": fs.status, "objective": fs.objective, "primal_infeasibility": fs.primal_infeasibility,
               "rebuilt": False, "solves": fs.solves, "iterations": fs.iterations,
               "solve_seconds": fs.seconds, "diagnosis": ""}
        if fs.status == "optimal":
            if detail:
                rec.update(self.tabulate(new, fs))
        elif fs.status in ("infeasible", "infeasible_or_unbounded") and diagnosis:
            rec["diagnosis"] = describe(diagnose(new, extra=self.extra))
        return rec

    def constant_rows_fit(self, new: Params) -> bool:
        """Whether every target row with no variable meets its bounds at the point's target values, up to rounding
        (`planner.solver.lp.constant_fits`, the check `planner.solve` makes when it compiles the model)."""
        if not self.constant_rows:
            return True
        values = {t["target_id"]: t["value"] for t in new.targets}
        for k, y in self.constant_rows:
            if k in self.compiled.peaks or not new._enabled.get(k, True):
                continue
            param = self.model.target_value[k]
            old = param.value
            if values.get(k) is not None:
                param.set_value(values[k])
            try:
                con = self.model.target[k, y]
                fits = constant_fits(con.lb, con.ub, float(pyo.value(con.body)))
            finally:
                param.set_value(old)
            if not fits:
                return False
        return True

    def tabulate(self, p: Params, fs) -> dict:
        """Cost split, target levels and marginal costs, units built per measure, city emissions."""
        c = self.compiled
        x = c.build_values(fs.x)
        uc = np.array([p.unit_cost[ms] for ms in self.by_measure])[self.measure_code]
        factor = c.cost_factor
        out: dict = {}
        cost = uc * factor * x
        invest = self.capex * x
        for s in self.sectors:
            mask = self.col_sector == s
            out[f"cost.{s}"] = float(cost[mask].sum())
            out[f"investment.{s}"] = float(invest[mask].sum())
        if len(c.thermal_col):  # the thermal output the measures change, at its variable cost (the objective's)
            out["cost.electricity"] = float(c.thermal_cost @ fs.x[c.thermal_col])
        out["investment"] = float(invest.sum())
        for ms, v in zip(self.by_measure, (self.measure_sum @ x).tolist(), strict=True):
            out[f"built.{ms}"] = v
        lv = dict(self.lv_base)
        lv.update(zip(self.level_keys, (self.level0 + self.W @ x + self.S @ (self.G @ x)).tolist(), strict=True))
        duals = {key: float(fs.row_dual[row]) for key, row in c.target_rows.items()}
        by_id = {t["target_id"]: t for t in p.targets}
        for r in target_records(p, lv, duals, fs.peak_limits):
            k, y = r["target_id"], r["year"]
            out[f"level.{k}.{y}"] = r["level"]
            out[f"marginal_cost.{k}.{y} [yuan/{self.unit.get(r['indicator_id']) or 'unit'}]"] = r["marginal_cost"]
            if r["kind"] in PP_KINDS:  # as the console and the workbook give it: yuan per percentage point
                scale = _pp_scale(p, by_id[k], y, lv)
                mc = r["marginal_cost"]
                out[f"marginal_cost_pp.{k}.{y} [yuan/pp]"] = None if mc is None or scale is None else mc * 0.01 * scale
            if r["kind"] == "peak" and y == r["first_year"] + 1:  # the ceiling C the years after the peak are held to
                out[f"peak_ceiling.{k}"] = r["limit"]
        years = list(dict.fromkeys(y for y in (2025, 2030, p.years[-1]) if y in p.years))
        for y in years:  # the value of a MWh on the city grid (yuan/MWh of the year: the balance's dual over df)
            if y in c.balance_rows:
                out[f"electricity_value.{y}"] = float(fs.row_dual[c.balance_rows[y]]) / p.df[y]
        for i in REPORTED:
            if i in p.indicators:
                for y in years:
                    out[f"emissions.{i}.{y}"] = sum(lv[r, i, y] for r in p.scope_regions(CITY))
        return out


PP_KINDS = ("share_min", "share_max", "reduction", "intensity_reduction")


def _pp_scale(p: Params, t: dict, year: int, lv: dict) -> float | None:
    """How far one whole unit of a share or reduction target's value moves its row's limit in ``year`` (the scale
    `planner.analysis.marginal` turns a marginal cost per unit of the indicator into one per percentage point)."""
    def level(i, y):
        return sum(lv[r, i, y] for r in p.scope_regions(t["scope"]))

    try:
        if t["kind"] in ("share_min", "share_max"):
            return level(t["denominator_id"], year)
        if t["kind"] == "reduction":
            return level(t["indicator_id"], t["base_year"])
        db = p.baseline_sum(t["denominator_id"], t["scope"], t["base_year"])
        return level(t["indicator_id"], t["base_year"]) * p.baseline_sum(t["denominator_id"], t["scope"], year) / db \
            if db else None
    except KeyError:
        return None


def describe(d) -> str:
    """One line: which targets must move, by how much (the elastic diagnosis)."""
    if d.bounds_conflict:
        return "infeasible even with every target relaxed: the potentials conflict"
    parts = [f"{r.target_id} {r.year}: {'lower' if r.sense == '>=' else 'raise'} limit by {r.slack:.6g} "
             f"({r.relative:.2%})" for r in d.relaxations]
    return "infeasible; smallest relaxation: " + "; ".join(parts) if parts else "infeasible"


def solve_rebuilt(case: Case, point: dict, extra, detail: bool, diagnosis: bool, time_limit) -> dict:
    """A point solved on a model built for it alone (cold)."""
    runner = Runner(case.with_overrides(point), extra)
    rec = runner.solve({}, detail, diagnosis, time_limit)
    rec["rebuilt"] = True
    return rec


def run_points(case: Case, pts: list[dict], extra: Callable | None = None, detail: bool = True,
               diagnosis: bool = True, time_limit: float | None = None, progress: Callable | None = None,
               loaded: dict | None = None) -> list[dict]:
    """Solve every point, in order; points sharing their structural overrides share one compiled model.
    ``loaded``: data already read and checked (`planner.inputs.gate.Gate.loaded`), by structural overrides."""
    groups: dict[tuple, list[int]] = {}
    for i, pt in enumerate(pts):
        groups.setdefault(structure(pt), []).append(i)
    out: list[dict | None] = [None] * len(pts)
    for key, idx in groups.items():
        structural = {k: _value(v) for k, v in key}
        data = (loaded or {}).get(_gate_key(pts[idx[0]], key))
        try:
            runner = Runner(case.with_overrides(structural) if structural else case, extra, data)
        except Exception as e:  # noqa: BLE001  a bad structural override: every point of the group says why
            for i in idx:
                out[i] = {**pts[i], "status": "error", "diagnosis": f"{type(e).__name__}: {e}"}
                if progress:
                    progress(1)
            continue
        for i in idx:
            rec = runner.solve({k: v for k, v in pts[i].items() if in_place(k)}, detail, diagnosis, time_limit)
            out[i] = {**pts[i], **rec}
            if progress:
                progress(1)
    return out  # type: ignore[return-value]


def _gate_key(point: dict, key: tuple) -> tuple:
    """The key of the gate's ``loaded`` for a point's structural overrides (`planner.inputs.gate`)."""
    return tuple(sorted((k, (type(point[k]).__name__, repr(point[k]))) for k, _ in key))


def _value(text: str):
    import ast

    return ast.literal_eval(text)
