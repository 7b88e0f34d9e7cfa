"""The city grid's electricity balance (planner/model/electricity.py) on tiny cases worked out by hand.

Two regions: r1 uses 100 MWh and makes 20 MWh of non-fossil power; r2 uses none. City thermal output is
100 - 20 - 0 = 80 MWh, made 60% in r1 and 40% in r2 (thermal_share), at 0.8 t CO2/MWh: co2 is 38.4 t in r1 and
25.6 t in r2 (64 t in all). Model years 2021-2022, discount rate 0.
"""

from __future__ import annotations

import pytest

import planner
from planner.base.errors import InputError
from tests.tiny import _write, effect, indicator, make_case, measure, potential, region, target

APPROX = dict(rel=1e-7, abs=1e-7)
ELEC = ["elec_demand", "elec_gen_nonfossil", "elec_import", "elec_thermal"]


def grid_rows(thermal_co2=0.8, must_run=0.0, shares=(0.6, 0.4)) -> list[dict]:
    rows = [{"parameter": p, "region_id": "", "year": "", "value": v, "unit": "t/MWh", "source_id": "src"}
            for p, v in (("thermal_co2", thermal_co2), ("thermal_coal", 0.0), ("thermal_energy_industry", 0.0),
                         ("thermal_so2", 0.0), ("thermal_nox", 0.0), ("thermal_pm", 0.0), ("import_co2", 0.5),
                         ("must_run", must_run))]
    rows += [{"parameter": "thermal_share", "region_id": r, "year": "", "value": s, "unit": "1", "source_id": "src"}
             for r, s in zip(("r1", "r2"), shares, strict=True)]
    return rows


def grid_case(tmp_path, measures, effects, potentials, targets, thermal=(48.0, 32.0), **grid):
    base = {("r1", "elec_demand"): 100, ("r1", "elec_gen_nonfossil"): 20, ("r1", "elec_thermal"): thermal[0],
            ("r2", "elec_thermal"): thermal[1], ("r1", "co2"): 38.4, ("r2", "co2"): 25.6}
    baseline = [{"region_id": r, "indicator_id": i, "year": y, "value": base.get((r, i), 0.0), "source_id": "src"}
                for r in ("r1", "r2") for i in [*ELEC, "co2"] for y in (2020, 2022)]
    case = make_case(tmp_path, regions=[region("r1"), region("r2")],
                     indicators=[*(indicator(i, "MWh") for i in ELEC), indicator("co2")], baseline=baseline,
                     measures=measures, effects=effects, potentials=potentials, targets=targets)
    _write(tmp_path / "data" / "electricity.csv", grid_rows(**grid))
    return case


def test_thermal_output_and_its_co2_are_booked_where_the_plants_are(tmp_path):
    """PV in r2 (+1 MWh each, 1 yuan/yr) cuts city thermal output by 1 MWh and CO2 by 0.8 t, 60% of it in r1.
    A city cap of 40 t in 2022 needs 24 t: 30 units in 2022, objective 30. Thermal output falls to 50 MWh:
    r1 emits 0.6 * 50 * 0.8 = 24 t, r2 16 t, although every panel stands in r2."""
    case = grid_case(tmp_path, [measure("pv", fixed_om=1)], [effect("pv", "elec_gen_nonfossil", 1)],
                     [potential("r2", "pv", 1000)], [target("cap", "cap", "co2", 2022, 40)])
    res = planner.run(case)
    assert res.solution.objective == pytest.approx(30, **APPROX)
    ind = res.indicators.set_index(["region_id", "indicator_id", "year"])["level"]
    assert ind["r1", "co2", 2022] == pytest.approx(24) and ind["r2", "co2", 2022] == pytest.approx(16)
    assert ind["city", "elec_thermal", 2022] == pytest.approx(50)
    assert ind["r2", "elec_gen_nonfossil", 2022] == pytest.approx(30)


def test_must_run_floor_stops_displacement(tmp_path):
    """Cap 20 t needs 44 t cut. PV could do it with 55 units, but thermal output may not fall below 30 MWh: at most
    50 units (40 t cut, thermal output 30 MWh), the last 4 t from ccs in r1 at 5 yuan/t: 50 + 20 = 70. The cap's
    marginal cost is ccs's 5 yuan/t."""
    case = grid_case(tmp_path, [measure("pv", fixed_om=1), measure("ccs", fixed_om=5)],
                     [effect("pv", "elec_gen_nonfossil", 1), effect("ccs", "co2", -1)],
                     [potential("r2", "pv", 1000), potential("r1", "ccs", 1000)],
                     [target("cap", "cap", "co2", 2022, 20)], must_run=30)
    res = planner.run(case)
    assert res.solution.objective == pytest.approx(70, **APPROX)
    assert res.solution.build[("r2", "pv", 2022)] == pytest.approx(50)
    assert res.targets.iloc[0]["marginal_cost"] == pytest.approx(5)


