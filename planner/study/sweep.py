"""Sweeps: one call, one tidy table.

    >>> import planner
    >>> case = planner.Case.load("cases/baseline.toml")
    >>> df = planner.sweep(case, {"targets.nonfossil_share_2025.value": "0.25:0.35:11"})
    >>> df[["targets.nonfossil_share_2025.value", "status", "objective",
    ...     "marginal_cost.nonfossil_share_2025.2025"]]

One row per point: the parameters (one column per overridden key), ``status`` (optimal, infeasible...),
``diagnosis`` (for an infeasible point: which targets must move and by how much; infeasible points are kept, never
dropped), ``objective`` (total discounted net cost, yuan), ``cost.<sector>`` and ``investment.<sector>`` (its split),
``investment``, ``level.<target>.<year>`` and ``marginal_cost.<target>.<year>`` (yuan per unit of the target's
indicator, in that year's money), ``built.<measure>`` (units built over the horizon, all regions),
``emissions.<pollutant>.<year>`` (city level), ``rebuilt`` (whether the point needed its own build), ``solves`` (2
when a peak target's first stage was re-solved for the point, `planner.solver.compiled`), ``iterations`` and
``solve_seconds`` (HiGHS, both stages).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd

from ..inputs.case import Case, load_case
from . import engines
from .points import points


def sweep(case: Case | str | Path, grid, *, engine: str = "serial", workers: int | None = None, address=None,
          chunk_size: int | None = None, extra: Callable | None = None, detail: bool = True,
          diagnosis: bool = True, time_limit: float | None = None, progress: bool = True) -> pd.DataFrame:
    """Solve ``case`` at every point of ``grid``; a DataFrame with one row per point.

    ``grid``: ``{key: values}`` (Cartesian product; values a list or ``"a:b:n"``), a list of override dicts, or a
    DataFrame of points. ``engine``: ``"serial"``, ``"processes"`` (``workers`` cores) or ``"dask"``
    (``address`` of a scheduler or a ``distributed.Client``; a local in-process cluster if None). ``extra`` is the
    user-constraint hook of `planner.run` and holds at every point; on the processes and Dask engines it must be a
    module-level function (it is pickled).
    """
    if not isinstance(case, Case):
        case = load_case(case)
    pts = points(grid)
    recs = engines.run(case, pts, engine=engine, workers=workers, address=address, chunk_size=chunk_size,
                       extra=extra, detail=detail, diagnosis=diagnosis, time_limit=time_limit, progress=progress)
    df = pd.DataFrame.from_records(recs)
    keys = list(dict.fromkeys(k for p in pts for k in p))
    front = [*keys, "status", "diagnosis", "objective"]
    return df[[c for c in front if c in df.columns] + [c for c in df.columns if c not in front]]
