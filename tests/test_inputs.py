"""Every validation error, with its exact message: file, row (spreadsheet row, header = 1), column, expectation."""

from __future__ import annotations

import pytest

import planner
from tests.tiny import effect, make_case, measure, potential, target


@pytest.fixture
def case(tmp_path, monkeypatch):
    """A valid tiny case in the current directory, so messages show relative paths."""
    monkeypatch.chdir(tmp_path)
    return make_case(tmp_path, measures=[measure("a", fixed_om=5)], effects=[effect("a", "co2", -1)],
                     potentials=[potential("r1", "a", 20)], targets=[target("cap90", "cap", "co2", 2022, 90)])


def edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text, (old, text)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def problems(case_path) -> list[str]:
    with pytest.raises(planner.InputError) as e:
        planner.load(case_path)
    return [str(p) for p in e.value.problems]


def test_valid_case_loads(case):
    data = planner.load(case)
    assert data.regions == ["r1"] and len(data.tables["targets"]) == 1


CELL_ERRORS = [
    ("measures.csv", ",5,", ",abc,",
     "data/measures.csv, row 2, column fixed_om: expected a number >= 0, got 'abc'"),
    ("measures.csv", ",5,", ",nan,",
     "data/measures.csv, row 2, column fixed_om: expected a number >= 0, got 'nan'"),
    ("measures.csv", ",unit,0.0,", ",unit,-3,",
     "data/measures.csv, row 2, column capex: expected a number >= 0, got '-3'"),
    ("measures.csv", ",10,src", ",0,src",
     "data/measures.csv, row 2, column lifetime: expected a whole number > 0, got '0'"),
    ("measures.csv", ",10,src", ",2.5,src",
     "data/measures.csv, row 2, column lifetime: expected a whole number > 0, got '2.5'"),
    ("effects.csv", "a,co2,", "a,co3,",
     "data/effects.csv, row 2, column indicator_id: unknown indicator_id 'co3'; expected one defined in "
     "data/indicators.csv; did you mean 'co2'?"),
    ("potentials.csv", "r1,a,", "r1,b,",
     "data/potentials.csv, row 2, column measure_id: unknown measure_id 'b'; expected one defined in "
     "data/measures.csv"),
    ("targets.csv", ",cap,", ",maximum,",
     "data/targets.csv, row 2, column kind: expected one of cap, floor, share_min, share_max, reduction, "
     "intensity_reduction, abatement, peak, concentration, got 'maximum'"),
    ("targets.csv", "cap,co2,", "share_min,co2,",
     "data/targets.csv, row 2, column denominator_id: a share_min target needs the denominator indicator, "
     "got an empty cell"),
    ("targets.csv", ",2022,90", ",2031,90",
     "data/targets.csv, row 2, column year: expected a model year 2021-2022, got 2031"),
    ("targets.csv", ",city,", ",mars,",
     "data/targets.csv, row 2, column scope: expected city or a region id (r1), got 'mars'"),
    ("targets.csv", ",2022,90", ",2022,",
     "data/targets.csv, row 2, column value: expected a number for a cap target, got an empty cell"),
    ("targets.csv", ",true,src", ",maybe,src",
     "data/targets.csv, row 2, column enabled: expected true or false, got 'maybe'"),
    ("targets.csv", ",src\n", ",nosuch\n",
     "data/targets.csv, row 2, column source_id: unknown source_id 'nosuch'; expected one defined in "
     "data/sources.csv"),
    ("regions.csv", "r1,", "R 1,",
     "data/regions.csv, row 2, column region_id: expected an ASCII snake_case id, got 'R 1'"),
    ("baseline.csv", "2022", "2021",
     "data/baseline.csv, row 2, column year: baseline of co2 in r1 does not reach 2022; expected values from "
     "2020 (base year) to 2022 (last model year)"),
    ("potentials.csv", ",20,,", ",20,25,",
     "data/potentials.csv, row 2, column min_stock: expected min_stock <= max_stock (20), got 25"),
    ("sources.csv", ",assumption,", ",guess,",
     "data/sources.csv, row 2, column kind: expected one of document, dataset, assumption, got 'guess'"),
]


@pytest.mark.parametrize("file, old, new, message", CELL_ERRORS, ids=[m[3].split(":")[0] for m in CELL_ERRORS])
def test_cell_error_message(case, file, old, new, message):
    edit(case.parent / "data" / file, old, new)
    assert problems(case) == [message]


