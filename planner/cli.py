"""Command line: ``planner run CASE [--out DIR]``, ``planner validate CASE``, ``planner sweep CASE --set ...``,
``planner decompose CASE`` (指标分解).

Exit codes: 0 optimal (or valid), 2 bad input, 3 infeasible targets, 1 anything else. Problems are printed one
line each, never as a traceback.
"""

from __future__ import annotations

import contextlib
import gc
import math
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from .base.errors import InfeasibleError, InputError
from .base.safe import (
    atomic,
    csv_text,
    file_name,
    frame_text,
    install_signal_handlers,
    interrupt_message,
    staged,
    text_cell,
    text_only,
)

if TYPE_CHECKING:
    from .results.tables import Result

# Each command imports what it needs when it runs: `planner --help` loads no pandas, Pyomo, HiGHS or matplotlib, and
# `planner validate` no HiGHS, matplotlib or XlsxWriter (benchmarks/bench_run.py lists what each command imports).

app = typer.Typer(add_completion=False, pretty_exceptions_enable=False, no_args_is_help=True,
                  help="Least-cost planning of pollution-and-carbon measures (Pyomo + HiGHS).")

EXIT_OK, EXIT_OTHER, EXIT_INPUT, EXIT_INFEASIBLE = 0, 1, 2, 3
GC_THRESHOLDS = (50_000, 20, 100)  # Python's default: (700, 10, 10)


def _err(line: str) -> None:
    typer.echo(text_cell(line) if len(line) < 32_000 else line, err=True)  # no terminal escapes from the input


def _input_error(e: InputError) -> None:
    n = len(e.problems)
    _err(f"Bad input: {n} problem{'s' if n != 1 else ''} found.")
    for p in e.problems:
        _err(f"  {p}")
    for note in getattr(e, "notes", []):
        _err(note)


def _warnings(data) -> None:
    """Numbers likely in the wrong unit: printed, not fatal."""
    for w in getattr(data, "warnings", []):
        _err(f"Warning: {w}")


def load(case):
    """`planner.inputs.load`, imported on first use."""
    from .inputs.load import load as _load

    return _load(case)


def run(case, time_limit: float | None = None):
    """`planner.run`, imported on first use."""
    from .api import run as _run

    return _run(case, time_limit=time_limit)


def _check_time_limit(time_limit: float | None) -> None:
    if time_limit is not None and not (math.isfinite(time_limit) and time_limit > 0):
        _err(f"--time-limit: expected a number of seconds > 0, got {time_limit}")
        raise typer.Exit(EXIT_INPUT)


def _solve_or_exit(case, time_limit: float | None, label=None) -> Result:
    case_label = label if label is not None else case
    try:
        res = run(case, time_limit=time_limit)
    except InputError as e:
        _input_error(e)
        raise typer.Exit(EXIT_INPUT) from None
    except InfeasibleError as e:
        d = e.data
        names = dict(zip(d.targets["target_id"], d.targets["name_zh"], strict=True)) if d is not None else {}
        units = {}
        if d is not None:
            iu = dict(zip(d.indicators["indicator_id"], d.indicators["unit"], strict=True))
            units = {t: iu.get(i, "") for t, i in zip(d.targets["target_id"], d.targets["indicator_id"], strict=True)}
        _err(f"Infeasible: case {case_label}")
        for line in e.diagnosis.lines(names, units):
            _err(line)
        raise typer.Exit(EXIT_INFEASIBLE) from None
    _warnings(res.data)
    sol = res.solution
    if res.optimal and sol.primal_infeasibility > 0:
        _err(f"Warning: HiGHS calls the solution optimal with a row off by up to {sol.primal_infeasibility:.2g} "
             f"({sol.relative_infeasibility:.1e} of the row's size, within the 1e-06 accepted); the answer is kept.")
    if not res.optimal:
        why = ("; HiGHS calls the solution optimal but it violates rows by more than its tolerance: the model is "
               "probably badly scaled (see the warnings)" if res.solution.status == "optimal_with_infeasibilities"
               else "")
        _err(f"Case {case_label}: solver status {res.solution.status}{why}; no workbook written.")
        raise typer.Exit(EXIT_OTHER)
    return res


