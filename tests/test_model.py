"""Tiny cases whose optimum is worked out by hand in each docstring.

Unless said otherwise: one region r1, base year 2020, model years 2021-2022, discount rate 0, so a unit standing
for one year costs exactly its ``fixed_om`` and the objective is a plain sum.
"""

from __future__ import annotations

import numpy as np
import pytest
from pyomo.core.expr.visitor import identify_variables

import planner
from planner.model import crf
from tests.tiny import effect, flat, indicator, make_case, measure, potential, region, target

APPROX = dict(rel=1e-7, abs=1e-7)


def built(res, year=None):
    """{(region, measure, year): build} of the non-zero builds."""
    return {k: v for k, v in res.solution.build.items() if v > 1e-9 and (year is None or k[2] == year)}


def assert_all_met(res):
    assert (res.targets["status"] != "violated").all(), res.targets


def test_cap_takes_cheapest_reduction_first(tmp_path):
    """co2 is 100; cap 90 in 2022. Measure a cuts 1 t for 5/yr (at most 4 units), b cuts 2 t for 12/yr (6/t).
    Cheapest: all 4 of a (4 t, 20) then 3 of b (6 t, 36), both built in 2022 (building in 2021 pays a year more):
    objective 56; the marginal tonne is b's: 6 yuan/t."""
    case = make_case(tmp_path, measures=[measure("a", fixed_om=5), measure("b", fixed_om=12)],
                     effects=[effect("a", "co2", -1), effect("b", "co2", -2)],
                     potentials=[potential("r1", "a", 4), potential("r1", "b", 100)],
                     targets=[target("cap90", "cap", "co2", 2022, 90)])
    res = planner.run(case)
    assert res.solution.objective == pytest.approx(56, **APPROX)
    assert built(res) == pytest.approx({("r1", "a", 2022): 4, ("r1", "b", 2022): 3})
    row = res.targets.iloc[0]
    assert row["status"] == "binding" and row["level"] == pytest.approx(90)
    assert row["marginal_cost"] == pytest.approx(6)


def test_floor(tmp_path):
    """pv_mw is 0; floor 10 in 2022; each unit adds 1 and costs 3/yr: 10 units in 2022, objective 30."""
    case = make_case(tmp_path, indicators=[indicator("pv_mw", "MW")], measures=[measure("pv", fixed_om=3)],
                     effects=[effect("pv", "pv_mw", 1)], potentials=[potential("r1", "pv", 50)],
                     baseline=flat("r1", "pv_mw", 0), targets=[target("f", "floor", "pv_mw", 2022, 10)])
    res = planner.run(case)
    assert res.solution.objective == pytest.approx(30, **APPROX)
    assert built(res) == pytest.approx({("r1", "pv", 2022): 10})


def test_share_min_mixes_supply_and_saving(tmp_path):
    """Non-fossil 20 of total 100; share >= 25% in 2022, i.e. nf - 0.25 total >= 0.
    pv: +1 nf for 2/yr. eff: -1 total for 0.4/yr, at most 10 (each lowers the need by 0.25 nf: 1.6 per nf).
    So all 10 of eff (need 0.25 * 90 = 22.5), then 2.5 pv: 10 * 0.4 + 2.5 * 2 = 9."""
    case = make_case(
        tmp_path, indicators=[indicator("nf", "tce"), indicator("total", "tce")],
        baseline=flat("r1", "nf", 20) + flat("r1", "total", 100),
        measures=[measure("pv", fixed_om=2), measure("eff", fixed_om=0.4)],
        effects=[effect("pv", "nf", 1), effect("eff", "total", -1)],
        potentials=[potential("r1", "pv", 100), potential("r1", "eff", 10)],
        targets=[target("share", "share_min", "nf", 2022, 0.25, denominator_id="total")])
    res = planner.run(case)
    assert res.solution.objective == pytest.approx(9, **APPROX)
    assert built(res) == pytest.approx({("r1", "eff", 2022): 10, ("r1", "pv", 2022): 2.5})
    assert res.targets.iloc[0]["achieved"] == pytest.approx(0.25)


