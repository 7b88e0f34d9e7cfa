"""Whole-process `planner run` of several copies of the code, interleaved round by round (like with like).

    .venv/bin/python benchmarks/bench_variants.py CASE ROUNDS DIR1,DIR2,... OUT.json

Each DIR is a folder holding a `planner` package (a copy of the tree with one change, e.g. a speed piece switched
off); it goes first on PYTHONPATH of a fresh `python -m planner run CASE --out <tmp>`. Every round runs each variant
once, in turn, so a slow minute of the host hits all of them alike. Prints median, min and max of the wall time and
the median CPU time (the run and its children) per variant; writes every sample to OUT.json. Used for the table of
speed pieces in BENCHMARKS.md (issue 15).
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time


def main(argv: list[str]) -> int:
    case, rounds, dirs, out = argv[0], int(argv[1]), argv[2].split(","), argv[3]
    wall: dict[str, list[float]] = {d: [] for d in dirs}
    cpu: dict[str, list[float]] = {d: [] for d in dirs}
    for _ in range(rounds):
        for d in dirs:
            env = dict(os.environ, PYTHONPATH=os.path.abspath(d))
            with tempfile.TemporaryDirectory() as tmp:
                r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
                start = time.perf_counter()
                p = subprocess.run([sys.executable, "-m", "planner", "run", case, "--out", tmp], env=env,
                                   capture_output=True, text=True)
                wall[d].append(time.perf_counter() - start)
                r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
                cpu[d].append(r1.ru_utime + r1.ru_stime - r0.ru_utime - r0.ru_stime)
                if p.returncode:
                    print(f"{d}: exit {p.returncode}\n{p.stderr[-500:]}", file=sys.stderr)
    for d, ts in wall.items():
        print(f"{d:30s} median {statistics.median(ts):6.2f} s  min {min(ts):6.2f}  max {max(ts):6.2f}  n={len(ts)}  "
              f"cpu median {statistics.median(cpu[d]):6.2f} s")
    with open(out, "w", encoding="utf-8") as f:
        json.dump({"case": case, "wall": wall, "cpu": cpu}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
