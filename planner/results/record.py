"""The run record: what is needed to reproduce a run (case chain, sha256 of every input file, package versions,
solver and options). Kept in ``Result.summary`` and shown in the workbook's Summary sheet."""

from __future__ import annotations

import platform
from importlib import metadata

from ..inputs.case import shown
from ..inputs.load import Data, file_hashes

PACKAGES = ("planner", "pyomo", "highspy", "pandas", "numpy", "openpyxl", "typer")


def versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def run_record(data: Data, solver_options: dict | None = None) -> dict:
    """Case chain (parent first), input file hashes, package versions and solver options."""
    options = {"output_flag": False, **(solver_options or {})}
    return {
        "case_chain": " -> ".join(shown(p, data.case.path) for p in reversed(data.case.chain)),
        "input_sha256": file_hashes(data.case),
        "packages": versions(),
        "solver_options": ", ".join(f"{k}={v}" for k, v in options.items()) + " (HiGHS defaults otherwise)",
    }


def record_rows(summary: dict) -> list[tuple[str, str, str]]:
    """Summary-sheet rows (English item, Chinese item, value) of the run record in ``summary``."""
    if "input_sha256" not in summary:
        return []
    rows = [("Case chain (parent first)", "情景继承链", summary["case_chain"]),
            ("Solver options", "求解器参数", summary["solver_options"]),
            ("Packages", "软件包版本", ", ".join(f"{k} {v}" for k, v in summary["packages"].items()))]
    rows += [(f"Input file sha256: {path}", f"输入文件哈希: {path}", digest)
             for path, digest in summary["input_sha256"].items()]
    return rows
