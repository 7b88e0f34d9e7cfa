"""Markdown tables from the JSON that bench_scale.py writes.

    .venv/bin/python benchmarks/report.py benchmarks/results.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def fmt(x, digits=2) -> str:
    if x is None:
        return "-"
    if isinstance(x, float):
        return f"{x:,.{digits}f}"
    return f"{x:,}" if isinstance(x, int) else str(x)


def main() -> None:
    res = json.loads(Path(sys.argv[1]).read_text())
    print("| instance | rows | cols | nnz | planner read+derive s | Pyomo build s | compile + solve s (both stages) | "
          "build+solve s | planner / linopy | sweep compile s | peak MB | HiGHS floor (pass+run) s | floor peak MB | "
          "linopy build s | linopy solve s | linopy build+solve s | linopy peak MB |")
    print("|---" * 17 + "|")
    for name, r in res.items():
        p, f, li = r.get("planner", {}), r.get("floor", {}), r.get("linopy", {})
        if "error" in p:
            print(f"| {name} | planner failed: {p['error']} |")
            continue
        print(f"| {name} | {fmt(p['rows'])} | {fmt(p['cols'])} | {fmt(p['nnz'])} | {fmt(p['read_derive_s'])} | "
              f"{fmt(p['build_s'])} | {fmt(p['first_solve_pyomo_s'])} | {fmt(p['build_solve_s'])} | "
              f"{fmt(p['build_solve_s'] / li['build_solve_s'] if li.get('build_solve_s') else None)} | "
              f"{fmt(p['compile_s'])} | {fmt(p['peak_mb'], 0)} | {fmt(f.get('build_solve_s'), 3)} | "
              f"{fmt(f.get('peak_mb'), 0)} | {fmt(li.get('build_s'))} | {fmt(li.get('solve_s'))} | "
              f"{fmt(li.get('build_solve_s'))} | {fmt(li.get('peak_mb'), 0)} |")
    print()
    print("| instance | target swept | points | planner per point ms | with tables ms | raw highspy warm ms | "
          "ratio | ratio with tables | same objectives |")
    print("|---" * 9 + "|")
    for name, r in res.items():
        s = r.get("sweep")
        if not s or "error" in s:
            continue
        print(f"| {name} | {s['target']} | {s['points']} | {s['planner_point_s'] * 1e3:.1f} | "
              f"{s['planner_point_tabulated_s'] * 1e3:.1f} | {s['raw_highspy_point_s'] * 1e3:.1f} | "
              f"{s['ratio']:.2f} | {s['ratio_tabulated']:.2f} | {s['same_objectives']} |")


if __name__ == "__main__":
    main()
