"""The run record in the result and the workbook's Summary: case chain, input hashes, versions, solver options."""

from __future__ import annotations

import hashlib
from importlib import metadata

import openpyxl

import planner
from planner.outputs.workbook import write_excel
from tests.tiny import effect, make_case, measure, potential, target


def test_run_record_in_summary_and_workbook(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    base = make_case(tmp_path, measures=[measure("a", fixed_om=5)], effects=[effect("a", "co2", -1)],
                     potentials=[potential("r1", "a", 20)], targets=[target("cap90", "cap", "co2", 2022, 90)])
    child = tmp_path / "child.toml"
    child.write_text('extends = "tiny.toml"\nname = "child"\n', encoding="utf-8")
    res = planner.run(child, time_limit=60)
    s = res.summary
    assert s["case_chain"] == "tiny.toml -> child.toml"
    assert s["solver_options"] == "output_flag=False, time_limit=60 (HiGHS defaults otherwise)"
    assert s["packages"]["pyomo"] == metadata.version("pyomo") and s["packages"]["highspy"]
    expected = {f"data/{p.name}": hashlib.sha256(p.read_bytes()).hexdigest() for p in (tmp_path / "data").glob("*.csv")}
    expected |= {"child.toml": hashlib.sha256(child.read_bytes()).hexdigest(),
                 "tiny.toml": hashlib.sha256(base.read_bytes()).hexdigest()}
    assert s["input_sha256"] == expected
    rows = {r[0]: r[2] for r in openpyxl.load_workbook(write_excel(res, tmp_path / "o.xlsx"))["Summary"]
            .iter_rows(min_row=2, values_only=True)}
    assert rows["Case chain (parent first)"] == "tiny.toml -> child.toml"
    assert rows["Input file sha256: data/targets.csv"] == expected["data/targets.csv"]
    assert rows["Packages"].startswith("python ")
