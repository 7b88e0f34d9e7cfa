"""The analysis of a solved case, on tiny cases whose answers are worked out by hand: marginal costs in the target's
own terms (and re-solving proves them), reduced costs and reasons, the cost split, MAC curves and co-control."""

from __future__ import annotations

import pytest

import planner
from planner.analysis import analyse, tighten_check
from tests.tiny import _write, effect, flat, indicator, make_case, measure, potential, target


def share_case(tmp_path):
    """Clean energy 10 of a total of 100 (baseline, both years); measure a adds 1 unit of clean energy for 5 yuan a
    year (rate 0). A share of at least 20% in 2022 needs 10 units standing in 2022: built in 2022 they cost 50.
    The dual is 5 yuan per unit of clean energy; one percentage point of the share is 0.01 x 100 = 1 unit: 5 yuan/pp."""
    return make_case(tmp_path, indicators=[indicator("clean", "tce"), indicator("total", "tce")],
                     baseline=flat("r1", "clean", 10) + flat("r1", "total", 100),
                     measures=[measure("a", fixed_om=5)], effects=[effect("a", "clean", 1)],
                     potentials=[potential("r1", "a", 100)],
                     targets=[target("share20", "share_min", "clean", 2022, 0.2, denominator_id="total")])


def test_marginal_cost_of_a_share_per_percentage_point(tmp_path):
    res = planner.run(share_case(tmp_path))
    assert res.solution.objective == pytest.approx(50)
    a = analyse(res)
    row = a.marginal.set_index("target_id").loc["share20"]
    assert row["status"] == "binding"
    assert row["marginal_cost"] == pytest.approx(5)  # yuan per tce of clean energy
    assert row["per_pp"] == pytest.approx(5)  # yuan per percentage point
    assert row["own_unit"] == "yuan/pp" and row["own_value"] == pytest.approx(5)


def test_tightening_by_a_step_costs_what_the_marginal_says(tmp_path):
    check = tighten_check(share_case(tmp_path), pp_step=1.0)
    assert list(check["target_id"]) == ["share20"]
    assert check.loc[0, "observed"] == pytest.approx(5.0)  # one more point: one more unit, 5 yuan
    assert check.loc[0, "predicted"] == pytest.approx(5.0)


def test_marginal_cost_in_yuan_of_the_rows_year_and_present_value(tmp_path):
    """At 10% a unit built in 2022 costs 5 yuan paid in 2022: 5 yuan of 2022 per tonne, 5 / 1.1^2 yuan of 2020."""
    case = make_case(tmp_path, measures=[measure("a", fixed_om=5)], effects=[effect("a", "co2", -1)],
                     potentials=[potential("r1", "a", 100)], targets=[target("cap90", "cap", "co2", 2022, 90)],
                     rate=0.1)
    a = analyse(planner.run(case))
    row = a.marginal.set_index("target_id").loc["cap90"]
    assert row["marginal_cost"] == pytest.approx(5)
    assert row["marginal_cost_pv"] == pytest.approx(5 / 1.1**2)
    assert row["own_unit"] == "yuan/t"


def cap_case(tmp_path, **kw):
    """A cap of 90 on a baseline of 100 (2022). a: 5 yuan/t, at most 4 units; b: 12 yuan per unit cutting 2 t
    (6 yuan/t), the marginal one; c: 20 yuan per unit cutting 2 t (10 yuan/t), left out; d saves 3 yuan a year net
    per unit and cuts nothing (no-regret)."""
    return make_case(tmp_path, measures=[measure("a", fixed_om=5), measure("b", fixed_om=12),
                                         measure("c", fixed_om=20), measure("d", fixed_om=1, savings=4)],
                     effects=[effect("a", "co2", -1), effect("b", "co2", -2), effect("c", "co2", -2),
                              effect("d", "co2", 0.0)],
                     potentials=[potential("r1", "a", 4), potential("r1", "b", 100), potential("r1", "c", 100),
                                 potential("r1", "d", 2)],
                     targets=[target("cap90", "cap", "co2", 2022, 90)], **kw)


def test_reduced_costs_say_how_much_cheaper_or_dearer(tmp_path):
    a = analyse(planner.run(cap_case(tmp_path)))
    rc = a.reduced.set_index("measure_id")
    assert rc.at["a", "reduced_cost"] == pytest.approx(-1)  # 5 - 6 x 1: could cost 1 more and still be used in full
    assert rc.at["a", "state"] == "at potential"
    assert "could cost 1 yuan per unit per year more" in rc.at["a", "meaning"]
    assert rc.at["b", "reduced_cost"] == pytest.approx(0, abs=1e-9)  # the marginal measure
    assert rc.at["c", "reduced_cost"] == pytest.approx(8)  # 20 - 6 x 2
    assert rc.at["c", "state"] == "not built"
    assert rc.at["c", "meaning"] == "must be 8 yuan per unit per year cheaper to be used"


def test_reasons_pays_for_itself_or_needed_for(tmp_path):
    a = analyse(planner.run(cap_case(tmp_path)))
    why = a.reasons.set_index("measure_id")
    assert why.at["d", "reason_kind"] == "no-regret"
    assert why.at["d", "reason"].startswith("pays for itself: saves 3 yuan per unit per year")
    assert why.at["b", "reason"] == "needed for 目标cap90 (cap90, 100%)"
    assert why.at["a", "main_target"] == "cap90"
    assert why.at["a", "target_value_pv"] == pytest.approx(4 * 6)  # 4 t cut x 6 yuan/t
    assert list(a.drivers.index) == ["cap90"]
    assert "c" not in why.index


