"""A sweep point with a peak target: the compiled two-stage path against two warm raw-highspy solves (like with like).

On a case with a peak target (the shipped case: ``carbon_peak_2030``) a point that changes anything besides a peak
ceiling costs two warm solves (`planner.solver.compiled`): the first stage (the case without its peaks), then the case with the
peak rows set from the first stage's path. This script times, per point, median of each loop run twice interleaved
(the better median kept: a shared machine):

- ``planner``: `planner.study.points.Runner.solve(point, detail=False)`, the code path of `planner.sweep` (parse the
  point, change both HiGHS objects in place, warm first stage, E0 by the sparse map, peak rows, warm second stage,
  arrays read back); ``with tables`` adds the row of the sweep table;
- ``raw``: two `highspy.Highs` of their own, passed the same two LPs, the same row changes in both, warm ``run()`` of
  the first, E0 as one sparse product on its column vector, the peak rows' bounds in one ``changeRowsBounds``, warm
  ``run()`` of the second, arrays read back;

and the same for a sweep of the peak ceiling alone (one warm solve each: the first stage is skipped).

    .venv/bin/python benchmarks/bench_peak.py cases/baseline.toml --points 20 --json benchmarks/results_peak.json
    .venv/bin/python benchmarks/bench_peak.py 38x78x15 --points 20     # a scaled instance (instances.py)
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

import highspy
import numpy as np
import scipy.sparse as sp

INF = highspy.kHighsInf


def _copy(c) -> highspy.Highs:
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.passModel(c.h.getLp())
    h.run()
    return h


def _row_changes(c, k: str, v: float) -> list[tuple]:
    dv = v - c.target_value0[k]
    return [(mv.row, mv.lower0 + dv * mv.d_lower if np.isfinite(mv.lower0) else -INF,
             mv.upper0 + dv * mv.d_upper if np.isfinite(mv.upper0) else INF,
             mv.cols.tolist(), (mv.coef0 + dv * mv.d_coef).tolist()) for mv in c.moves[k]]


def _apply(h: highspy.Highs, changes: list[tuple]) -> None:
    for row, lo, up, cols, coefs in changes:
        h.changeRowBounds(row, lo, up)
        for j, a in zip(cols, coefs, strict=True):
            h.changeCoeff(row, j, a)


def _raw_peak(c, pk):
    """E0 straight from the first stage's column vector, and the index arrays that turn it into the rows' bounds."""
    first = c.first
    keep = np.flatnonzero(first.build_col >= 0)
    pick = sp.csr_matrix((np.ones(len(keep)), (keep, first.build_col[keep])),
                         shape=(len(first.build_index), first.n_cols))
    R = (pk.level @ pick).tocsr()
    at = np.array([pk.model_years.index(t) for t in pk.years])
    yi = pk.model_years.index(pk.year)
    before = np.array([t < pk.year for t in pk.years])
    during = np.array([t == pk.year for t in pk.years])
    return R, at, yi, before, during


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("case")
    ap.add_argument("--points", type=int, default=20)
    ap.add_argument("--target", default="nonfossil_share_2025")
    ap.add_argument("--low", type=float, default=0.275)
    ap.add_argument("--high", type=float, default=0.29)
    ap.add_argument("--json")
    a = ap.parse_args()

    import planner
    from planner.solver.peak import onto_first_stage
    from planner.study.points import Runner

    case = a.case
    if re.fullmatch(r"\d+x\d+x\d+", case):  # a scaled instance (instances.py): regions x measures x years
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from instances import make_instance

        r, ms, y = map(int, case.split("x"))
        case = str(make_instance(Path(tempfile.mkdtemp()) / "inst", r, ms, y))
    t = time.perf_counter()
    runner = Runner(planner.Case.load(case))
    build_s = time.perf_counter() - t
    c = runner.compiled
    if not c.peaks:
        sys.exit("the case has no peak target")
    (pk_id, pk), = list(c.peaks.items())[:1]
    k, n = a.target, a.points
    values = list(np.linspace(a.high, a.low, n))

    # Like with like: every loop, planner's and the raw one, starts at the case's own optimum with the same basis
    # (`setBasis`, which also drops the factorization each object kept), so both follow the same simplex path and
    # the ratio measures the work around HiGHS, not two different warm starts.
    iters = {"planner": 0, "raw": 0}
    runner.solve({}, detail=False)
    basis_first, basis_second = c.first.h.getBasis(), c.h.getBasis()

    def same_start(first: highspy.Highs, second: highspy.Highs) -> None:
        first.setBasis(basis_first)
        second.setBasis(basis_second)

    def planner_loop(key: str, vals: list, detail: bool) -> tuple[float, list, list]:
        runner.solve({}, detail=False)
        same_start(c.first.h, c.h)
        times, objs, solves = [], [], []
        for v in vals:
            t = time.perf_counter()
            rec = runner.solve({key: v}, detail=detail, diagnosis=False)
            times.append(time.perf_counter() - t)
            iters["planner"] += c.h.getInfo().simplex_iteration_count + (
                c.first.h.getInfo().simplex_iteration_count if rec["solves"] == 2 else 0)
            objs.append(rec["objective"])
            solves.append(rec["solves"])
        return statistics.median(times), objs, solves

    # -- raw: two HiGHS objects from the compiled LPs, warm, the same changes
    h1, h2 = _copy(c.first), _copy(c)
    R, at, yi, before, during = _raw_peak(c, pk)
    rows, const = pk.rows, pk.const
    nr = len(rows)
    lower = np.full(nr, -INF)

    def raw_point(first_changes, second_changes, ceiling=None, run_first=True) -> float:
        nonlocal x1, act1
        if run_first:
            _apply(h1, first_changes)
            h1.run()
            sol1 = h1.getSolution()
            x1, act1 = np.asarray(sol1.col_value), np.asarray(sol1.row_value)[rows]
            iters["raw"] += h1.getInfo().simplex_iteration_count
        _apply(h2, second_changes)
        e0 = pk.level0 + R @ x1
        cap = e0[yi] if ceiling is None else ceiling
        rhs = np.where(before, e0[at], np.where(during, np.minimum(cap, e0[at]), cap))
        # the same bounds planner writes: a limit from the path that misses the first stage's row level by rounding
        # alone is that level (`planner.solver.peak.onto_first_stage`)
        h2.changeRowsBounds(nr, rows, lower, onto_first_stage(rhs - const, act1, const, before | during))
        h2.run()
        iters["raw"] += h2.getInfo().simplex_iteration_count
        sol = h2.getSolution()
        np.asarray(sol.col_value), np.asarray(sol.row_dual)
        return h2.getInfo().objective_function_value

    x1 = act1 = None
    raw_point(_row_changes(c.first, k, c.target_value0[k]), _row_changes(c, k, c.target_value0[k]))
    share_changes = [(_row_changes(c.first, k, v), _row_changes(c, k, v)) for v in values]

    def raw_loop_share() -> tuple[float, list]:
        raw_point(_row_changes(c.first, k, c.target_value0[k]), _row_changes(c, k, c.target_value0[k]))
        same_start(h1, h2)
        times, objs = [], []
        for ch1, ch2 in share_changes:
            t = time.perf_counter()
            objs.append(raw_point(ch1, ch2))
            times.append(time.perf_counter() - t)
        return statistics.median(times), objs

    key = f"targets.{k}.value"
    iters.update(planner=0, raw=0)
    p1, objs, solves = planner_loop(key, values, False)
    r1, raw_objs = raw_loop_share()
    share_iters = dict(iters)
    d1 = planner_loop(key, values, True)[0]
    p2 = planner_loop(key, values, False)[0]
    r2 = raw_loop_share()[0]
    d2 = planner_loop(key, values, True)[0]
    same = all(abs(x - y) <= 1e-6 * max(1.0, abs(y)) for x, y in zip(objs, raw_objs, strict=True) if x is not None)

    # -- a sweep of the ceiling alone: one warm solve each
    runner.solve({}, detail=False)
    base_cap = float(pk.limits(c.first.build_values(c.reference.x))[list(pk.years).index(pk.year)])
    caps = list(np.linspace(base_cap * 1.04, base_cap * 0.98, n))
    ckey = f"targets.{pk_id}.value"
    iters.update(planner=0, raw=0)
    q1, cobjs, csolves = planner_loop(ckey, caps, False)

    def raw_loop_cap() -> tuple[float, list]:
        raw_point(_row_changes(c.first, k, c.target_value0[k]), _row_changes(c, k, c.target_value0[k]))
        same_start(h1, h2)
        times, objs = [], []
        for cap in caps:
            t = time.perf_counter()
            objs.append(raw_point([], [], ceiling=cap, run_first=False))
            times.append(time.perf_counter() - t)
        return statistics.median(times), objs

    s1, raw_cobjs = raw_loop_cap()
    ceiling_iters = dict(iters)
    q2 = planner_loop(ckey, caps, False)[0]
    s2 = raw_loop_cap()[0]
    csame = all(abs(x - y) <= 1e-6 * max(1.0, abs(y)) for x, y in zip(cobjs, raw_cobjs, strict=True)
                if x is not None)
    out = {
        "case": a.case, "points": n, "build_and_compile_s": build_s, "rows": c.n_rows, "cols": c.n_cols,
        "first_stage_rows": c.first.n_rows, "peak": pk_id, "target": k, "values": [values[0], values[-1]],
        "share_solves": sorted(set(solves)), "planner_point_ms": 1e3 * min(p1, p2),
        "planner_point_tabulated_ms": 1e3 * min(d1, d2), "raw_two_warm_solves_ms": 1e3 * min(r1, r2),
        "ratio": min(p1, p2) / min(r1, r2), "same_objectives": same,
        "ceiling_solves": sorted(set(csolves)), "ceiling_values": [caps[0], caps[-1]],
        "planner_ceiling_point_ms": 1e3 * min(q1, q2), "raw_one_warm_solve_ms": 1e3 * min(s1, s2),
        "ceiling_ratio": min(q1, q2) / min(s1, s2), "ceiling_same_objectives": csame,
        "simplex_iterations_share_sweep": share_iters, "simplex_iterations_ceiling_sweep": ceiling_iters,
        "statuses": sorted({"optimal" if o is not None else "not optimal" for o in objs + cobjs}),
    }
    print(json.dumps(out, indent=1))
    if a.json:
        Path(a.json).write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
