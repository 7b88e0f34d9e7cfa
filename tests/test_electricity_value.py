"""What electricity costs and is worth, and CO2 counted on the assessment basis, on tiny cases worked out by hand.

The grid of tests/test_electricity.py: r1 uses 100 MWh and makes 20 MWh of non-fossil power, thermal output 80 MWh
(60% in r1, 40% in r2) at 0.8 t CO2/MWh, model years 2021-2022, discount rate 0. Here thermal output also has a price
(0.3 tce of coal per MWh at 1,000 yuan/tce plus 20 yuan/MWh: 320 yuan/MWh), the fleet has a capacity, and CO2 is also
counted on the assessment basis (imports at a grid factor, processes apart) through derived indicators.
"""

from __future__ import annotations

import pytest

import planner
from planner.base.errors import InputError
from tests.test_electricity import ELEC, grid_rows
from tests.tiny import _write, effect, indicator, make_case, measure, potential, target

APPROX = dict(rel=1e-7, abs=1e-7)


def city_row(parameter: str, value, year="", unit="1") -> dict:
    return {"parameter": parameter, "region_id": "", "year": year, "value": value, "unit": unit, "source_id": "src"}


def priced_case(tmp_path, measures, effects, potentials, targets, *, extra_indicators=(), extra_baseline=None,
                imports=0.0, grid_extra=(), coal=0.3, **grid):
    """The grid case with thermal output priced at coal x 1,000 + 20 yuan/MWh; ``imports`` MWh into r1 (thermal
    output falls by as much, CO2 with it)."""
    thermal = 80.0 - imports
    base = {("r1", "elec_demand"): 100, ("r1", "elec_gen_nonfossil"): 20, ("r1", "elec_import"): imports,
            ("r1", "elec_thermal"): 0.6 * thermal, ("r2", "elec_thermal"): 0.4 * thermal,
            ("r1", "co2"): 0.6 * thermal * 0.8, ("r2", "co2"): 0.4 * thermal * 0.8, **(extra_baseline or {})}
    names = [*ELEC, "co2", *(i["indicator_id"] for i in extra_indicators if not i.get("formula"))]
    baseline = [{"region_id": r, "indicator_id": i, "year": y, "value": base.get((r, i), 0.0), "source_id": "src"}
                for r in ("r1", "r2") for i in names for y in (2020, 2022)]
    case = make_case(tmp_path, regions=[{"region_id": r, "name_zh": "区" + r, "name_en": r, "land_area_km2": 1}
                                        for r in ("r1", "r2")],
                     indicators=[*(indicator(i, "MWh") for i in ELEC), indicator("co2"), *extra_indicators],
                     baseline=baseline, measures=measures, effects=effects, potentials=potentials, targets=targets)
    rows = [r for r in grid_rows(**grid) if r["parameter"] != "thermal_coal"]
    rows += [city_row("thermal_coal", coal, unit="tce/MWh"), city_row("coal_price", 1000.0, unit="yuan/tce"),
             city_row("thermal_vom", 20.0, unit="yuan/MWh"), *grid_extra]
    _write(tmp_path / "data" / "electricity.csv", rows)
    return case


def test_thermal_output_is_priced_and_a_mwh_is_worth_its_marginal_cost(tmp_path):
    """PV makes 1 MWh for 400 yuan/yr and saves 320 yuan of thermal output: a net 80 yuan per 0.8 t. A cap of 60 t in
    2022 needs 4 t: 5 units, objective 5 x 80 = 400; the cap's marginal cost is 100 yuan/t. One more MWh of demand in
    2022 costs a thermal MWh (320) plus its 0.8 t at the cap's 100 yuan/t: 400 yuan, the price of the PV unit that
    meets it. In 2021 no target binds: the MWh is worth what thermal output costs, 320."""
    case = priced_case(tmp_path, [measure("pv", fixed_om=400)], [effect("pv", "elec_gen_nonfossil", 1)],
                       [potential("r2", "pv", 1000)], [target("cap", "cap", "co2", 2022, 60)])
    res = planner.run(case)
    assert res.solution.objective == pytest.approx(400, **APPROX)
    assert res.solution.build[("r2", "pv", 2022)] == pytest.approx(5)
    assert res.targets.set_index("year").at[2022, "marginal_cost"] == pytest.approx(100)
    el = res.electricity.set_index("year")
    assert el.at[2021, "thermal_cost"] == pytest.approx(320) and el.at[2022, "thermal_cost"] == pytest.approx(320)
    assert el.at[2021, "marginal_value"] == pytest.approx(320)
    assert el.at[2022, "marginal_value"] == pytest.approx(400)
    # the cost of electricity is the measure's: 5 units save 5 x 320 in 2022
    alloc = res.allocation.set_index(["measure_id", "year"])
    assert alloc.at[("pv", 2022), "electricity_cost"] == pytest.approx(-1600)


