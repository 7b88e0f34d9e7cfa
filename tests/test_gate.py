"""One gate (issue 17): a value the case file refuses is refused the same way, with the same message, through every way
in: a CSV cell, a data-entry workbook cell, the case file, `Case.with_overrides`, a sweep grid (`planner.sweep`),
``planner sweep --set`` and a Monte Carlo range; and always before anything is solved."""

from __future__ import annotations

import math
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, Phase, assume, given, settings
from hypothesis import strategies as st

import planner
from planner.inputs.template import write_template
from planner.study import monte_carlo
from tests.tiny import effect, flat, indicator, make_case, measure, potential, target

FAST = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow],
                phases=[Phase.explicit, Phase.reuse, Phase.generate])  # a failing example is shown unshrunk

# key -> (the CSV file and row that holds it); None: a setting of the case file only. Every overridable column but
# free text (which takes any text) and true/false (a TOML true/false and a cell's text are not the same value)
KEYS = {
    "measures.a.capex": ("measures", 2), "measures.a.fixed_om": ("measures", 2), "measures.a.savings": ("measures", 2),
    "measures.a.lifetime": ("measures", 2),
    "potentials.r1.a.max_stock": ("potentials", 2), "potentials.r1.a.min_stock": ("potentials", 2),
    "potentials.r1.a.max_build": ("potentials", 2), "potentials.r1.a.first_year": ("potentials", 2),
    "targets.cap90.value": ("targets", 2), "targets.cap90.year": ("targets", 2), "targets.cap90.until": ("targets", 2),
    "targets.share.value": ("targets", 3), "targets.share.kind": ("targets", 3),
    "targets.cap90.indicator_id": ("targets", 2), "targets.cap90.base_year": ("targets", 2),
    "targets.share.denominator_id": ("targets", 3), "targets.cap90.scope": ("targets", 2),
    "targets.cap90.source_id": ("targets", 2), "measures.a.source_id": ("measures", 2),
    "potentials.r1.a.source_id": ("potentials", 2),
    "discount_rate": None, "gwp_ch4": None, "last_year": None, "base_year": None, "history_until": None,
}
SPECIAL = [-1, 0, 1, 2.5, 5, 1500, 1e-12, 1e16, 1e300, -1e16, 25, 0.3, 1.5, 2019, 2023, 2040, 100000, 3000,
           math.nan, math.inf, -math.inf]
# numbers a workbook holds as written: whole numbers a double holds exactly, 15 significant digits (openpyxl's)
NUMBERS = st.one_of(st.sampled_from(SPECIAL), st.integers(-2**53, 2**53),
                    st.floats(allow_nan=True, allow_infinity=True).map(lambda x: float(f"{x:.15g}")))
TEXTS = st.sampled_from(["Bad Id", "x-y", "zzz", "co3", "peak", "floor", "r2", "elec"])
IDS = ("kind", "indicator_id", "denominator_id", "scope", "source_id")


def tiny(tmp: Path) -> Path:
    """co2 100 and a share of nonfossil in elec; a cuts 1 t and adds 1 MWh nonfossil, capex 100 (80-120)."""
    return make_case(
        tmp, indicators=[indicator("co2"), indicator("elec", "MWh"), indicator("nonfossil", "MWh")],
        baseline=flat("r1", "co2", 100) + flat("r1", "elec", 100) + flat("r1", "nonfossil", 10),
        measures=[measure("a", capex=100, fixed_om=5, capex_low=80, capex_high=120)],
        effects=[effect("a", "co2", -1), effect("a", "nonfossil", 1)], potentials=[potential("r1", "a", 20)],
        targets=[target("cap90", "cap", "co2", 2022, 90),
                 target("share", "share_min", "nonfossil", 2022, 0.2, denominator_id="elec")])


_SHARED: list[Path] = []


def shared_case() -> Path:
    """One tiny case for every example of the property (each way restores what it edits)."""
    if not _SHARED:
        _SHARED.append(tiny(Path(tempfile.mkdtemp(prefix="gate_"))))
    return _SHARED[0]


def toml(v) -> str:
    if isinstance(v, str):
        return f'"{v}"'
    if isinstance(v, float) and not math.isfinite(v):
        return "nan" if v != v else ("inf" if v > 0 else "-inf")
    return repr(v)


