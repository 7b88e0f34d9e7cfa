"""`planner run` of a case, whole process and stage by stage.

    .venv/bin/python benchmarks/bench_run.py [cases/baseline.toml] [--repeat 7] [--json out.json] [--no-stages]

1. Whole process: ``planner run CASE --out TMP`` as a fresh subprocess, ``--repeat`` times; wall seconds (median
   and range) and peak RSS of the child (``resource.getrusage(RUSAGE_CHILDREN).ru_maxrss``; each run in its own
   ``python -c`` parent so the maximum is that run's, not the largest so far).
2. Stages: the same steps as `planner.cli.run_cmd`, timed one by one in a fresh subprocess (imports counted as the
   first stage): imports, read + validate, derive, build, the compile to HiGHS, the peak's first stage, the solve,
   result tables, analysis, console summary, workbook, IAMC, the report (chart specs and HTML; the browser draws the
   charts). The stages add up to about the whole process minus the interpreter's start. Medians of ``--repeat``
   processes, with their range.

Also ``planner --help`` and ``planner validate CASE`` as processes, and which heavy modules each imports.
No timing is asserted anywhere: this prints a table (and writes JSON with ``--json``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("pandas", "pyomo", "highspy", "matplotlib", "xlsxwriter", "openpyxl", "scipy", "jinja2", "numpy")

# Runs in a fresh interpreter: the command, then the child's wall time and peak RSS as JSON on the last line.
_PROCESS = r"""
import json, resource, subprocess, sys, time
start = time.perf_counter()
p = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
wall = time.perf_counter() - start
ru = resource.getrusage(resource.RUSAGE_CHILDREN)  # the run and the workers it waited for
print(json.dumps({"wall": wall, "cpu": ru.ru_utime + ru.ru_stime, "rss_mb": ru.ru_maxrss / 1024,  # KiB on Linux
                  "rc": p.returncode, "stderr": p.stderr[-2000:]}))
"""

# Runs in a fresh interpreter: `planner run` step by step, each step timed; JSON on the last line.
_STAGES = r"""
import contextlib, io, json, sys, time
from pathlib import Path
T = {}
def tm(name, fn):
    s = time.perf_counter(); r = fn(); T[name] = time.perf_counter() - s; return r
case, out = sys.argv[1], Path(sys.argv[2])
def imports():
    import planner.cli  # what `planner run` imports before it starts
tm("imports: planner.cli", imports)
def imports_run():
    import planner.inputs, planner.model, planner.results, planner.solver  # pandas, Pyomo, HiGHS
tm("imports: pandas, Pyomo, HiGHS", imports_run)
import gc
import planner.cli as cli
gc.set_threshold(*cli.GC_THRESHOLDS)  # as the command sets them
from planner.inputs import load
from planner.model import build_model, derive
from planner.results import collect
S = sys.modules["planner.solver.solve"]
peak = sys.modules["planner.solver.peak"]
data = tm("read + validate", lambda: load(case))
p = tm("derive", lambda: derive(data))
m = tm("build (Pyomo)", lambda: build_model(p))
counts = {"variables": m.nvariables(), "constraints": m.nconstraints()}
lp = tm("compile to HiGHS (standard form)", lambda: S._compile(m))
ref = tm("peak first stage (same LP, peak rows freed)", lambda: S._prepare_peak(m, lp, None))
sol = tm("solve (HiGHS, warm from the first stage), read", lambda: S._solve_lp(m, lp, None))
if ref is not None:
    sol.peak_limits, sol.reference_objective = peak.limits(m), ref.objective
res = tm("result tables", lambda: collect(data, p, sol, counts, 0.0))
def analysis():
    from planner.analysis import analyse
    return analyse(res)
a = tm("analysis", analysis)
def console():
    from planner.outputs.console import summary_lines
    return summary_lines(res, a)
tm("console summary", console)
def workbook():
    from planner.outputs.workbook import write_excel
    return write_excel(res, out / "case.xlsx", a)
tm("workbook (XlsxWriter imported here)", workbook)
def iamc():
    from planner.outputs.iamc import write_iamc
    return write_iamc(a, out / "case_iamc.csv")
tm("IAMC CSV", iamc)
from planner.outputs import report as rep
tm("report: chart specs (alone; the HTML step makes them again)", lambda: rep.chart_specs(a))
tm("report: HTML (chart specs, Vega bundle, tables)", lambda: rep.write_report(a, out / "report.html"))
T["(report: chart specs (alone; the HTML step makes them again))"] = T.pop(
    "report: chart specs (alone; the HTML step makes them again)")
