"""The command line as a user meets it: exit codes, one line per problem, no traceback, the workbook, diagnosis."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

import planner
from tests.tiny import effect, flat, indicator, make_case, measure, potential, target

PLANNER = [sys.executable, "-m", "planner.cli"]


def cli(*args, cwd) -> subprocess.CompletedProcess:
    return subprocess.run([*PLANNER, *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=120)


@pytest.fixture
def feasible(tmp_path):
    return make_case(tmp_path, measures=[measure("a", fixed_om=5), measure("b", fixed_om=12)],
                     effects=[effect("a", "co2", -1), effect("b", "co2", -2)],
                     potentials=[potential("r1", "a", 4), potential("r1", "b", 100)],
                     targets=[target("cap90", "cap", "co2", 2022, 90)])


def conflicting(tmp_path) -> Path:
    """Power needs coal power (+1 t co2 per MWh); a floor of 10 MWh and a co2 cap of 105 over a baseline of 100
    cannot both hold: the cheapest relaxation raises the cap by 5 t (5% of its baseline) rather than lowering the
    floor by 5 MWh (500% of its baseline of 0, counted as 1)."""
    return make_case(
        tmp_path, indicators=[indicator("co2"), indicator("power", "MWh")],
        baseline=flat("r1", "co2", 100) + flat("r1", "power", 0), measures=[measure("coal", fixed_om=1)],
        effects=[effect("coal", "power", 1), effect("coal", "co2", 1)], potentials=[potential("r1", "coal", 100)],
        targets=[target("power_floor", "floor", "power", 2022, 10), target("co2_cap", "cap", "co2", 2022, 105)])


def test_run_writes_the_workbook_and_exits_0(feasible):
    out = cli("run", feasible.name, "--out", "out", cwd=feasible.parent)
    assert out.returncode == 0, out.stderr
    assert "Case tiny: optimal" in out.stdout
    assert "cap90" in out.stdout and "binding" in out.stdout
    book = openpyxl.load_workbook(feasible.parent / "out" / "tiny.xlsx")
    assert book.sheetnames == ["Summary", "Targets", "Marginal costs", "Costs", "Measures", "Reduced costs", "MAC",
                               "Co-control", "Pathways", "Sector cuts", "Indicators", "Allocation", "Inputs"]
    targets = book["Targets"]
    assert targets.freeze_panes == "A2"
    header = [c.value for c in targets[1]]
    assert "Target\n目标" in header and "Slack (unit, >= 0 when met)\n余量" in header
    row = {h: c.value for h, c in zip(header, targets[2], strict=True)}
    assert row["Target id\n目标代码"] == "cap90" and row["Status\n状态(英文)"] == "binding"
    assert row["Marginal cost (yuan of that year per unit)\n边际成本(当年元/单位)"] == pytest.approx(6)
    assert not list((feasible.parent / "out").glob("*.tmp.xlsx"))


def test_default_out_dir_is_reports_case(feasible):
    assert cli("run", feasible.name, cwd=feasible.parent).returncode == 0
    assert (feasible.parent / "reports" / "tiny" / "tiny.xlsx").is_file()


def test_bad_input_exits_2_with_one_line_per_problem(feasible):
    path = feasible.parent / "data" / "measures.csv"
    path.write_text(path.read_text().replace(",5,", ",abc,").replace(",12,", ",-1,"))
    out = cli("run", feasible.name, cwd=feasible.parent)
    assert out.returncode == 2
    assert out.stderr.splitlines() == [
        "Bad input: 2 problems found.",
        "  data/measures.csv, row 2, column fixed_om: expected a number >= 0, got 'abc'",
        "  data/measures.csv, row 3, column fixed_om: expected a number >= 0, got '-1'",
    ]
    assert "Traceback" not in out.stderr + out.stdout
    assert not (feasible.parent / "reports").exists()


def test_validate_exits_0_and_2(feasible):
    ok = cli("validate", feasible.name, cwd=feasible.parent)
    assert ok.returncode == 0 and "valid" in ok.stdout
    bad = cli("validate", "missing.toml", cwd=feasible.parent)
    assert bad.returncode == 2
    assert "missing.toml: case file not found" in bad.stderr and "Traceback" not in bad.stderr


def test_infeasible_exits_3_naming_the_targets_in_conflict(tmp_path):
    case = conflicting(tmp_path)
    out = cli("run", case.name, cwd=tmp_path)
    assert out.returncode == 3
    lines = out.stderr.splitlines()
    assert lines[1] == "The targets cannot be met together. Smallest relaxation that makes the case feasible:"
    assert lines[2] == "  co2_cap (目标co2_cap), 2022: limit must be raised by 5 t (5.00% of its baseline level)"
    iis = out.stderr.split("HiGHS IIS")[1]
    assert "target co2_cap (2022)" in iis and "target power_floor (2022)" in iis
    assert "Traceback" not in out.stderr
    assert not (tmp_path / "reports").exists()


def test_diagnosis_api(tmp_path):
    with pytest.raises(planner.InfeasibleError) as e:
        planner.run(conflicting(tmp_path))
    d = e.value.diagnosis
    assert d.targets == ["co2_cap"]
    assert d.relaxations[0].slack == pytest.approx(5)
    assert set(d.iis_rows) == {"target power_floor (2022)", "target co2_cap (2022)"}


def test_potential_too_small_is_named(tmp_path):
    """A floor of 10 with only 4 units available: the floor must drop by 6, and the IIS names the potential."""
    case = make_case(tmp_path, indicators=[indicator("u", "units")], baseline=flat("r1", "u", 0),
                     measures=[measure("m", fixed_om=1)], effects=[effect("m", "u", 1)],
                     potentials=[potential("r1", "m", 4)], targets=[target("f", "floor", "u", 2022, 10)])
    with pytest.raises(planner.InfeasibleError) as e:
        planner.run(case)
    d = e.value.diagnosis
    assert [(r.target_id, r.year, round(r.slack, 9)) for r in d.relaxations] == [("f", 2022, 6)]
    assert "potential of m in r1 (2022)" in d.iis_rows


def test_the_iis_rows_of_a_family_are_one_line():
    """A conflict on the 38 districts lists hundreds of stock balances (each only says a build is involved): the
    diagnosis gives each constraint family one line with its count and first indices."""
    from importlib import import_module

    diagnose = import_module("planner.solver.diagnose")  # the module (planner.solver.diagnose is also a function)
    grouped, places = diagnose._grouped, diagnose._places
    rows = [("stock_balance", "r1 a 2021"), ("stock_balance", "r1 a 2022"), ("stock_balance", "r2 a 2021"),
            ("stock_balance", "r2 a 2022"), ("thermal_balance", "2025")]
    assert grouped(rows) == ["stock_balance: 4 rows (r1 a 2021; r1 a 2022; r2 a 2021, ...)",
                             "thermal_balance: 1 row (2025)"]
    assert places({"r1": [2022], "r2": [2021, 2022]}) == "r1 (2022), r2 (2021-2022)"
    six = {f"d{n}": [2025] for n in range(6)}
    assert places(six) == "6 regions: d0 (2025), d1 (2025), d2 (2025), ..."


def test_target_beyond_a_physical_bound_is_named(tmp_path):
    """Utilisation of 120% of what is generated cannot be met: the share must drop by 20 t (of 100 generated), and
    the IIS names the bound used <= generated next to the target."""
    used = {**indicator("used"), "bounded_by": "gen"}
    case = make_case(tmp_path, indicators=[indicator("gen"), used], baseline=flat("r1", "gen", 100) +
                     flat("r1", "used", 50), measures=[measure("m", fixed_om=1)], effects=[effect("m", "used", 1)],
                     potentials=[potential("r1", "m", 1000)],
                     targets=[target("util", "share_min", "used", 2022, 1.2, denominator_id="gen")])
    with pytest.raises(planner.InfeasibleError) as e:
        planner.run(case)
    d = e.value.diagnosis
    assert [(r.target_id, round(r.slack, 9)) for r in d.relaxations] == [("util", 20)]
    assert "bound used <= gen in r1 (2022)" in d.iis_rows and "target util (2022)" in d.iis_rows


@pytest.mark.parametrize("args, absent", [
    (["--help"], ("pandas", "pyomo", "highspy", "matplotlib", "xlsxwriter")),
    (["validate", "cases/baseline.toml"], ("highspy", "matplotlib", "xlsxwriter")),
])
def test_light_commands_do_not_import_the_heavy_libraries(args, absent):
    """`planner --help` and `planner validate` answer without loading the solver, the charts or the workbook writer."""
    code = ("import atexit, sys\nfrom planner.__main__ import main\nsys.argv = ['planner', *sys.argv[1:]]\n"
            f"atexit.register(lambda: print('LOADED', [m for m in {absent!r} if m in sys.modules]))\n"
            "main()\n")  # main() ends the process, running the exit handlers first
    p = subprocess.run([sys.executable, "-c", code, *args], cwd=Path(__file__).parent.parent, capture_output=True,
                       text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip().splitlines()[-1] == "LOADED []"
