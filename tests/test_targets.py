"""Targets that last, the two-stage peak and the abatement kind, on tiny cases whose optimum is worked out by hand.

As in tests/test_model.py: one region r1, base year 2020, discount rate 0, so a unit standing one year costs its
``fixed_om`` (net of savings) and the objective is a plain sum of unit-years.
"""

from __future__ import annotations

import pytest

import planner
from planner.solver import peak
from tests.tiny import effect, flat, indicator, make_case, measure, potential, target

APPROX = dict(rel=1e-7, abs=1e-7)


def built(res):
    return {k: v for k, v in res.solution.build.items() if v > 1e-9}


def lasting(tid, kind, iid, year, value=None, until=None, **kw):
    return {**target(tid, kind, iid, year, value, **kw), "until": until}


def units_case(tmp_path, until=None, lifetime=2):
    """Indicator u (0 in the baseline) moved +1 by each unit of m standing (1 per unit-year); a floor of 5 from
    2021; model years 2021-2024."""
    return make_case(tmp_path, indicators=[indicator("u", "units")], baseline=flat("r1", "u", 0, (2020, 2024)),
                     last_year=2024, measures=[measure("m", fixed_om=1, lifetime=lifetime)],
                     effects=[effect("m", "u", 1)], potentials=[potential("r1", "m", 50)],
                     targets=[lasting("f", "floor", "u", 2021, 5, until=until)])


def test_a_lasting_floor_rebuilds_the_units_that_retire(tmp_path):
    """Floor 5 from 2021, blank until: it holds 2021-2024. A unit lives 2 years, so the 5 built in 2021 retire after
    2022 and 5 more must stand in 2023-2024. Builds b21..b24 cost the years they stand inside the horizon
    (2, 2, 2, 1): b21 = 5 is forced (2021), then b22 + b23 >= 5 and b23 + b24 >= 5: b23 = 5 (cost 10) beats
    b22 = b24 = 5 (cost 15). Objective 10 + 10 = 20; one binding row per year."""
    res = planner.run(units_case(tmp_path))
    assert res.solution.objective == pytest.approx(20, **APPROX)
    assert built(res) == pytest.approx({("r1", "m", 2021): 5, ("r1", "m", 2023): 5})
    assert list(res.targets["year"]) == [2021, 2022, 2023, 2024]
    assert (res.targets["status"] == "binding").all()
    assert set(res.targets["until"]) == {2024}


def test_until_ends_a_target(tmp_path):
    """The same floor with until = 2022: the units built in 2021 suffice, nothing is rebuilt: 5 x 2 = 10."""
    res = planner.run(units_case(tmp_path, until=2022))
    assert res.solution.objective == pytest.approx(10, **APPROX)
    assert built(res) == pytest.approx({("r1", "m", 2021): 5})
    assert list(res.targets["year"]) == [2021, 2022]


def test_until_equal_to_year_is_one_row(tmp_path):
    """until = year: the 2021 row alone. The 5 units built in 2021 live 2 years inside the horizon and pay for
    both: 5 x 2 = 10 (with lifetime 1 it would be 5)."""
    res = planner.run(units_case(tmp_path, until=2021))
    assert list(res.targets["year"]) == [2021]
    assert res.solution.objective == pytest.approx(10, **APPROX)


def test_until_before_year_is_refused(tmp_path):
    case = make_case(tmp_path, targets=[lasting("c", "cap", "co2", 2022, 90, until=2021)])
    with pytest.raises(planner.InputError) as e:
        planner.load(case)
    assert "targets.csv, row 2, column until: expected a year from the target year 2022 on (blank: the last model " \
           "year 2022), got 2021" in str(e.value)


