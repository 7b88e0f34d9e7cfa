"""The public API on top of the stages: `run` (read, build, solve, tabulate), and `Case` and `Result` with the
convenience methods a notebook uses (`Case.solve`, `Result.to_excel`, `Result.to_html`), which reach the later
stages; the stage packages below hold the same classes without them, so no arrow runs back up a floor.

    >>> import planner
    >>> result = planner.run("cases/baseline.toml")
    >>> planner.Case.load("cases/baseline.toml").with_overrides({"discount_rate": 0.04}).solve()
    >>> planner.decompose("cases/districts.toml").summary["extra_cost_administrative"]  # 指标分解
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from pathlib import Path

from .inputs import case as _case
from .results import tables as _tables


class Case(_case.Case):
    """A case file, resolved (`planner.inputs.case.Case`), that can solve itself."""

    def solve(self, time_limit: float | None = None, extra: Callable | None = None) -> Result:
        """Validate, build, solve and tabulate (`planner.run`): a `planner.Result` of pandas tables.

        Raises `InputError` (bad input) or `InfeasibleError` (targets in conflict, with the diagnosis).
        """
        return run(self, time_limit=time_limit, extra=extra)


class Result(_tables.Result):
    """The result tables of a solved case (`planner.results.Result`), with the workbook and report a call away."""

    def to_excel(self, path) -> Path:
        """Write the workbook (`planner.outputs.workbook.write_excel`); returns its path. `InputError` if ``path``
        is an input of the run (a data or case file, anything in its data folder)."""
        from .outputs.workbook import write_excel

        self._clear(path)
        return write_excel(self, path)

    def to_html(self, path) -> Path:
        """Write the self-contained HTML report (`planner.outputs.report.write_report`); returns its path.
        `InputError` if ``path`` is an input of the run."""
        from .analysis import analyse
        from .outputs.report import write_report

        self._clear(path)
        return write_report(analyse(self), path)

    def _clear(self, path) -> None:
        from .base.errors import InputError
        from .inputs.load import output_problems

        problems = output_problems([self.data.case], [Path(path)], "path")
        if problems:
            raise InputError(problems)


def load_case(path: str | Path) -> Case:
    """Read a case file (and the files it extends) as a `planner.Case`; raise `InputError` listing every problem."""
    return _case.load_case(path, Case)


def run(case: Case | str | Path, time_limit: float | None = None, extra: Callable | None = None) -> Result:
    """Validate, build, solve and tabulate a case.

    Raises `InputError` (bad input) or `InfeasibleError` (targets in conflict, with the diagnosis).
    ``extra(model, params)`` may add the user's own constraints after the build.
    """
    from .base.errors import InfeasibleError
    from .inputs import load
    from .model import build_model, derive
    from .results import collect
    from .solver import diagnose, solve

    data = load(case)
    start = time.perf_counter()
    p = derive(data)
    m = build_model(p, extra=extra)
    build_seconds = time.perf_counter() - start
    counts = {"variables": m.nvariables(), "constraints": m.nconstraints()}
    sol = solve(m, time_limit=time_limit)
    if sol.status in ("infeasible", "infeasible_or_unbounded"):
        raise InfeasibleError(diagnose(p, original=m), data)
    options = {} if time_limit is None else {"time_limit": time_limit}
    res = collect(data, p, sol, counts, build_seconds, options)
    return Result(**{f.name: getattr(res, f.name) for f in dataclasses.fields(res)})


def decompose(case, admin_split: str | None = None, fair_multiple: float | None = None,
              time_limit: float | None = None, targets: list[str] | None = None):
    """指标分解: the least-cost, administrative and fair splits of a case's city targets among its regions (the 38
    districts of ``cases/districts.toml``), each with its cost (`planner.analysis.decompose`). ``case`` is a case
    file, a `Case` or a solved `Result`; ``admin_split`` (``equal`` or ``gdp``) and ``fair_multiple`` default to the
    case's settings; ``targets``: the city targets the administrative split hands out (default all). Raises like
    `run`."""
    from .analysis.decompose import decompose as _decompose

    res = case if isinstance(case, _tables.Result) else run(case, time_limit=time_limit)
    return _decompose(res, admin_split=admin_split, fair_multiple=fair_multiple, time_limit=time_limit,
                      targets=targets)
