"""Sweeps: one call, one tidy table.

    >>> import planner
    >>> case = planner.Case.load("cases/baseline.toml")
    >>> df = planner.sweep(case, {"targets.nonfossil_share_2025.value": "0.25:0.35:11"})
    >>> df[["targets.nonfossil_share_2025.value", "status", "objective",
    ...     "marginal_cost_pp.nonfossil_share_2025.2025 [yuan/pp]"]]

One row per point: the parameters (one column per overridden key), ``status`` (optimal, infeasible...),
``diagnosis`` (for an infeasible point: which targets must move and by how much; infeasible points are kept, never
dropped), ``objective`` (total discounted net cost, yuan), ``cost.<sector>`` and ``investment.<sector>`` (its split),
``investment``, ``level.<target>.<year>``, ``marginal_cost.<target>.<year> [yuan/<unit>]`` (yuan of that year per
unit of the target's indicator, the unit in the column's name; at a degenerate optimum the cost of tightening the
row, `planner.solver.sides`, so a point's figures do not depend on the points before it) and, for shares and
reductions, ``marginal_cost_pp.<target>.<year> [yuan/pp]`` (per percentage point of the target's value, as the
console and the workbook give it), ``built.<measure>`` (units built over the horizon, all regions),
``emissions.<pollutant>.<year>`` (city level), ``rebuilt`` (whether the point needed its own build), ``solves`` (2
when a peak target's first stage was re-solved for the point, `planner.solver.compiled`), ``iterations`` and
``solve_seconds`` (HiGHS, both stages).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd

from ..base.errors import InputError, Problem
from ..inputs.case import Case, load_case
from ..inputs.gate import Gate
from . import engines
from .points import count, points

MAX_POINTS = 100_000  # more points than this are solved only when asked (max_points=None; planner sweep --yes)


def prepare(case: Case, grid, *, max_points: int | None = MAX_POINTS, where: str = "sweep grid"
            ) -> tuple[list[dict], Gate, list[Problem]]:
    """The points of ``grid``, every value checked (`planner.inputs.gate`), and the warnings; `InputError` lists
    every problem (a grid of no points or of more than ``max_points``, and each bad value, naming its key)."""
    try:
        n = count(grid)
    except ValueError as e:
        raise InputError([Problem(where, "", str(e))]) from None
    if n == 0:
        raise InputError([Problem(where, "", "expected at least one point, got none")])
    if max_points is not None and n > max_points:
        raise InputError([Problem(where, "", f"has {n:,} points, more than {max_points:,}; to solve them all, ask "
                                  "for it (max_points=None; planner sweep --yes), or use a coarser grid")])
    pts = points(grid)
    gate = Gate(case)
    problems, warnings = gate.check(pts, where, each=not isinstance(grid, dict))
    if problems:
        raise InputError(problems)
    return pts, gate, warnings


def sweep(case: Case | str | Path, grid, *, engine: str = "serial", workers: int | None = None, address=None,
          chunk_size: int | None = None, extra: Callable | None = None, detail: bool = True,
          diagnosis: bool = True, time_limit: float | None = None, progress: bool = True,
          max_points: int | None = MAX_POINTS, where: str = "sweep grid", prepared: tuple | None = None
          ) -> pd.DataFrame:
    """Solve ``case`` at every point of ``grid``; a DataFrame with one row per point.

    ``grid``: ``{key: values}`` (Cartesian product; values a list or ``"a:b:n"``), a list of override dicts, or a
    DataFrame of points. ``engine``: ``"serial"``, ``"processes"`` (``workers`` cores) or ``"dask"``
    (``address`` of a scheduler or a ``distributed.Client``; a local in-process cluster if None). ``extra`` is the
    user-constraint hook of `planner.run` and holds at every point; on the processes and Dask engines it must be a
    module-level function (it is pickled). ``detail``: True tabulates each point (levels, marginal costs, units
    built); False gives status and cost only; ``"duals"`` tabulates with the duals HiGHS ends on instead of each
    binding row's tightening side (`planner.solver.sides`: a few warm re-solves a point), faster, but at a
    degenerate optimum they depend on the basis a point starts from, so on the points before it.

    Every value of every point passes the checks a case file's value passes, with the same messages
    (`planner.inputs.gate`), before any point is solved: `InputError` lists every problem (``where`` names the
    grid in them). Numbers outside their plausible range but within a factor of 10 are listed in
    ``df.attrs["warnings"]``. A grid of more than ``max_points`` points (100,000) is refused before it is made;
    ``max_points=None`` solves any number. ``prepared``: what `prepare` gave for this case and grid (not repeated).
    """
    if not isinstance(case, Case):
        case = load_case(case)
    problems: list[Problem] = []
    try:
        engines.check(engine, workers, chunk_size)
    except InputError as e:
        problems += e.problems
    try:
        pts, gate, warnings = prepared or prepare(case, grid, max_points=max_points, where=where)
    except InputError as e:
        raise InputError([*problems, *e.problems]) from None
    if problems:
        raise InputError(problems)
    recs = engines.run(case, pts, engine=engine, workers=workers, address=address, chunk_size=chunk_size,
                       extra=extra, detail=detail, diagnosis=diagnosis, time_limit=time_limit, progress=progress,
                       loaded=gate.loaded)
    df = pd.DataFrame.from_records(recs)
    keys = list(dict.fromkeys(k for p in pts for k in p))
    front = [*keys, "status", "diagnosis", "objective"]
    df = df[[c for c in front if c in df.columns] + [c for c in df.columns if c not in front]]
    df.attrs["warnings"] = [str(w) for w in warnings]
    return df