def test_marginal_value_is_the_balance_dual_over_the_discount_factor(tmp_path):
    """At 10% a year the dual of 2022's balance row is a present value: divided by df = 1.1^-2 it is again the
    320 yuan of a thermal MWh in 2022 (no target binds)."""
    case = priced_case(tmp_path, [], [], [], [])
    text = case.read_text(encoding="utf-8").replace("discount_rate = 0.0", "discount_rate = 0.1")
    case.write_text(text, encoding="utf-8")
    res = planner.run(case)
    el = res.electricity.set_index("year")
    assert el.at[2022, "marginal_value"] == pytest.approx(320)
    assert res.solution.row_duals[("thermal_balance", 2022)] == pytest.approx(320 / 1.1 ** 2, rel=1e-9)


def test_new_thermal_capacity_is_bought_only_when_demand_needs_it(tmp_path):
    """The fleet is 50 + 30 MW at 1 full-load hour a year: 80 MWh, all of today's thermal output. Five electric
    vehicles must stand (min_stock) and use 2 MWh each: thermal output would be 90 MWh. New coal capacity (1 MW for
    50 yuan/yr, standing one year so that each year's margin is its own) or PV (1 MWh for 400 yuan/yr, saving 320 of
    fuel) can serve it: 10 MW of new capacity a year.
    Objective per year: 5 EVs x 1 + 10 MW x 50 + 10 more thermal MWh x 320 = 3,705; two years 7,410. A MWh more is
    worth a thermal MWh plus the capacity to make it: 370 yuan in each year."""
    cap = indicator("thermal_capacity", "MW")
    case = priced_case(tmp_path, [measure("ev", fixed_om=1), measure("coal_new", fixed_om=50, lifetime=1),
                                  measure("pv", fixed_om=400)],
                       [effect("ev", "elec_demand", 2), effect("coal_new", "thermal_capacity", 1),
                        effect("pv", "elec_gen_nonfossil", 1)],
                       [potential("r1", "ev", 5, min_stock=5), potential("r1", "coal_new", 1000),
                        potential("r1", "pv", 1000)], [],
                       extra_indicators=[cap], extra_baseline={("r1", "thermal_capacity"): 50,
                                                               ("r2", "thermal_capacity"): 30},
                       grid_extra=[city_row("thermal_max_hours", 1.0, unit="h/yr")])
    res = planner.run(case)
    assert res.solution.objective == pytest.approx(7410, **APPROX)
    stock = res.allocation.set_index(["measure_id", "year"])["stock"]
    for y in (2021, 2022):
        assert stock[("coal_new", y)] == pytest.approx(10)
        assert stock.get(("pv", y), 0.0) == pytest.approx(0)
    el = res.electricity.set_index("year")
    assert el.at[2022, "thermal"] == pytest.approx(90) and el.at[2022, "thermal_capacity"] == pytest.approx(90)
    assert el.at[2021, "marginal_value"] == pytest.approx(370)
    assert el.at[2022, "marginal_value"] == pytest.approx(370)


def test_without_a_capacity_limit_no_capacity_is_bought(tmp_path):
    """The same case without thermal_max_hours: thermal output grows to 90 MWh on the fleet there is (7,410 - 1,000)."""
    cap = indicator("thermal_capacity", "MW")
    case = priced_case(tmp_path, [measure("ev", fixed_om=1), measure("coal_new", fixed_om=50)],
                       [effect("ev", "elec_demand", 2), effect("coal_new", "thermal_capacity", 1)],
                       [potential("r1", "ev", 5, min_stock=5), potential("r1", "coal_new", 1000)], [],
                       extra_indicators=[cap], extra_baseline={("r1", "thermal_capacity"): 50,
                                                               ("r2", "thermal_capacity"): 30})
    res = planner.run(case)
    assert res.solution.objective == pytest.approx(6410, **APPROX)


OFFICIAL_FACTOR = (city_row("import_co2_official", 0.5, unit="t/MWh"),)


def official_case(tmp_path, targets, import_factor=OFFICIAL_FACTOR, extra_effects=(),
                  formula="co2_energy + import_co2_official * elec_import"):
    """Imports of 10 MWh into r1 (thermal output 70 MWh, CO2 56 t) and 5 t of process CO2 in r1 (inside co2). On the
    assessment basis, energy CO2 plus imports at a grid factor: co2_official = (co2 - co2_process) + 0.5 t/MWh x
    imports = 51 + 5 = 56 t. Three ways to cut CO2, each 1 unit: ``proc`` cuts 1 t of process CO2 (10 yuan/yr, at
    most 2 units): territorial only; ``pv`` makes 1 MWh (400 yuan/yr, saves 320): 0.8 t on both bases; ``imp``
    imports 1 MWh (400 yuan/yr, saves 320): 0.8 t territorial, 0.8 - 0.5 = 0.3 t official."""
    indicators = [indicator("co2_process"),
                  {**indicator("co2_energy"), "formula": "co2 - co2_process"},
                  {**indicator("co2_official"), "formula": formula}]
    return priced_case(
        tmp_path, [measure("proc", fixed_om=10), measure("pv", fixed_om=400), measure("imp", fixed_om=400)],
        [effect("proc", "co2_process", -1), effect("proc", "co2", -1), effect("pv", "elec_gen_nonfossil", 1),
         effect("imp", "elec_import", 1), *extra_effects],
        [potential("r1", "proc", 2), potential("r1", "pv", 1000), potential("r1", "imp", 1000)], targets,
        extra_indicators=indicators, extra_baseline={("r1", "co2_process"): 5}, imports=10.0,
        grid_extra=list(import_factor))