def test_lasting_intensity_reduction_uses_the_driver_of_each_year(tmp_path):
    """Energy 100 and driver 10 in 2020, 120 and 12 in 2022, 150 and 13 in 2024 (linear in between: 135 and 12.5
    in 2023). -10% intensity vs 2020 from 2022 on: energy_t <= 0.9 x 100 x D_t / 10 = 9 D_t: 108, 112.5, 117.
    Cuts needed 12, 22.5, 33: build 12 in 2022, 10.5 in 2023, 10.5 in 2024 (lifetime 10), unit-years
    12 x 3 + 10.5 x 2 + 10.5 = 67.5."""
    years = (2020, 2022, 2024)
    baseline = [{"region_id": "r1", "indicator_id": i, "year": y, "value": v, "source_id": "src"}
                for i, vals in (("energy", (100, 120, 150)), ("va", (10, 12, 13)))
                for y, v in zip(years, vals, strict=True)]
    case = make_case(
        tmp_path, indicators=[indicator("energy", "tce"), indicator("va", "yuan", exogenous=True)],
        baseline=baseline, last_year=2024, measures=[measure("m", fixed_om=1)], effects=[effect("m", "energy", -1)],
        potentials=[potential("r1", "m", 99)],
        targets=[lasting("int", "intensity_reduction", "energy", 2022, 0.1, denominator_id="va", base_year=2020)])
    res = planner.run(case)
    assert res.solution.objective == pytest.approx(67.5, **APPROX)
    assert list(res.targets["limit"]) == pytest.approx([108, 112.5, 117])
    assert list(res.targets["achieved"]) == pytest.approx([0.1, 0.1, 0.1])


def test_abatement_cuts_below_the_baseline_of_each_year(tmp_path):
    """co2 100 in 2021, 120 in 2022 (baseline 2020: 100). Abatement of 10 t from 2021 on: levels <= 90 and <= 110,
    i.e. 10 units standing both years: built in 2021, 2 x 10 = 20; achieved 10 in both rows."""
    baseline = [{"region_id": "r1", "indicator_id": "co2", "year": y, "value": v, "source_id": "src"}
                for y, v in ((2020, 100), (2021, 100), (2022, 120))]
    case = make_case(tmp_path, baseline=baseline, measures=[measure("m", fixed_om=1)],
                     effects=[effect("m", "co2", -1)], potentials=[potential("r1", "m", 99)],
                     targets=[lasting("ab", "abatement", "co2", 2021, 10)])
    res = planner.run(case)
    assert res.solution.objective == pytest.approx(20, **APPROX)
    assert list(res.targets["limit"]) == pytest.approx([90, 110])
    assert list(res.targets["achieved"]) == pytest.approx([10, 10])


# ------------------------------------------------------------------------------------------------ peak


def peak_case(tmp_path, value=None, m_max=99, extra_targets=()):
    """co2 90 (2020), 100, 110, 120, 130 (2021-2024); peak by 2022. pv pays for itself (fixed_om 1, savings 2:
    -1 per unit-year), cuts 1 t, at most 5, lifetime 1 (rebuilt every year); m cuts 1 t for 1 per unit-year,
    lifetime 1."""
    baseline = [{"region_id": "r1", "indicator_id": "co2", "year": y, "value": v, "source_id": "src"}
                for y, v in ((2020, 90), (2021, 100), (2022, 110), (2023, 120), (2024, 130))]
    return make_case(tmp_path, baseline=baseline, last_year=2024,
                     measures=[measure("pv", fixed_om=1, savings=2, lifetime=1), measure("m", fixed_om=1, lifetime=1)],
                     effects=[effect("pv", "co2", -1), effect("m", "co2", -1)],
                     potentials=[potential("r1", "pv", 5), potential("r1", "m", m_max)],
                     targets=[target("peak", "peak", "co2", 2022, value), *extra_targets])


def test_peak_ceiling_from_a_first_solve_without_the_peak(tmp_path):
    """First stage (no peak): pv 5 every year, m nothing: co2 95, 105, 115, 125, objective -20. Ceiling = the 2022
    level 105. Second stage: 2023 needs 10 of m, 2024 needs 20 (lifetime 1): 30 - 20 = 10. pv is built in 2022
    too. (The old row L(t) <= L(2022) paid to skip pv in 2022: the peak rises to 110, m drops to 5 + 15 = 20,
    objective 20 - 15 = 5 < 10: a higher peak and a held-back no-regret measure. The exogenous ceiling forbids
    it.)
    Rows: 2021 <= 95 (no rise before the peak year), 2022 <= min(105, 105), 2023 and 2024 <= 105; each tightened
    tonne in 2023 or 2024 costs one more unit of m: 1 yuan/t."""
    res = planner.run(peak_case(tmp_path))
    assert res.solution.reference_objective == pytest.approx(-20, **APPROX)
    assert res.solution.objective == pytest.approx(10, **APPROX)
    assert built(res) == pytest.approx({**{("r1", "pv", y): 5 for y in range(2021, 2025)},
                                        ("r1", "m", 2023): 10, ("r1", "m", 2024): 20})
    tg = res.targets.set_index("year")
    assert list(tg.index) == [2021, 2022, 2023, 2024]
    assert list(tg["role"]) == ["no_rise", "peak_year", "ceiling", "ceiling"]
    assert list(tg["limit"]) == pytest.approx([95, 105, 105, 105])
    assert list(tg.loc[[2023, 2024], "marginal_cost"]) == pytest.approx([1, 1])
    assert (tg["status"] == "binding").all()