def test_share_max(tmp_path):
    """Coal 60 of total 100; coal share <= 50%. A switch cuts coal by 1 (total unchanged) for 1/yr: 10 units, 10."""
    case = make_case(
        tmp_path, indicators=[indicator("coal", "tce"), indicator("total", "tce")],
        baseline=flat("r1", "coal", 60) + flat("r1", "total", 100), measures=[measure("switch", fixed_om=1)],
        effects=[effect("switch", "coal", -1)], potentials=[potential("r1", "switch", 100)],
        targets=[target("s", "share_max", "coal", 2022, 0.5, denominator_id="total")])
    res = planner.run(case)
    assert res.solution.objective == pytest.approx(10, **APPROX)


def test_reduction_against_a_base_year_before_the_model_years(tmp_path):
    """Fertilizer 100 in 2020 growing to 105 in 2022; -10% vs 2020 means <= 90 in 2022: cut 15 at 2 each: 30."""
    case = make_case(
        tmp_path, indicators=[indicator("fert")],
        baseline=[*flat("r1", "fert", 100, (2020,)), *flat("r1", "fert", 105, (2022,))],
        measures=[measure("m", fixed_om=2)], effects=[effect("m", "fert", -1)], potentials=[potential("r1", "m", 99)],
        targets=[target("red", "reduction", "fert", 2022, 0.1, base_year=2020)])
    res = planner.run(case)
    assert res.solution.objective == pytest.approx(30, **APPROX)
    assert res.targets.iloc[0]["achieved"] == pytest.approx(0.1)


def test_reduction_against_a_model_year(tmp_path):
    """Flat 100; 2022 <= 0.9 * 2021. Cuts standing in 2021 lower both years, so build only in 2022: 10 units, 20."""
    case = make_case(tmp_path, indicators=[indicator("fert")], measures=[measure("m", fixed_om=2)],
                     effects=[effect("m", "fert", -1)], potentials=[potential("r1", "m", 99)],
                     targets=[target("red", "reduction", "fert", 2022, 0.1, base_year=2021)])
    res = planner.run(case)
    assert res.solution.objective == pytest.approx(20, **APPROX)
    assert built(res) == pytest.approx({("r1", "m", 2022): 10})


def test_intensity_reduction(tmp_path):
    """Energy 100 and driver 10 in 2020; 120 and 12 in 2022 (frozen intensity). -14.5% intensity:
    energy_2022 <= 0.855 * 100 * 12 / 10 = 102.6, so cut 17.4 at 1 each: 17.4."""
    case = make_case(
        tmp_path, indicators=[indicator("energy", "tce"), indicator("va", "yuan", exogenous=True)],
        baseline=[*flat("r1", "energy", 100, (2020,)), *flat("r1", "energy", 120, (2022,)),
                  *flat("r1", "va", 10, (2020,)), *flat("r1", "va", 12, (2022,))],
        measures=[measure("m", fixed_om=1)], effects=[effect("m", "energy", -1)],
        potentials=[potential("r1", "m", 99)],
        targets=[target("int", "intensity_reduction", "energy", 2022, 0.145, denominator_id="va", base_year=2020)])
    res = planner.run(case)
    assert res.solution.objective == pytest.approx(17.4, **APPROX)
    assert res.targets.iloc[0]["achieved"] == pytest.approx(0.145)


def test_peak(tmp_path):
    """co2 90 in 2020, 100/110/120/130 in 2021-2024; peak by 2022. Without the peak nothing is built, so the ceiling
    is the 2022 level 110 and the years before stay at 100: 2023 and 2024 <= 110 need 10 standing in 2023 and 20 in
    2024 at 1 per unit-year: build 10 in 2023 and 10 in 2024; objective 10 + 20 = 30. (tests/test_targets.py has
    the cases where the old endogenous row rewarded a higher peak.)"""
    baseline = [{"region_id": "r1", "indicator_id": "co2", "year": y, "value": v, "source_id": "src"}
                for y, v in ((2020, 90), (2021, 100), (2022, 110), (2023, 120), (2024, 130))]
    case = make_case(tmp_path, baseline=baseline, last_year=2024, measures=[measure("m", fixed_om=1)],
                     effects=[effect("m", "co2", -1)], potentials=[potential("r1", "m", 99)],
                     targets=[target("peak", "peak", "co2", 2022)])
    res = planner.run(case)
    assert res.solution.objective == pytest.approx(30, **APPROX)
    assert built(res) == pytest.approx({("r1", "m", 2023): 10, ("r1", "m", 2024): 10})
    assert list(res.targets["year"]) == [2021, 2022, 2023, 2024]
    assert list(res.targets["limit"]) == pytest.approx([100, 110, 110, 110])
    assert_all_met(res)


