"""planner data-report: cost per t CO2e and per pollution equivalent, worked by hand."""

from __future__ import annotations

import subprocess
import sys

import pytest

import planner
from planner.catalog import assumptions, catalog, markdown
from tests.tiny import effect, flat, indicator, make_case, measure, potential


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