def test_missing_file(case):
    (case.parent / "data" / "effects.csv").unlink()
    assert problems(case) == [
        "data/effects.csv: file not found; expected the effects table (What one unit of a measure standing does "
        "to an indicator)"]


def test_misspelt_column(case):
    edit(case.parent / "data" / "measures.csv", "capex", "capx")
    assert problems(case) == [
        "data/measures.csv, column capx: unknown column; did you mean 'capex'? (capex is required and missing)"]


def test_missing_column(case):
    edit(case.parent / "data" / "measures.csv", "capex,", "")
    assert problems(case) == [
        "data/measures.csv, column capex: missing column; expected columns measure_id, name_zh, name_en, sector, "
        "clause, unit, capex, fixed_om, savings, lifetime, source_id"]


def test_duplicate_id(case):
    path = case.parent / "data" / "measures.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([*lines, lines[1]]) + "\n", encoding="utf-8")
    assert problems(case) == [
        "data/measures.csv, row 3, column measure_id: duplicate measure_id=a; already on data/measures.csv, row 2"]


def test_all_problems_are_listed_at_once(case):
    edit(case.parent / "data" / "measures.csv", ",5,", ",abc,")
    edit(case.parent / "data" / "targets.csv", ",cap,", ",maximum,")
    assert len(problems(case)) == 2


def test_a_repeated_bad_cell_is_reported_on_every_row(tmp_path, monkeypatch):
    """Each distinct text of a column is converted once (planner.inputs.cells.typed): a bad value or a number likely in
    the wrong unit that repeats down a column is still reported on every row, in row order."""
    monkeypatch.chdir(tmp_path)
    case = make_case(tmp_path, measures=[measure("a", fixed_om=5), measure("b", fixed_om=5), measure("c")],
                     effects=[effect("a", "co2", -1)], potentials=[potential("r1", "a", 20)])
    edit(case.parent / "data" / "measures.csv", ",5,", ",abc,")
    edit(case.parent / "data" / "measures.csv", ",5,", ",abc,")
    assert problems(case) == [f"data/measures.csv, row {n}, column fixed_om: expected a number >= 0, got 'abc'"
                              for n in (2, 3)]
    edit(case.parent / "data" / "measures.csv", ",abc,", ",5e13,")
    edit(case.parent / "data" / "measures.csv", ",abc,", ",5e13,")
    assert [str(w) for w in planner.load(case).warnings] == [
        f"data/measures.csv, row {n}, column fixed_om: 5e+13 is beyond 1e+13; check the unit (the LP may be badly "
        "scaled)" for n in (2, 3)]


def test_exogenous_indicator_cannot_be_moved(tmp_path, monkeypatch):
    from tests.tiny import flat, indicator
    monkeypatch.chdir(tmp_path)
    case = make_case(tmp_path, indicators=[indicator("gdp", "yuan", exogenous=True)],
                     baseline=flat("r1", "gdp", 1), measures=[measure("a")], effects=[effect("a", "gdp", 1)],
                     potentials=[potential("r1", "a", 1)])
    assert problems(case) == [
        "data/effects.csv, row 2, column indicator_id: gdp is exogenous (indicators.csv) and cannot be moved by "
        "measure a"]


# ------------------------------------------------------------------------------------------------ case files


def test_case_unknown_override_column(case):
    case.write_text(case.read_text() + "\n[measures.a]\ncapexx = 3\n")
    assert problems(case) == [
        "tiny.toml, key measures.a.capexx: cannot be overridden; did you mean capex? expected one of capex, fixed_om, "
        "savings, "
        "lifetime, after_record, source_id, note"]


def test_case_wrong_type(case):
    edit(case, "discount_rate = 0.0", 'discount_rate = "x"')
    assert problems(case) == ["tiny.toml, key discount_rate: expected a number, got 'x'"]


def test_case_missing_setting(case):
    edit(case, "discount_rate = 0.0", "")
    assert problems(case) == [
        "tiny.toml, key discount_rate: missing; a case needs data, base_year, first_year, last_year, discount_rate"]


