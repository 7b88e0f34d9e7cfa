"""Data entry in Excel: `planner template` and cases whose data is an .xlsx workbook (issue 9)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

import planner
from planner.inputs.template import write_template
from tests.tiny import effect, make_case, measure, potential, target

ROOT = Path(__file__).parents[1]


def xlsx_case(tmp_path: Path, case: Path, book: Path, name: str = "from_xlsx") -> Path:
    """A copy of ``case`` (settings and overrides) whose data is ``book``."""
    text = case.read_text(encoding="utf-8")
    lines = [ln for ln in text.splitlines() if not ln.startswith(("data =", "name =", "extends ="))]
    out = tmp_path / f"{name}.toml"
    out.write_text(f'name = "{name}"\ndata = "{book}"\n' + "\n".join(lines) + "\n", encoding="utf-8")
    return out


def test_shipped_case_round_trip_csv_template_run_gives_the_same_answer(tmp_path):
    csv_case = ROOT / "cases" / "strict_co2.toml"  # extends baseline: settings and overrides both carried
    book = write_template(csv_case, tmp_path / "inputs.xlsx")
    flat = planner.load_case(csv_case)
    case = tmp_path / "x.toml"
    over = "\n".join(f"[targets.{k}]\n" + "\n".join(f"{c} = {v!r}".replace("'", '"') for c, v in cols.items())
                     for k, cols in flat.overrides["targets"].items())
    case.write_text(f'name = "x"\ndata = "{book}"\nbase_year = {flat.base_year}\nfirst_year = {flat.first_year}\n'
                    f"last_year = {flat.last_year}\ndiscount_rate = {flat.discount_rate}\n"
                    f'baseline = "{flat.baseline}"\nhistory_until = {flat.history_until}\n{over}\n', encoding="utf-8")
    from_xlsx, from_csv = planner.run(case), planner.run(csv_case)
    assert from_xlsx.solution.objective == pytest.approx(from_csv.solution.objective, rel=1e-9)
    for name, df in from_csv.data.tables.items():
        assert len(from_xlsx.data.tables[name]) == len(df), name


@pytest.fixture
def tiny_book(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    case = make_case(tmp_path, measures=[measure("a", fixed_om=5)], effects=[effect("a", "co2", -1)],
                     potentials=[potential("r1", "a", 20)], targets=[target("cap90", "cap", "co2", 2022, 90)])
    book = write_template(case, tmp_path / "inputs.xlsx")
    return case, book


def test_template_layout_from_the_schema(tiny_book):
    _, path = tiny_book
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["_about", *planner.inputs.schema.TABLES]
    ws = book["potentials"]
    assert [c.value for c in ws[1]] == ["region_id", "measure_id", "max_stock", "min_stock", "max_build",
                                        "first_year", "source_id", "note"]
    assert ws["C2"].value == "最大保有量 (measure units) 必填 required"
    source = [c.value for c in ws[1]].index("source_id")
    assert ws.cell(row=3, column=source + 1).value == "Where the row's numbers come from (an id of sources.csv)"
    assert ws.freeze_panes == "A4" and [c.value for c in ws[4]][:3] == ["r1", "a", 20]
    rules = {str(dv.sqref).split(":")[0][:1]: dv for dv in ws.data_validations.dataValidation}
    assert rules["A"].type == "list" and rules["A"].formula1 == "=regions!$A$4:$A$5000"
    assert rules["B"].formula1 == "=measures!$A$4:$A$5000"
    assert rules["C"].type == "decimal" and rules["C"].formula1 == "0"
    kinds = {str(dv.sqref)[:1]: dv for dv in book["targets"].data_validations.dataValidation}
    assert kinds["E"].formula1 == ('"cap,floor,share_min,share_max,reduction,intensity_reduction,abatement,peak,'
                                   'concentration"')


def test_xlsx_case_runs_and_messages_name_sheet_row_column(tiny_book, tmp_path):
    case, path = tiny_book
    xcase = xlsx_case(tmp_path, case, "inputs.xlsx")
    assert planner.run(xcase).solution.objective == pytest.approx(planner.run(case).solution.objective)
    book = openpyxl.load_workbook(path)
    book["targets"].cell(row=4, column=[c.value for c in book["targets"][1]].index("value") + 1).value = "ninety"
    book["potentials"]["B4"] = "b"
    book["measures"].cell(row=1, column=20, value="capexx")
    book["measures"].cell(row=4, column=20, value=3)
    book.save(path)
    with pytest.raises(planner.InputError) as e:
        planner.load(xcase)
    assert [str(p) for p in e.value.problems] == [
        "inputs.xlsx, sheet measures, column capexx: unknown column; did you mean 'capex'?; expected columns "
        "measure_id, name_zh, name_en, sector, clause, unit, capex, fixed_om, savings, lifetime, after_record, "
        "source_id, barrier, capex_low, capex_high, savings_low, savings_high, fixed_om_low, fixed_om_high, note",
        "inputs.xlsx, sheet targets, row 4, column value: expected a number, got 'ninety'",
        "inputs.xlsx, sheet potentials, row 4, column measure_id: unknown measure_id 'b'; expected one defined in "
        "inputs.xlsx, sheet measures"]


def test_template_command(tiny_book, tmp_path):
    case, _ = tiny_book
    out = subprocess.run([sys.executable, "-m", "planner", "template", case.name, "--out", "t.xlsx"], cwd=tmp_path,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("Template: t.xlsx") and (tmp_path / "t.xlsx").is_file()


def test_edit_in_the_workbook_changes_the_answer_as_by_hand(tiny_book, tmp_path):
    """Edit the workbook as a planner would: measure a costs 7 instead of 5 a year; the 10 units the cap needs in 2022
    cost 70 instead of 50 (rate 0)."""
    case, path = tiny_book
    xcase = xlsx_case(tmp_path, case, "inputs.xlsx")
    assert planner.run(xcase).solution.objective == pytest.approx(10 * 5)
    book = openpyxl.load_workbook(path)
    ws = book["measures"]
    col = [c.value for c in ws[1]].index("fixed_om") + 1
    assert ws.cell(row=4, column=col).value == 5
    ws.cell(row=4, column=col, value=7)
    book.save(path)
    assert planner.run(xcase).solution.objective == pytest.approx(10 * 7)


def test_run_out_may_name_the_workbook(tiny_book, tmp_path):
    case, _ = tiny_book
    out = subprocess.run([sys.executable, "-m", "planner", "run", case.name, "--out", "mine/plan.xlsx"], cwd=tmp_path,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "\nWorkbook: mine/plan.xlsx\n" in out.stdout and (tmp_path / "mine" / "plan.xlsx").is_file()