def test_cost_split_adds_up_to_the_objective(tmp_path):
    """capex 10 over 2 years at rate 0 is a capital charge of 5 a year; d (built in 2021 as it saves money) has
    O&M 1 and savings 4 a year per unit."""
    case = cap_case(tmp_path)
    res = planner.run(case)
    a = analyse(res)
    t = a.cost_totals
    assert t["net_pv"] == pytest.approx(res.solution.objective)
    assert t["net_no_regret_pv"] == pytest.approx(2 * 2 * (1 - 4))  # 2 units of d, 2 years, -3 a year
    assert t["net_targets_pv"] == pytest.approx(4 * 5 + 3 * 12)  # a and b in 2022
    assert t["net_pv"] == pytest.approx(t["net_no_regret_pv"] + t["net_targets_pv"])
    assert t["savings"] == pytest.approx(2 * 2 * 4)
    by_year = a.costs.set_index("year")
    assert by_year.at[2022, "om"] == pytest.approx(4 * 5 + 3 * 12 + 2 * 1)


def pollution_case(tmp_path, case_extra: str = ""):
    """One measure cuts 10 t CO2 (of 100), 0.1 t CH4 and 0.95 t SO2 (1,000 pollution equivalents of a baseline of
    9.5 t = 10,000) per unit for 10 yuan a year; 1 unit is required by a CO2 cap of 90."""
    case = make_case(tmp_path, indicators=[indicator("co2"), indicator("ch4"), indicator("so2")],
                     baseline=flat("r1", "co2", 100) + flat("r1", "ch4", 1) + flat("r1", "so2", 9.5),
                     measures=[measure("m", fixed_om=10)],
                     effects=[effect("m", "co2", -10), effect("m", "ch4", -0.1), effect("m", "so2", -0.95)],
                     potentials=[potential("r1", "m", 3)], targets=[target("cap90", "cap", "co2", 2022, 90)],
                     case_extra=case_extra)
    _write(case.parent / "data" / "pollution_equivalents.csv",
           [{"indicator_id": "so2", "kg_per_equivalent": 0.95, "source_id": "src"}])
    return case


def test_mac_curve_in_co2e_with_the_cases_gwp(tmp_path):
    a = analyse(planner.run(pollution_case(tmp_path)))
    co2e = a.mac["co2e"].iloc[0]
    assert co2e["cut_per_unit"] == pytest.approx(10 + 0.1 * 28)
    assert co2e["cost_per_unit_cut"] == pytest.approx(10 / 12.8)
    assert co2e["potential"] == pytest.approx(3 * 12.8)
    assert co2e["deployed"] == pytest.approx(12.8)  # one unit standing in the report year
    assert co2e["co_benefit"] == "cuts air pollution"
    air = a.mac["air"].iloc[0]
    assert air["cost_per_unit_cut"] == pytest.approx(10 / 1000)
    assert air["co_benefit"] == "also cuts CO2e"
    assert a.mac["water"].empty


def test_gwp_is_a_case_setting(tmp_path):
    a = analyse(planner.run(pollution_case(tmp_path, "gwp_ch4 = 30\n")))
    assert a.mac["co2e"].iloc[0]["cut_per_unit"] == pytest.approx(10 + 0.1 * 30)


def test_cocontrol_quadrant_elasticity_and_score(tmp_path):
    a = analyse(planner.run(pollution_case(tmp_path)))
    plan = a.cocontrol.set_index("level").loc["plan"]
    assert plan["co2_cut"] == pytest.approx(10)
    assert plan["air_pe_cut"] == pytest.approx(1000)
    assert plan["co2_cut_rel"] == pytest.approx(0.1) and plan["air_cut_rel"] == pytest.approx(0.1)
    assert plan["quadrant"] == "I both cut"
    assert plan["els_air"] == pytest.approx(1.0)
    assert plan["combined_pp"] == pytest.approx(20)  # 10% CO2 + 10% pollution equivalents
    assert plan["unit_cocontrol_cost"] == pytest.approx(10 / 20)
    assert plan["synergy_degree"] == pytest.approx(1.0)
    assert plan["synergy_score"] == pytest.approx(20)


def test_pathways_follow_a_share_in_its_own_terms(tmp_path):
    a = analyse(planner.run(share_case(tmp_path)))
    p = a.pathways.set_index("year")
    assert p.at[2020, "baseline"] == pytest.approx(0.1)
    assert p.at[2022, "level"] == pytest.approx(0.2)
    assert p.at[2022, "required"] == pytest.approx(0.2)
    assert p.at[2021, "required"] != p.at[2021, "required"]  # NaN: no row that year


def test_outputs_of_a_case_without_co2_or_pollutants(tmp_path):
    """Nothing assumes the shipped indicators: a case with neither CO2 nor pollutants still gets its workbook, report
    and IAMC table."""
    from planner.outputs.iamc import write_iamc
    from planner.outputs.report import write_report
    from planner.outputs.workbook import write_excel

    res = planner.run(share_case(tmp_path))
    a = analyse(res)
    assert a.mac["co2e"].empty and a.peak == {}
    assert write_excel(res, tmp_path / "o" / "x.xlsx", a).is_file()
    assert "share20" in write_report(a, tmp_path / "o" / "report.html").read_text(encoding="utf-8")
    assert write_iamc(a, tmp_path / "o" / "x.csv").is_file()
