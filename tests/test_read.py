"""Read what is there (issue 17, section 1): a data-entry workbook is read whatever its <dimension> tag claims, its
header is found by its names, a formula without a saved value is refused, the cells read are bounded; a CSV quote
that is never closed is refused naming the row where it opens. In each case the answer would otherwise change while
validate said "valid"."""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest

import planner
from planner.inputs.template import write_template
from tests.tiny import effect, make_case, measure, potential, target

ROOT = Path(__file__).parents[1]
TARGETS = [target(f"cap{v}", "cap", "co2", 2022, v) for v in range(90, 100)]  # ten rows: the tightest is 90


@pytest.fixture
def book_case(tmp_path, monkeypatch):
    """A tiny case (cap 90 binding: 10 t from a at 5 yuan = 50) and the same case reading its data from a workbook."""
    monkeypatch.chdir(tmp_path)
    case = make_case(tmp_path, measures=[measure("a", fixed_om=5)], effects=[effect("a", "co2", -1)],
                     potentials=[potential("r1", "a", 20, max_build=15)], targets=TARGETS)
    book = write_template(case, tmp_path / "inputs.xlsx")
    xcase = tmp_path / "x.toml"
    xcase.write_text('name = "x"\ndata = "inputs.xlsx"\nbase_year = 2020\nfirst_year = 2021\nlast_year = 2022\n'
                     "discount_rate = 0\n", encoding="utf-8")
    return case, book, xcase


def sheet_xml(book: Path, sheet: str, change) -> None:
    """Rewrite the XML of one sheet of ``book`` in place with ``change(text) -> text``."""
    wb = openpyxl.load_workbook(book, read_only=True)
    index = wb.sheetnames.index(sheet) + 1
    wb.close()
    name = f"xl/worksheets/sheet{index}.xml"
    with zipfile.ZipFile(book) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    text = parts[name].decode("utf-8")
    new = change(text)
    assert new != text
    parts[name] = new.encode("utf-8")
    with zipfile.ZipFile(book, "w", zipfile.ZIP_DEFLATED) as z:
        for n, data in parts.items():
            z.writestr(n, data)


def problems(case) -> list[str]:
    with pytest.raises(planner.InputError) as e:
        planner.load(case)
    return [str(p) for p in e.value.problems]


def test_rows_past_the_dimension_tag_are_read(book_case):
    case, book, xcase = book_case
    sheet_xml(book, "targets", lambda t: re.sub(r'<dimension ref="[^"]*"\s*/>', '<dimension ref="A1:C5"/>', t))
    targets = planner.load(xcase).targets
    assert targets["target_id"].tolist() == [t["target_id"] for t in TARGETS]
    assert planner.run(xcase).solution.objective == pytest.approx(50)


def test_deleted_description_rows_do_not_drop_data_rows(book_case):
    case, book, xcase = book_case
    wb = openpyxl.load_workbook(book)
    wb["targets"].delete_rows(2, 2)  # the Chinese-name and meaning rows under the header
    wb["targets"].insert_rows(1)  # and a title above it
    wb["targets"]["A1"] = "目标 Targets"
    wb.save(book)
    assert planner.load(xcase).targets["target_id"].tolist() == [t["target_id"] for t in TARGETS]


def test_a_formula_without_a_saved_value_is_refused(book_case):
    """openpyxl writes formulas without the value Excel would save: read as blank, max_build would be no limit."""
    case, book, xcase = book_case
    wb = openpyxl.load_workbook(book)
    ws = wb["potentials"]
    col = [c.value for c in ws[1]].index("max_build") + 1
    ws.cell(row=4, column=col).value = "=10+5"
    wb.save(book)
    assert problems(xcase) == [
        "inputs.xlsx, sheet potentials, row 4, column max_build: holds the formula =10+5 without a saved value (the "
        "program that wrote the file did not calculate it); expected a value: open and save the workbook in Excel, "
        "or type the value"]


def test_a_formula_with_its_saved_value_is_read_as_that_value(book_case):
    case, book, xcase = book_case

    def formula(text):  # the max_build cell of the first data row: a formula with the value Excel saved
        return re.sub(r'<c r="E4"([^>]*)><v>15</v></c>', r'<c r="E4"\1><f>10+2</f><v>12</v></c>', text)

    sheet_xml(book, "potentials", formula)
    assert planner.load(xcase).potentials["max_build"].tolist() == [12]


def test_a_huge_dimension_claim_is_read_in_bounded_memory(book_case):
    """A file claiming A1:XFD1048576 (read by its claim: a million rows of 16,384 cells), with a stray cell in the
    last column: read in a process limited to 1.5 GB."""
    case, book, xcase = book_case

    def claim(text):
        text = re.sub(r'<dimension ref="[^"]*"\s*/>', '<dimension ref="A1:XFD1048576"/>', text)
        return text.replace("</sheetData>", '<row r="40"><c r="XFD40" t="inlineStr"><is><t>x</t></is>'
                            "</c></row></sheetData>")

    sheet_xml(book, "targets", claim)
    code = ("import resource, sys\nresource.setrlimit(resource.RLIMIT_AS, (1_500_000_000, 1_500_000_000))\n"
            "import planner\nprint(len(planner.load(sys.argv[1]).targets))\n")
    p = subprocess.run([sys.executable, "-c", code, str(xcase)], capture_output=True, text=True, timeout=300,
                       cwd=xcase.parent, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert p.returncode == 0, p.stderr[-2000:]
    assert p.stdout.split() == [str(len(TARGETS))]


def csv_case(tmp_path) -> Path:
    return make_case(tmp_path, measures=[measure("a", fixed_om=5)], effects=[effect("a", "co2", -1)],
                     potentials=[potential("r1", "a", 20)], targets=TARGETS)


def targets_edited(tmp_path, monkeypatch, edits: dict[int, tuple[str, str]]) -> Path:
    """The tiny CSV case with lines of its targets.csv edited ({line index: (old, new)}); the case file."""
    monkeypatch.chdir(tmp_path)
    case = csv_case(tmp_path)
    path = tmp_path / "data" / "targets.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    for i, (old, new) in edits.items():
        lines[i] = lines[i].replace(old, new)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return case


def test_csv_quote_closed_rows_later_is_refused_naming_the_row(tmp_path, monkeypatch):
    case = targets_edited(tmp_path, monkeypatch, {2: (",目标cap91,", ',"目标cap91,'),  # row 3 opens a quote ...
                                                  6: (",目标cap95,", ',目标cap95",')})  # ... row 7 closes
    assert problems(case) == [
        'data/targets.csv, row 3, column name_zh: a quote (") opens this cell and is not closed on its line: lines 4-7 '
        "of the file are read into this one cell; expected a closing quote on line 3 (a quote inside a text is "
        'written twice: "")']


def test_csv_quote_never_closed_is_refused_naming_the_row(tmp_path, monkeypatch):
    case = targets_edited(tmp_path, monkeypatch, {-2: (",目标cap98,", ',"目标cap98,')})
    assert problems(case) == [
        'data/targets.csv, row 10, column name_zh: a quote (") opens this cell and is never closed: lines 11-11 of '
        "the file are read into this one cell; expected a closing quote on line 10 (a quote inside a text is "
        'written twice: "")']


def test_csv_text_over_several_lines_is_still_read(tmp_path, monkeypatch):
    case = targets_edited(tmp_path, monkeypatch, {1: (",目标cap90,", ',"目标cap90\nsecond line, with a comma",')})
    targets = planner.load(case).targets
    assert targets["name_zh"].tolist()[0] == "目标cap90\nsecond line, with a comma" and len(targets) == len(TARGETS)
