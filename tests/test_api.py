"""The Python API a notebook uses: Case.load, with_overrides (a new case), solve, to_excel; and a solve that HiGHS
calls optimal with a small primal infeasibility (45-year horizons) reported as such, never a TypeError."""

from __future__ import annotations

import importlib
import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

import planner
from tests.tiny import effect, make_case, measure, potential, target

APPROX = dict(rel=1e-7, abs=1e-7)
solve_module = importlib.import_module("planner.solver.solve")


@pytest.fixture
def cap_case(tmp_path):
    """co2 100; cap 90 in 2022. a cuts 1 t for 5/yr (at most 4 units), b cuts 2 t for 12/yr (6 yuan/t).
    A cut of c tonnes costs 5 * min(c, 4) + 6 * max(c - 4, 0), everything built in 2022."""
    return make_case(tmp_path, measures=[measure("a", fixed_om=5), measure("b", fixed_om=12)],
                     effects=[effect("a", "co2", -1), effect("b", "co2", -2)],
                     potentials=[potential("r1", "a", 4), potential("r1", "b", 100)],
                     targets=[target("cap90", "cap", "co2", 2022, 90)])


def test_with_overrides_returns_a_new_case_and_changes_the_answer(cap_case):
    """Cap 86 asks 14 t: 4 of a (20) + 10 t of b (60) = 80; the original case still solves to 56."""
    case = planner.Case.load(cap_case)
    tighter = case.with_overrides({"targets.cap90.value": 86})
    assert case.overrides.get("targets", {}) == {} and tighter.overrides["targets"] == {"cap90": {"value": 86}}
    assert tighter.solve().solution.objective == pytest.approx(80, **APPROX)
    assert case.solve().solution.objective == pytest.approx(56, **APPROX)


def test_keyword_tables_equal_dotted_keys(cap_case):
    case = planner.Case.load(cap_case)
    a = case.with_overrides({"measures.a.fixed_om": 7, "potentials.r1.b.max_stock": 50, "discount_rate": 0.1})
    b = case.with_overrides(measures={"a": {"fixed_om": 7}}, potentials={"r1": {"b": {"max_stock": 50}}},
                            discount_rate=0.1)
    assert a.overrides == b.overrides and a.discount_rate == b.discount_rate == 0.1


def test_discount_rate_and_cost_overrides_by_hand(cap_case):
    """a at 7/t is dearer than b at 6/t: the 10 t come from 5 units of b, 60 yuan of 2022, discounted at 10% over
    two years: 60 / 1.21."""
    res = planner.Case.load(cap_case).with_overrides({"measures.a.fixed_om": 7, "discount_rate": 0.1}).solve()
    assert res.solution.objective == pytest.approx(60 / 1.21, **APPROX)


def test_bad_override_keys_are_named(cap_case):
    case = planner.Case.load(cap_case)
    with pytest.raises(planner.InputError) as e:
        case.with_overrides({"targets.cap90.valu": 1, "potentials.r1.max_stock": 3, "horizon": 2060})
    lines = [str(p) for p in e.value.problems]
    assert len(lines) == 3
    assert "targets.cap90.valu: cannot be overridden; did you mean value? expected one of" in lines[0]
    assert "potentials.r1.max_stock: expected potentials.<region_id>.<measure_id>.<column>" in lines[1]
    assert "horizon: unknown setting; expected one of" in lines[2]
    with pytest.raises(planner.InputError, match="expected base_year < first_year <= last_year"):
        case.with_overrides({"last_year": 2020})


def test_result_to_excel_and_html_hook(cap_case, tmp_path):
    res = planner.Case.load(cap_case).solve()
    path = res.to_excel(tmp_path / "out" / "r.xlsx")
    assert "Targets" in openpyxl.load_workbook(path).sheetnames
    page = res.to_html(tmp_path / "r.html")
    assert 'data-key="objective"' in page.read_text(encoding="utf-8")


