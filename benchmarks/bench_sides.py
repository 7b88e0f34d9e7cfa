"""What a sweep point's marginal costs cost: the tightening sides (`planner.solver.sides`), with and without the
memo of optimal faces, against HiGHS's duals as they come and status only.

    .venv/bin/python benchmarks/bench_sides.py [cases/baseline.toml] [--points 21] [--rounds 3] [--json out.json]

Three sweeps of ``--points`` points each: a share target's value (its row's coefficients move with the value, so no
two points share a face), the 2025 CO2-intensity cut (a bound) and the peak's ceiling (a bound). Each sweep runs with
``detail=True`` (memo on, as shipped), ``detail=True`` with the memo off (``Memo.get`` returns nothing),
``detail="duals"`` and ``detail=False``, interleaved round by round; the figure is wall ms a point including the
sweep's start (read, build, compile), median of the rounds with their range. The memo's hits are counted, and every
point's marginal costs with the memo equal those without it (largest relative difference printed).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

import numpy as np

import planner
from planner.solver import sides

SWEEPS = {
    "share (nonfossil_share_2025 0.25-0.27)": {"targets.nonfossil_share_2025.value": "0.25:0.27:{n}"},
    "bound (co2_intensity_2025 0.17-0.19)": {"targets.co2_intensity_2025.value": "0.17:0.19:{n}"},
    "peak ceiling (180-190 Mt)": {"targets.carbon_peak_2030.value": "1.80e8:1.90e8:{n}"},
}
MODES = ("sides, memo", "sides, no memo", "duals", "status")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("case", nargs="?", default="cases/baseline.toml")
    ap.add_argument("--points", type=int, default=21)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--json")
    a = ap.parse_args()
    get = sides.Memo.get
    counts = {"hits": 0, "lookups": 0}

    def counted(self, key):
        found = get(self, key)
        counts["lookups"] += 1
        counts["hits"] += found is not None
        return found

    out: dict = {}
    for name, grid in SWEEPS.items():
        grid = {k: v.format(n=a.points) for k, v in grid.items()}
        times: dict[str, list[float]] = {m: [] for m in MODES}
        worst, hits = 0.0, []
        for _ in range(a.rounds):
            frames = {}
            for mode in MODES:
                sides.Memo.get = counted if mode != "sides, no memo" else (lambda self, key: None)
                counts.update(hits=0, lookups=0)
                detail = {"duals": "duals", "status": False}.get(mode, True)
                start = time.perf_counter()
                frames[mode] = planner.sweep(a.case, grid, detail=detail, progress=False)
                times[mode].append((time.perf_counter() - start) / a.points * 1e3)
                if mode == "sides, memo":
                    hits.append((counts["hits"], counts["lookups"]))
            sides.Memo.get = get
            mc = [c for c in frames["sides, memo"].columns if c.startswith("marginal_cost")]
            x, y = frames["sides, memo"][mc].to_numpy(float), frames["sides, no memo"][mc].to_numpy(float)
            worst = max(worst, float(np.nanmax(np.abs(x - y) / np.maximum(1.0, np.abs(y)))))
        out[name] = {m: {"median_ms": statistics.median(t), "min_ms": min(t), "max_ms": max(t)}
                     for m, t in times.items()}
        out[name]["memo_hits"] = hits
        out[name]["max_relative_difference"] = worst
        print(f"\n{name}: {a.points} points x {a.rounds} rounds; memo hits (hits, lookups) by round {hits}; "
              f"memo vs no memo: largest relative difference {worst:.1e}")
        for m in MODES:
            r = out[name][m]
            print(f"  {m:<16} {r['median_ms']:8.0f} ms a point ({r['min_ms']:.0f}-{r['max_ms']:.0f})")
    if a.json:
        with open(a.json, "w", encoding="utf-8") as f:
            json.dump({"case": a.case, "points": a.points, "rounds": a.rounds, "results": out}, f, indent=1)


if __name__ == "__main__":
    main()