@app.command("run")
def run_cmd(
    case: Path = typer.Argument(..., help="Case file, e.g. cases/baseline.toml"),
    out: Path = typer.Option(None, "--out", help="Folder for the outputs (default reports/<case>/), or the "
                             "workbook's file name ending in .xlsx (the report and IAMC file go beside it)"),
    time_limit: float = typer.Option(None, "--time-limit", help="HiGHS time limit in seconds"),
    report: bool = typer.Option(True, "--report/--no-report",
                                help="Write report.html (tables and charts; the browser draws the charts)"),
    ranges: int = typer.Option(0, "--ranges", min=0, max=10_000,
                               help="Monte Carlo samples of the measures' low/high costs: the 5-95% range of the "
                                    "total cost and of the peak's marginal cost in the summary (0: none)"),
    health_draws: int = typer.Option(1000, "--health-draws", min=0, max=1_000_000,
                                     help="Draws of the health account over its data ranges (source-receptor "
                                          "coefficients, GEMM, VSL), the plan held as solved: the 5-95% range of "
                                          "the deaths avoided and their value in the summary (0: none)"),
) -> None:
    """Validate, build, solve with HiGHS, print a summary and write <out>/<case>.xlsx, report.html and
    <case>_iamc.csv."""
    from .analysis import analyse
    from .outputs.iamc import write_iamc
    from .outputs.workbook import write_excel

    _check_time_limit(time_limit)
    c = _case_or_exit(case)
    name = file_name(c.name)  # the case name never makes a path: no folders, no hidden file
    if out is not None and out.suffix.lower() == ".xlsx":
        book_name, out_dir = out.name, out.parent  # --out names the workbook itself
    else:
        out_dir = out if out is not None else Path("reports") / name
        book_name = f"{name}.xlsx"
    names = [book_name, f"{name}_iamc.csv", *(["report.html"] if report else [])]
    _outputs_or_exit([c], out_dir, names)
    res = _solve_or_exit(c, time_limit, label=case)
    a = analyse(res)
    if ranges:
        from .study import cost_and_peak_ranges

        a.notes["ranges"] = cost_and_peak_ranges(case, n=ranges, seed=1)
    if health_draws and a.health:
        from .study.health import health_ranges

        a.notes["health_ranges"] = health_ranges(res, n=health_draws, seed=1)
    from .outputs.console import summary_lines

    typer.echo("\n".join(summary_lines(res, a)))
    with _landing(out_dir) as stage:  # all outputs or none: the earlier ones stay as they were until all are written
        write_excel(res, stage / book_name, analysis=a)
        write_iamc(a, stage / names[1])
        if report:
            from .outputs.report import write_report

            write_report(a, stage / "report.html")
    typer.echo(f"\nWorkbook: {out_dir / book_name}")
    typer.echo(f"IAMC:     {out_dir / names[1]}")
    if report:
        typer.echo(f"Report:   {out_dir / 'report.html'}")


def _case_or_exit(path: Path):
    """The case file read (`planner.Case`), or exit 2 with its problems."""
    from .api import load_case

    try:
        return load_case(path)
    except InputError as e:
        _input_error(e)
        raise typer.Exit(EXIT_INPUT) from None


def _outputs_or_exit(cases: list, out_dir: Path, names: list[str], option: str = "--out") -> None:
    """Exit 2 before anything is solved if an output would touch an input of the run or cannot be written there."""
    from .inputs.load import output_problems

    problems = []
    if out_dir.exists() and not out_dir.is_dir():
        from .base.errors import Problem

        problems.append(Problem(option, "", f"{out_dir} is a file; expected a folder for the outputs"))
    problems += output_problems(cases, [out_dir / n for n in names], option)
    if problems:
        _input_error(InputError(problems))
        raise typer.Exit(EXIT_INPUT)