def text(v) -> str:
    """The value as typed in a cell or on the command line."""
    return v if isinstance(v, str) else repr(v)


def same_number(message: str) -> str:
    """A message with the number it echoes as the user wrote it (1e300, 1e+300, 4332213601024340.0 in a workbook
    read back as 4332213601024340) written one way."""
    def norm(m):
        try:
            return f"got {float(m.group(1))!r}"
        except ValueError:
            return m.group(0)

    return re.sub(r"got '([^']*)'", norm, message)


def messages(fn) -> list[str] | None:
    """The messages of the InputError ``fn`` raises (the numbers they echo written one way); None if none."""
    try:
        fn()
    except planner.InputError as e:
        return sorted({same_number(p.message) for p in e.problems})
    return None


def case_file(case: Path, key: str, v) -> list[str] | None:
    body = case.read_text(encoding="utf-8")
    parts = key.split(".")
    if len(parts) == 1:
        body = re.sub(rf"^{key} = .*$\n?", "", body, flags=re.M) + f"{key} = {toml(v)}\n"
    else:
        body += f"[{'.'.join(parts[:-1])}]\n{parts[-1]} = {toml(v)}\n"
    (case.parent / "edited.toml").write_text(body, encoding="utf-8")
    return messages(lambda: planner.load(case.parent / "edited.toml"))


def csv_cell(case: Path, key: str, v) -> list[str] | None:
    import csv

    name, row = KEYS[key]
    path = case.parent / "data" / f"{name}.csv"
    original = path.read_text(encoding="utf-8")
    rows = list(csv.reader(original.splitlines()))
    col = key.split(".")[-1]
    if col not in rows[0]:
        for r in rows:
            r.append("")
        rows[0][-1] = col
    rows[row - 1][rows[0].index(col)] = text(v)
    path.write_text("\n".join(",".join(r) for r in rows) + "\n", encoding="utf-8")
    try:
        return messages(lambda: planner.load(case))
    finally:
        path.write_text(original, encoding="utf-8")


def workbook_cell(case: Path, key: str, v) -> list[str] | None:
    name, row = KEYS[key]
    book = case.parent / "inputs.xlsx"
    if not book.exists():
        write_template(case, book)
    pristine = book.read_bytes()
    wb = openpyxl.load_workbook(book)
    ws = wb[name]
    col = [c.value for c in ws[1]].index(key.split(".")[-1]) + 1
    ws.cell(row=row + 2, column=col).value = v if isinstance(v, int | float) and math.isfinite(v) else text(v)
    wb.save(book)  # two description rows under the header
    xcase = case.parent / "x.toml"
    xcase.write_text(case.read_text(encoding="utf-8").replace('data = "data"', 'data = "inputs.xlsx"'),
                     encoding="utf-8")
    try:
        found = messages(lambda: planner.load(xcase))  # the data it names is the workbook's sheet
        return None if found is None else [re.sub(r"inputs\.xlsx, sheet (\w+)", r"data/\1.csv", m) for m in found]
    finally:
        book.write_bytes(pristine)


def cli_set(case: Path, key: str, v) -> list[str] | None:
    from typer.testing import CliRunner

    from planner.cli import app

    res = CliRunner().invoke(app, ["sweep", case.name, "--set", f"{key}={text(v)}", "--out", "sw"])
    if res.exit_code == 0:
        return None
    assert res.exit_code == 2, (res.exit_code, res.stderr)
    lines = [ln for ln in res.stderr.splitlines() if ln.startswith("  ")]
    return sorted({same_number(re.search(r", (?:key|column) \S+?: (.*)$", ln).group(1)) for ln in lines})


@FAST
@given(key=st.sampled_from(list(KEYS)), data=st.data())
def test_a_value_the_case_file_refuses_is_refused_the_same_way_through_every_way_in(key, data):
    column = key.split(".")[-1]
    v = data.draw(TEXTS if column in IDS else NUMBERS, label="value")
    with pytest.MonkeyPatch.context() as mp:
        case = shared_case()
        mp.chdir(case.parent)
        expected = case_file(case, key, v)
        assume(expected is not None)  # the property is about what the case file refuses
        c = planner.Case.load(case)
        ways = {
            "with_overrides": messages(lambda: planner.load(c.with_overrides({key: v}))),
            "sweep grid": messages(lambda: planner.sweep(c, {key: [v]}, progress=False)),
            "--set": cli_set(case, key, v),
        }
        if KEYS[key] is not None:
            ways["CSV"] = csv_cell(case, key, v)
            ways["workbook"] = workbook_cell(case, key, v)
        if isinstance(v, int | float) and column not in IDS:
            ways["Monte Carlo"] = messages(lambda: monte_carlo(c, n=1, costs=False, ranges={key: (v, v)},
                                                               progress=False))
        for way, got in ways.items():
            assert got == expected, (way, key, v, got, expected)


