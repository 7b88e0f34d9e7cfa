"""planner decompose (指标分解): the least-cost, administrative and fair splits of the city's targets, on a case
worked out by hand and on the shipped 3-region case (the 38-district case is measured in benchmarks/)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import planner
from planner.analysis.decompose import decompose, district_costs_wide, headline, table
from tests.tiny import effect, flat, indicator, make_case, measure, potential, region, target

APPROX = dict(rel=1e-6, abs=1e-6)


def two_districts(tmp_path, extra: str = ""):
    """Two districts, CO2 100 t each in every year (2021-2022, discount rate 0), a city cap of 180 t from 2021: a cut
    of 20 t a year. ``cheap`` (1 yuan per unit-year, cuts 1 t) stands only in r1 (20 units at most), ``dear``
    (3 yuan per unit-year, cuts 1 t) in both. Least cost: 20 cheap units in r1, 20 yuan a year, 40 in all.
    Equal split: each district cuts 10 t: r1 10 cheap, r2 10 dear: 10 + 30 = 40 a year, 80 in all (+40).
    Fair split, multiple 1 (equal GDP): each district pays half: x cheap in r1, y dear in r2, x + y = 20, x = 3y:
    x = 15, y = 5, 30 a year, 60 in all (+20). Multiple 1.5: x <= 0.75 (x + 3y): x <= 9y: x = 18, y = 2, 48 in all."""
    return make_case(tmp_path, regions=[region("r1"), region("r2")], indicators=[indicator("co2")],
                     measures=[measure("cheap", fixed_om=1), measure("dear", fixed_om=3)],
                     effects=[effect("cheap", "co2", -1), effect("dear", "co2", -1)],
                     potentials=[potential("r1", "cheap", 20), potential("r1", "dear", 100),
                                 potential("r2", "dear", 100)],
                     targets=[target("cap", "cap", "co2", 2021, 180)], case_extra=extra)


def test_the_three_splits_of_a_hand_worked_case(tmp_path):
    res = planner.run(two_districts(tmp_path))
    assert res.solution.objective == pytest.approx(40, **APPROX)
    dec = decompose(res, admin_split="equal", fair_multiple=1.0)
    s = dec.summary
    assert s["objective_least_cost"] == pytest.approx(40, **APPROX)
    assert s["objective_administrative"] == pytest.approx(80, **APPROX)
    assert s["objective_fair"] == pytest.approx(60, **APPROX)
    assert s["extra_cost_administrative"] == pytest.approx(40, **APPROX)
    assert s["extra_cost_fair"] == pytest.approx(20, **APPROX)
    assert len(s["admin_shortfall"]) == 0
    wide = district_costs_wide(dec).set_index("region_id")
    assert wide.loc["r1", "cost_least_cost"] == pytest.approx(40, **APPROX)
    assert wide.loc["r2", "cost_least_cost"] == pytest.approx(0, **APPROX)
    assert wide.loc["r1", "cost_administrative"] == pytest.approx(20, **APPROX)
    assert wide.loc["r2", "cost_administrative"] == pytest.approx(60, **APPROX)
    assert wide["cost_fair"].tolist() == pytest.approx([30, 30], **APPROX)
    # the district targets handed out: each district's cut in 2021 and its share of the city's cut
    t = dec.targets.set_index(["split", "region_id"])
    assert t.loc[("least_cost", "r1"), "effort"] == pytest.approx(20, **APPROX)
    assert t.loc[("least_cost", "r1"), "level"] == pytest.approx(80, **APPROX)
    assert t.loc[("least_cost", "r2"), "effort_share"] == pytest.approx(0, **APPROX)
    assert t.loc[("administrative", "r1"), "required"] == pytest.approx(10, **APPROX)
    assert t.loc[("administrative", "r2"), "effort"] == pytest.approx(10, **APPROX)
    assert t.loc[("fair", "r1"), "effort"] == pytest.approx(15, **APPROX)
    assert decompose(res, fair_multiple=1.5).summary["objective_fair"] == pytest.approx(48, **APPROX)
    lines = headline(dec)
    assert any("+0.00 亿元" in line or "+40" in line or "行政分解" in line for line in lines)


def test_the_least_cost_split_is_the_evenest_of_the_equally_cheap_plans(tmp_path):
    """``a`` (1 yuan per unit-year, cuts 1 t) stands in both districts (30 units each at most): any 20 units meet the
    cap of 180 t at 20 yuan a year, 40 in all, wherever they stand. GDP 300 in r1 and 100 in r2: the evenest of
    these plans puts 15 units in r1 and 5 in r2 (each district's cost per GDP the city's: mu = 1), whatever HiGHS's
    own optimum did; a fair split at multiple 1 then costs nothing more."""
    gdp = indicator("gdp", "yuan", exogenous=True)
    baseline = [*flat("r1", "co2", 100.0, (2020, 2022)), *flat("r2", "co2", 100.0, (2020, 2022)),
                *flat("r1", "gdp", 300.0, (2020, 2022)), *flat("r2", "gdp", 100.0, (2020, 2022))]
    case = make_case(tmp_path, regions=[region("r1"), region("r2")], indicators=[indicator("co2"), gdp],
                     baseline=baseline, measures=[measure("a", fixed_om=1)], effects=[effect("a", "co2", -1)],
                     potentials=[potential("r1", "a", 30), potential("r2", "a", 30)],
                     targets=[target("cap", "cap", "co2", 2021, 180)])
    dec = decompose(planner.run(case), fair_multiple=1.0)
    s = dec.summary
    assert s["objective_least_cost"] == pytest.approx(40, **APPROX)
    assert s["even_burden"] == pytest.approx(1, **APPROX)
    wide = district_costs_wide(dec).set_index("region_id")
    assert wide["cost_least_cost"].tolist() == pytest.approx([30, 10], **APPROX)
    t = dec.targets.set_index(["split", "region_id"])
    assert [t.loc[("least_cost", r), "effort"] for r in ("r1", "r2")] == pytest.approx([15, 5], **APPROX)
    assert s["extra_cost_fair"] == pytest.approx(0, **APPROX)
    assert "the evenest: no district above 1.00x the city's cost per unit GDP" in headline(dec)[0]


def test_an_administrative_split_a_district_cannot_meet_is_solved_with_its_least_shortfall(tmp_path):
    """r2 has no measure at all: its share (10 t) cannot be met, so r2 falls 10 t short; r1 still makes its own
    10 t (10 cheap units, 20 yuan); the city's cap is met by r1's cheap units: 20 units, 40 yuan, as least cost."""
    case = make_case(tmp_path, regions=[region("r1"), region("r2")], indicators=[indicator("co2")],
                     measures=[measure("cheap", fixed_om=1)], effects=[effect("cheap", "co2", -1)],
                     potentials=[potential("r1", "cheap", 30)], targets=[target("cap", "cap", "co2", 2021, 180)])
    dec = decompose(planner.run(case))
    short = dec.summary["admin_shortfall"]
    assert set(short["region_id"]) == {"r2"}
    assert short["short"].tolist() == pytest.approx([10, 10], **APPROX)  # 2021 and 2022
    assert dec.summary["objective_administrative"] == pytest.approx(40, **APPROX)
    assert any("cannot be met in full" in line for line in headline(dec))


@pytest.fixture(scope="module")
def shipped():
    return planner.run("cases/baseline.toml")


@pytest.mark.parametrize("how", ["equal", "gdp"])
def test_least_cost_is_never_dearer_than_the_administrative_or_fair_split(shipped, how):
    dec = decompose(shipped, admin_split=how)
    s = dec.summary
    assert s["status_administrative"] == s["status_fair"] == "optimal"
    z = s["objective_least_cost"]
    assert z == pytest.approx(shipped.solution.objective, rel=1e-9)
    assert z <= s["objective_administrative"] + 1e-6 * abs(z)
    assert z <= s["objective_fair"] + 1e-6 * abs(z)
    # the districts' costs add up to each split's objective
    totals = dec.districts.groupby("split")["cost_yuan"].sum()
    for split in ("least_cost", "administrative", "fair"):
        assert totals[split] == pytest.approx(s[f"objective_{split}"], rel=1e-7)
    # the least-cost split is the evenest least-cost plan: its largest burden is mu*, no more than the fair split's
    least = dec.districts[dec.districts["split"] == "least_cost"]
    assert least["relative_burden"].max() == pytest.approx(s["even_burden"], rel=1e-6)
    # the fair split holds every district's cost per unit GDP within the multiple of the city's
    fair = dec.districts[dec.districts["split"] == "fair"]
    if s["objective_fair"] <= z * (1 + 1e-9):  # the fair plan is one of the least-cost plans: none is more even
        assert fair["relative_burden"].max() >= s["even_burden"] - 1e-6
    assert fair["relative_burden"].max() <= s["fair_multiple"] + 1e-6
    # each district makes at least its administrative share of every row, less the shortfall reported
    adm = dec.targets[(dec.targets["split"] == "administrative") & dec.targets["required"].notna()]
    short = s["admin_shortfall"].set_index(["target_id", "year", "region_id"])["short"]
    for r in adm.itertuples():
        k = (r.target_id, r.year, r.region_id)
        # (a shortfall under 1e-5 of the gap is solver tolerance, not reported)
        assert r.effort >= r.required - short.get(k, 0.0) - 1e-5 * max(1.0, abs(r.required))
    flat_table = table(dec)
    assert set(flat_table["split"]) == {"least_cost", "administrative", "fair"}
    assert {"name_zh", "name_en"} <= set(flat_table.columns)


def test_decompose_settings_are_checked(shipped):
    with pytest.raises(ValueError, match="admin_split"):
        decompose(shipped, admin_split="population")
    with pytest.raises(ValueError, match="fair_multiple"):
        decompose(shipped, fair_multiple=0.5)


def test_planner_decompose_writes_tables_workbook_and_report(tmp_path):
    import openpyxl
    import pandas as pd
    from typer.testing import CliRunner

    from planner.cli import app

    out = tmp_path / "out"
    r = CliRunner().invoke(app, ["decompose", "cases/baseline.toml", "--out", str(out), "--admin-split", "gdp",
                                 "--fair-multiple", "1.5"])
    assert r.exit_code == 0, r.output
    assert "行政分解" in r.output and "按GDP比例" in r.output
    t = pd.read_csv(out / "decomposition_targets.csv", encoding="utf-8-sig")
    d = pd.read_csv(out / "decomposition_districts.csv", encoding="utf-8-sig")
    assert set(t["split"]) == set(d["split"]) == {"least_cost", "administrative", "fair"}
    assert {"主城都市区", "渝东北三峡库区城镇群"} <= set(d["name_zh"])
    totals = d.groupby("split")["cost_yuan"].sum()
    # the least-cost split is the evenest least-cost plan, its cost within 1e-8 (planner.analysis.decompose.EVEN)
    assert totals["least_cost"] <= totals["administrative"] and totals["least_cost"] <= totals["fair"] * (1 + 1e-8)
    assert d[d["split"] == "fair"]["relative_burden"].max() <= 1.5 + 1e-6
    book = openpyxl.load_workbook(out / "baseline.xlsx", read_only=True)
    assert {"Decomposition", "District targets"} <= set(book.sheetnames)
    rows = list(book["Decomposition"].iter_rows(values_only=True))
    head = [str(h).split("\n")[0] for h in rows[1]]
    got = {row[0]: row[head.index("Cost, administrative split, 亿元")] for row in rows[2:]}
    want = d[d["split"] == "administrative"].set_index("region_id")["cost_yuan"] / 1e8
    assert got == pytest.approx(want.to_dict(), rel=1e-9)
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "指标分解 Decomposition" in html
    for split in ("least_cost", "administrative", "fair"):
        shown = re.search(rf'data-key="dec:{split}" data-value="([^"]+)"', html)
        assert float(shown.group(1)) == pytest.approx(totals[split] / 1e8, rel=1e-7)
    bad = CliRunner().invoke(app, ["decompose", "cases/baseline.toml", "--admin-split", "population"])
    assert bad.exit_code == 2 and "--admin-split" in bad.output
    bad = CliRunner().invoke(app, ["decompose", "cases/baseline.toml", "--fair-multiple", "0.5"])
    assert bad.exit_code == 2


def test_the_administrative_split_of_some_targets_only(shipped):
    """Handing out only the CO2 intensity target: fewer district rows, never dearer than handing out all, never
    cheaper than the least cost; an unknown target is named."""
    full = decompose(shipped)
    some = decompose(shipped, targets=["co2_intensity_2025"])
    s = some.summary
    assert 0 < s["admin_rows"] < full.summary["admin_rows"]
    assert s["objective_least_cost"] - 1e-6 * abs(s["objective_least_cost"]) <= s["objective_administrative"]
    assert s["objective_administrative"] <= full.summary["objective_administrative"] * (1 + 1e-9)
    with pytest.raises(ValueError, match="no_such_target"):
        decompose(shipped, targets=["no_such_target"])


def test_planner_decompose_never_writes_over_an_input():
    """--out pointing at the data folder is refused before anything is solved (exit 2), as for planner run."""
    from typer.testing import CliRunner

    from planner.cli import app

    r = CliRunner().invoke(app, ["decompose", "cases/baseline.toml", "--out", "data"])
    assert r.exit_code == 2 and "--out" in r.output
    assert not list(Path("data").glob("decomposition_*")) and not list(Path("data").glob("*.xlsx"))
