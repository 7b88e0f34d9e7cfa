"""Command line: ``planner run CASE [--out DIR]`` and ``planner validate CASE``.

Exit codes: 0 optimal (or valid), 2 bad input, 3 infeasible targets, 1 anything else. Problems are printed one
line each, never as a traceback.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import typer

from . import load, run
from .errors import InfeasibleError, InputError
from .export import write_excel
from .inputs import CITY
from .results import DERIVED, NET, REPORTED, Result

app = typer.Typer(add_completion=False, pretty_exceptions_enable=False, no_args_is_help=True,
                  help="Least-cost planning of pollution-and-carbon measures (Pyomo + HiGHS).")

EXIT_OK, EXIT_OTHER, EXIT_INPUT, EXIT_INFEASIBLE = 0, 1, 2, 3


def _err(line: str) -> None:
    typer.echo(line, err=True)


def _input_error(e: InputError) -> None:
    n = len(e.problems)
    _err(f"Bad input: {n} problem{'s' if n != 1 else ''} found.")
    for p in e.problems:
        _err(f"  {p}")


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
    return "-" if x is None else f"{x:.2%}"


@app.command("run")
def run_cmd(
    case: Path = typer.Argument(..., help="Case file, e.g. cases/baseline.toml"),
    out: Path = typer.Option(None, "--out", help="Folder for the workbook (default reports/<case>/)"),
    time_limit: float = typer.Option(None, "--time-limit", help="HiGHS time limit in seconds"),
) -> None:
    """Validate, build, solve with HiGHS, print a summary and write <out>/<case>.xlsx."""
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
    if not res.optimal:
        _err(f"Case {case}: solver status {res.solution.status}; no workbook written.")
        raise typer.Exit(EXIT_OTHER)
    print_summary(res)
    out_dir = out if out is not None else Path("reports") / res.summary["case"]
    path = write_excel(res, out_dir / f"{res.summary['case']}.xlsx")
    typer.echo(f"\nWorkbook: {path}")


@app.command("validate")
def validate_cmd(case: Path = typer.Argument(..., help="Case file, e.g. cases/baseline.toml")) -> None:
    """Check the case file and its data; build nothing."""
    try:
        data = load(case)
    except InputError as e:
        _input_error(e)
        raise typer.Exit(EXIT_INPUT) from None
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
        out.parent.mkdir(parents=True, exist_ok=True)
        if out.suffix == ".md":
            out.write_text(markdown(data), encoding="utf-8")
        elif out.suffix == ".csv":
            cat.to_csv(out, index=False)
        elif out.suffix == ".xlsx":
            with pd.ExcelWriter(out) as xw:
                cat.to_excel(xw, sheet_name="Catalog", index=False)
                a.to_excel(xw, sheet_name="Assumptions", index=False)
        else:
            _err(f"{out}: expected a file name ending in .md, .csv or .xlsx")
            raise typer.Exit(EXIT_INPUT)
        typer.echo(f"\nWritten: {out}")


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        _err("Interrupted; nothing half-written was left behind.")
        sys.exit(EXIT_OTHER)
    except SystemExit:
        raise
    except Exception as e:  # noqa: BLE001  one line, no traceback, exit 1
        _err(f"Error: {type(e).__name__}: {e}")
        sys.exit(EXIT_OTHER)


if __name__ == "__main__":
    main()