@pytest.mark.parametrize(("thermal_co2", "expected"), [(0.8, 4 / 1.4), (2.0, 2.0)])
def test_sign_of_an_electric_vehicle_comes_out_of_the_balance(tmp_path, thermal_co2, expected):
    """An electric vehicle in r1 saves 3 t of fuel CO2 and uses 2 MWh; PV makes 1 MWh; both cost 1 yuan/yr.
    Cap 4 t below the baseline. At 0.8 t/MWh the EV cuts 3 - 1.6 = 1.4 t (PV 0.8): 4/1.4 EVs. At 2.0 t/MWh the EV
    adds 1 t and is never chosen; PV cuts 2 t: 2 units. (Only the changes matter: the baseline stays 64 t.)"""
    case = grid_case(tmp_path, [measure("ev", fixed_om=1), measure("pv", fixed_om=1)],
                     [effect("ev", "elec_demand", 2), effect("ev", "co2", -3), effect("pv", "elec_gen_nonfossil", 1)],
                     [potential("r1", "ev", 1000), potential("r1", "pv", 1000)],
                     [target("cap", "cap", "co2", 2022, 60)], thermal_co2=thermal_co2)
    res = planner.run(case)
    assert res.solution.objective == pytest.approx(expected, **APPROX)
    if thermal_co2 == 2.0:
        assert res.solution.build.get(("r1", "ev", 2022), 0.0) == pytest.approx(0.0, abs=1e-9)


def test_baseline_must_satisfy_the_balance(tmp_path):
    case = grid_case(tmp_path, [], [], [], [], thermal=(50.0, 32.0))
    with pytest.raises(InputError) as e:
        planner.load(case)
    assert any("baseline elec_thermal 2020 (city 82 MWh) must equal elec_demand - elec_gen_nonfossil - elec_import "
               "(80 MWh): the grid balance is an identity" in p.message for p in e.value.problems)


def test_thermal_shares_must_add_up_to_one(tmp_path):
    case = grid_case(tmp_path, [], [], [], [], shares=(0.6, 0.3))
    with pytest.raises(InputError) as e:
        planner.load(case)
    msgs = [(p.column, p.message) for p in e.value.problems]
    assert ("value", "expected thermal_share values adding up to 1 over the regions, got 0.9") in msgs


def test_electricity_table_reports_the_factors(tmp_path):
    """After the 30 PV units of the first test: demand 100, generation 50, thermal 50 MWh at 0.8 t/MWh: territorial
    factor 40/100 = 0.4 t/MWh; no imports, so the consumption-based factor is the same; the marginal MWh is thermal."""
    case = grid_case(tmp_path, [measure("pv", fixed_om=1)], [effect("pv", "elec_gen_nonfossil", 1)],
                     [potential("r2", "pv", 1000)], [target("cap", "cap", "co2", 2022, 40)])
    row = planner.run(case).electricity.set_index("year").loc[2022]
    assert (row["demand"], row["generation_nonfossil"], row["thermal"]) == pytest.approx((100, 50, 50))
    assert row["factor_territorial"] == pytest.approx(0.4) and row["factor_consumption"] == pytest.approx(0.4)
    assert row["factor_marginal_up"] == pytest.approx(0.8)


def test_a_peak_levels_effects_are_the_grid_flows_summed_over_its_scope():
    """`fastpeak.scope_effects` (one term per pair: own effect + thermal moved x the scope's thermal share) gives the
    effects `Params.acting` books region by region, summed over the scope, for every target of the shipped case and
    for each region as a scope."""
    from pathlib import Path

    from planner.model import derive
    from planner.solver.peakrows import scope_effects

    p = derive(planner.load(Path(__file__).resolve().parent.parent / "cases" / "baseline.toml"))
    checked = 0
    for i, scope in {(t["indicator_id"], t["scope"]) for t in p.targets} | {("co2", r) for r in p.regions}:
        want: dict = {}
        for r in p.scope_regions(scope):
            for rb, ms, e in p.acting.get((r, i), ()):
                want[rb, ms] = want.get((rb, ms), 0.0) + e
        want = {k: v for k, v in want.items() if v}
        got = scope_effects(p, i, scope)
        assert set(got) == set(want), (i, scope)
        assert got == pytest.approx(want, rel=1e-12, abs=0), (i, scope)
        checked += len(got)
    assert checked > 1000
