"""planner data-report: cost per t CO2e and per pollution equivalent, worked by hand."""

from __future__ import annotations

import subprocess
import sys

import pytest

import planner
from planner.outputs.catalog import assumptions, catalog, markdown
from tests.tiny import effect, flat, indicator, make_case, measure, potential, region, target


@pytest.fixture
def case(tmp_path):
    c = make_case(
        tmp_path, indicators=[indicator("co2"), indicator("ch4"), indicator("so2")],
        baseline=flat("r1", "co2", 100) + flat("r1", "ch4", 10) + flat("r1", "so2", 1),
        measures=[measure("m", capex=100, fixed_om=10, lifetime=2, capex_low=50, capex_high=200,
                          savings_low=-5, savings_high=5),
                  measure("dirty", fixed_om=1)],
        effects=[effect("m", "co2", -2), effect("m", "ch4", -0.1), effect("m", "so2", -0.00095),
                 effect("dirty", "so2", 0.001), effect("dirty", "co2", -1)],
        potentials=[potential("r1", "m", 5), potential("r1", "dirty", 5)])
    (tmp_path / "data" / "pollution_equivalents.csv").write_text(
        "indicator_id,kg_per_equivalent,source_id\nso2,0.95,src\n", encoding="utf-8")
    return c


def test_cost_per_tonne_and_per_equivalent(case):
    """Rate 0, lifetime 2: crf = 1/2, so 100/2 + 10 - 0 = 60 yuan a year. It cuts 2 t CO2 + 0.1 t CH4 x 28 = 4.8 t
    CO2e: 12.5 yuan/t; and 0.95 kg SO2 = 1 pollution equivalent: 60 yuan/PE. Low: 50/2 + 10 - 5 = 30 -> 6.25;
    high: 200/2 + 10 + 5 = 115 -> 23.958. 'dirty' cuts CO2 but adds SO2: a trade-off."""
    cat = catalog(planner.load(case)).set_index("measure_id")
    m = cat.loc["m"]
    assert m["annual_cost"] == pytest.approx(60)
    assert m["co2e_per_unit"] == pytest.approx(-4.8)
    assert m["cost_per_t_co2e"] == pytest.approx(12.5)
    assert (m["cost_per_t_co2e_low"], m["cost_per_t_co2e_high"]) == pytest.approx((6.25, 115 / 4.8))
    assert m["cost_per_pe"] == pytest.approx(60)
    assert m["co_control"] == "synergy"
    assert cat.loc["dirty", "co_control"] == "trade-off (adds pollution)"


def test_assumptions_are_listed_with_their_use(case):
    a = assumptions(planner.load(case)).set_index("source_id")
    assert a.loc["src", "measures"] == 2 and a.loc["src", "effects"] == 5
    page = markdown(planner.load(case))
    assert "## Assumptions" in page and "| src |" in page