def test_optimal_with_small_primal_infeasibility_is_reported_not_a_type_error(cap_case, monkeypatch):
    """HiGHS can end "optimal" while its unscaled solution misses a row by just over 1e-7 (seen on a 45-year
    horizon; its primal solution status is then not "feasible"). The solve keeps the answer and its objective, and
    states the largest row violation."""
    real = solve_module._run

    def not_feasible(lp, time_limit):
        out = real(lp, time_limit)
        out.feasible = False
        return out

    monkeypatch.setattr(solve_module, "_run", not_feasible)
    data = planner.load(cap_case)
    m = planner.build_model(data)
    sol = planner.solve(m)
    assert sol.status == "optimal"
    assert sol.objective == pytest.approx(56, **APPROX)
    assert sol.primal_infeasibility == pytest.approx(0.0, abs=1e-9)
    m.build["r1", "a", 2022].value = 5  # a violated row is measured: 5 units of a where only 4 may stand
    assert solve_module.max_violation(m) == pytest.approx(1.0)


README = Path(__file__).resolve().parent.parent / "README.md"


def readme_blocks(kind: str) -> list[str]:
    """The README's fenced blocks of one kind (python, bash, toml), in order."""
    return re.findall(rf"```{kind}\n(.*?)```", README.read_text(encoding="utf-8"), re.S)


def shipped_copy(tmp_path: Path) -> Path:
    """A folder that sees the shipped cases and data as the README's commands do (copies: the commands write into
    cases/ and docs/)."""
    root = README.parent
    shutil.copytree(root / "cases", tmp_path / "cases")
    shutil.copytree(root / "data", tmp_path / "data", ignore=shutil.ignore_patterns("derive"))
    (tmp_path / "docs").mkdir()
    return tmp_path


def test_readme_python_example_runs_and_changes_the_answer(tmp_path, monkeypatch):
    """The first Python block of the README, run as written (from a folder that sees cases/ and data/)."""
    text = README.read_text(encoding="utf-8")
    block = text.split("## From Python / Jupyter", 1)[1].split("```python\n", 1)[1].split("```", 1)[0]
    root = README.parent
    for name in ("cases", "data"):
        (tmp_path / name).symlink_to(root / name)
    monkeypatch.chdir(tmp_path)
    scope: dict = {}
    exec(compile(block, "README.md", "exec"), scope)  # noqa: S102  the documented example itself
    assert scope["res"].solution.objective > scope["base"].solution.objective  # the tighter case costs more
    assert (tmp_path / "reports" / "tighter.xlsx").is_file()
    assert scope["df"]["objective"].is_monotonic_increasing and scope["df"]["objective"].nunique() > 1
    # the sweep's figures are run's at each point (marginal costs on their tightening side, issue 17)
    point = scope["df"].iloc[-1]
    cold = scope["case"].with_overrides({"targets.nonfossil_share_2025.value": 0.27}).solve()
    assert point["objective"] == pytest.approx(cold.solution.objective, rel=1e-6)
    row = cold.targets.set_index(["target_id", "year"]).loc[("nonfossil_share_2025", 2025)]
    column = next(c for c in scope["df"].columns if c.startswith("marginal_cost.nonfossil_share_2025.2025 ["))
    assert point[column] == pytest.approx(row["marginal_cost"], rel=1e-5)


def test_readme_studies_example_runs_on_a_tiny_case(tmp_path):
    """The studies block, each call as written, on a tiny case with cost ranges and the sizes cut (n=200 -> 6,
    trajectories=10 -> 2, n=64 -> 4, points=11 -> 3): the shipped case would take minutes of the suite."""
    block = readme_blocks("python")[1]
    small = (block.replace("n=200", "n=6").replace("trajectories=10", "trajectories=2").replace("n=64", "n=4")
             .replace("front(case, \"co2\", 2030, points=11)", "front(case, \"co2\", 2022, points=3)"))
    assert small.count("n=6") == 1 and "points=3" in small and "trajectories=2" in small
    case = planner.Case.load(make_case(
        tmp_path, measures=[measure("a", fixed_om=5, capex=100, capex_low=80, capex_high=130),
                            measure("b", fixed_om=12, capex=50, capex_low=40, capex_high=60, sector="industry")],
        effects=[effect("a", "co2", -1), effect("b", "co2", -2)],
        potentials=[potential("r1", "a", 4), potential("r1", "b", 100)],
        targets=[target("cap90", "cap", "co2", 2022, 90)]))
    scope: dict = {"case": case}
    exec(compile(small, "README.md", "exec"), scope)  # noqa: S102
    mc = scope["mc"]
    assert len(mc) == 6 and (mc["status"] == "optimal").all()
    assert set(scope["summarize"](mc)["chosen"]["measure_id"]) == {"a", "b"}


