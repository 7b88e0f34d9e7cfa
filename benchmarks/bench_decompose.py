"""`planner decompose` against `planner run` on the same case (issue 18: the decomposition, three solves, within 3x
one run).

    .venv/bin/python benchmarks/bench_decompose.py [cases/districts.toml] [--repeat 5] [--json out.json]

1. In one process per repeat: `planner.run` (read, build, solve, result tables) timed, then
   `planner.analysis.decompose.decompose` on its result (the administrative and fair solves, each a build and a
   solve, and the three splits' tables), with its parts (``Decomposition.seconds``).
2. Whole processes: ``planner run CASE --no-report`` and ``planner decompose CASE --no-report`` (each writes its
   workbook), wall seconds and peak RSS (`bench_run.process`).
Medians and ranges; no timing is asserted anywhere.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_run import ROOT, planner_cmd, process  # noqa: E402

_INPROC = r"""
import json, sys, time
import planner
from planner.analysis.decompose import decompose
t = time.perf_counter(); res = planner.run(sys.argv[1]); run = time.perf_counter() - t
t = time.perf_counter(); dec = decompose(res); d = time.perf_counter() - t
print(json.dumps({"run": run, "decompose": d, **{f"decompose: {k}": v for k, v in dec.seconds.items()}}))
"""


def _stat(xs: list[float]) -> dict:
    return {"median": statistics.median(xs), "min": min(xs), "max": max(xs), "n": len(xs)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("case", nargs="?", default="cases/districts.toml")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    inproc: dict[str, list[float]] = {}
    for _ in range(args.repeat):
        p = subprocess.run([sys.executable, "-c", _INPROC, args.case], capture_output=True, text=True, cwd=ROOT,
                           check=True)
        for k, v in json.loads(p.stdout.strip().splitlines()[-1]).items():
            inproc.setdefault(k, []).append(v)
    inproc["ratio decompose / run"] = [d / r for d, r in zip(inproc["decompose"], inproc["run"], strict=True)]
    whole: dict[str, dict[str, list[float]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(args.repeat):
            for cmd in ("run", "decompose"):
                r = process([*planner_cmd(), cmd, args.case, "--out", str(Path(tmp) / cmd), "--no-report"])
                w = whole.setdefault(cmd, {"wall": [], "rss_mb": []})
                w["wall"].append(r["wall"])
                w["rss_mb"].append(r["rss_mb"])
    out = {"case": args.case, "in_process": {k: _stat(v) for k, v in inproc.items()},
           "whole_process": {c: {k: _stat(v) for k, v in w.items()} for c, w in whole.items()}}
    out["whole_process"]["ratio decompose / run"] = _stat(
        [d / r for d, r in zip(whole["decompose"]["wall"], whole["run"]["wall"], strict=True)])
    for k, s in out["in_process"].items():
        print(f"{k:<40} median {s['median']:8.2f}  range {s['min']:.2f}-{s['max']:.2f}  (n={s['n']})")
    for c, w in out["whole_process"].items():
        if c.startswith("ratio"):
            print(f"whole process {c:<26} median {w['median']:8.2f}  range {w['min']:.2f}-{w['max']:.2f}")
            continue
        print(f"whole process planner {c:<18} median {w['wall']['median']:8.2f} s  range {w['wall']['min']:.2f}-"
              f"{w['wall']['max']:.2f}; peak RSS median {w['rss_mb']['median']:.0f} MB (range "
              f"{w['rss_mb']['min']:.0f}-{w['rss_mb']['max']:.0f})")
    if args.json:
        args.json.write_text(json.dumps(out, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
