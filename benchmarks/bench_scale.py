"""Scaled instances side by side: planner (Pyomo build, compile, solve), HiGHS alone from arrays (the floor) and
linopy on the same LPs. Sweep points against a warm raw-highspy loop: `bench_peak.py` (two stages, like with like).

    .venv/bin/pip install -e '.[bench]'
    .venv/bin/python benchmarks/bench_scale.py --instances 3x78x15,38x78x15,100x200x15,3x78x40 \\
        --json benchmarks/results.json

Every stage runs in its own process, so its peak memory (``ru_maxrss``) is its own. Instances come from
`instances.make_instance` (regions x measures x years). Stages:

- ``planner``: read + validate + derive, Pyomo build, then `planner.solve` (compile to HiGHS, the first stage of the
  peak with its rows freed, the second stage warm), and the sweep path (`planner.solver.compiled.compile_model` + a cold
  two-stage run). Writes the compiled LP and its peak rows to ``lp.npz`` for the others.
- ``floor``: HiGHS alone: ``passModel`` from those arrays, the first stage (peak rows freed) ``run()``, the peak
  rows' limits, a warm ``run()``: the same two solves from arrays.
- ``linopy``: linopy builds and solves the same two LPs from the same arrays (the first stage without the peak rows,
  then the case; variables with bounds, one constraint block per row family, the objective; HiGHS with
  ``io_api="direct"``).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def stage_planner(case: str, work: Path) -> dict:
    t0 = time.perf_counter()
    import planner
    from planner.model import build_model, derive
    from planner.solver.compiled import compile_model

    t_import = time.perf_counter() - t0
    t = time.perf_counter()
    data = planner.load(case)
    p = derive(data)
    t_read = time.perf_counter() - t
    t = time.perf_counter()
    m = build_model(p)
    t_build = time.perf_counter() - t
    t = time.perf_counter()
    sol = planner.solve(m)
    t_solve = time.perf_counter() - t
    t = time.perf_counter()
    c = compile_model(m)
    t_compile = time.perf_counter() - t
    t = time.perf_counter()
    c.h.clearSolver()
    fs = c.solve()
    t_fast = time.perf_counter() - t
    lp = c.h.getLp()
    np.savez(work / "lp.npz", c=np.asarray(lp.col_cost_), lb=np.asarray(lp.col_lower_),
             ub=np.asarray(lp.col_upper_), rl=np.asarray(lp.row_lower_), ru=np.asarray(lp.row_upper_),
             start=np.asarray(lp.a_matrix_.start_), index=np.asarray(lp.a_matrix_.index_),
             value=np.asarray(lp.a_matrix_.value_), offset=np.array([lp.offset_]),
             family=np.array(_families(m, c)), free=_peak_mask(c))
    return {"status": sol.status, "objective": sol.objective, "fast_objective": fs.objective,
            "primal_infeasibility": sol.primal_infeasibility, "rows": c.n_rows, "cols": c.n_cols, "nnz": c.nnz,
            "import_s": t_import, "read_derive_s": t_read, "build_s": t_build, "first_solve_pyomo_s": t_solve,
            "build_solve_s": t_build + t_solve, "end_to_end_s": t_read + t_build + t_solve,
            "compile_s": t_compile, "fast_cold_solve_s": t_fast, "peak_mb": peak_mb()}


def _peak_mask(c) -> np.ndarray:
    """Rows freed in the first stage of a peak target (the case without its peaks): the peak rows."""
    mask = np.zeros(c.n_rows, dtype=bool)
    for pk in c.peaks.values():
        mask[pk.rows] = True
    return mask


def _families(m, c) -> list[str]:
    """The Pyomo constraint family of every HiGHS row, in row order (rebuilt from the compiler's row order)."""
    from pyomo.repn.plugins.standard_form import LinearStandardFormCompiler

    info = LinearStandardFormCompiler().write(m, mixed_form=True, set_sense=None)
    out, last = [], None
    for con, _ in info.rows:
        if con is last:
            continue
        out.append(con.parent_component().name)
        last = con
    assert len(out) == c.n_rows
    return out


def _lp(work: Path):
    import highspy

    z = np.load(work / "lp.npz")
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = len(z["c"]), len(z["rl"])
    lp.col_cost_, lp.col_lower_, lp.col_upper_ = z["c"], z["lb"], z["ub"]
    lp.row_lower_, lp.row_upper_, lp.offset_ = z["rl"], z["ru"], float(z["offset"][0])
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_, lp.a_matrix_.index_, lp.a_matrix_.value_ = z["start"], z["index"], z["value"]
    return lp, z


def stage_floor(work: Path) -> dict:
    """HiGHS alone: the first stage (peak rows freed), then the peak rows' limits and a warm run: the two solves
    `planner.solve` makes, from arrays."""
    import highspy

    lp, z = _lp(work)
    free = np.flatnonzero(z["free"]).astype(np.int32)
    t = time.perf_counter()
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.passModel(lp)
    n = len(free)
    if n:
        h.changeRowsBounds(n, free, np.full(n, -highspy.kHighsInf), np.full(n, highspy.kHighsInf))
    t_pass = time.perf_counter() - t
    t = time.perf_counter()
    h.run()
    if n:
        h.changeRowsBounds(n, free, np.asarray(z["rl"])[free], np.asarray(z["ru"])[free])
        h.run()
    t_run = time.perf_counter() - t
    return {"objective": h.getInfo().objective_function_value, "pass_s": t_pass, "run_s": t_run,
            "build_solve_s": t_pass + t_run, "solves": 2 if n else 1, "peak_mb": peak_mb()}


def stage_linopy(work: Path) -> dict:
    """linopy builds and solves the same two LPs: the first stage (without the peak rows), then the case."""
    _, z = _lp(work)
    free = np.asarray(z["free"])
    out = {"build_s": 0.0, "solve_s": 0.0, "solves": 0}
    for keep in ([~free, np.ones_like(free)] if free.any() else [np.ones_like(free)]):
        one = _linopy_once(z, keep)
        out["build_s"] += one["build_s"]
        out["solve_s"] += one["solve_s"]
        out["solves"] += 1
        out["objective"] = one["objective"]
    out["build_solve_s"] = out["build_s"] + out["solve_s"]
    out["peak_mb"] = peak_mb()
    return out


def stage_linopy_warm(work: Path) -> dict:
    """linopy builds the case once (the peak rows a block of their own), hands it to HiGHS through its public
    ``linopy.io.to_highspy``, and the two stages run on that object as planner runs them: the first with the peak
    rows freed, the second warm from its basis with their limits: the same warm second stage as planner's."""
    import highspy
    import linopy
    from linopy.io import to_highspy

    _, z = _lp(work)
    free = np.asarray(z["free"])
    blocks = _blocks(z, np.ones_like(free), split=free)
    t = time.perf_counter()
    m = _linopy_model(z, blocks)
    h = to_highspy(m)
    h.setOptionValue("output_flag", False)
    t_build = time.perf_counter() - t
    clabels = np.asarray(m.matrices.clabels)
    peak = np.asarray(m.constraints["peak_ub"].labels.values).ravel() if free.any() else np.zeros(0, dtype=int)
    rows = np.searchsorted(clabels, peak).astype(np.int32)
    assert np.array_equal(clabels[rows], peak)
    lo, up = np.asarray(h.getLp().row_lower_)[rows], np.asarray(h.getLp().row_upper_)[rows]
    t = time.perf_counter()
    if len(rows):
        free_lo, free_up = np.full(len(rows), -highspy.kHighsInf), np.full(len(rows), highspy.kHighsInf)
        h.changeRowsBounds(len(rows), rows, free_lo, free_up)
        h.run()
        h.changeRowsBounds(len(rows), rows, lo, up)
    h.run()
    t_solve = time.perf_counter() - t
    return {"objective": h.getInfo().objective_function_value + float(z["offset"][0]), "build_s": t_build,
            "solve_s": t_solve, "build_solve_s": t_build + t_solve, "solves": 2 if len(rows) else 1,
            "peak_mb": peak_mb(), "linopy": linopy.__version__}


def _blocks(z, keep: np.ndarray, split: np.ndarray | None = None) -> list:
    """The padded (row, term) arrays of each row family (the rows of ``split`` a block "peak" of their own)."""
    import scipy.sparse as sp

    n, nr = len(z["c"]), len(z["rl"])
    A = sp.csc_matrix((z["value"], z["index"], z["start"]), shape=(nr, n)).tocsr()
    fam = np.array(z["family"], dtype=object)
    if split is not None:
        fam = np.where(split, "peak", fam)
    blocks = []
    for name in dict.fromkeys(fam.tolist()):
        rows = np.flatnonzero((fam == name) & keep)
        if not len(rows):
            continue
        sub = A[rows]
        width = int(np.diff(sub.indptr).max())
        coef = np.zeros((len(rows), width))
        col = np.full((len(rows), width), -1, dtype=np.int64)
        for k in range(len(rows)):
            s, e = sub.indptr[k], sub.indptr[k + 1]
            coef[k, : e - s] = sub.data[s:e]
            col[k, : e - s] = sub.indices[s:e]
        blocks.append((name, rows, coef, col))
    return blocks


def _linopy_model(z, blocks: list):
    import linopy
    import xarray as xr

    m = linopy.Model()
    x = m.add_variables(lower=xr.DataArray(z["lb"], dims="col"),
                        upper=xr.DataArray(np.where(np.isinf(z["ub"]), np.inf, z["ub"]), dims="col"), name="x")
    labels = x.labels.values
    for name, rows, coef, col in blocks:
        var = np.where(col >= 0, labels[np.maximum(col, 0)], -1)
        expr = linopy.LinearExpression(xr.Dataset({"coeffs": (("row", "_term"), coef),
                                                   "vars": (("row", "_term"), var)}), m)
        lo, up = z["rl"][rows], z["ru"][rows]
        for sign, bound, mask in (("<=", up, np.isfinite(up)), (">=", lo, np.isfinite(lo))):
            if mask.any():
                sel = np.flatnonzero(mask)
                m.add_constraints(expr.isel(row=sel), sign, xr.DataArray(bound[sel], dims="row"),
                                  name=f"{name}_{'ub' if sign == '<=' else 'lb'}")
    m.add_objective((xr.DataArray(z["c"], dims="col") * x).sum())
    return m


def _linopy_once(z, keep: np.ndarray) -> dict:
    """linopy builds one LP (the rows of ``keep``) and solves it cold with HiGHS (``io_api="direct"``)."""
    blocks = _blocks(z, keep)  # made before the clock starts
    t = time.perf_counter()
    m = _linopy_model(z, blocks)
    t_build = time.perf_counter() - t
    t = time.perf_counter()
    m.solve(solver_name="highs", io_api="direct", output_flag=False)
    t_solve = time.perf_counter() - t
    return {"objective": float(m.objective.value) + float(z["offset"][0]), "build_s": t_build, "solve_s": t_solve}


def run_stage(args: list[str]) -> dict:
    r = subprocess.run([sys.executable, __file__, "--stage", *args], capture_output=True, text=True)
    if r.returncode != 0:
        return {"error": r.stderr.strip().splitlines()[-1] if r.stderr.strip() else f"exit {r.returncode}"}
    return json.loads(r.stdout.strip().splitlines()[-1])


def _spread(values: list[float]) -> dict:
    import statistics

    return {"median": statistics.median(values), "min": min(values), "max": max(values), "n": len(values)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--instances", default="3x78x15,38x78x15,100x200x15,3x78x40")
    ap.add_argument("--repeat", type=int, default=5, help="rounds of every stage, interleaved (medians reported)")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--stage", nargs="+")
    a = ap.parse_args()
    if a.stage:
        kind, *rest = a.stage
        work = Path(rest[-1])
        out = {"planner": lambda: stage_planner(rest[0], work), "floor": lambda: stage_floor(work),
               "linopy": lambda: stage_linopy(work), "linopy_warm": lambda: stage_linopy_warm(work)}[kind]()
        print(json.dumps(out))
        return
    sys.path.insert(0, str(HERE))
    from instances import make_instance

    results = {}
    for spec in a.instances.split(","):
        r, ms, y = map(int, spec.split("x"))
        runs: dict[str, list[dict]] = {"planner": [], "floor": [], "linopy": [], "linopy_warm": []}
        with tempfile.TemporaryDirectory() as tmp:
            work = Path(tmp)
            case = str(make_instance(work / "inst", r, ms, y))
            for _ in range(a.repeat):
                runs["planner"].append(run_stage(["planner", case, str(work)]))
                if "error" in runs["planner"][-1]:
                    break
                for stage in ("floor", "linopy", "linopy_warm"):
                    runs[stage].append(run_stage([stage, str(work)]))
        res = {"rounds": runs}
        ok = [i for i in range(len(runs["planner"])) if all("error" not in runs[s][i] for s in runs)]
        if ok:
            first = runs["planner"][ok[0]]
            res["size"] = {k: first[k] for k in ("rows", "cols", "nnz")}
            res["median"] = {
                s: {k: _spread([runs[s][i][k] for i in ok]) for k in runs[s][ok[0]]
                    if isinstance(runs[s][ok[0]][k], float)} for s in runs}
            res["planner_over_linopy_cold"] = _spread([runs["planner"][i]["build_solve_s"]
                                                       / runs["linopy"][i]["build_solve_s"] for i in ok])
            res["planner_over_linopy_warm"] = _spread([runs["planner"][i]["build_solve_s"]
                                                       / runs["linopy_warm"][i]["build_solve_s"] for i in ok])
        results[spec] = res
        print(spec, json.dumps({k: v for k, v in res.items() if k != "rounds"}, indent=1), flush=True)
    if a.json:
        a.json.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