def test_readme_case_example_is_a_valid_case(tmp_path):
    """The README's case file, beside the shipped ones, validates."""
    root = shipped_copy(tmp_path)
    (root / "cases" / "example.toml").write_text(readme_blocks("toml")[0], encoding="utf-8")
    data = planner.load(root / "cases" / "example.toml")
    assert data.case.name == "strict_co2" and "co2_cap_2030" in set(data.targets["target_id"])


def test_readme_command_line_examples(tmp_path):
    """Every command of the README's "Running a case" block (and the install block's run), as written, from a folder
    with the shipped cases and data: their exit codes and the files they say they write. `validate
    cases/my_case.toml` names a case of the reader's own: here it does not exist, and the answer is exit 2. `--ranges
    100` runs with 4 samples (100 would cost the suite a minute; what it prints is the same line)."""
    root = shipped_copy(tmp_path)
    commands = [ln.split("#")[0].split() for ln in readme_blocks("bash")[2].splitlines() if ln.strip()]
    assert [c[1] for c in commands] == ["run", "run", "run", "compare", "validate", "sweep", "data-report", "template"]
    assert commands[2][-2:] == ["--ranges", "100"]
    commands[2][-1] = "4"
    env = {**os.environ, "PYTHONPATH": str(README.parent)}
    done = {}
    for c in commands:
        out = subprocess.run([sys.executable, "-m", "planner", *c[1:]], cwd=root, capture_output=True, text=True,
                             timeout=600, env=env)
        done[" ".join(c[1:])] = out
        assert "Traceback" not in out.stderr, out.stderr
    codes = [o.returncode for o in done.values()]
    assert codes == [0, 0, 0, 0, 2, 0, 0, 0], {k: (o.returncode, o.stderr[-500:]) for k, o in done.items()}
    assert "my_case.toml: case file not found" in done["validate cases/my_case.toml"].stderr
    ranged = done["run cases/baseline.toml --ranges 4"].stdout
    assert "Cost ranges over 4 of 4 Monte Carlo samples" in ranged and "peak's marginal cost" in ranged
    files = {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}
    for written in ("reports/baseline/baseline.xlsx", "reports/baseline/report.html",
                    "reports/baseline/baseline_iamc.csv", "my_reports/strict_co2.xlsx",
                    "my_reports/strict_co2_iamc.csv", "reports/compare/compare.xlsx", "reports/compare/compare.html",
                    "reports/sw/sweep.csv", "reports/sw/sweep.xlsx", "docs/catalog.md", "cases/inputs.xlsx"):
        assert written in files, written
    assert "my_reports/report.html" not in files  # --no-report
    assert not [f for f in files if "/." in f or f.startswith(".")]  # no temporary left behind
    sweep = pd.read_csv(root / "reports" / "sw" / "sweep.csv")
    assert sweep["targets.nonfossil_share_2025.value"].tolist() == pytest.approx([0.25, 0.255, 0.26, 0.265, 0.27])
    assert (sweep["status"] == "optimal").all() and sweep["objective"].is_monotonic_increasing
    assert (root / "docs" / "catalog.md").read_text(encoding="utf-8").startswith("# Measure catalog")
    xcase = root / "cases" / "from_template.toml"
    xcase.write_text((root / "cases" / "baseline.toml").read_text(encoding="utf-8")
                     .replace('data = "../data"', 'data = "inputs.xlsx"').replace('name = "baseline"',
                                                                                  'name = "from_template"'),
                     encoding="utf-8")
    assert len(planner.load(xcase).targets) == len(planner.load(root / "cases" / "baseline.toml").targets)