def test_discounting_annuity_of_a_unit_standing_its_whole_life_is_its_capex(tmp_path):
    """Rate 10%, capex 100, lifetime 2, floor of 1 unit from 2021: built in 2021, it stands 2021-2022 and pays the
    annuity 100 * crf(0.1, 2) = 57.619 in each year; discounted to 2020: 57.619 / 1.1 + 57.619 / 1.21 = 100."""
    case = make_case(tmp_path, indicators=[indicator("u", "units")], baseline=flat("r1", "u", 0), rate=0.1,
                     measures=[measure("m", capex=100, lifetime=2)], effects=[effect("m", "u", 1)],
                     potentials=[potential("r1", "m", 5)],
                     targets=[target("f1", "floor", "u", 2021, 1), target("f2", "floor", "u", 2022, 1)])
    res = planner.run(case)
    assert crf(0.1, 2) == pytest.approx(0.1 / (1 - 1.1**-2))
    assert res.solution.objective == pytest.approx(100, **APPROX)


def test_discounting_a_late_unit_pays_only_inside_the_horizon(tmp_path):
    """As above with the floor only in 2022: built in 2022, one annuity discounted two years: 57.619 / 1.21."""
    case = make_case(tmp_path, indicators=[indicator("u", "units")], baseline=flat("r1", "u", 0), rate=0.1,
                     measures=[measure("m", capex=100, lifetime=2)], effects=[effect("m", "u", 1)],
                     potentials=[potential("r1", "m", 5)], targets=[target("f2", "floor", "u", 2022, 1)])
    res = planner.run(case)
    assert res.solution.objective == pytest.approx(100 * crf(0.1, 2) / 1.21, **APPROX)
    assert res.solution.objective == pytest.approx(47.619048, rel=1e-6)


@pytest.mark.parametrize("lifetime, builds", [(1, {2021: 5, 2022: 5}), (2, {2021: 5})])
def test_lifetime_retires_units(tmp_path, lifetime, builds):
    """Floors of 5 units in 2021 and 2022 at 1 per unit-year: lifetime 1 means building 5 twice, lifetime 2 once;
    either way 10 unit-years, objective 10."""
    case = make_case(tmp_path, indicators=[indicator("u", "units")], baseline=flat("r1", "u", 0),
                     measures=[measure("m", fixed_om=1, lifetime=lifetime)], effects=[effect("m", "u", 1)],
                     potentials=[potential("r1", "m", 50)],
                     targets=[target("f1", "floor", "u", 2021, 5), target("f2", "floor", "u", 2022, 5)])
    res = planner.run(case)
    assert res.solution.objective == pytest.approx(10, **APPROX)
    assert built(res) == pytest.approx({("r1", "m", y): v for y, v in builds.items()})


def test_accumulating_indicator_counts_years_stood(tmp_path):
    """Forest stock accumulates: each ha tended adds 10 m3 for every year it has stood. Floor of +60 m3 in 2023
    with at most 1 ha built a year: 1 ha in 2021 (3 years: 30) + 2022 (20) + 2023 (10) = 60 exactly, the only
    way; cost 1 per ha-year: 3 + 2 + 1 = 6. (Without accumulation 60 m3 would need 6 ha: infeasible.)"""
    case = make_case(
        tmp_path, indicators=[indicator("stock_m3", "m3", accumulates=True)], last_year=2023,
        baseline=flat("r1", "stock_m3", 1000, (2020, 2023)), measures=[measure("tend", fixed_om=1, lifetime=30)],
        effects=[effect("tend", "stock_m3", 10)], potentials=[potential("r1", "tend", 100, max_build=1)],
        targets=[target("f", "floor", "stock_m3", 2023, 1060)])
    res = planner.run(case)
    assert res.solution.objective == pytest.approx(6, **APPROX)
    assert built(res) == pytest.approx({("r1", "tend", 2021): 1, ("r1", "tend", 2022): 1, ("r1", "tend", 2023): 1})
    lv = res.indicators.set_index(["region_id", "indicator_id", "year"])["level"]
    assert lv["r1", "stock_m3", 2022] == pytest.approx(1000 + 10 + 20)


