"""Points of a study against the floor: the compiled two-stage path against two warm raw-highspy solves.

On a case with a peak target (the shipped case: ``carbon_peak_2030``) a point that changes anything besides a peak
ceiling costs two warm solves (`planner.solver.compiled`): the first stage (the case without its peaks), then the case
with the peak rows set from the first stage's path. Three kinds of point are timed, each against the raw loop that
does the same work on the same LPs:

- ``share``: a sweep of a non-fossil share target (``--target``, from ``--high`` down to ``--low``): planner parses
  the point, changes both HiGHS objects in place, re-solves the first stage warm, maps its builds to the peak's path,
  writes the peak rows and re-solves the second stage warm; the raw loop makes the same row changes in its own two
  `highspy.Highs`, runs the first warm, computes E0 with one sparse product and runs the second warm;
- ``ceiling``: a sweep of the peak ceiling alone (one warm solve each: the first stage is skipped);
- ``montecarlo``: samples of every measure cost with a low/high range (`planner.study.montecarlo`): planner writes the
  drawn costs into both objectives in place; the raw loop writes the same cost vectors with ``changeColsCost``.

``planner`` is `planner.study.points.Runner.solve(point, detail=False)`, the code path of `planner.sweep`; ``with
table`` adds the row of the sweep table (``detail=True``), which `planner.sweep` always adds. Every loop starts each
round from the case's own optimum with the same basis (`setBasis`), so both follow the same simplex path. The loops
run ``--rounds`` times, interleaved (planner, raw, planner with table); the figure of a round is the median over its
points, and the report gives the median of the rounds with their range (min-max), never the best round.

``raw with sides`` adds to the raw loop the tightening-side re-solves the table reports (`planner.solver.sides`
`tightening_duals` on the raw second-stage object, without planner's memo of optimal faces): the floor of the work a
default sweep point asks of HiGHS, against which "with table" is the like-with-like ratio.

``--startup`` times, in ``--rounds`` fresh processes, what a sweep pays before its first point (read, build, compile:
`Runner`) and its first point (cold: HiGHS starts without a basis).

    .venv/bin/python benchmarks/bench_peak.py cases/baseline.toml --points 20 --rounds 5 \
        --json benchmarks/results_peak.json
    .venv/bin/python benchmarks/bench_peak.py 38x78x15 --points 20 --rounds 5     # a scaled instance (instances.py)
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
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


def _instance(case: str) -> str:
    if re.fullmatch(r"\d+x\d+x\d+", case):  # a scaled instance (instances.py): regions x measures x years
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from instances import make_instance

        r, ms, y = map(int, case.split("x"))
        return str(make_instance(Path(tempfile.mkdtemp()) / "inst", r, ms, y))
    return case


def spread(values: list[float]) -> dict:
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "n": len(values)}


def startup(case: str, rounds: int) -> dict:
    """A sweep's start (`Runner`: read, derive, build, compile) and its first, cold point, in fresh processes."""
    code = ("import json, sys, time; t = time.perf_counter(); import planner; "
            "from planner.study.points import Runner; i = time.perf_counter() - t; t = time.perf_counter(); "
            "r = Runner(planner.Case.load(sys.argv[1])); s = time.perf_counter() - t; t = time.perf_counter(); "
            "rec = r.solve({}, detail=True); p = time.perf_counter() - t; "
            "print(json.dumps({'import_s': i, 'start_s': s, 'first_point_s': p, 'status': rec['status']}))")
    runs = []
    for _ in range(rounds):
        out = subprocess.run([sys.executable, "-c", code, case], capture_output=True, text=True, check=True)
        runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
    return {k: spread([r[k] for r in runs]) for k in ("import_s", "start_s", "first_point_s")}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("case")
    ap.add_argument("--points", type=int, default=20)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--target", default="nonfossil_share_2025")
    ap.add_argument("--low", type=float, default=0.275)
    ap.add_argument("--high", type=float, default=0.29)
    ap.add_argument("--json")
    a = ap.parse_args()

    import planner
    from planner.solver.peak import onto_first_stage
    from planner.solver.sides import Memo, tightening_duals
    from planner.study.montecarlo import cost_ranges, samples
    from planner.study.points import Runner, points

    case = _instance(a.case)
    started = startup(case, a.rounds)
    runner = Runner(planner.Case.load(case))
    c = runner.compiled
    if not c.peaks:
        sys.exit("the case has no peak target")
    (pk_id, pk), = list(c.peaks.items())[:1]
    k, n = a.target, a.points
    key = f"targets.{k}.value"
    runner.solve({}, detail=False)
    basis_first, basis_second = c.first.h.getBasis(), c.h.getBasis()
    base_cap = float(pk.limits(c.first.build_values(c.reference.x))[list(pk.years).index(pk.year)])
    kinds = {
        "share": [{key: float(v)} for v in np.linspace(a.high, a.low, n)],
        "ceiling": [{f"targets.{pk_id}.value": float(v)} for v in np.linspace(base_cap * 1.04, base_cap * 0.98, n)],
        "montecarlo": points(samples(cost_ranges(runner.case), n, seed=1)),
    }

    # -- raw: two HiGHS objects from the compiled LPs, warm, the same changes
    h1, h2 = _copy(c.first), _copy(c)
    R, at, yi, before, during = _raw_peak(c, pk)
    rows, const = pk.rows, pk.const
    nr = len(rows)
    lower = np.full(nr, -INF)
    cols1, cols2 = c.first.build_col, c.build_col
    keep = cols1 >= 0
    state = {"x1": None, "act1": None, "sides": False}
    target_rows = list(c.target_rows.values())

    def raw_solve(first_changes, second_changes, ceiling=None, run_first=True, costs=None) -> float:
        if costs is not None:
            h1.changeColsCost(int(keep.sum()), cols1[keep].astype(np.int32), costs[keep])
            h2.changeColsCost(int(keep.sum()), cols2[keep].astype(np.int32), costs[keep])
        if run_first:
            _apply(h1, first_changes)
            h1.run()
            if h1.getModelStatus().name != "kOptimal":  # planner stops here too: the first stage's status
                return None
            sol1 = h1.getSolution()
            state["x1"], state["act1"] = np.asarray(sol1.col_value), np.asarray(sol1.row_value)[rows]
        _apply(h2, second_changes)
        e0 = pk.level0 + R @ state["x1"]
        cap = e0[yi] if ceiling is None else ceiling
        rhs = np.where(before, e0[at], np.where(during, np.minimum(cap, e0[at]), cap))
        # the same bounds planner writes (`planner.solver.peak.onto_first_stage`)
        h2.changeRowsBounds(nr, rows, lower, onto_first_stage(rhs - const, state["act1"], const, before | during))
        h2.run()
        sol = h2.getSolution()
        np.asarray(sol.col_value), np.asarray(sol.row_dual)
        optimal = h2.getModelStatus().name == "kOptimal"  # a failed first stage has returned above
        objective = h2.getInfo().objective_function_value if optimal else None
        if optimal and state.get("sides"):  # the same re-solves planner's table makes, on the raw object (no memo)
            tightening_duals(h2, target_rows)
        return objective

    base_costs = np.array([runner.params.unit_cost[ms] for _, ms, _ in c.build_index]) * c.cost_factor
    at_base = (_row_changes(c.first, k, c.target_value0[k]), _row_changes(c, k, c.target_value0[k]))

    def raw_work(kind: str, point: dict):
        """What the raw loop does for a point, prepared outside the clock (planner parses its point inside)."""
        if kind == "share":
            v = point[key]
            return {"first_changes": _row_changes(c.first, k, v), "second_changes": _row_changes(c, k, v)}
        if kind == "ceiling":
            return {"first_changes": [], "second_changes": [], "ceiling": point[f"targets.{pk_id}.value"],
                    "run_first": False}
        new = runner.point_params(point)
        uc = np.array([new.unit_cost[ms] for _, ms, _ in c.build_index])
        return {"first_changes": [], "second_changes": [], "costs": uc * c.cost_factor}

    def restart_planner() -> None:
        c.sides_memo = Memo()  # every round a fresh sweep: no face remembered from the round before
        runner.solve({}, detail=False)
        c.first.h.setBasis(basis_first)
        c.h.setBasis(basis_second)

    def restart_raw() -> None:
        raw_solve(*at_base, costs=base_costs)
        h1.setBasis(basis_first)
        h2.setBasis(basis_second)

    results = {}
    for kind, pts in kinds.items():
        work = [raw_work(kind, p) for p in pts]
        rounds = {"planner": [], "raw": [], "planner_with_table": [], "raw_with_sides": []}
        objs = {}
        for _ in range(a.rounds):
            for loop in ("planner", "raw", "planner_with_table", "raw_with_sides"):
                (restart_raw if loop.startswith("raw") else restart_planner)()
                state["sides"] = loop == "raw_with_sides"
                times, got = [], []
                for p, w in zip(pts, work, strict=True):
                    t = time.perf_counter()
                    if loop.startswith("raw"):
                        got.append(raw_solve(**w))
                    else:
                        got.append(runner.solve(p, detail=loop != "planner", diagnosis=False)["objective"])
                    times.append(time.perf_counter() - t)
                rounds[loop].append(statistics.median(times))
                objs[loop] = got
        # points both loops solve to optimality agree; a point one loop calls infeasible the other must as well
        gap = max((abs(x - y) / max(1.0, abs(y)) if (x is None) == (y is None) else float("inf")
                   for x, y in zip(objs["planner"], objs["raw"], strict=True) if x is not None or y is not None),
                  default=0.0)
        same = gap <= 1e-6
        ratio = [p / r for p, r in zip(rounds["planner"], rounds["raw"], strict=True)]
        ratio_table = [p / r for p, r in zip(rounds["planner_with_table"], rounds["raw"], strict=True)]
        ratio_sides = [p / r for p, r in zip(rounds["planner_with_table"], rounds["raw_with_sides"], strict=True)]
        results[kind] = {
            "points": len(pts), "planner_ms": spread([1e3 * x for x in rounds["planner"]]),
            "planner_with_table_ms": spread([1e3 * x for x in rounds["planner_with_table"]]),
            "raw_ms": spread([1e3 * x for x in rounds["raw"]]), "ratio": spread(ratio),
            "ratio_with_table": spread(ratio_table),
            "raw_with_sides_ms": spread([1e3 * x for x in rounds["raw_with_sides"]]),
            "ratio_with_table_to_raw_with_sides": spread(ratio_sides), "same_objectives": same, "largest_gap": gap}
    out = {"case": a.case, "rows": c.n_rows, "cols": c.n_cols, "peak": pk_id, "rounds": a.rounds,
           "startup": started, **results, "when": time.strftime("%Y-%m-%d %H:%M")}
    print(json.dumps(out, indent=1))
    if a.json:
        Path(a.json).write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