@contextlib.contextmanager
def _landing(out_dir: Path):
    """`planner.base.safe.staged`: the outputs land together; a write that fails (a full disk, a folder in the way)
    is one line and exit 1, the earlier outputs as they were."""
    try:
        with staged(out_dir) as stage:
            yield stage
    except OSError as e:
        _err(f"Could not write the outputs: {e.strerror or e}{f' ({e.filename})' if e.filename else ''}; nothing "
             f"in {out_dir} was changed.")
        raise typer.Exit(EXIT_OTHER) from None


@app.command("decompose")
def decompose_cmd(
    case: Path = typer.Argument(..., help="Case file, e.g. cases/districts.toml"),
    out: Path = typer.Option(None, "--out", help="Folder for the tables, workbook and report (default "
                             "reports/<case>/)"),
    admin_split: str = typer.Option(None, "--admin-split", help="The administrative split: equal (等比例, the same "
                                    "percentage everywhere) or gdp (按GDP比例); default: the case's admin_split"),
    fair_multiple: float = typer.Option(None, "--fair-multiple", help="The fair split: no district's cost per unit "
                                        "GDP above this multiple of the city's; default: the case's fair_multiple"),
    targets: list[str] = typer.Option(None, "--target", help="A city target the administrative split hands out "
                                      "(repeat it; default: every city target)"),
    time_limit: float = typer.Option(None, "--time-limit", help="HiGHS time limit in seconds, per solve"),
    report: bool = typer.Option(True, "--report/--no-report", help="Write report.html with the decomposition"),
) -> None:
    """指标分解: split the city's targets among the case's regions the least-cost, administrative and fair way; print
    what each costs; write decomposition_targets.csv, decomposition_districts.csv, decomposition_shortfall.csv
    (the shares of the administrative split a district cannot make), <case>.xlsx (a Decomposition
    sheet) and report.html (a Decomposition section)."""
    from .analysis import analyse
    from .analysis.decompose import ADMIN_ZH, decompose, district_table, headline, table
    from .outputs.workbook import write_excel

    _check_time_limit(time_limit)
    problems = []
    if admin_split is not None and admin_split not in ADMIN_ZH:
        problems.append(f"--admin-split: expected one of {', '.join(ADMIN_ZH)}, got {admin_split!r}")
    if fair_multiple is not None and not (math.isfinite(fair_multiple) and fair_multiple >= 1):
        problems.append(f"--fair-multiple: expected a number of at least 1, got {fair_multiple}")
    if problems:
        for line in problems:
            _err(line)
        raise typer.Exit(EXIT_INPUT)
    c = _case_or_exit(case)
    name = file_name(c.name)  # the case name never makes a path
    out_dir = out if out is not None else Path("reports") / name
    stems = ("decomposition_targets", "decomposition_districts", "decomposition_shortfall")
    names = [*(f"{s}.csv" for s in stems), f"{name}.xlsx", *(["report.html"] if report else [])]
    _outputs_or_exit([c], out_dir, names)
    res = _solve_or_exit(c, time_limit, label=case)
    try:
        dec = decompose(res, admin_split=admin_split, fair_multiple=fair_multiple, time_limit=time_limit,
                        targets=targets or None)
    except ValueError as e:
        _err(f"--target: {e}")
        raise typer.Exit(EXIT_INPUT) from None
    for line in headline(dec):
        typer.echo(line)
    a = analyse(res)
    a.notes["decomposition"] = dec
    # the shortfall: the shares of the administrative split a district cannot make
    tables = (table(dec), district_table(dec), dec.summary["admin_shortfall"])
    with _landing(out_dir) as stage:  # all outputs or none, as `planner run`
        for stem, df in zip(stems, tables, strict=True):
            csv_text(df).to_csv(stage / f"{stem}.csv", index=False, encoding="utf-8-sig")  # Excel reads the names
        write_excel(res, stage / f"{name}.xlsx", analysis=a)
        if report:
            from .outputs.report import write_report

            write_report(a, stage / "report.html")
    written = [out_dir / n for n in names]
    for path in written:
        typer.echo(f"Written: {path}")


