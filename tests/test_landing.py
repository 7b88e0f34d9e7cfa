"""Outputs never touch inputs and land together (issue 17): no output may be an input of the run; a command's outputs
are written into a temporary folder and moved in together when all are written; a failed or interrupted command
leaves the earlier outputs exactly as they were, and says so truly."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

import planner
from planner.base.safe import file_name, staged
from tests.tiny import effect, make_case, measure, potential, target

ROOT = Path(__file__).parents[1]
PLANNER = [sys.executable, "-m", "planner"]
EARLIER = {"tiny.xlsx": b"earlier workbook", "tiny_iamc.csv": b"earlier iamc", "report.html": b"earlier report"}


def tiny(tmp_path: Path, name: str = "tiny") -> Path:
    return make_case(tmp_path, measures=[measure("a", fixed_om=5)], effects=[effect("a", "co2", -1)],
                     potentials=[potential("r1", "a", 20)], targets=[target("cap90", "cap", "co2", 2022, 90)],
                     name=name)


def cli(*args, cwd, env=None) -> subprocess.CompletedProcess:
    return subprocess.run([*PLANNER, *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=180,
                          env=env)


def earlier_outputs(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in EARLIER.items():
        (folder / name).write_bytes(data)


def assert_earlier(folder: Path) -> None:
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == EARLIER


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# ------------------------------------------------------------------------------------ outputs never touch inputs


@pytest.mark.parametrize("args, message", [
    (["run", "tiny.toml", "--out", "data"], "  --out: data/tiny.xlsx is in the data folder of the run; outputs there "
     "would be read as data: choose another folder"),
    (["data-report", "tiny.toml", "--out", "data/measures.csv"], "  --out: data/measures.csv is a data file of the "
     "run; planner never writes over its inputs: choose another output name or folder"),
    (["run", "tiny.toml", "--out", "tiny.xlsx", "--no-report"], None),  # a workbook beside the case file: fine
    (["template", "tiny.toml", "--out", "tiny.toml"], None),  # refused for its suffix first
    (["sweep", "tiny.toml", "--set", "targets.cap90.value=85,90", "--out", "data/sw"], "  --out: data/sw/sweep.csv "
     "is in the data folder of the run; outputs there would be read as data: choose another folder"),
])
def test_no_output_is_an_input_of_the_run(tmp_path, args, message):
    case = tiny(tmp_path)
    before = snapshot(tmp_path)
    out = cli(*args, cwd=tmp_path)
    if message is None:
        assert out.returncode in (0, 2), out.stderr
        assert snapshot(tmp_path / "data") == {k.removeprefix("data/"): v for k, v in before.items()
                                               if k.startswith("data/")}
        return
    assert out.returncode == 2, out.stderr
    assert message in out.stderr.splitlines(), out.stderr
    assert snapshot(tmp_path) == before  # nothing written, nothing replaced
    assert cli("validate", case.name, cwd=tmp_path).returncode == 0


def test_the_data_workbook_and_the_case_file_are_never_written_over(tmp_path):
    case = tiny(tmp_path)
    assert cli("template", case.name, "--out", "inputs.xlsx", cwd=tmp_path).returncode == 0
    xcase = tmp_path / "x.toml"
    xcase.write_text(case.read_text(encoding="utf-8").replace('data = "data"', 'data = "inputs.xlsx"')
                     .replace('name = "tiny"', 'name = "x"'), encoding="utf-8")
    book = (tmp_path / "inputs.xlsx").read_bytes()
    out = cli("run", "x.toml", "--out", "inputs.xlsx", cwd=tmp_path)
    assert out.returncode == 2 and out.stderr.splitlines()[1] == (
        "  --out: inputs.xlsx is the data workbook of the run; planner never writes over its inputs: choose another "
        "output name or folder")
    assert (tmp_path / "inputs.xlsx").read_bytes() == book
    out = cli("template", "x.toml", "--out", "inputs.xlsx", cwd=tmp_path)
    assert out.returncode == 2 and "inputs.xlsx is the data workbook of the run" in out.stderr
    res = planner.run(xcase)
    with pytest.raises(planner.InputError, match="is a case file of the run"):
        res.to_html(xcase)
    assert (tmp_path / "inputs.xlsx").read_bytes() == book


# ------------------------------------------------------------------------------------ outputs land together


def test_a_folder_in_the_way_is_refused_before_solving(tmp_path):
    tiny(tmp_path)
    earlier_outputs(tmp_path / "out")
    (tmp_path / "out" / "report.html").unlink()
    (tmp_path / "out" / "report.html").mkdir()
    out = cli("run", "tiny.toml", "--out", "out", cwd=tmp_path)
    assert out.returncode == 2 and out.stderr.splitlines()[1] == (
        "  --out: out/report.html is a folder, in the way of an output of that name; choose another name or move the "
        "folder")
    assert (tmp_path / "out" / "tiny.xlsx").read_bytes() == EARLIER["tiny.xlsx"]


def test_a_write_that_fails_half_way_leaves_the_earlier_outputs(tmp_path, monkeypatch):
    """The disk fills while the report is written, after the workbook and the IAMC table: nothing is replaced."""
    from typer.testing import CliRunner

    import planner.outputs.report as report
    from planner.cli import app

    tiny(tmp_path)
    earlier_outputs(tmp_path / "out")

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(report, "write_report", full)
    monkeypatch.chdir(tmp_path)
    res = CliRunner().invoke(app, ["run", "tiny.toml", "--out", "out"])
    assert res.exit_code == 1
    assert res.stderr.splitlines()[-1] == "Could not write the outputs: No space left on device; nothing in out was " \
                                          "changed."
    assert_earlier(tmp_path / "out")


def test_staged_puts_everything_back_when_a_rename_fails(tmp_path, monkeypatch):
    earlier_outputs(tmp_path / "out")
    real = os.replace
    calls = []

    def flaky(a, b):  # the new IAMC table fails to move in, once
        if str(b).endswith("tiny_iamc.csv") and Path(b).parent == tmp_path / "out" and not calls:
            calls.append(b)
            raise OSError(errno.EIO, "I/O error")
        return real(a, b)

    monkeypatch.setattr(os, "replace", flaky)
    with pytest.raises(OSError, match="I/O error"), staged(tmp_path / "out") as stage:
        for name in EARLIER:
            (stage / name).write_bytes(b"new")
    assert_earlier(tmp_path / "out")


SIGNAL_AFTER_FIRST_OUTPUT = """
import os, signal, sys, time
real = os.replace
def replace(a, b):
    real(a, b)
    if ".tmp" in os.path.dirname(str(b)):  # the first output is whole in the temporary folder: interrupt now
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(10)
os.replace = replace
from planner.__main__ import main
sys.argv = ["planner", *sys.argv[1:]]
main()
"""


@pytest.mark.parametrize("command, names", [
    (["run", "tiny.toml", "--out", "out"], ["report.html", "tiny.xlsx", "tiny_iamc.csv"]),
    (["sweep", "tiny.toml", "--set", "targets.cap90.value=85,90", "--out", "out"], ["sweep.csv", "sweep.xlsx"]),
    (["compare", "tiny.toml", "other.toml", "--out", "out"], ["compare.html", "compare.xlsx"]),
])
def test_a_signal_after_the_first_output_leaves_the_earlier_outputs(tmp_path, command, names):
    case = tiny(tmp_path)
    (tmp_path / "other.toml").write_text(case.read_text(encoding="utf-8").replace('name = "tiny"', 'name = "other"'),
                                         encoding="utf-8")
    (tmp_path / "out").mkdir()
    for n in names:
        (tmp_path / "out" / n).write_bytes(b"earlier " + n.encode())
    p = subprocess.run([sys.executable, "-c", SIGNAL_AFTER_FIRST_OUTPUT, *command], cwd=tmp_path, capture_output=True,
                       text=True, timeout=180, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert p.returncode == 143, p.stderr
    assert p.stderr.splitlines()[-1] == ("Interrupted (SIGTERM); no file was half-written, earlier outputs are "
                                         "untouched.")
    assert {x.name: x.read_bytes() for x in (tmp_path / "out").iterdir()} == {n: b"earlier " + n.encode()
                                                                              for n in names}
    assert not [x for x in tmp_path.iterdir() if x.name.startswith(".")]


def test_a_run_replaces_all_its_outputs_together(tmp_path):
    tiny(tmp_path)
    earlier_outputs(tmp_path / "out")
    (tmp_path / "out" / "notes.txt").write_text("mine", encoding="utf-8")
    out = cli("run", "tiny.toml", "--out", "out", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["notes.txt", "report.html", "tiny.xlsx",
                                                                    "tiny_iamc.csv"]
    assert openpyxl.load_workbook(tmp_path / "out" / "tiny.xlsx")
    assert (tmp_path / "out" / "notes.txt").read_text(encoding="utf-8") == "mine"


# ------------------------------------------------------------------------------------ every failure is an answer


def test_compared_cases_with_the_same_name_are_refused(tmp_path):
    case = tiny(tmp_path)
    (tmp_path / "copy.toml").write_text(case.read_text(encoding="utf-8"), encoding="utf-8")
    out = cli("compare", "tiny.toml", "copy.toml", "--out", "cmp", cwd=tmp_path)
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert out.stderr.splitlines() == ["Bad input: copy.toml and tiny.toml are both named 'tiny'; compared cases need "
                                       "different names (name = ... in the case file)"]
    assert not (tmp_path / "cmp").exists()


def test_a_long_chinese_case_name_makes_a_file_name_the_disk_takes(tmp_path):
    name = "减污降碳协同增效情景" * 10  # 100 characters, 300 bytes in UTF-8
    case = tiny(tmp_path)
    case.write_text(case.read_text(encoding="utf-8").replace('name = "tiny"', f'name = "{name}"'), encoding="utf-8")
    out = cli("run", case.name, "--out", "out", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    book = next((tmp_path / "out").glob("*.xlsx"))
    assert book.name == file_name(name, ".xlsx") and len(book.name.encode()) <= 160
    assert file_name(name) != file_name(name[:-1] + "x")  # two long names stay two files
    assert openpyxl.load_workbook(book)["Summary"]


@pytest.mark.parametrize("depth", [1500])
def test_an_extends_chain_1500_deep_is_an_answer(tmp_path, depth):
    tiny(tmp_path)
    for k in range(depth):
        parent = "tiny.toml" if k == 0 else f"c{k - 1}.toml"
        (tmp_path / f"c{k}.toml").write_text(f'extends = "{parent}"\nname = "c{k}"\n', encoding="utf-8")
    out = cli("validate", f"c{depth - 1}.toml", cwd=tmp_path)
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert out.stderr.splitlines()[1] == (f"  c{depth - 1}.toml, key extends: expected a chain of at most 100 case "
                                          f"files (each extending the next), got more: c{depth - 101}.toml is number "
                                          "101")


def test_a_symlink_loop_among_case_files_is_an_answer(tmp_path):
    (tmp_path / "a.toml").symlink_to(tmp_path / "b.toml")
    (tmp_path / "b.toml").symlink_to(tmp_path / "a.toml")
    (tmp_path / "c.toml").write_text('extends = "a.toml"\n', encoding="utf-8")
    out = cli("validate", "c.toml", cwd=tmp_path)
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert out.stderr.splitlines() == ["Bad input: 1 problem found.",
                                       "  a.toml: is a symbolic link in a loop (named by extends in c.toml); expected "
                                       "a case file"]


def test_optimal_with_infeasibilities_within_a_millionth_of_the_row_is_kept_with_a_warning(tmp_path, monkeypatch):
    """A long horizon: HiGHS calls the solution optimal, its unscaled rows off by a hair (here 1e-9 units on rows of
    about 10): the answer is kept, the command says so and exits 0; 1.0 off (test_hostile) is refused."""
    import importlib

    from typer.testing import CliRunner

    from planner.cli import app

    solve_module = importlib.import_module("planner.solver.solve")
    real = solve_module._run

    def off_by_a_hair(lp, time_limit):
        out = real(lp, time_limit)
        out.feasible = False
        out.x = out.x + 1e-9
        return out

    monkeypatch.setattr(solve_module, "_run", off_by_a_hair)
    monkeypatch.chdir(tmp_path)
    tiny(tmp_path)
    res = CliRunner().invoke(app, ["run", "tiny.toml", "--out", "out"])
    assert res.exit_code == 0, res.output
    warning = [ln for ln in res.stderr.splitlines() if ln.startswith("Warning: HiGHS")]
    assert len(warning) == 1 and warning[0].endswith("of the row's size, within the 1e-06 accepted); the answer is "
                                                     "kept.")
    assert (tmp_path / "out" / "tiny.xlsx").is_file()