def test_cli_data_report(case, tmp_path):
    out = subprocess.run([sys.executable, "-m", "planner.cli", "data-report", case.name, "--out", "cat.md"],
                         cwd=case.parent, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "12.5" in out.stdout and "synergy" in out.stdout
    assert (case.parent / "cat.md").read_text(encoding="utf-8").startswith("# Measure catalog")


# ------------------------------------------------------------------ provenance of target indicators, no-regret


@pytest.fixture
def prov_case(tmp_path):
    """Two regions. 'waste' (used by a share target with denominator 'gen'): r1's 2020 row cites a document, r2's an
    assumption, so the city value is derived; 'gen' rests on the document in 2020 and on the assumption in 2022.
    'co2' is used by no target. Measures: 'cheap' pays for itself (capex 0, savings 10) and names a barrier with
    max_build 2 of max_stock 8 in r1 and 1 of 4 in r2; 'auto' pays for itself and its note puts its uptake in the
    baseline; 'loose' pays for itself with neither; 'dear' costs money."""
    c = make_case(
        tmp_path, regions=[region("r1"), region("r2")],
        indicators=[indicator("waste"), indicator("gen"), indicator("co2")],
        baseline=[{"region_id": "r1", "indicator_id": "waste", "year": 2020, "value": 30, "source_id": "doc"},
                  {"region_id": "r1", "indicator_id": "waste", "year": 2022, "value": 30, "source_id": "doc"},
                  {"region_id": "r2", "indicator_id": "waste", "year": 2020, "value": 12, "source_id": "src"},
                  {"region_id": "r2", "indicator_id": "waste", "year": 2022, "value": 12, "source_id": "src"},
                  *[{"region_id": r, "indicator_id": "gen", "year": y, "value": 100,
                     "source_id": "doc" if y == 2020 else "src"} for r in ("r1", "r2") for y in (2020, 2022)],
                  *flat("r1", "co2", 5), *flat("r2", "co2", 5)],
        measures=[measure("cheap", savings=10, barrier="owners apply a two-year payback rule"),
                  measure("auto", savings=10, note="its autonomous uptake in the baseline (reference variant)"),
                  measure("loose", savings=10), measure("dear", fixed_om=1)],
        effects=[effect(m, "co2", -1) for m in ("cheap", "auto", "loose", "dear")],
        potentials=[potential("r1", "cheap", 8, max_build=2), potential("r2", "cheap", 4, max_build=1),
                    potential("r1", "auto", 5), potential("r1", "loose", 5, max_build=5),
                    potential("r2", "loose", 5), potential("r1", "dear", 5)],
        targets=[target("share", "share_min", "waste", 2022, 0.5, denominator_id="gen")])
    (tmp_path / "data" / "sources.csv").write_text(
        "source_id,kind,title,publisher,year,reference,note\n"
        "src,assumption,test,tests,2024,tests/tiny.py,made up for a hand-worked test\n"
        "doc,document,a bulletin,tests,2024,http://example.org,published figure\n", encoding="utf-8")
    return c


def test_indicator_provenance_published_or_derived(prov_case):
    """waste 2020 = 30 (document) + 12 (assumption) = 42, derived; 2 of its 4 rows are assumed (50%). gen 2020 =
    200, published (both 2020 rows cite the document), yet 2 of its 4 rows (2022) are assumed. co2 is not listed.
    Overall 2 + 2 + 4 (co2) = 8 of 12 baseline rows rest on the assumption."""
    from planner.outputs.catalog import baseline_assumed_share, indicator_provenance

    data = planner.load(prov_case)
    prov = indicator_provenance(data).set_index("indicator_id")
    assert list(prov.index) == ["gen", "waste"]
    assert prov.loc["waste", "value_2020"] == pytest.approx(42)
    assert prov.loc["waste", "provenance_2020"] == "derived"
    assert prov.loc["waste", "sources_2020"] == "doc, src"
    assert (prov.loc["waste", "assumed_rows"], prov.loc["waste", "baseline_rows"]) == (2, 4)
    assert prov.loc["gen", "value_2020"] == pytest.approx(200)
    assert prov.loc["gen", "provenance_2020"] == "published"
    assert prov.loc["gen", "assumed_share"] == pytest.approx(0.5)
    assert prov.loc["gen", "targets"] == "share"
    assert baseline_assumed_share(data) == pytest.approx(8 / 12)


def test_no_regret_measures_show_barrier_ceiling_or_baseline(prov_case):
    """Rate 0, life 10: cheap, auto and loose cost -10 a year (no-regret), dear +1. cheap's ceiling is the smallest
    max_build/max_stock of its rows: min(2/8, 1/4) = 25%/yr, full potential in 4 years; auto's note puts it in the
    baseline; loose has neither a barrier nor a ceiling on every row."""
    from planner.outputs.catalog import no_regret

    nr = no_regret(planner.load(prov_case)).set_index("measure_id")
    assert sorted(nr.index) == ["auto", "cheap", "loose"]
    assert nr.loc["cheap", "annual_cost"] == pytest.approx(-10)
    assert nr.loc["cheap", "treatment"] == "barrier"
    assert nr.loc["cheap", "barrier"] == "owners apply a two-year payback rule"
    assert nr.loc["cheap", "build_share_per_year"] == pytest.approx(0.25)
    assert nr.loc["cheap", "years_to_full"] == pytest.approx(4)
    assert nr.loc["auto", "treatment"] == "autonomous in baseline"
    assert nr.loc["loose", "treatment"] == "none"
    assert nr.loc["loose", "build_share_per_year"] is None or nr.loc["loose", "build_share_per_year"] != \
        nr.loc["loose", "build_share_per_year"]


def test_data_report_prints_and_writes_provenance(prov_case):
    out = subprocess.run([sys.executable, "-m", "planner.cli", "data-report", prov_case.name, "--out", "cat.md"],
                         cwd=prov_case.parent, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "share of baseline rows resting on assumptions (67% of all baseline rows)" in out.stdout
    line = next(x for x in out.stdout.splitlines() if x.strip().startswith("waste"))
    assert "derived" in line and "50% assumed rows" in line
    assert "No-regret measures (annual net cost below zero): 3" in out.stdout
    assert "owners apply a two-year payback rule" in out.stdout
    page = (prov_case.parent / "cat.md").read_text(encoding="utf-8")
    assert "## Indicators the targets use: published or derived" in page
    assert "| gen | 指标gen | t | 200 | published | doc | 2 of 4 | 50% | share |" in page
    assert "| cheap | 措施cheap | unit | -10 | 25% | 4.0 | owners apply a two-year payback rule |" in page


def test_cost_split_separates_no_regret_savings_from_target_cost(tmp_path):
    """Rate 0, years 2021-2022. 'free' saves 10 a unit-year and may stand 3 units: built in 2021, it saves
    3 x 10 x 2 years = 60. 'need' costs 1 a unit-year and cuts CO2 by 1; the cap of 95 in 2022 (baseline 100) needs
    5 units in 2022 only: 5. Objective -55 = no-regret -60 + target cost 5."""
    case = make_case(
        tmp_path, indicators=[indicator("co2"), indicator("waste")],
        measures=[measure("free", savings=10), measure("need", fixed_om=1)],
        effects=[effect("free", "waste", -1), effect("need", "co2", -1)],
        potentials=[potential("r1", "free", 3), potential("r1", "need", 10)],
        targets=[target("cap", "cap", "co2", 2022, 95)])
    res = planner.run(case)
    assert res.summary["objective_yuan"] == pytest.approx(-55)
    assert res.summary["no_regret_yuan"] == pytest.approx(-60)
    assert res.summary["target_cost_yuan"] == pytest.approx(5)