def test_regional_effect_override(tmp_path):
    """pv adds 1 nf per unit, but only 0.5 in r2 (override row). City floor +6 in 2022; r1 holds at most 2 units:
    2 in r1 (2 nf, cost 2) and 8 in r2 (4 nf, cost 8): objective 10."""
    case = make_case(
        tmp_path, regions=[region("r1"), region("r2")], indicators=[indicator("nf", "tce")],
        baseline=flat("r1", "nf", 0) + flat("r2", "nf", 0), measures=[measure("pv", fixed_om=1)],
        effects=[effect("pv", "nf", 1), effect("pv", "nf", 0.5, region_id="r2")],
        potentials=[potential("r1", "pv", 2), potential("r2", "pv", 100)],
        targets=[target("f", "floor", "nf", 2022, 6)])
    res = planner.run(case)
    assert res.solution.objective == pytest.approx(10, **APPROX)
    assert built(res) == pytest.approx({("r1", "pv", 2022): 2, ("r2", "pv", 2022): 8})


def test_regional_scope_and_missing_potential(tmp_path):
    """A floor scoped to r2 only; the measure has no potential row in r2 except the cheap one in r1 cannot help:
    only 'dear' (3/yr) is allowed in r2, so 4 units of it: 12. r1 builds nothing (its nf is not in scope)."""
    case = make_case(
        tmp_path, regions=[region("r1"), region("r2")], indicators=[indicator("nf", "tce")],
        baseline=flat("r1", "nf", 0) + flat("r2", "nf", 0),
        measures=[measure("cheap", fixed_om=1), measure("dear", fixed_om=3)],
        effects=[effect("cheap", "nf", 1), effect("dear", "nf", 1)],
        potentials=[potential("r1", "cheap", 100), potential("r2", "dear", 100)],
        targets=[target("f", "floor", "nf", 2022, 4, scope="r2")])
    res = planner.run(case)
    assert res.solution.objective == pytest.approx(12, **APPROX)
    assert built(res) == pytest.approx({("r2", "dear", 2022): 4})
    assert ("r2", "cheap") not in res.params.pair_set


def test_no_regret_measure_is_bounded_by_its_potential(tmp_path):
    """Savings 3 > fixed_om 1: net -2 per unit-year, deployed to its potential 5 from 2021 with no target:
    5 units * 2 years * -2 = -20."""
    case = make_case(tmp_path, measures=[measure("led", fixed_om=1, savings=3)], effects=[effect("led", "co2", -1)],
                     potentials=[potential("r1", "led", 5)])
    res = planner.run(case)
    assert res.solution.objective == pytest.approx(-20, **APPROX)
    assert built(res) == pytest.approx({("r1", "led", 2021): 5})


def test_min_stock_forces_deployment(tmp_path):
    """min_stock 3 of a 2/yr measure with no target: 3 units both years: 12."""
    case = make_case(tmp_path, measures=[measure("m", fixed_om=2)], effects=[effect("m", "co2", -1)],
                     potentials=[potential("r1", "m", 5, min_stock=3)])
    res = planner.run(case)
    assert res.solution.objective == pytest.approx(12, **APPROX)


def test_worsening_effect_is_priced_by_a_cap(tmp_path):
    """Biomass adds +1 nf (cost 1) but also +0.5 pm; pm is capped at 101 over a baseline of 100, so at most 2 units
    of biomass; the rest of the floor of 5 nf comes from pv at 4: 2 + 3 * 4 = 14."""
    case = make_case(
        tmp_path, indicators=[indicator("nf", "tce"), indicator("pm")],
        baseline=flat("r1", "nf", 0) + flat("r1", "pm", 100),
        measures=[measure("bio", fixed_om=1), measure("pv", fixed_om=4)],
        effects=[effect("bio", "nf", 1), effect("bio", "pm", 0.5), effect("pv", "nf", 1)],
        potentials=[potential("r1", "bio", 100), potential("r1", "pv", 100)],
        targets=[target("f", "floor", "nf", 2022, 5), target("pmcap", "cap", "pm", 2022, 101)])
    res = planner.run(case)
    assert res.solution.objective == pytest.approx(14, **APPROX)
    assert_all_met(res)


