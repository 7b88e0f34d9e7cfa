"""Careless and hostile input: nothing executes, nothing escapes, nothing silently changes the answer (issue 9)."""

from __future__ import annotations

import importlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest

import planner
from planner.base.safe import EXCEL_MAX, file_name, text_cell
from tests.tiny import effect, make_case, measure, potential, target

ROOT = Path(__file__).parents[1]
PLANNER = [sys.executable, "-m", "planner"]
FORMULA = '=HYPERLINK("http://example.com","click")'


def cli(*args, cwd) -> subprocess.CompletedProcess:
    return subprocess.run([*PLANNER, *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=120)


def cli_here(*args, cwd, monkeypatch):
    """The same command line in this process (faster): exit code, stdout, stderr."""
    from typer.testing import CliRunner

    from planner.cli import app
    monkeypatch.chdir(cwd)
    res = CliRunner().invoke(app, [str(a) for a in args])
    assert not isinstance(res.exception, Exception) or isinstance(res.exception, SystemExit), res.exception
    return subprocess.CompletedProcess(args, res.exit_code, res.stdout, res.stderr)


def tiny(tmp_path, **kw) -> Path:
    return make_case(tmp_path, measures=[measure("a", fixed_om=5, name_en=FORMULA, name_zh="=1+1")],
                     effects=[effect("a", "co2", -1)], potentials=[potential("r1", "a", 20)],
                     targets=[target("cap90", "cap", "co2", 2022, 90)], **kw)


def problems(case) -> list[str]:
    with pytest.raises(planner.InputError) as e:
        planner.load(case)
    return [str(p) for p in e.value.problems]


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (old, text)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def text_cells_are_text(path: Path) -> list[str]:
    """Every cell of the workbook: no formula anywhere; returns the string values."""
    book = openpyxl.load_workbook(path)
    values = []
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    values.append(cell.value)
    return values


# ------------------------------------------------------------------------------------------ nothing executes


def test_run_workbook_holds_formula_like_text_as_text(tmp_path, monkeypatch):
    case = tiny(tmp_path, case_extra='description = "=1+1 @SUM(A1) -2+3"\n[measures.a]\nnote = "=cmd|calc"\n')
    out = cli_here("run", case.name, "--out", "out", cwd=tmp_path, monkeypatch=monkeypatch)
    assert out.returncode == 0, out.stderr
    values = text_cells_are_text(tmp_path / "out" / "tiny.xlsx")
    assert FORMULA in values and "=1+1" in values and "=1+1 @SUM(A1) -2+3" in values and "=cmd|calc" in values


def test_data_report_workbook_and_csv_hold_formula_like_text_as_text(tmp_path, monkeypatch):
    case = tiny(tmp_path)
    out = cli_here("data-report", case.name, "--out", "cat.xlsx", cwd=tmp_path, monkeypatch=monkeypatch)
    assert out.returncode == 0, out.stderr
    assert FORMULA in text_cells_are_text(tmp_path / "cat.xlsx")
    out = cli_here("data-report", case.name, "--out", "cat.csv", cwd=tmp_path, monkeypatch=monkeypatch)
    assert out.returncode == 0, out.stderr
    assert "'" + FORMULA.replace('"', '""') in (tmp_path / "cat.csv").read_text(encoding="utf-8")


def test_text_cell_escapes_control_characters_and_cuts_long_text_visibly():
    assert text_cell("a\x01b\x1fc\td\ne") == "a\\x01b\\x1fc\td\ne"
    long = text_cell("x" * 40_000)
    assert len(long) == EXCEL_MAX and long.endswith("[... cut: 40,000 characters in full, a cell holds 32,767]")


def test_control_character_in_data_is_refused(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    case = tiny(tmp_path)
    edit(tmp_path / "data" / "measures.csv", ",五,", ",五\x07,")
    assert problems(case) == ["data/measures.csv, row 2, column clause: contains the control character U+0007 at "
                              "character 2; expected plain text (remove it)"]


def test_text_longer_than_an_excel_cell_is_refused(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    case = tiny(tmp_path)
    edit(tmp_path / "data" / "measures.csv", ",五,", "," + "五" * 33_000 + ",")
    assert problems(case) == ["data/measures.csv, row 2, column clause: expected at most 32,767 characters (what "
                              "an Excel cell holds), got 33,000"]


# ------------------------------------------------------------------------------------------ nothing escapes


@pytest.mark.parametrize("name", ["../x", "/tmp/evil", "", ".hidden", "a/b", "a b"])
def test_case_name_that_is_a_path_is_refused(tmp_path, monkeypatch, name):
    monkeypatch.chdir(tmp_path)
    case = tiny(tmp_path)
    edit(case, 'name = "tiny"', f'name = "{name}"')
    msgs = problems(case)
    assert len(msgs) == 1 and msgs[0].startswith("tiny.toml, key name: expected a plain name (letters, digits, "
                                                  "_ . -; it names the workbook, never a folder), got ")


def test_file_name_never_leaves_the_folder():
    for bad in ("../x", "/etc/passwd", "", ".", "..", ".hidden", "a/../../b", "a\\b"):
        name = file_name(bad, ".xlsx")
        assert "/" not in name and "\\" not in name and not name.startswith(".") and name != ".xlsx"
    assert file_name("strict_co2", ".xlsx") == "strict_co2.xlsx" and file_name("情景1") == "情景1"


# ------------------------------------------------------------------------------ typos never change the answer


def test_misspelt_optional_header_is_an_error_with_a_suggestion(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    case = tiny(tmp_path)
    edit(tmp_path / "data" / "potentials.csv", "max_build", "max_buid")
    assert problems(case) == [
        "data/potentials.csv, column max_buid: unknown column; did you mean 'max_build'?; expected columns "
        "region_id, measure_id, max_stock, min_stock, max_build, first_year, source_id, note"]


def test_duplicated_header_is_an_error(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    case = tiny(tmp_path)
    edit(tmp_path / "data" / "potentials.csv", "max_build", "max_stock")
    assert problems(case) == ["data/potentials.csv, column max_stock: appears more than once (columns 3, 5); "
                              "keep one"]


def test_misspelt_override_id_is_not_a_new_row(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    case = tiny(tmp_path, case_extra="[potentials.r1.b]\nmax_stock = 5\n[measures.aa]\ncapex = 1\n"
                                     "[targets.cap9]\nenabled = false\n[settings]\nx = 1\n")
    edit(case, "discount_rate", "discount_rte")
    msgs = problems(case)
    assert msgs == [
        "tiny.toml, key discount_rte: unknown setting; did you mean discount_rate? expected one of name, title_zh, "
        "title_en, description, data, base_year, first_year, last_year, discount_rate, baseline, history_until, "
        "gwp_ch4, objective, regions, admin_split, fair_multiple, allow_outliers, extends, targets, measures, "
        "potentials",
        "tiny.toml, key settings: unknown setting; expected one of name, title_zh, title_en, description, data, "
        "base_year, first_year, last_year, discount_rate, baseline, history_until, gwp_ch4, objective, regions, "
        "admin_split, fair_multiple, allow_outliers, extends, targets, measures, potentials"]
    edit(case, "discount_rte", "discount_rate")
    edit(case, "[settings]\nx = 1\n", "")
    assert problems(case) == [
        "tiny.toml, [targets.cap9], key name_zh, name_en, clause, kind, indicator_id, scope, year, source_id: "
        "missing; [targets.cap9] is not in the data, so it adds a new target and needs every required column: "
        "target_id, name_zh, name_en, clause, kind, indicator_id, scope, year, source_id. Did you mean 'cap90'?",
        "tiny.toml, key measures.aa: unknown measure_id 'aa'; did you mean 'a'?; a case changes measures of the "
        "data, it does not add them",
        "tiny.toml, key potentials.r1.b: measure_id 'b' is not in measures; [potentials.r1.b] must name existing ids"]


def test_quoted_number_in_an_override_is_refused(tmp_path, monkeypatch):
    """Decision: a TOML override is typed; value = "0.3" is text, and text is not taken as a number."""
    monkeypatch.chdir(tmp_path)
    case = tiny(tmp_path, case_extra='[targets.cap90]\nvalue = "80"\nenabled = "false"\n')
    assert problems(case) == [
        "tiny.toml, [targets.cap90], key value: expected a number, got the text '80'; write it without quotes",
        "tiny.toml, [targets.cap90], key enabled: expected true or false (without quotes), got 'false'"]


def test_unknown_csv_file_folder_and_broken_link_in_data(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    case = tiny(tmp_path)
    data = tmp_path / "data"
    (data / "target.csv").write_text("x\n1\n", encoding="utf-8")
    (data / "pollution_equivalents.csv").mkdir()
    (data / "districts.csv").symlink_to(data / "nowhere.csv")
    assert problems(case) == [
        "data/target.csv: not a table of the schema; expected one of air_quality.csv, baseline.csv, districts.csv, "
        "effects.csv, electricity.csv, indicators.csv, measures.csv, pollution_equivalents.csv, potentials.csv, "
        "regions.csv, source_receptor.csv, sources.csv, targets.csv; did you mean 'targets.csv'?",
        "data/districts.csv: is a broken link; expected the districts table as a CSV file",
        "data/pollution_equivalents.csv: is a folder; expected the pollution_equivalents table as a CSV file"]


def test_row_numbers_count_blank_lines(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    case = tiny(tmp_path)
    path = tmp_path / "data" / "targets.csv"
    head, row = path.read_text(encoding="utf-8").splitlines()
    path.write_text(f"{head}\n\n,,,\n{row.replace(',cap,', ',capp,')}\n", encoding="utf-8")
    assert problems(case) == ["data/targets.csv, row 4, column kind: expected one of cap, floor, share_min, "
                              "share_max, reduction, intensity_reduction, abatement, peak, concentration, got 'capp'; "
                              "did you mean 'cap'?"]


def test_all_stages_in_one_run(tmp_path, monkeypatch):
    """A missing column, a bad cell and an unknown reference: three problems in one run, and a note on what waits."""
    monkeypatch.chdir(tmp_path)
    case = tiny(tmp_path)
    edit(tmp_path / "data" / "regions.csv", "land_area_km2", "land_area")
    edit(tmp_path / "data" / "measures.csv", ",5,", ",abc,")
    edit(tmp_path / "data" / "effects.csv", "a,co2,", "a,co3,")
    with pytest.raises(planner.InputError) as e:
        planner.load(case)
    assert [str(p) for p in e.value.problems] == [
        "data/regions.csv, column land_area: unknown column; did you mean 'land_area_km2'?; expected columns "
        "region_id, name_zh, name_en, land_area_km2, districts, population_2020, gdp_2020_yuan, source_id, note",
        "data/measures.csv, row 2, column fixed_om: expected a number >= 0, got 'abc'",
        "data/effects.csv, row 2, column indicator_id: unknown indicator_id 'co3'; expected one defined in "
        "data/indicators.csv; did you mean 'co2'?"]
    assert e.value.notes == ["The checks of meaning (baseline coverage, target years and kinds, potentials) skipped "
                             "the rows of effects with a problem above; fixing them may show more."]


def test_switched_off_target_is_not_checked_against_the_years(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    case = make_case(tmp_path, targets=[target("old", "cap", "co2", 2040, 90, enabled=False)])
    assert planner.load(case).targets.iloc[0]["enabled"] is False


# ------------------------------------------------------------------------------ numbers the solver cannot take


@pytest.mark.parametrize("file, old, new, column", [
    ("effects.csv", ",-1", ",-1e300", "effect"), ("targets.csv", ",90", ",1e19", "value"),
    ("targets.csv", ",90", ",1e20", "value"), ("measures.csv", ",5,", ",2e15,", "fixed_om")])
def test_numbers_beyond_what_the_solver_represents(tmp_path, monkeypatch, file, old, new, column):
    monkeypatch.chdir(tmp_path)
    case = tiny(tmp_path)
    edit(tmp_path / "data" / file, old, new)
    msgs = problems(case)
    assert len(msgs) == 1 and msgs[0].startswith(f"data/{file}, row 2, column {column}: expected a magnitude below "
                                                 "1e+15 (HiGHS takes 1e20 as infinity")


def test_odd_magnitudes_are_warned_with_file_row_column(tmp_path, monkeypatch):
    case = tiny(tmp_path)
    edit(tmp_path / "data" / "effects.csv", ",-1,", ",-5e-8,")
    edit(tmp_path / "data" / "potentials.csv", ",20,", ",2e13,")
    out = cli_here("validate", case.name, cwd=tmp_path, monkeypatch=monkeypatch)
    assert out.returncode == 0, out.stderr
    assert out.stderr.splitlines() == [
        "Warning: data/effects.csv, row 2, column effect: -5e-08 is below 1e-07 in magnitude; check the unit (the LP "
        "may be badly scaled)",
        "Warning: data/potentials.csv, row 2, column max_stock: 2e+13 is beyond 1e+13; check the unit (the LP may be "
        "badly scaled)"]


def test_a_coefficient_highs_would_drop_is_refused(tmp_path, monkeypatch):
    """HiGHS drops matrix entries of magnitude <= 1e-9: an effect of 1e-9 would silently count as 0 (and a cap
    reachable with 1e15 units would be called infeasible)."""
    monkeypatch.chdir(tmp_path)
    case = tiny(tmp_path)
    edit(tmp_path / "data" / "effects.csv", ",-1,", ",-1e-9,")
    assert problems(case) == ["data/effects.csv, row 2, column effect: expected 0 or a magnitude above 1e-09 (HiGHS "
                              "drops coefficients this small, so it would count as 0; is the unit right?), got '-1e-9'"]


def test_toml_with_a_byte_order_mark_is_read(tmp_path):
    case = tiny(tmp_path)
    case.write_bytes(b"\xef\xbb\xbf" + case.read_bytes())
    assert planner.load(case).case.name == "tiny"


def test_missing_parent_case_names_the_child(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    child = tmp_path / "child.toml"
    child.write_text('extends = "gone.toml"\n', encoding="utf-8")
    assert problems(child) == ["gone.toml: case file not found (named by extends in child.toml); expected a TOML "
                               "file such as cases/baseline.toml"]


@pytest.mark.parametrize("limit", ["-1", "nan", "0", "inf"])
def test_time_limit_must_be_positive_and_finite(tmp_path, monkeypatch, limit):
    case = tiny(tmp_path)
    out = cli_here("run", case.name, "--time-limit", limit, cwd=tmp_path, monkeypatch=monkeypatch)
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert out.stderr.startswith("--time-limit: expected a number of seconds > 0, got ")


# ------------------------------------------------------------------------------------------------ interrupts


def _signalled(tmp_path: Path, sig: int, after: float, earlier: bytes) -> tuple[subprocess.CompletedProcess, int]:
    case = tiny(tmp_path)
    (tmp_path / "out").mkdir(exist_ok=True)
    (tmp_path / "out" / "tiny.xlsx").write_bytes(earlier)
    p = subprocess.Popen([*PLANNER, "run", case.name, "--out", "out"], cwd=tmp_path, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    time.sleep(after)
    p.send_signal(sig)
    out, err = p.communicate(timeout=60)
    return subprocess.CompletedProcess(p.args, p.returncode, out, err), p.returncode


@pytest.mark.parametrize("sig, code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
@pytest.mark.parametrize("after", [0.5, 1.2])
def test_interrupt_prints_one_line_and_leaves_nothing_behind(tmp_path, sig, code, after):
    """Signalled while it imports, validates, solves or writes (the timing varies with the machine's load)."""
    out, rc = _signalled(tmp_path, sig, after, b"earlier workbook")
    if rc == 0:  # the run finished before the signal: the workbook is new and whole
        assert openpyxl.load_workbook(tmp_path / "out" / "tiny.xlsx")
        return
    if rc == -sig:  # signalled before the interpreter ran any of our code (a shell shows 128 + signal, too)
        assert out.stderr == "" and (tmp_path / "out" / "tiny.xlsx").read_bytes() == b"earlier workbook"
        return
    assert rc == code, out.stderr
    assert "Traceback" not in out.stderr and len(out.stderr.strip().splitlines()) == 1
    assert out.stderr.startswith("Interrupted (SIG")
    names = sorted(p.name for p in (tmp_path / "out").iterdir())  # no temporary file or folder left behind
    if "after the outputs were written" in out.stderr:  # signalled once all outputs had landed: all new and whole
        assert names == ["report.html", "tiny.xlsx", "tiny_iamc.csv"], names
        assert openpyxl.load_workbook(tmp_path / "out" / "tiny.xlsx")
    else:  # the earlier outputs exactly as they were: never one new file beside old ones
        assert out.stderr.endswith("no file was half-written, earlier outputs are untouched.\n"), out.stderr
        assert names == ["tiny.xlsx"] and (tmp_path / "out" / "tiny.xlsx").read_bytes() == b"earlier workbook"


def test_interrupt_during_the_write_removes_the_temporary(tmp_path, monkeypatch):
    """The handler itself: a registered temporary is removed and the process exits 143 at once."""
    script = (
        "import os, signal, time\n"
        "from planner.base.safe import atomic, install_signal_handlers\n"
        "install_signal_handlers()\n"
        "with atomic('out/book.xlsx') as tmp:\n"
        "    tmp.write_bytes(b'half')\n"
        "    os.kill(os.getpid(), signal.SIGTERM)\n"
        "    time.sleep(5)\n"
    )
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "book.xlsx").write_bytes(b"earlier")
    p = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=30,
                       env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])})
    assert p.returncode == 143 and p.stderr.startswith("Interrupted (SIGTERM)")
    assert sorted(x.name for x in (tmp_path / "out").iterdir()) == ["book.xlsx"]
    assert (tmp_path / "out" / "book.xlsx").read_bytes() == b"earlier"


# ------------------------------------------------------------------------------------------ shares, in share terms


def test_infeasible_share_is_diagnosed_in_percentage_points(tmp_path):
    """Electricity 100 MWh, non-fossil 0; at most 30 MWh of PV: a 50% non-fossil share must drop 20 points to 30%."""
    from tests.tiny import flat, indicator
    case = make_case(tmp_path, indicators=[indicator("elec", "MWh"), indicator("nonfossil", "MWh")],
                     baseline=flat("r1", "elec", 100) + flat("r1", "nonfossil", 0),
                     measures=[measure("pv", fixed_om=1)], effects=[effect("pv", "nonfossil", 1)],
                     potentials=[potential("r1", "pv", 30)],
                     targets=[target("share", "share_min", "nonfossil", 2022, 0.5, denominator_id="elec")])
    out = cli("run", case.name, cwd=tmp_path)
    assert out.returncode == 3, out.stderr
    assert ("  share (目标share), 2022: share must be lowered by 20.00 percentage points (from 50.00% to 30.00%)"
            in out.stderr.splitlines())


def test_share_with_a_zero_denominator_prints_no_nan(tmp_path):
    from tests.tiny import flat, indicator
    case = make_case(tmp_path, indicators=[indicator("elec", "MWh"), indicator("nonfossil", "MWh")],
                     baseline=flat("r1", "elec", 0) + flat("r1", "nonfossil", 0),
                     measures=[measure("pv", fixed_om=1)], effects=[effect("pv", "nonfossil", 1)],
                     potentials=[potential("r1", "pv", 30)],
                     targets=[target("share", "share_max", "nonfossil", 2022, 0.5, denominator_id="elec")])
    out = cli("run", case.name, "--out", "out", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert "nan" not in out.stdout.lower()
    line = next(x for x in out.stdout.splitlines() if x.strip().startswith("share "))
    assert " - <= 50.00% " in " ".join(line.split()) + " "


def test_optimal_with_primal_infeasibilities_is_reported_as_such(tmp_path, monkeypatch):
    """HiGHS may call a badly scaled LP optimal while its solution violates rows: a status, never a TypeError."""
    from typer.testing import CliRunner

    from planner.cli import app

    solve_module = importlib.import_module("planner.solver.solve")  # planner.solve itself is the function
    real = solve_module._run

    def off_by_a_row(lp, time_limit):  # "optimal", not feasible, and a row missed by 1.0
        out = real(lp, time_limit)
        out.feasible = False
        out.x = out.x + 1.0
        return out

    monkeypatch.setattr(solve_module, "_run", off_by_a_row)
    monkeypatch.chdir(tmp_path)
    case = tiny(tmp_path)
    out = CliRunner().invoke(app, ["run", case.name, "--out", "out"])
    assert out.exit_code == 1 and not isinstance(out.exception, TypeError)
    assert "solver status optimal_with_infeasibilities; HiGHS calls the solution optimal but it violates rows by " \
           "more than its tolerance" in out.output
    assert not (tmp_path / "out").exists()


def test_sigterm_during_the_workbook_write_leaves_no_fragment(tmp_path):
    """The shipped case's workbook takes seconds to write: signal once the summary is printed (the write follows)."""
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "baseline.xlsx").write_bytes(b"earlier workbook")
    p = subprocess.Popen([*PLANNER, "run", str(ROOT / "cases" / "baseline.toml"), "--out", "out"], cwd=tmp_path,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         env={**os.environ, "PYTHONUNBUFFERED": "1"})
    for line in p.stdout:
        if line.startswith("  carbon_peak_2030") and "2035" in line:  # the last line before the write
            p.send_signal(signal.SIGTERM)
            break
    rest, err = p.communicate(timeout=60)
    assert "Workbook:" not in rest, "the write finished before the signal"
    assert p.returncode == 143 and err == ("Interrupted (SIGTERM); no file was half-written, earlier outputs are "
                                           "untouched.\n")
    assert [x.name for x in (tmp_path / "out").iterdir()] == ["baseline.xlsx"]
    assert (tmp_path / "out" / "baseline.xlsx").read_bytes() == b"earlier workbook"


def test_years_far_from_any_plan_are_refused(tmp_path, monkeypatch):
    """last_year = 100000000 would build a model of a hundred million years before failing."""
    monkeypatch.chdir(tmp_path)
    case = tiny(tmp_path)
    edit(case, "last_year = 2022", "last_year = 100000000")
    assert problems(case) == ["tiny.toml, key last_year: expected a year from 1900 to 2200, got 100000000"]


def test_case_text_settings_are_plain_text(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    case = tiny(tmp_path, case_extra='description = "a\\u0007b"\ntitle_en = "' + "x" * 40_000 + '"\n')
    assert problems(case) == [
        "tiny.toml, key description: expected plain text of at most 32,767 characters, without control characters",
        "tiny.toml, key title_en: expected plain text of at most 32,767 characters, without control characters"]


def test_catalog_markdown_cells_never_break_the_table(tmp_path):
    from planner.outputs.catalog import markdown
    case = tiny(tmp_path)
    edit(tmp_path / "data" / "measures.csv", ",五,", ',"a|b\nc",')
    page = markdown(planner.load(case))
    row = next(x for x in page.splitlines() if x.startswith("| a |"))
    header = next(x for x in page.splitlines() if x.startswith("| measure |"))
    assert "a\\|b c" in row and row.count(" | ") == header.count(" | ") == 14


def test_a_missing_table_still_lists_the_other_problems_and_says_what_waits(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    case = tiny(tmp_path)
    (tmp_path / "data" / "effects.csv").unlink()
    edit(tmp_path / "data" / "measures.csv", ",5,", ",abc,")
    edit(tmp_path / "data" / "potentials.csv", "r1,a,", "r2,a,")
    with pytest.raises(planner.InputError) as e:
        planner.load(case)
    assert [str(p) for p in e.value.problems] == [
        "data/effects.csv: file not found; expected the effects table (What one unit of a measure standing does to "
        "an indicator)",
        "data/measures.csv, row 2, column fixed_om: expected a number >= 0, got 'abc'",
        "data/potentials.csv, row 2, column region_id: unknown region_id 'r2'; expected one defined in "
        "data/regions.csv"]
    assert e.value.notes == [
        "Not checked yet: the checks of meaning (baseline coverage, target years and kinds, potentials) and "
        "references into effects: they need every table readable; run again after fixing the problems above."]


def test_error_lines_carry_no_terminal_escape(tmp_path, monkeypatch):
    """A quoted TOML key may hold an escape sequence; printed, it would drive the user's terminal."""
    case = tiny(tmp_path, case_extra='[measures."\\u001b[2J"]\ncapex = 1\n')
    out = cli_here("validate", case.name, cwd=tmp_path, monkeypatch=monkeypatch)
    assert out.returncode == 2 and "\x1b" not in out.stderr and "\\x1b[2J" in out.stderr
