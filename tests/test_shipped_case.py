"""The shipped Chongqing cases: optimal, every target met when re-checked from the workbook with numpy (not from
the model), and stored objective values and model sizes (tests/stored_values.py, each change explained there)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import planner
from planner.outputs.workbook import write_excel
from planner.results.tables import levels, scope_level
from tests.shared_runs import shipped_result
from tests.stored_values import STORED

ROOT = Path(__file__).resolve().parents[1]
CASES = sorted(STORED)


@pytest.fixture(scope="module", params=CASES)
def solved(request, tmp_path_factory):
    res = shipped_result(ROOT / "cases" / f"{request.param}.toml")  # solved once a session (tests/shared_runs.py)
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
    # derived indicators (indicators.csv formula): terms [number *] [parameter *] indicator, the parameter a city
    # row of electricity.csv by year (interpolated, held at the ends); in table order, so a term may be derived too
    from planner.inputs.formula import parse

    ind = pd.read_csv(data_dir / "indicators.csv", keep_default_na=False)
    grid_rows = pd.read_csv(data_dir / "electricity.csv", keep_default_na=False) \
        if (data_dir / "electricity.csv").is_file() else None
    for i, text in zip(ind["indicator_id"], ind.get("formula", [""] * len(ind)), strict=True):
        if not text:
            continue
        terms, problem = parse(text)
        assert problem is None, (i, problem)
        for r in regions:
            total = np.zeros(len(years))
            for c, par, j in terms:
                if par:
                    g = grid_rows[(grid_rows["parameter"] == par) & (grid_rows["region_id"] == "")]
                    dated = g[g["year"].astype(str) != ""]
                    if len(dated):
                        path = np.interp(years, dated["year"].astype(int), dated["value"].astype(float))
                    else:
                        path = np.full(len(years), float(g["value"].iloc[0]))
                    total += c * path * levels[r, j]
                else:
                    total += c * levels[r, j]
            levels[r, i] = total
    # concentrations (source_receptor.csv): the background plus each coefficient times the precursor's level in its
    # source region, from the raw rows (undated backgrounds in the shipped data)
    sr_path = data_dir / "source_receptor.csv"
    if sr_path.is_file():
        sr = pd.read_csv(sr_path, keep_default_na=False)
        assert (sr["year"].astype(str) == "").all()
        for c in sr["indicator_id"].unique():
            for r in regions:
                total = np.zeros(len(years))
                for row in sr[(sr["indicator_id"] == c) & (sr["receptor_id"] == r)].itertuples():
                    total += float(row.coefficient) * (levels[row.source_region_id, row.precursor_id]
                                                       if row.precursor_id else 1.0)
                levels[r, c] = total
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
    """Every enabled target in every year from its year through its until (blank: the last model year), levels
    rebuilt from the workbook. Peak rows are checked against the limits the Targets sheet states (the no-peak path
    up to the peak year, the ceiling after it); test_peak_never_rewards_a_higher_peak checks those limits."""
    name, res, book = solved
    case = res.data.case
    levels, years = _levels_from_workbook(book, case.data_dir, case)
    regions = res.data.regions
    targets = res.data.tables["targets"]
    sheet = pd.read_excel(book, sheet_name="Targets")
    sheet.columns = [c.split("\n")[0] for c in sheet.columns]
    limits = {(k, int(y)): v for k, y, v in zip(sheet["Target id"], sheet["Year"], sheet["Limit (unit)"], strict=True)}
    checked = rows = 0
    pop = pd.read_csv(case.data_dir / "regions.csv").set_index("region_id")["population_2020"]
    for t in targets[targets["enabled"]].itertuples():
        scope = regions if t.scope == "city" else [t.scope]

        def L(i, y, scope=scope):
            return sum(levels[r, i][y - case.base_year] for r in scope)

        def B(i, y, scope=scope):
            return sum(res.params.baseline[r, i, y] for r in scope)

        v, tol = t.value, 1e-6
        end = case.last_year if t.until is None or t.until != t.until else min(int(t.until), case.last_year)
        span = range(case.first_year if t.kind == "peak" else t.year, end + 1)
        for y in span:
            if t.kind == "cap":
                assert L(t.indicator_id, y) <= v * (1 + tol), (t.target_id, y)
            elif t.kind == "floor":
                assert L(t.indicator_id, y) >= v * (1 - tol), (t.target_id, y)
            elif t.kind == "share_min":
                assert L(t.indicator_id, y) / L(t.denominator_id, y) >= v - tol, (t.target_id, y)
            elif t.kind == "share_max":
                assert L(t.indicator_id, y) / L(t.denominator_id, y) <= v + tol, (t.target_id, y)
            elif t.kind == "reduction":
                assert L(t.indicator_id, y) <= (1 - v) * L(t.indicator_id, t.base_year) * (1 + tol), (t.target_id, y)
            elif t.kind == "intensity_reduction":
                ratio = L(t.denominator_id, y) / L(t.denominator_id, t.base_year)
                limit = (1 - v) * L(t.indicator_id, t.base_year) * ratio
                assert L(t.indicator_id, y) <= limit * (1 + tol), (t.target_id, y)
            elif t.kind == "abatement":
                assert B(t.indicator_id, y) - L(t.indicator_id, y) >= v * (1 - tol), (t.target_id, y)
            elif t.kind == "concentration":  # a region's level, or the city's population-weighted mean
                w = {r: float(pop[r]) / float(pop[scope].sum()) for r in scope}
                level = sum(w[r] * levels[r, t.indicator_id][y - case.base_year] for r in scope)
                assert level <= v * (1 + tol), (t.target_id, y)
            elif t.kind == "peak":
                assert L(t.indicator_id, y) <= limits[t.target_id, y] * (1 + tol), (t.target_id, y)
                if v is not None and v == v and y > t.year:
                    assert limits[t.target_id, y] == pytest.approx(v)
            rows += 1
        checked += 1
    assert checked == int(targets["enabled"].sum()) >= 21
    assert rows == len(sheet) > checked


def _without_peak(case_name: str):
    """The same case with every peak target switched off: its params and solution."""
    data = planner.load(ROOT / "cases" / f"{case_name}.toml")
    t = data.tables["targets"]
    t.loc[t["kind"] == "peak", "enabled"] = False
    p = planner.derive(data)
    return p, planner.solve(planner.build_model(p))


def test_peak_never_rewards_a_higher_peak(solved):
    """Switching the peak on, compared with the same case with the peak off: (a) no year up to the peak year has
    higher CO2 (1e-6 relative); (b) no measure that pays for itself (net annual cost < 0) and does not add CO2 has a
    smaller cumulative build in any year up to the peak year, in any region (one that adds CO2, such as water
    recycling whose pumps draw thermal power, may rightly wait under a carbon limit); the peak's rows before the
    peak year are exactly the no-peak path, and the first stage of the two-stage solve is that case. (b) holds for
    the least financial cost only (see the least social cost below)."""
    name, res, _ = solved
    peaks = [t for t in res.params.targets if t["kind"] == "peak"]
    if not peaks:
        pytest.skip(f"{name} has no peak target on")
    p0, sol0 = _without_peak(name)
    assert sol0.optimal and sol0.objective == pytest.approx(res.solution.reference_objective, rel=1e-9)
    lv0 = levels(p0, sol0.build)
    ind = res.indicators.set_index(["region_id", "indicator_id", "year"])["level"]
    for t in peaks:
        i, y = t["indicator_id"], t["year"]
        for year in (yr for yr in res.params.years if yr <= y):
            off = scope_level(p0, lv0, i, t["scope"], year)
            on = float(ind[t["scope"], i, year]) if t["scope"] == "city" else float(ind[t["scope"], i, year])
            assert on <= off * (1 + 1e-6), (name, year, on, off)
            if year < y:
                assert res.solution.peak_limits[t["target_id"], year] == pytest.approx(off, rel=1e-9)
        if res.params.objective == "social":
            # (b) speaks of the least financial cost: under the least social cost a measure's column also carries the
            # health value of its precursors and of the thermal output it moves (linearised, planner.model.health),
            # so a negative financial cost does not make it free in the LP. Seen: social_cost builds 1% fewer
            # ev_service_vehicle in main_urban by 2024 with the peak on (steel_bof_to_eaf comes forward instead).
            continue
        no_regret = [(r, m) for r, m in res.params.pairs if res.params.unit_cost[m] < 0
                     and res.params.total_effect(r, m).get(i, 0.0) <= 0.0]
        assert len(no_regret) >= 10
        for r, m in no_regret:
            cum_on = cum_off = 0.0
            for year in (yr for yr in res.params.years if yr <= y):
                cum_on += res.solution.build.get((r, m, year), 0.0)
                cum_off += sol0.build.get((r, m, year), 0.0)
                assert cum_on >= cum_off - 1e-6 * max(1.0, cum_off), (name, r, m, year, cum_on, cum_off)


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


def test_pollutant_caps_case_caps_every_pollutant_or_says_which_cannot_hold():
    """cases/pollutant_caps.toml switches on the seven city pollutant totals (no year from 2025 above 2020) and the
    four 14th-FYP key-project cuts. Either the plan meets them all in every year, or the diagnosis names only
    pollutant rows (on the frozen-technology baseline SO2, NOx, PM and VOCs grow too fast for the catalog)."""
    case = ROOT / "cases" / "pollutant_caps.toml"
    data = planner.load(case)
    t = data.tables["targets"]
    on = set(t.loc[t["enabled"], "target_id"])
    pollutant = {f"{i}_no_increase_2025" for i in ("so2", "nox", "pm", "vocs", "nh3", "cod", "nh3n")} | \
        {f"{i}_key_projects_2025" for i in ("cod", "nh3n", "nox", "vocs")}
    assert pollutant <= on
    try:
        res = planner.run(case)
    except planner.InfeasibleError as e:
        assert e.diagnosis.targets and set(e.diagnosis.targets) <= pollutant, e.diagnosis.targets
        assert all(r.year >= 2025 for r in e.diagnosis.relaxations)
    else:
        rows = res.targets[res.targets["target_id"].isin(pollutant)]
        assert len(rows) == 11 * 11 and (rows["status"] != "violated").all()


# ------------------------------------------------------------------------------------- the reference case's electricity


@pytest.fixture(scope="module")
def reference():
    return shipped_result(ROOT / "cases" / "baseline.toml")


def test_wind_and_pv_stay_within_the_citys_plan(reference):
    """渝委发〔2022〕8号 foresees 1,970 MW of wind and PV beyond end-2023 by 2030 (data/baseline.csv
    wind_pv_plan_room): the measures add no more, and the limit binds (more would pay, cases/high_potential.toml)."""
    ind = reference.indicators[reference.indicators["region_id"] == "city"].set_index(["indicator_id", "year"])
    assert ind.at[("wind_pv_added", 2030), "level"] <= ind.at[("wind_pv_plan_room", 2030), "level"] + 1e-6
    assert ind.at[("wind_pv_plan_room", 2030), "level"] == pytest.approx(1970)
    limit = reference.targets[reference.targets["target_id"] == "wind_pv_plan_limit"]
    assert (limit["status"] == "binding").any()


def test_the_key_project_cuts_hold(reference):
    """The 14th five-year key-project cuts (渝府发〔2022〕39号), their 2024-25 remainder, are met in 2025."""
    t = reference.targets[reference.targets["target_id"].str.endswith("_key_projects_2025")]
    assert len(t) >= 4 and (t["status"] != "violated").all()
    assert (t["achieved"] >= t["value"] * (1 - 1e-7)).all()


def test_a_sweep_reports_the_runs_value_of_electricity(reference):
    """The sweep's electricity_value.<year> (dual of the compiled balance row / df) is the run's marginal value."""
    df = planner.sweep(ROOT / "cases" / "baseline.toml", [{}], progress=False)
    el = reference.electricity.set_index("year")
    for y in (2025, 2030, 2035):
        assert df.at[0, f"electricity_value.{y}"] == pytest.approx(el.at[y, "marginal_value"], rel=1e-6, abs=1e-3)
    assert df.at[0, "objective"] == pytest.approx(reference.solution.objective, rel=1e-9)


def test_the_value_of_electricity_is_at_least_what_thermal_output_costs(reference):
    """Where no target makes electricity dearer, a MWh is worth the fuel and running cost of the thermal MWh it
    needs (c_th); a binding CO2 or non-fossil target only adds to it. The value is never below c_th less the
    must-run floor's dual, which is zero where thermal output stays above the floor."""
    el = reference.electricity.set_index("year")
    el = el[el["marginal_value"].notna()]  # model years (the base year has no balance row)
    assert len(el) == 15
    above_floor = el["thermal"] > el["must_run"] * (1 + 1e-6)
    assert (el.loc[above_floor, "marginal_value"] >= el.loc[above_floor, "thermal_cost"] * (1 - 1e-6)).all()
    assert el.loc[2030, "thermal_cost"] == pytest.approx(0.2948 * 950 + 0.00826 * 2059 + 25, rel=1e-3)