def test_the_gate_runs_before_any_solve(tmp_path, monkeypatch):
    """A bad value in the last point of a sweep stops the sweep before its first point is solved."""
    import importlib

    points_module = importlib.import_module("planner.study.points")  # planner.study.points is also a function
    solved = []
    real = points_module.Runner.solve
    monkeypatch.setattr(points_module.Runner, "solve", lambda self, *a, **k: solved.append(1) or real(self, *a, **k))
    case = planner.Case.load(tiny(tmp_path))
    with pytest.raises(planner.InputError) as e:
        planner.sweep(case, {"measures.a.capex": [100, 110, -1]}, progress=False)
    assert [str(p) for p in e.value.problems] == ["sweep grid, key measures.a.capex: expected a number >= 0, got '-1'"]
    assert solved == []


@pytest.mark.parametrize("grid, message", [
    ({"targets.cap90.enabled": ["false"]},
     "sweep grid, key targets.cap90.enabled: expected true or false (without quotes), got 'false'"),
    ({"measures.a.capex": "3,100"}, "sweep grid: '3,100' is ambiguous"),
    ({"discount_rate": [math.nan]}, "sweep grid, key discount_rate: expected a finite number, got nan"),
    ({"measures.a.capex": []}, "sweep grid: expected at least one point, got none"),
    ({"measures.a.capex": "80:120:0"}, "sweep grid: expected N from 1 to 1,000,000 in FROM:TO:N, got '80:120:0'"),
    ({"measures.a.capex": "80:120:1000", "measures.a.fixed_om": "0:10:1000"},
     "sweep grid: has 1,000,000 points, more than 100,000; to solve them all, ask for it (max_points=None; planner "
     "sweep --yes), or use a coarser grid"),
])
def test_what_a_sweep_refuses(tmp_path, grid, message):
    case = planner.Case.load(tiny(tmp_path))
    with pytest.raises(planner.InputError) as e:
        planner.sweep(case, grid, progress=False)
    assert str(e.value.problems[0]).startswith(message), e.value.problems


def test_thousands_separators_make_one_number(tmp_path):
    """2,000,000 is one number; 3, 100 two values."""
    from planner.study import values

    assert values("2,000,000") == [2_000_000] and values("1,050.5") == [1050.5] and values("3, 100") == [3, 100]
    case = planner.Case.load(tiny(tmp_path))
    df = planner.sweep(case, {"potentials.r1.a.max_stock": "2,000,000"}, progress=False)
    assert df["potentials.r1.a.max_stock"].tolist() == [2_000_000] and df["status"].tolist() == ["optimal"]


def test_cli_names_every_bad_value_of_every_set_and_the_engine(tmp_path):
    case = tiny(tmp_path)
    r = subprocess.run([sys.executable, "-m", "planner", "sweep", case.name, "--set", "measures.a.capex=100,-1,abc",
                        "--set", "discount_rate=0.05,1.5", "--engine", "fast"], cwd=tmp_path, capture_output=True,
                       text=True, timeout=120)
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert r.stderr.splitlines() == [
        "Bad input: 4 problems found.",
        "  --engine: expected one of serial, processes, dask, got 'fast'",
        "  --set, key measures.a.capex: expected a number >= 0, got '-1'",
        "  --set, key measures.a.capex: expected a number, got the text 'abc'; write it without quotes",
        "  --set, key discount_rate: expected a rate between 0 and 1 (0.06 for 6%), got 1.5"]
    assert not (tmp_path / "reports").exists()