@app.command("compare")
def compare_cmd(
    cases: list[Path] = typer.Argument(..., help="Two or more case files"),
    out: Path = typer.Option(Path("reports") / "compare", "--out", help="Folder for compare.xlsx and compare.html"),
    time_limit: float = typer.Option(None, "--time-limit", help="HiGHS time limit in seconds, per case"),
) -> None:
    """Solve several cases and write one workbook and one report side by side."""
    from .analysis import analyse
    from .outputs.compare import write_compare

    if len(cases) < 2:
        _err("compare: give at least two case files")
        raise typer.Exit(EXIT_INPUT)
    _check_time_limit(time_limit)
    loaded = [_case_or_exit(c) for c in cases]
    seen: dict[str, Path] = {}
    for path, c in zip(cases, loaded, strict=True):  # the cases are told apart by name in every table and chart
        if c.name in seen:
            _err(f"Bad input: {path} and {seen[c.name]} are both named {c.name!r}; compared cases need different "
                 "names (name = ... in the case file)")
            raise typer.Exit(EXIT_INPUT)
        seen[c.name] = path
    _outputs_or_exit(loaded, out, ["compare.xlsx", "compare.html"])
    analyses = []
    for path, c in zip(cases, loaded, strict=True):
        res = _solve_or_exit(c, time_limit, label=path)
        analyses.append(analyse(res))
        a = analyses[-1]
        social = (f" (least social cost {res.solution.objective / 1e8:,.2f} 亿元: the health benefit counted)"
                  if res.params.objective == "social" else "")
        typer.echo(f"{res.summary['case']}: {res.solution.status}, {a.cost_totals['net_pv'] / 1e8:,.2f} 亿元{social}")
    with _landing(out) as stage:
        write_compare(analyses, stage)
    typer.echo(f"Workbook: {out / 'compare.xlsx'}\nReport:   {out / 'compare.html'}")


@app.command("validate")
def validate_cmd(case: Path = typer.Argument(..., help="Case file, e.g. cases/baseline.toml")) -> None:
    """Check the case file and its data; build nothing."""
    try:
        data = load(case)
    except InputError as e:
        _input_error(e)
        raise typer.Exit(EXIT_INPUT) from None
    _warnings(data)
    n = {k: len(v) for k, v in data.tables.items()}
    typer.echo(f"{case}: valid ({n['regions']} regions, {n['measures']} measures, {n['indicators']} indicators, "
               f"{n['targets']} targets, {n['baseline']} baseline rows, {n['sources']} sources)")