def test_derived_indicators_follow_their_formulas(tmp_path):
    """A cap of 50 t on co2_official in 2022 needs 6 t. Process cuts do not count on this basis; imports cost
    80/0.3 = 267 yuan per official tonne; PV 80/0.8 = 100: 7.5 PV units, objective 600, marginal cost 100 yuan/t."""
    case = official_case(tmp_path, [target("cap", "cap", "co2_official", 2022, 50)])
    res = planner.run(case)
    assert res.solution.objective == pytest.approx(600, **APPROX)
    ind = res.indicators[res.indicators["region_id"] == "city"].set_index(["indicator_id", "year"])
    assert ind.at[("co2_official", 2020), "baseline"] == pytest.approx(56)
    assert ind.at[("co2_energy", 2020), "baseline"] == pytest.approx(51)
    assert ind.at[("co2_official", 2022), "level"] == pytest.approx(50)
    assert ind.at[("co2", 2022), "level"] == pytest.approx(56 - 6)
    assert ind.at[("co2_energy", 2022), "level"] == pytest.approx(51 - 6)
    stock = res.allocation.set_index(["measure_id", "year"])["stock"]
    assert stock[("pv", 2022)] == pytest.approx(7.5)
    assert stock.get(("imp", 2022), 0.0) == pytest.approx(0) and stock.get(("proc", 2022), 0.0) == pytest.approx(0)
    assert res.targets.set_index("year").at[2022, "marginal_cost"] == pytest.approx(100)


def test_the_same_cap_on_territorial_co2_buys_process_cuts_first(tmp_path):
    """On territorial co2 the two process units count (1 t for 10 yuan each) and an import cuts 0.8 t like PV:
    6 t = 2 + 4, objective 20 + 5 x 80 = 420. The basis decides what is bought."""
    case = official_case(tmp_path, [target("cap", "cap", "co2", 2022, 50)])
    res = planner.run(case)
    assert res.solution.objective == pytest.approx(420, **APPROX)
    assert res.allocation.set_index(["measure_id", "year"])["stock"][("proc", 2022)] == pytest.approx(2)


def test_a_formula_parameter_that_varies_while_a_measure_moves_its_term_is_refused(tmp_path):
    case = official_case(tmp_path, [], import_factor=(city_row("import_co2_official", 0.5, 2020, "t/MWh"),
                                                      city_row("import_co2_official", 0.6, 2022, "t/MWh")))
    with pytest.raises(InputError) as e:
        planner.run(case)
    messages = [p.message for p in e.value.problems]
    assert ("co2_official: the parameter of the term on elec_import varies in the years imp can stand in r1; a "
            "measure's effect is the same every year, so expected the parameter constant from then on") in messages


def test_a_formula_on_an_unknown_indicator_or_parameter_is_refused(tmp_path):
    case = official_case(tmp_path, [], formula="co2_enrgy + import_co2_oficial * elec_import")
    with pytest.raises(InputError) as e:
        planner.load(case)
    messages = {(p.column, p.message) for p in e.value.problems}
    assert any(c == "formula" and m.startswith("co2_enrgy must be an indicator listed above co2_official in "
                                               "indicators.csv") for c, m in messages)
    assert any(c == "formula" and m.startswith("import_co2_oficial must be a city parameter of electricity.csv")
               for c, m in messages)


def test_a_derived_indicator_takes_no_baseline_or_effect_rows(tmp_path):
    case = official_case(tmp_path, [], extra_effects=[effect("pv", "co2_official", -1)])
    with pytest.raises(InputError) as e:
        planner.load(case)
    messages = [p.message for p in e.value.problems]
    assert ("co2_official is derived (indicators.csv formula) and moves with its terms; expected no effect rows for "
            "it (measure pv)") in messages


@pytest.mark.parametrize("text, expected", [
    ("co2 - co2_process", [(1.0, None, "co2"), (-1.0, None, "co2_process")]),
    ("co2_energy + import_co2_official * elec_import", [(1.0, None, "co2_energy"),
                                                         (1.0, "import_co2_official", "elec_import")]),
    ("-2.5 * x + 1e-3 * p * y", [(-2.5, None, "x"), (0.001, "p", "y")]),
])
def test_formula_terms(text, expected):
    from planner.inputs.formula import parse

    terms, problem = parse(text)
    assert problem is None and terms == expected


@pytest.mark.parametrize("text, problem", [
    ("", "expected a formula such as 'co2 - co2_process', got an empty cell"),
    ("co2 +", "expected a term after '+' in 'co2 +'"),
    ("co2 * 2", "expected terms like 'indicator', '2 * indicator' or 'parameter * indicator' joined by + or -, got "
                "'co2 * 2'"),
])
def test_formula_problems(text, problem):
    from planner.inputs.formula import parse

    assert parse(text)[1] == problem