def test_monte_carlo_does_not_move_a_users_cost_into_the_range_without_a_word(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    case = tiny(tmp_path)
    case.write_text(case.read_text(encoding="utf-8") + "[measures.a]\ncapex = 130\n", encoding="utf-8")
    with pytest.raises(planner.InputError) as e:
        monte_carlo(planner.Case.load(case), n=5, progress=False)
    assert [str(p) for p in e.value.problems] == [
        "tiny.toml, [measures.a], key capex: 130 lies outside capex_low to capex_high (80 to 120), the range Monte "
        "Carlo draws measures.a.capex from, so no draw would be near it; give its own range "
        "(ranges={'measures.a.capex': (low, 130, high)}) or draw no costs (costs=False)"]
    df = monte_carlo(planner.Case.load(case), n=3, progress=False, ranges={"measures.a.capex": (100, 130, 140)})
    assert df["measures.a.capex"].between(100, 140).all() and (df["status"] == "optimal").all()


def test_an_outlier_is_kept_with_allow_outliers(tmp_path, monkeypatch):
    """capex 2400 where the measure's range is 80-120 (yuan per unit): refused, unless the case allows outliers."""
    monkeypatch.chdir(tmp_path)
    case = tiny(tmp_path)
    case.write_text(case.read_text(encoding="utf-8") + "[measures.a]\ncapex = 2400\n", encoding="utf-8")
    with pytest.raises(planner.InputError) as e:
        planner.load(case)
    assert [str(p) for p in e.value.problems] == [
        "tiny.toml, [measures.a], key capex: expected 80 to 120 yuan/unit (capex_low to capex_high of measure a); "
        "2,400 is more than 10 times above that: is it in another unit? (allow_outliers = true in the case keeps it)"]
    case.write_text("allow_outliers = true\n" + case.read_text(encoding="utf-8"), encoding="utf-8")
    data = planner.load(case)
    assert data.measures["capex"].tolist() == [2400]
    assert [str(w) for w in data.warnings] == [
        "tiny.toml, [measures.a], key capex: outlier kept (allow_outliers): expected 80 to 120 yuan/unit (capex_low "
        "to capex_high of measure a); 2,400 is more than 10 times above that: is it in another unit? "
        "(allow_outliers = true in the case keeps it)"]
    near = planner.Case.load(case).with_overrides({"allow_outliers": False, "measures.a.capex": 200})
    assert [str(w) for w in planner.load(near).warnings] == [
        "tiny.toml, [measures.a], key capex: 200 is outside 80 to 120 yuan/unit (capex_low to capex_high of measure "
        "a), within a factor of 10; check the unit"]


def test_an_all_infeasible_sweep_writes_its_tables_and_exits_3(tmp_path):
    case = tiny(tmp_path)
    r = subprocess.run([sys.executable, "-m", "planner", "sweep", case.name, "--set", "targets.cap90.value=50,60",
                        "--out", "sw"], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert r.returncode == 3 and "Traceback" not in r.stderr
    assert r.stderr.splitlines()[-1] == ("No point of the sweep was solved to optimality (2 points, 2 infeasible); the "
                                         "tables give each point's status and which targets must move.")
    book = openpyxl.load_workbook(tmp_path / "sw" / "sweep.xlsx")
    rows = list(book["Sweep"].iter_rows(values_only=True))
    header = list(rows[0])
    assert [r[header.index("status")] for r in rows[1:]] == ["infeasible", "infeasible"]
    assert all(r[header.index("diagnosis")].startswith("infeasible; smallest relaxation: cap90 2022") for r in rows[1:])


def test_a_text_value_of_a_sweep_is_written_as_text(tmp_path):
    """A note that starts with = is text in sweep.xlsx (never a live formula) and quoted in sweep.csv."""
    case = tiny(tmp_path)
    r = subprocess.run([sys.executable, "-m", "planner", "sweep", case.name, "--set",
                        "targets.cap90.note==HYPERLINK(1)", "--out", "sw"], cwd=tmp_path, capture_output=True,
                       text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    book = openpyxl.load_workbook(tmp_path / "sw" / "sweep.xlsx")
    cells = [c for row in book["Sweep"].iter_rows() for c in row if c.value == "=HYPERLINK(1)"]
    assert cells and all(c.data_type == "s" for c in cells)
    assert "'=HYPERLINK(1)" in (tmp_path / "sw" / "sweep.csv").read_text(encoding="utf-8")