@app.command("data-report")
def data_report_cmd(
    case: Path = typer.Argument(..., help="Case file, e.g. cases/baseline.toml"),
    out: Path = typer.Option(None, "--out", help="Write the full catalog: .md (page), .csv or .xlsx"),
) -> None:
    """Print the measure catalog: numbers, cost per t CO2 and per pollution equivalent, co-control, sources."""
    from .outputs.catalog import assumptions, catalog, markdown, provenance_lines
    from .outputs.console import fmt

    try:
        data = load(case)
    except InputError as e:
        _input_error(e)
        raise typer.Exit(EXIT_INPUT) from None
    if out is not None:
        if out.suffix not in (".md", ".csv", ".xlsx"):
            _err(f"{out}: expected a file name ending in .md, .csv or .xlsx")
            raise typer.Exit(EXIT_INPUT)
        _outputs_or_exit([data.case], out.parent, [out.name])
    cat = catalog(data)
    typer.echo(f"{len(cat)} measures (discount rate {data.case.discount_rate:.0%}); yuan per unit per year, "
               "per t CO2e cut (CH4 x 28) and per pollution equivalent (PE) cut:")
    typer.echo(f"  {'measure':<34}{'sector':<12}{'unit':<16}{'annual cost':>14}{'yuan/t CO2e':>12}{'yuan/PE':>10}"
               f"  {'co-control':<26}{'assumed':<8}")
    for r in cat.sort_values("cost_per_t_co2e", na_position="last").itertuples():
        typer.echo(f"  {r.measure_id:<34}{r.sector:<12}{str(r.unit)[:15]:<16}{fmt(r.annual_cost):>14}"
                   f"{fmt(r.cost_per_t_co2e):>12}{fmt(r.cost_per_pe):>10}  {r.co_control:<26}"
                   f"{'yes' if r.assumed else '':<8}")
    typer.echo("")
    for line in provenance_lines(data):
        typer.echo(line)
    a = assumptions(data)
    kinds = data.tables["sources"]["kind"].value_counts().to_dict()
    typer.echo(f"\nSources: {kinds}. {len(a)} assumptions, each with its derivation in sources.csv:")
    for row in a.itertuples():
        typer.echo(f"  {row.source_id}: {row.title}")
    if out is not None:
        with atomic(out) as tmp:
            if out.suffix == ".md":
                tmp.write_text(markdown(data), encoding="utf-8")
            elif out.suffix == ".csv":
                csv_text(cat).to_csv(tmp, index=False)
            else:
                import pandas as pd

                with pd.ExcelWriter(tmp, engine="openpyxl") as xw:
                    frame_text(cat).to_excel(xw, sheet_name="Catalog", index=False)
                    frame_text(a).to_excel(xw, sheet_name="Assumptions", index=False)
                    text_only(xw.book)
        typer.echo(f"\nWritten: {out}")


@app.command("template")
def template_cmd(
    case: Path = typer.Argument(..., help="Case file, e.g. cases/baseline.toml"),
    out: Path = typer.Option(Path("inputs.xlsx"), "--out", help="The data-entry workbook to write (.xlsx)"),
) -> None:
    """Write the case's data as one data-entry workbook (a sheet per table, drop-downs, validations)."""
    from .inputs.template import write_template

    if out.suffix.lower() != ".xlsx":
        _err(f"{out}: expected a file name ending in .xlsx")
        raise typer.Exit(EXIT_INPUT)
    _outputs_or_exit([_case_or_exit(case)], out.parent, [out.name])
    try:
        path = write_template(case, out)
    except InputError as e:
        _input_error(e)
        raise typer.Exit(EXIT_INPUT) from None
    typer.echo(f"Template: {path} (use it with data = \"{path.name}\" in a case file)")


