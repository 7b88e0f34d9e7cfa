"""Command line: ``planner run CASE [--out DIR]`` and ``planner validate CASE``.

Exit codes: 0 optimal (or valid), 2 bad input, 3 infeasible targets, 1 anything else. Problems are printed one
line each, never as a traceback.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import pandas as pd
import typer

from . import load, run
from .errors import InfeasibleError, InputError
from .export import write_excel
from .inputs import CITY
from .results import DERIVED, NET, REPORTED, Result
from .safe import atomic, csv_text, file_name, frame_text, install_signal_handlers, text_cell, text_only

app = typer.Typer(add_completion=False, pretty_exceptions_enable=False, no_args_is_help=True,
                  help="Least-cost planning of pollution-and-carbon measures (Pyomo + HiGHS).")

EXIT_OK, EXIT_OTHER, EXIT_INPUT, EXIT_INFEASIBLE = 0, 1, 2, 3


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


def _fmt(x) -> str:
    if x is None or x != x:
        return "-"
    if isinstance(x, float):
        return f"{x:,.4g}" if abs(x) < 1000 else f"{x:,.0f}"
    return str(x)


def print_summary(res: Result) -> None:
    s, p = res.summary, res.params
    ind = res.indicators[res.indicators["region_id"] == CITY].set_index(["indicator_id", "year"])
    units = dict(zip(res.data.indicators["indicator_id"], res.data.indicators["unit"], strict=True))
    units.update({i: unit for i, (_, _, unit) in DERIVED.items()})
    typer.echo(f"Case {s['case']}: {s['status']} ({s['solver']}, build {s['build_seconds']:.2f} s, "
               f"solve {s['solve_seconds']:.2f} s, {s['variables']} variables, {s['constraints']} constraints)")
    obj = s["objective_yuan"]
    typer.echo(f"Total discounted cost: {obj:,.0f} yuan ({obj / 1e8:,.2f} 亿元, present value in {p.base_year})")
    if "no_regret_yuan" in s:
        typer.echo(f"  of which no-regret measures (net cost < 0): {s['no_regret_yuan'] / 1e8:,.2f} 亿元; "
                   f"other measures, deployed for the targets: {s['target_cost_yuan'] / 1e8:,.2f} 亿元")
    years = [y for y in (p.base_year, 2025, 2030, p.years[-1]) if p.base_year <= y <= p.years[-1]]
    years = list(dict.fromkeys(years))
    typer.echo("\nCity emissions, baseline -> with measures:")
    typer.echo(f"  {'indicator':<10}{'unit':<8}" + "".join(f"{y:>26}" for y in years))
    for i in (x for j in REPORTED for x in ((j, NET) if j == "co2" else (j,))):  # net CO2 beside gross CO2
        if (i, p.base_year) not in ind.index:
            continue
        cells = "".join(f"{_fmt(ind.at[(i, y), 'baseline']):>12} -> {_fmt(ind.at[(i, y), 'level']):>10}"
                        for y in years)
        typer.echo(f"  {i:<10}{units.get(i, ''):<8}{cells}")
    typer.echo("\nTargets (achieved vs required, in the target's own terms; a lasting target shows its tightest year"
               " and the years it binds):")
    typer.echo(f"  {'target':<36}{'years':>10}{'shown':>6}  {'achieved':>16}    {'required':>16}  {'status':<9}"
               f"{'marginal cost, yuan per unit':>30}  binding in")
    for _, g in res.targets.groupby("target_id", sort=False):
        t = _tightest(g)
        unit = units.get(t.indicator_id, "")
        sense = ">=" if t.kind in ("reduction", "intensity_reduction", "abatement") else t.sense
        if t.kind in ("share_min", "share_max", "reduction", "intensity_reduction"):
            achieved, required = _pct(t.achieved), _pct(t.value)
        elif t.kind in ("peak", "cap", "floor"):
            achieved, required = _fmt(t.level), _fmt(t.limit)
        else:
            achieved, required = _fmt(t.achieved), _fmt(t.value)
        years = f"{g['year'].min()}-{g['year'].max()}" if len(g) > 1 else str(t.year)
        status = "violated" if (g["status"] == "violated").any() else t.status
        binding = _years(g.loc[g["status"] == "binding", "year"].tolist())
        typer.echo(f"  {t.target_id:<36}{years:>10}{t.year:>6}  {achieved:>16} {sense:>2} {required:>16}  "
                   f"{status:<9}{_fmt(t.marginal_cost):>18} yuan/{unit:<11} {binding}")


def _tightest(g):
    """The row of a target to show: the one with the highest marginal cost, else the least slack."""
    mc = g["marginal_cost"].abs().fillna(0.0)
    if (mc > 0).any():
        return g.loc[mc.idxmax()]
    rel = g["slack"].astype(float) / g["limit"].astype(float).abs().clip(lower=1.0)
    return g.loc[rel.fillna(float("inf")).idxmin()]


def _years(ys: list[int]) -> str:
    """2025-2030, 2033 style."""
    out, ys = [], sorted(ys)
    for y in ys:
        if out and y == out[-1][1] + 1:
            out[-1][1] = y
        else:
            out.append([y, y])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in out)


def _pct(x) -> str:
    return "-" if x is None or x != x else f"{x:.2%}"


@app.command("run")
def run_cmd(
    case: Path = typer.Argument(..., help="Case file, e.g. cases/baseline.toml"),
    out: Path = typer.Option(None, "--out", help="Folder for the workbook (default reports/<case>/), or a file "
                             "name ending in .xlsx"),
    time_limit: float = typer.Option(None, "--time-limit", help="HiGHS time limit in seconds"),
) -> None:
    """Validate, build, solve with HiGHS, print a summary and write <out>/<case>.xlsx."""
    if time_limit is not None and not (math.isfinite(time_limit) and time_limit > 0):
        _err(f"--time-limit: expected a number of seconds > 0, got {time_limit}")
        raise typer.Exit(EXIT_INPUT)
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
        _err(f"Infeasible: case {case}")
        for line in e.diagnosis.lines(names, units):
            _err(line)
        raise typer.Exit(EXIT_INFEASIBLE) from None
    _warnings(res.data)
    if not res.optimal:
        why = ("; HiGHS calls the solution optimal but it violates rows by more than its tolerance: the model is "
               "probably badly scaled (see the warnings)" if res.solution.status == "optimal_with_infeasibilities"
               else "")
        _err(f"Case {case}: solver status {res.solution.status}{why}; no workbook written.")
        raise typer.Exit(EXIT_OTHER)
    print_summary(res)
    name = file_name(res.summary["case"])  # the case name never makes a path: no folders, no hidden file
    if out is not None and out.suffix.lower() == ".xlsx":
        target = out  # --out names the workbook itself
    else:
        target = (out if out is not None else Path("reports") / name) / f"{name}.xlsx"
    path = write_excel(res, target)
    typer.echo(f"\nWorkbook: {path}")


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
    from .catalog import assumptions, catalog, markdown, provenance_lines

    try:
        data = load(case)
    except InputError as e:
        _input_error(e)
        raise typer.Exit(EXIT_INPUT) from None
    cat = catalog(data)
    typer.echo(f"{len(cat)} measures (discount rate {data.case.discount_rate:.0%}); yuan per unit per year, "
               "per t CO2e cut (CH4 x 28) and per pollution equivalent (PE) cut:")
    typer.echo(f"  {'measure':<34}{'sector':<12}{'unit':<16}{'annual cost':>14}{'yuan/t CO2e':>12}{'yuan/PE':>10}"
               f"  {'co-control':<26}{'assumed':<8}")
    for r in cat.sort_values("cost_per_t_co2e", na_position="last").itertuples():
        typer.echo(f"  {r.measure_id:<34}{r.sector:<12}{str(r.unit)[:15]:<16}{_fmt(r.annual_cost):>14}"
                   f"{_fmt(r.cost_per_t_co2e):>12}{_fmt(r.cost_per_pe):>10}  {r.co_control:<26}"
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
        if out.suffix not in (".md", ".csv", ".xlsx"):
            _err(f"{out}: expected a file name ending in .md, .csv or .xlsx")
            raise typer.Exit(EXIT_INPUT)
        with atomic(out) as tmp:
            if out.suffix == ".md":
                tmp.write_text(markdown(data), encoding="utf-8")
            elif out.suffix == ".csv":
                csv_text(cat).to_csv(tmp, index=False)
            else:
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
    from .template import write_template

    if out.suffix.lower() != ".xlsx":
        _err(f"{out}: expected a file name ending in .xlsx")
        raise typer.Exit(EXIT_INPUT)
    try:
        path = write_template(case, out)
    except InputError as e:
        _input_error(e)
        raise typer.Exit(EXIT_INPUT) from None
    typer.echo(f"Template: {path} (use it with data = \"{path.name}\" in a case file)")


def main() -> None:
    install_signal_handlers()
    try:
        app()
    except KeyboardInterrupt:  # only if the signal handlers were replaced (planner.safe takes SIGINT first)
        _err("Interrupted (SIGINT); no file was half-written, earlier workbooks are untouched.")
        sys.exit(130)
    except SystemExit:
        raise
    except Exception as e:  # noqa: BLE001  one line, no traceback, exit 1
        _err(f"Error: {type(e).__name__}: {e}")
        sys.exit(EXIT_OTHER)


if __name__ == "__main__":
    main()