def test_peak_with_an_explicit_ceiling(tmp_path):
    """Ceiling 110 given: 2023 needs 5 of m, 2024 needs 15: 20 - 20 (pv) = 0. The years up to the peak year still
    hold at their no-peak levels: 2021 <= 95, 2022 <= min(110, 105) = 105."""
    res = planner.run(peak_case(tmp_path, value=110))
    assert res.solution.objective == pytest.approx(0, **APPROX)
    assert list(res.targets["limit"]) == pytest.approx([95, 105, 110, 110])
    assert built(res)[("r1", "m", 2024)] == pytest.approx(15)


def test_peak_ceiling_is_a_mutable_parameter(tmp_path):
    """Sweep: the auto ceiling (105) gives 10; setting target_value to 110 re-solves to 0 and stays explicit on the
    next solve; the first stage is not re-solved while no other target changes."""
    m = planner.build_model(planner.load(peak_case(tmp_path)))
    assert planner.solve(m).objective == pytest.approx(10, **APPROX)
    first = peak.state(m).ref
    m.target_value["peak"] = 110
    assert planner.solve(m).objective == pytest.approx(0, **APPROX)
    assert planner.solve(m).objective == pytest.approx(0, **APPROX)
    assert peak.state(m).ref is first
    assert "peak" not in m.peak_auto


def test_peak_reference_follows_a_changed_target(tmp_path):
    """With a cap of 100 in 2022 besides the peak, the first stage builds 5 of m in 2022 (co2 95, 100, 115, 125)
    and the ceiling is 100. Raising the cap to 200 in a sweep re-solves the first stage: the ceiling is 105 again
    and the objective 10 as without the cap."""
    case = peak_case(tmp_path, extra_targets=[{**target("cap", "cap", "co2", 2022, 100), "until": 2022}])
    m = planner.build_model(planner.load(case))
    sol = planner.solve(m)
    assert sol.peak_limits["peak", 2024] == pytest.approx(100)
    m.target_value["cap"] = 200
    sol = planner.solve(m)
    assert sol.peak_limits["peak", 2024] == pytest.approx(105)
    assert sol.objective == pytest.approx(10, **APPROX)


def test_infeasible_peak_is_diagnosed_in_its_own_rows(tmp_path):
    """m at most 10: 2024 needs 20 below 130 - 5 to reach 105: short by 10 t; the diagnosis says the 2024 ceiling
    must rise by 10."""
    with pytest.raises(planner.InfeasibleError) as e:
        planner.run(peak_case(tmp_path, m_max=10))
    relax = e.value.diagnosis.relaxations
    assert [(r.target_id, r.year) for r in relax] == [("peak", 2024)]
    assert relax[0].slack == pytest.approx(10, rel=1e-6)


def test_when_the_case_fails_without_its_peak_the_diagnosis_names_the_other_targets(tmp_path):
    """A cap the potentials cannot reach (90 t to cut in 2021, at most 15) makes the first stage infeasible: the
    diagnosis names the cap, not the peak."""
    case = peak_case(tmp_path, m_max=10, extra_targets=[{**target("low", "cap", "co2", 2021, 10), "until": 2021}])
    with pytest.raises(planner.InfeasibleError) as e:
        planner.run(case)
    assert e.value.diagnosis.targets == ["low"]


def test_diagnosis_of_a_lasting_target_is_one_line(tmp_path):
    """A floor of 60 units with at most 50 standing fails in each of its 4 years by 10: one line names the years
    and the range of the amounts."""
    case = make_case(tmp_path, indicators=[indicator("u", "units")], baseline=flat("r1", "u", 0, (2020, 2024)),
                     last_year=2024, measures=[measure("m", fixed_om=1)], effects=[effect("m", "u", 1)],
                     potentials=[potential("r1", "m", 50)], targets=[lasting("f", "floor", "u", 2021, 60)])
    with pytest.raises(planner.InfeasibleError) as e:
        planner.run(case)
    lines = e.value.diagnosis.lines(units={"f": "units"})
    assert lines[1] == ("  f, 2021-2024: limit must be lowered in each of these 4 years, by 10 units (2021) to "
                        "10 units (2024); its baseline level is 0")