@app.command("sweep")
def sweep_cmd(
    case: Path = typer.Argument(..., help="Case file, e.g. cases/baseline.toml"),
    set_: list[str] = typer.Option(..., "--set", help="KEY=VALUES, e.g. targets.nonfossil_share_2025.value="
                                   "0.25:0.35:11 (FROM:TO:N evenly spaced, or A,B,C; 2,000,000 is one number, "
                                   "100, 200, 300 three); several --set make a grid"),
    out: Path = typer.Option(None, "--out", help="Folder for sweep.csv and sweep.xlsx (default reports/<case>/sweep)"),
    parquet: bool = typer.Option(False, "--parquet", help="Also write sweep.parquet"),
    engine: str = typer.Option("serial", "--engine", help="serial, processes or dask"),
    workers: int = typer.Option(None, "--workers", help="Worker processes (processes engine)"),
    address: str = typer.Option(None, "--address", help="Dask scheduler address (dask engine)"),
    diagnosis: bool = typer.Option(True, "--diagnosis/--no-diagnosis", help="Diagnose infeasible points"),
    yes: bool = typer.Option(False, "--yes", help="Solve a grid of more than 100,000 points"),
) -> None:
    """Solve the case at every point of a grid (built once, re-solved warm); write a table and a chart.

    Infeasible points are kept, marked with their diagnosis; they never stop the sweep. Every value of every --set
    passes the checks a case file's value passes before any point is solved.
    """
    from .inputs.case import load_case
    from .study import sweep, values
    from .study.engines import ENGINES
    from .study.export import write_study
    from .study.sweep import MAX_POINTS, prepare

    grid, problems = {}, []
    for item in set_:
        key, sep, spec = item.partition("=")
        key = key.strip()
        if not sep or not key or not spec.strip():
            problems.append(f"--set {item}: expected KEY=VALUES such as targets.x.value=0.25:0.35:11")
            continue
        if key in grid:
            problems.append(f"--set {key}: given twice; give each key once (A,B,C lists several values)")
            continue
        try:
            grid[key] = values(spec.strip())
        except ValueError as e:
            problems.append(f"--set {key}: {e}")
    if engine not in ENGINES:
        problems.append(f"--engine: expected one of {', '.join(ENGINES)}, got {engine!r}")
    if workers is not None and workers < 1:
        problems.append(f"--workers: expected a whole number >= 1, got {workers}")
    limit = None if yes else MAX_POINTS
    try:
        c = load_case(case)
        out_dir = out if out is not None else Path("reports") / file_name(c.name) / "sweep"
        from .inputs.load import output_problems

        names = ["sweep.csv", "sweep.xlsx", *(["sweep.parquet"] if parquet else [])]
        problems += [str(p) for p in output_problems([c], [out_dir / n for n in names])]
        ready = prepare(c, grid, max_points=limit, where="--set")  # every value, before anything is solved
    except InputError as e:
        problems += [str(p) for p in e.problems]
    if problems:
        _err(f"Bad input: {len(problems)} problem{'s' if len(problems) != 1 else ''} found.")
        for line in problems:
            _err(f"  {line}")
        raise typer.Exit(EXIT_INPUT)
    try:
        df = sweep(c, grid, engine=engine, workers=workers, address=address, diagnosis=diagnosis, max_points=limit,
                   where="--set", prepared=ready)
    except InputError as e:
        _input_error(e)
        raise typer.Exit(EXIT_INPUT) from None
    for w in df.attrs.get("warnings", []):
        _err(f"Warning: {w}")
    counts = df["status"].value_counts().to_dict()
    typer.echo(f"Sweep of {c.name}: {len(df)} points; " + ", ".join(f"{n} {s}" for s, n in counts.items()))
    cols = [*grid, "status", "objective"]
    typer.echo(df[cols].to_string(index=False, float_format=lambda x: f"{x:,.6g}"))
    with _landing(out_dir) as stage:
        written = write_study(df, stage, list(grid), parquet=parquet)
    for path in written:
        typer.echo(f"Written: {out_dir / path.name}")
    if not (df["status"] == "optimal").any():
        infeasible = df["status"].isin(["infeasible", "infeasible_or_unbounded"]).all()
        _err(f"No point of the sweep was solved to optimality ({len(df)} points, "
             + ", ".join(f"{n} {s}" for s, n in counts.items()) + "); the tables give each point's status"
             + (" and which targets must move" if infeasible else "") + ".")
        raise typer.Exit(EXIT_INFEASIBLE if infeasible else EXIT_OTHER)


def main() -> None:
    """The ``planner`` command: one line and an exit code for every failure, never a traceback."""
    install_signal_handlers()
    # Building a Pyomo model allocates millions of objects that live until the end, and Python's cyclic garbage
    # collector would scan them again and again (a third of the CPU of build + solve on the shipped case, measured
    # in benchmarks/bench_run.py); rarer collections, same memory: the run leaves next to no cyclic garbage.
    gc.set_threshold(*GC_THRESHOLDS)
    try:
        app()
        code = EXIT_OK
    except KeyboardInterrupt:  # only if the signal handlers were replaced (planner.base.safe takes SIGINT first)
        _err(interrupt_message("SIGINT").rstrip())
        code = 130
    except SystemExit as e:
        code = e.code
    except Exception as e:  # noqa: BLE001  one line, no traceback, exit 1
        _err(f"Error: {type(e).__name__}: {e}")
        code = EXIT_OTHER
    if code is not None and not isinstance(code, int):
        _err(str(code))
        code = EXIT_OTHER
    sys.exit(code or EXIT_OK)


if __name__ == "__main__":
    main()