def test_case_not_found(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert problems(tmp_path / "nope.toml") == [
        "nope.toml: case file not found; expected a TOML file such as cases/baseline.toml"]


def test_case_bad_toml(case):
    case.write_text("name = \n")
    msg = problems(case)[0]
    assert msg.startswith("tiny.toml: not valid TOML: ")


def test_case_override_value_checked(case):
    case.write_text(case.read_text() + "\n[measures.a]\ncapex = -1\n")
    assert problems(case) == ["tiny.toml, [measures.a], key capex: expected a number >= 0, got '-1'"]


def test_case_new_target_needs_every_required_column(case):
    case.write_text(case.read_text() + '\n[targets.co2_cap]\nkind = "cap"\n')
    msgs = problems(case)
    assert msgs == [
        "tiny.toml, [targets.co2_cap], key name_zh, name_en, clause, indicator_id, scope, year, source_id: missing; "
        "[targets.co2_cap] is not in the data, so it adds a new target and needs every required column: target_id, "
        "name_zh, name_en, clause, kind, indicator_id, scope, year, source_id"]


def test_case_overrides_apply(case):
    case.write_text(case.read_text() + "\n[targets.cap90]\nvalue = 80\n[measures.a]\nfixed_om = 7\n"
                    "[potentials.r1.a]\nmax_stock = 50\n")
    data = planner.load(case)
    assert data.tables["targets"].set_index("target_id").at["cap90", "value"] == 80
    assert data.tables["measures"].set_index("measure_id").at["a", "fixed_om"] == 7
    assert data.tables["potentials"].iloc[0]["max_stock"] == 50
    assert planner.run(case).solution.objective == pytest.approx(20 * 7)


def test_case_extends_and_switches_a_target_off(case):
    child = case.parent / "child.toml"
    child.write_text('extends = "tiny.toml"\nname = "child"\n[targets.cap90]\nenabled = false\n')
    res = planner.run(child)
    assert res.summary["case"] == "child"
    assert res.targets.empty and res.solution.objective == pytest.approx(0)


def test_case_adds_a_target(case):
    case.write_text(case.read_text() + '\n[targets.co2_cap]\nname_zh = "碳排放上限"\nname_en = "CO2 cap"\n'
                    'clause = "user"\nkind = "cap"\nindicator_id = "co2"\nscope = "city"\nyear = 2021\n'
                    'value = 98\nsource_id = "src"\n')
    res = planner.run(case)
    assert set(res.targets["target_id"]) == {"cap90", "co2_cap"}
    assert (res.targets["status"] != "violated").all()


def test_case_extends_loop(case):
    a, b = case.parent / "a.toml", case.parent / "b.toml"
    a.write_text('extends = "b.toml"\n')
    b.write_text('extends = "a.toml"\n')
    assert problems(a) == ["a.toml, key extends: cases extend each other in a loop: a.toml -> b.toml -> a.toml"]


def test_bounded_by_needs_the_same_unit(tmp_path, monkeypatch):
    from tests.tiny import flat, indicator
    monkeypatch.chdir(tmp_path)
    ev = {**indicator("ev", "t"), "bounded_by": "fleet"}
    case = make_case(tmp_path, indicators=[indicator("fleet", "vehicles"), ev],
                     baseline=flat("r1", "fleet", 1) + flat("r1", "ev", 0))
    assert problems(case) == [
        "data/indicators.csv, row 3, column bounded_by: expected an indicator in the same unit (t), got fleet in "
        "vehicles"]


def test_csv_saved_as_gbk_is_named(case):
    """Excel on a Chinese system saves CSV as GBK by default: say so instead of failing deep inside."""
    path = case.parent / "data" / "regions.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("gbk"))
    assert problems(case) == ["data/regions.csv: not UTF-8 text; save the file as CSV UTF-8"]


def test_empty_required_cell(case):
    edit(case.parent / "data" / "measures.csv", "a,措施a,a,", "a,,a,")
    assert problems(case) == ["data/measures.csv, row 2, column name_zh: expected a value, got an empty cell"]


def test_docs_list_every_schema_column():
    """docs/data.md's table of files names every column of the schema (a column never exists unseen)."""
    from pathlib import Path

    from planner.inputs.schema import TABLES
    text = (Path(__file__).parents[1] / "docs" / "data.md").read_text(encoding="utf-8")
    for table in TABLES.values():
        line = next(x for x in text.splitlines() if x.startswith(f"| `{table.file}` |"))
        assert all(c.name in line for c in table.columns), (table.name, line)