def test_peak_ceiling_below_the_no_peak_level_binds_the_peak_year_too(tmp_path):
    """Ceiling 100 < E0(2022) = 105: the peak year holds at min(100, 105) = 100 as well. pv 5 every year; m
    (lifetime 1) 5 in 2022, 15 in 2023, 25 in 2024: 45 - 20 = 25."""
    res = planner.run(peak_case(tmp_path, value=100))
    assert list(res.targets["limit"]) == pytest.approx([95, 100, 100, 100])
    assert res.solution.objective == pytest.approx(25, **APPROX)


def test_a_measure_built_for_the_peak_says_so(tmp_path):
    """m (1 yuan per unit-year, no savings) is built only because of the peak ceiling: its reason names the peak,
    valued at the ceiling rows' marginal cost (1 yuan/t) times the 10 + 20 t it cuts in 2023 and 2024 = 30."""
    from planner.analysis import analyse

    res = planner.run(peak_case(tmp_path))
    why = analyse(res).reasons.set_index("measure_id")
    assert why.at["m", "reason"] == "needed for 目标peak (peak, 100%)"
    assert why.at["m", "target_value_pv"] == pytest.approx(30, **APPROX)


def test_a_path_limit_that_misses_the_first_stage_by_rounding_is_that_stage_s_level():
    """Rows up to the peak year read E0, the first stage's own level: a limit computed a few units in the last place
    below the level HiGHS has for that solution is set to the level (the second stage then starts feasible from the
    first stage's basis); a limit truly below it, a ceiling row, or a limit above the level is left as it is."""
    import numpy as np

    activity = np.array([1.6e8, 1.6e8, 1.6e8, 1.6e8, 1.6e8])
    const = np.full(5, 3.0e7)
    upper = activity - np.array([3e-8, 30.0, 3e-8, -5.0, 0.0])
    from_path = np.array([True, True, False, True, True])
    out = peak.onto_first_stage(upper, activity, const, from_path)
    assert out.tolist() == [1.6e8, upper[1], upper[2], upper[3], 1.6e8]


def test_the_second_stage_keeps_the_first_stage_solution_feasible(monkeypatch):
    """planner.solve writes the peak rows' limits from E0 (`_peak_path`). With E0 nudged down by 1e-13 (rounding),
    the no-rise rows' bounds in HiGHS are the first stage's row levels themselves; nudged by 1e-6, they are E0."""
    from pathlib import Path

    import numpy as np

    import planner.solver.solve  # noqa: F401
    from planner.model import build_model, derive

    S = __import__("sys").modules["planner.solver.solve"]
    case = Path(__file__).resolve().parent.parent / "cases" / "baseline.toml"
    p = derive(planner.load(case))
    path, run = S._peak_path, S._run
    for nudge, lifted in ((1e-13, True), (1e-6, False)):
        m = build_model(p)
        seen = {}

        def first_run(lp, time_limit, seen=seen):
            out = run(lp, time_limit)
            seen.setdefault("activity", np.asarray(lp.h.getSolution().row_value).copy())
            return out

        monkeypatch.setattr(S, "_run", first_run)
        monkeypatch.setattr(S, "_peak_path", lambda m, lp, x, nudge=nudge: {
            k: {t: e * (1 - nudge) for t, e in v.items()} for k, v in path(m, lp, x).items()})
        lp = S._compile(m)
        S._prepare_peak(m, lp, None)
        no_rise = [row for row, param, _ in S._peak_rows(m, lp)
                   if param.parent_component() is m.peak_path and param.index()[1] < 2030]
        upper = np.asarray(lp.h.getLp().row_upper_)[no_rise]
        activity = seen["activity"][no_rise]
        assert len(no_rise) >= 5
        if lifted:
            assert np.array_equal(upper, activity)
        else:
            assert (upper < activity - 1.0).all()  # E0 x (1 - 1e-6) of ~1.6e8 t: 160 t below, a real limit