print(json.dumps(T))
"""


def _last_json(text: str) -> dict:
    return json.loads(text.strip().splitlines()[-1])


def process(cmd: list[str]) -> dict:
    p = subprocess.run([sys.executable, "-c", _PROCESS, *cmd], capture_output=True, text=True, cwd=ROOT, check=True)
    r = _last_json(p.stdout)
    if r["rc"] != 0:
        raise SystemExit(f"{' '.join(cmd)} exited {r['rc']}:\n{r['stderr']}")
    return r


def stages(case: str, out: str) -> dict[str, float]:
    p = subprocess.run([sys.executable, "-c", _STAGES, case, out], capture_output=True, text=True, cwd=ROOT)
    if p.returncode != 0:
        raise SystemExit(f"stage run failed:\n{p.stderr[-3000:]}")
    return _last_json(p.stdout)


def imported(args: list[str]) -> list[str]:
    """The heavy modules a planner command imports (run in-process through the typer app, output discarded)."""
    code = ("import sys, contextlib, io\nfrom planner.cli import app\n"
            "with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):\n"
            f"    try: app({args!r})\n    except SystemExit: pass\n"
            f"print('IMPORTED:' + ','.join(m for m in {HEAVY!r} if m in sys.modules))")
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    return [m for m in p.stdout.strip().splitlines()[-1].removeprefix("IMPORTED:").split(",") if m]


def planner_cmd() -> list[str]:
    exe = Path(sys.executable).with_name("planner")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "planner"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("case", nargs="?", default="cases/baseline.toml")
    ap.add_argument("--repeat", type=int, default=7, help="whole-process runs (and stage runs)")
    ap.add_argument("--json", type=Path, help="write the numbers to this JSON file")
    ap.add_argument("--no-stages", action="store_true", help="whole process only")
    args = ap.parse_args()
    cmd = planner_cmd()
    result: dict = {"case": args.case, "python": platform.python_version(), "cpus": os.cpu_count(),
                    "load_average": os.getloadavg(), "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    with tempfile.TemporaryDirectory() as tmp:
        runs = [process([*cmd, "run", args.case, "--out", tmp]) for _ in range(args.repeat)]
        result["run"] = {"wall_median": statistics.median(r["wall"] for r in runs),
                         "wall_min": min(r["wall"] for r in runs), "wall_max": max(r["wall"] for r in runs),
                         "cpu_median": statistics.median(r["cpu"] for r in runs),
                         "rss_mb_max": max(r["rss_mb"] for r in runs), "walls": [r["wall"] for r in runs]}
        small = {"--help": ["--help"], "validate": ["validate", args.case]}
        for label, extra in small.items():
            rs = [process([*cmd, *extra]) for _ in range(args.repeat)]
            result[label] = {"wall_median": statistics.median(r["wall"] for r in rs),
                             "rss_mb_max": max(r["rss_mb"] for r in rs), "imports": imported(extra)}
        result["run"]["imports"] = imported(["run", args.case, "--out", tmp])
        if not args.no_stages:
            per = [stages(args.case, tmp) for _ in range(args.repeat)]
            result["stages"] = {k: statistics.median(s[k] for s in per) for k in per[0]}
            result["stage_ranges"] = {k: [min(s[k] for s in per), max(s[k] for s in per)] for k in per[0]}
    r = result["run"]
    print(f"planner run {args.case}: wall median {r['wall_median']:.2f} s ({r['wall_min']:.2f}-{r['wall_max']:.2f} s, "
          f"{args.repeat} runs), CPU (user + system) {r['cpu_median']:.2f} s, peak RSS "
          f"{r['rss_mb_max']:.0f} MB (largest process); load average {result['load_average'][0]:.2f}")
    print(f"  imports: {', '.join(r['imports'])}")
    for label in ("--help", "validate"):
        s = result[label]
        print(f"planner {label}: wall median {s['wall_median']:.2f} s, peak RSS {s['rss_mb_max']:.0f} MB; imports: "
              f"{', '.join(s['imports']) or 'none of ' + '/'.join(HEAVY)}")
    if "stages" in result:
        print(f"\n{'stage (median of ' + str(args.repeat) + ', in-process)':<48}{'s':>8}")
        aside = {k: v for k, v in result["stages"].items() if k.startswith("(")}
        for k, v in result["stages"].items():
            if k not in aside:
                print(f"{k:<48}{v:8.3f}")
        print(f"{'sum of stages':<48}{sum(v for k, v in result['stages'].items() if k not in aside):8.3f}")
        for k, v in aside.items():
            print(f"{k:<48}{v:8.3f}")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
        print(f"\nWritten: {args.json}")


if __name__ == "__main__":
    main()
