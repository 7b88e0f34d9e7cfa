"""The shipped Chongqing cases: optimal, every target met when re-checked from the workbook with numpy (not from
the model), and stored objective values and model sizes (tests/stored_values.py, each change explained there)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import planner
from planner.export import write_excel
from tests.stored_values import STORED

ROOT = Path(__file__).resolve().parents[1]
CASES = sorted(STORED)


@pytest.fixture(scope="module", params=CASES)
def solved(request, tmp_path_factory):
    res = planner.run(ROOT / "cases" / f"{request.param}.toml")
    book = write_excel(res, tmp_path_factory.mktemp(request.param) / f"{request.param}.xlsx")
    return request.param, res, book


def test_optimal_with_stored_objective_and_size(solved):
    name, res, _ = solved
    stored = STORED[name]
    assert res.solution.status == "optimal"
    assert res.solution.objective == pytest.approx(stored["objective"], rel=1e-6)
    assert res.counts == {"variables": stored["variables"], "constraints": stored["constraints"]}


def _levels_from_workbook(book: Path, data_dir: Path, case: planner.Case) -> dict:
    """level[(region, indicator)] -> array over base_year..last_year, rebuilt from the Allocation sheet's stock
    column and the raw CSVs: baseline interpolated with numpy, effects with regional overrides, stock-years for
    accumulating indicators."""
    alloc = pd.read_excel(book, sheet_name="Allocation")
    alloc.columns = [c.split("\n")[0] for c in alloc.columns]
    years = np.arange(case.base_year, case.last_year + 1)
    base = pd.read_csv(data_dir / "baseline.csv", keep_default_na=False)
    if "variant" in base.columns:  # the case's variant (default reference) overrides blank rows of the same key
        chosen = case.baseline or ("reference" if (base["variant"] == "reference").any() else "")
        own = base[base["variant"] == chosen] if chosen else base.iloc[0:0]
        taken = set(zip(own["region_id"], own["indicator_id"], own["year"], strict=True))
        blank = base[(base["variant"] == "") & ~pd.Series(
            [k in taken for k in zip(base["region_id"], base["indicator_id"], base["year"], strict=True)],
            index=base.index, dtype=bool)]
        base = pd.concat([blank, own])
    effects = pd.read_csv(data_dir / "effects.csv", keep_default_na=False)
    acc = pd.read_csv(data_dir / "indicators.csv").set_index("indicator_id")["accumulates"].astype(str).str.lower()
    regions = pd.read_csv(data_dir / "regions.csv")["region_id"].tolist()
    levels = {}
    for (r, i), g in base.groupby(["region_id", "indicator_id"]):
        g = g.sort_values("year")
        levels[r, i] = np.interp(years, g["year"], g["value"]).astype(float)
    stock = {}
    for (r, m), g in alloc.groupby(["Region id", "Measure id"]):
        s = np.zeros(len(years))
        s[np.searchsorted(years, g["Year"].to_numpy())] = g["Standing (units)"].to_numpy()
        stock[r, m] = s
    for r in regions:
        eff = {}
        for row in effects.itertuples():
            if row.region_id in ("", r):
                key = (row.measure_id, row.indicator_id)
                if row.region_id == r or key not in eff:
                    eff[key] = float(row.effect)
        for (m, i), e in eff.items():
            if (r, m) not in stock:
                continue
            s = stock[r, m]
            levels[r, i] = levels[r, i] + e * (np.cumsum(s) if acc[i] == "true" else s)
        # the city grid: the thermal output a measure moves, booked to every region by its thermal share
        grid = _grid(data_dir)
        if grid is None:
            continue
        factors, shares = grid
        for m in {m for m, _ in eff}:
            if (r, m) not in stock:
                continue
            delta = eff.get((m, "elec_demand"), 0.0) - eff.get((m, "elec_gen_nonfossil"), 0.0) \
                - eff.get((m, "elec_import"), 0.0)
            for rr, share in shares.items():
                for i, f in factors.items():
                    if (rr, i) in levels:
                        levels[rr, i] = levels[rr, i] + share * f * delta * stock[r, m]
    return levels, years


def _grid(data_dir: Path):
    """({indicator: change per MWh of thermal output}, {region: thermal share}) from electricity.csv, or None."""
    path = data_dir / "electricity.csv"
    if not path.is_file():
        return None
    g = pd.read_csv(path, keep_default_na=False)
    city = g[g["region_id"] == ""].groupby("parameter")["value"].first().astype(float)
    moved = {"elec_thermal": 1.0, "co2": city["thermal_co2"], "co2_power": city["thermal_co2"],
             "energy_coal": city["thermal_coal"], "energy_gas": city.get("thermal_gas", 0.0),
             "energy_total": city["thermal_coal"] + city.get("thermal_gas", 0.0),
             "energy_industry": city["thermal_energy_industry"], "so2": city["thermal_so2"],
             "nox": city["thermal_nox"], "key_industry_nox": city["thermal_nox"], "pm": city["thermal_pm"]}
    shares = g[g["parameter"] == "thermal_share"].set_index("region_id")["value"].astype(float).to_dict()
    return moved, shares


def test_every_target_met_rechecked_from_the_workbook(solved):
    name, res, book = solved
    case = res.data.case
    levels, years = _levels_from_workbook(book, case.data_dir, case)
    regions = res.data.regions
    targets = res.data.tables["targets"]
    checked = 0
    for t in targets[targets["enabled"]].itertuples():
        scope = regions if t.scope == "city" else [t.scope]

        def L(i, y, scope=scope):
            return sum(levels[r, i][y - case.base_year] for r in scope)

        v, y, tol = t.value, t.year, 1e-6
        if t.kind == "cap":
            assert L(t.indicator_id, y) <= v * (1 + tol), t.target_id
        elif t.kind == "floor":
            assert L(t.indicator_id, y) >= v * (1 - tol), t.target_id
        elif t.kind == "share_min":
            assert L(t.indicator_id, y) / L(t.denominator_id, y) >= v - tol, t.target_id
        elif t.kind == "share_max":
            assert L(t.indicator_id, y) / L(t.denominator_id, y) <= v + tol, t.target_id
        elif t.kind == "reduction":
            assert L(t.indicator_id, y) <= (1 - v) * L(t.indicator_id, t.base_year) * (1 + tol), t.target_id
        elif t.kind == "intensity_reduction":
            ratio = L(t.denominator_id, y) / L(t.denominator_id, t.base_year)
            assert L(t.indicator_id, y) <= (1 - v) * L(t.indicator_id, t.base_year) * ratio * (1 + tol), t.target_id
        elif t.kind == "peak":
            for later in years[years > y]:
                assert L(t.indicator_id, int(later)) <= L(t.indicator_id, y) * (1 + tol), (t.target_id, later)
        checked += 1
    assert checked == int(targets["enabled"].sum()) >= 21


def test_potentials_respected_in_the_workbook(solved):
    _, res, book = solved
    alloc = pd.read_excel(book, sheet_name="Allocation")
    alloc.columns = [c.split("\n")[0] for c in alloc.columns]
    pot = res.data.tables["potentials"].set_index(["region_id", "measure_id"])
    peak = alloc.groupby(["Region id", "Measure id"])["Standing (units)"].max()
    for (r, m), s in peak.items():
        assert s <= float(pot.at[(r, m), "max_stock"]) * (1 + 1e-7) + 1e-6, (r, m)
    assert (alloc["Built this year (units)"] >= -1e-7).all()


def test_workbook_is_bilingual(solved):
    _, res, book = solved
    targets = pd.read_excel(book, sheet_name="Targets")
    assert "Target\n目标" in targets.columns
    assert targets["Target\n目标"].str.contains("[\u4e00-\u9fff]").all()
    alloc = pd.read_excel(book, sheet_name="Allocation")
    assert alloc["Measure\n措施"].str.contains("[\u4e00-\u9fff]").all()


def test_indicator_bounds_hold_in_the_workbook(solved):
    """What is used never exceeds what there is (indicators.csv bounded_by), every region and year, rebuilt from the
    Allocation sheet like the targets above."""
    _, res, book = solved
    case = res.data.case
    levels, years = _levels_from_workbook(book, case.data_dir, case)
    ind = res.data.tables["indicators"]
    pairs = [(i, b) for i, b in zip(ind["indicator_id"], ind["bounded_by"], strict=True) if b]
    assert len(pairs) >= 15
    for i, b in pairs:
        for r in res.data.regions:
            lo, hi = levels[r, i], levels[r, b]
            assert (lo <= hi * (1 + 1e-7) + 1e-6).all(), (r, i, b)
