"""Where the time after the solve goes: the analysis, the workbook, the IAMC table and the HTML report.

    .venv/bin/python benchmarks/bench_outputs.py [cases/baseline.toml] [--repeat 3]

Prints median seconds of each step on one solved case (written to a temporary folder).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import planner
from planner.outputs.iamc import write_iamc
from planner.outputs.report import write_report
from planner.outputs.workbook import write_excel


def median_seconds(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("case", nargs="?", default="cases/baseline.toml")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    res = planner.run(args.case)
    a = planner.analyse(res)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        steps = {
            "analysis": lambda: planner.analyse(res),
            "workbook": lambda: write_excel(res, out / "case.xlsx", a),
            "iamc": lambda: write_iamc(a, out / "case_iamc.csv"),
            "report": lambda: write_report(a, out / "report.html"),
        }
        for name, fn in steps.items():
            print(f"{name:<10}{median_seconds(fn, args.repeat):8.2f} s")


if __name__ == "__main__":
    main()