def test_warm_resolve_after_changing_a_target_value(tmp_path):
    """Build once, change the cap from 90 to 80 and re-solve on the same HiGHS object: 10 more t from b at 6: 116."""
    case = make_case(tmp_path, measures=[measure("a", fixed_om=5), measure("b", fixed_om=12)],
                     effects=[effect("a", "co2", -1), effect("b", "co2", -2)],
                     potentials=[potential("r1", "a", 4), potential("r1", "b", 100)],
                     targets=[target("cap", "cap", "co2", 2022, 90)])
    m = planner.build_model(planner.load(case))
    assert planner.solve(m).objective == pytest.approx(56, **APPROX)
    m.target_value["cap"] = 80
    basis = m._basis  # the optimal basis of the first solve, kept on the model
    sol = planner.solve(m)
    assert sol.objective == pytest.approx(116, **APPROX)
    assert basis[0] == m._lp.signature()  # same rows and columns: HiGHS started from that basis
    warm = m._lp.h.getInfo().simplex_iteration_count
    cold = planner.build_model(planner.load(case))
    cold.target_value["cap"] = 80
    assert planner.solve(cold).objective == pytest.approx(116, **APPROX)
    assert warm <= cold._lp.h.getInfo().simplex_iteration_count


def test_user_hook_adds_a_constraint(tmp_path):
    """The extra(model, params) hook forbids measure a: the 10 t must come from b alone: 5 units at 12 = 60."""
    import pyomo.environ as pyo

    def no_a(m, p):
        m.no_a = pyo.Constraint(expr=sum(m.build["r1", "a", t] for t in m.T) == 0)

    case = make_case(tmp_path, measures=[measure("a", fixed_om=5), measure("b", fixed_om=12)],
                     effects=[effect("a", "co2", -1), effect("b", "co2", -2)],
                     potentials=[potential("r1", "a", 4), potential("r1", "b", 100)],
                     targets=[target("cap", "cap", "co2", 2022, 90)])
    assert planner.run(case, extra=no_a).solution.objective == pytest.approx(60, **APPROX)


def test_indicator_bound_stops_using_more_than_there_is(tmp_path):
    """Manure generated 100, utilised 70. Two no-regret measures (net -1 per unit-year) each add 1 t utilised, with
    potentials of 20 each: alone they would reach 110 t. bounded_by caps utilised at generated: 30 units in all,
    from 2021, 2 years: objective -60; the bound row binds in both years."""
    ind_gen = indicator("gen")
    ind_used = {**indicator("used"), "bounded_by": "gen"}
    case = make_case(
        tmp_path, indicators=[ind_gen, ind_used], baseline=flat("r1", "gen", 100) + flat("r1", "used", 70),
        measures=[measure("a", fixed_om=1, savings=2), measure("b", fixed_om=1, savings=2)],
        effects=[effect("a", "used", 1), effect("b", "used", 1)],
        potentials=[potential("r1", "a", 20), potential("r1", "b", 20)])
    res = planner.run(case)
    assert res.solution.objective == pytest.approx(-60, **APPROX)
    assert sum(v for (r, m, t), v in res.solution.build.items() if t == 2021) == pytest.approx(30)
    lv = res.indicators.set_index(["region_id", "indicator_id", "year"])["level"]
    assert lv["r1", "used", 2022] == pytest.approx(100)


def test_indicator_bound_rows_are_left_out_where_they_cannot_bind(tmp_path):
    """With potentials too small to reach the bound (10 + 10 < 30 of headroom) no bound row is built."""
    case = make_case(
        tmp_path, indicators=[indicator("gen"), {**indicator("used"), "bounded_by": "gen"}],
        baseline=flat("r1", "gen", 100) + flat("r1", "used", 70),
        measures=[measure("a", fixed_om=1, savings=2), measure("b", fixed_om=1, savings=2)],
        effects=[effect("a", "used", 1), effect("b", "used", 1)],
        potentials=[potential("r1", "a", 10), potential("r1", "b", 10)])
    m = planner.build_model(planner.load(case))
    assert len(m.indicator_bound) == 0


