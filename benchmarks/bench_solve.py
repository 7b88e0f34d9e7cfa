"""Where the time of a run goes, measured against the floor: HiGHS alone on the same LP.

    .venv/bin/python benchmarks/bench_solve.py [cases/baseline.toml] [--repeat 5] [--sweep 50]

Prints median seconds for: reading and validating the data, deriving parameters, building the Pyomo model, the
first (cold) solve through Pyomo, a warm re-solve after changing one target value (the sweep pattern), and HiGHS's
own ``run()`` on the identical LP read from MPS, cold. The ratio of the warm re-solve to the HiGHS floor is the
overhead a sweep pays per point.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import highspy

import planner
from planner.model import build_model, derive


def timed(fn, repeat: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("case", nargs="?", default="cases/baseline.toml")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--sweep", type=int, default=50)
    args = ap.parse_args()

    t_load, data = timed(lambda: planner.load(args.case), args.repeat)
    t_derive, p = timed(lambda: derive(data), args.repeat)
    t_build, m = timed(lambda: build_model(p), args.repeat)
    fresh = [build_model(p) for _ in range(3)]
    t_cold, sol = timed(lambda: planner.solve(fresh.pop()), 3)
    assert sol.optimal, sol.status

    # sweep: one target value stepped, model built once, HiGHS warm from the previous basis
    m = build_model(p)
    first = planner.solve(m)
    # step the binding share target with the largest dual, so every point really moves the solution
    shares = {t["target_id"] for t in p.targets if t["kind"] == "share_min"}
    k = max(((abs(d), key[0]) for key, d in first.duals.items() if key[0] in shares), default=(0, None))[1]
    k = k or next(iter(shares))
    v0 = float(m.target_value[k].value)
    steps = [v0 * (1 - 0.05 * i / max(args.sweep - 1, 1)) for i in range(args.sweep)]
    start = time.perf_counter()
    for v in steps:
        m.target_value[k] = v
        planner.solve(m)
    t_warm = (time.perf_counter() - start) / len(steps)

    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "model.mps")
        m.target_value[k] = v0
        m.write(path)
        h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        h.readModel(path)

        def floor():
            h.clearSolver()
            h.run()
            return h.getInfo().objective_function_value

        t_floor, obj = timed(floor, args.repeat)
        n_rows, n_cols = h.getNumRow(), h.getNumCol()

    print(f"case {args.case}: {n_cols} columns, {n_rows} rows (HiGHS, from MPS)")
    rows = [
        ("read + validate", t_load), ("derive parameters", t_derive), ("build Pyomo model", t_build),
        ("first solve through Pyomo (cold)", t_cold), (f"warm re-solve, sweep of {args.sweep} on {k}", t_warm),
        ("floor: HiGHS run() alone, cold", t_floor),
    ]
    for label, t in rows:
        print(f"  {label:<45}{t * 1000:10.1f} ms")
    print(f"  warm re-solve / HiGHS floor: {t_warm / t_floor:.2f}x;  objective check {obj:.6g} vs {sol.objective:.6g}")


if __name__ == "__main__":
    main()