def test_first_year_holds_a_measure_back(tmp_path):
    """co2 is 100; cap 90 in 2021 and 2022 (two caps). a cuts 1 t for 1/yr but can be built only from 2022; b cuts
    1 t for 3/yr. 2021 needs 10 t from b (30); 2022 keeps those 10 of b standing (30) -- a is dearer than nothing but
    b already stands, so no a is built: objective 60. With first_year blank a does it all: 20."""
    def run(first_year):
        case = make_case(tmp_path / str(first_year), measures=[measure("a", fixed_om=1), measure("b", fixed_om=3)],
                         effects=[effect("a", "co2", -1), effect("b", "co2", -1)],
                         potentials=[potential("r1", "a", 100, first_year=first_year), potential("r1", "b", 100)],
                         targets=[target("cap21", "cap", "co2", 2021, 90), target("cap22", "cap", "co2", 2022, 90)])
        return planner.run(case)

    late = run(2022)
    assert late.solution.objective == pytest.approx(60, **APPROX)
    assert built(late) == pytest.approx({("r1", "b", 2021): 10})
    assert run("").solution.objective == pytest.approx(20, **APPROX)


def _lasting_cap_case(tmp_path, last_year: int, lifetime: int = 2):
    """co2 100 a year; a cap of 95 from 2021 to the last year; measure a cuts 1 t per unit standing at 1 yuan a year."""
    return make_case(tmp_path, measures=[measure("a", fixed_om=1, lifetime=lifetime)],
                     effects=[effect("a", "co2", -1)], potentials=[potential("r1", "a", 10)],
                     baseline=flat("r1", "co2", 100, (2020, last_year)),
                     targets=[target("cap", "cap", "co2", 2021, 95)], last_year=last_year)


def test_stock_is_the_balance_of_builds_and_retirements(tmp_path):
    """Lifetime 2 over 2021-2024: 5 units must stand every year, so the cost is 5 x 4 x 1 = 20; the stock variable
    equals the units built in the last two years (a unit built in 2021 retires in 2023), and every balance row holds at
    most four terms: stock[t], stock[t-1], build[t], build[t-2]."""
    m = planner.build_model(planner.load(_lasting_cap_case(tmp_path, 2024)))
    sol = planner.solve(m)
    assert sol.objective == pytest.approx(20, **APPROX)
    b = {t: sol.build["r1", "a", t] for t in range(2021, 2025)}
    for t in range(2021, 2025):
        assert m.stock["r1", "a", t].value == pytest.approx(sum(b[tau] for tau in (t - 1, t) if tau in b), **APPROX)
        assert m.stock["r1", "a", t].value == pytest.approx(5, **APPROX)
        assert len(list(identify_variables(m.stock_balance["r1", "a", t].body))) <= 4
    assert b[2023] == pytest.approx(b[2021], **APPROX)  # what retires in 2023 is built again


def test_rows_do_not_grow_with_the_horizon(tmp_path):
    """A 10-year lifetime over 20, 30 and 40 model years: no row holds more than four terms (stock[t], stock[t-1],
    build[t], build[t-10]), and every further decade adds the same number of nonzeros: linear in the years (a row
    summing every build still standing would add more each decade)."""
    from planner.solver.lp import compile_lp

    nnz, longest = {}, {}
    for last in (2040, 2050, 2060):
        m = planner.build_model(planner.load(_lasting_cap_case(tmp_path / str(last), last, lifetime=10)))
        lp = compile_lp(m)
        nnz[last] = lp.nnz
        longest[last] = int(np.bincount(np.asarray(lp.h.getLp().a_matrix_.index_)).max())
    assert max(longest.values()) == 4
    assert nnz[2060] - nnz[2050] == nnz[2050] - nnz[2040] == 10 * 5  # a year: its balance (4) and its cap row (1)
