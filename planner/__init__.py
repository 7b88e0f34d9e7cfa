"""planner: least-cost deployment of pollution-and-carbon measures (Pyomo + HiGHS).

The stages, each a module: `case` and `inputs` (read and validate) -> `model` (Pyomo) -> `solve` (HiGHS, duals,
diagnosis) -> `results` (pandas tables) -> `export` (Excel) and `cli`.

    >>> import planner
    >>> result = planner.run("cases/baseline.toml")
    >>> result.targets[["target_id", "status", "marginal_cost"]]
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from .case import Case, load_case
from .errors import InfeasibleError, InputError, Problem
from .inputs import Data, load
from .model import Params, build_model, derive
from .results import Result, collect
from .solve import Diagnosis, Solution, diagnose, solve

__version__ = "0.1.0"
__all__ = [
    "Case", "Data", "Diagnosis", "InfeasibleError", "InputError", "Params", "Problem", "Result", "Solution",
    "build_model", "derive", "diagnose", "load", "load_case", "run", "solve", "sweep",
]


def __getattr__(name: str):
    """``planner.sweep`` is imported on first use, so ``planner run`` does not pay for the study libraries."""
    if name == "sweep":
        from .study import sweep

        return sweep
    raise AttributeError(f"module 'planner' has no attribute {name!r}")


def run(case: Case | str | Path, time_limit: float | None = None, extra: Callable | None = None) -> Result:
    """Validate, build, solve and tabulate a case.

    Raises `InputError` (bad input) or `InfeasibleError` (targets in conflict, with the diagnosis).
    ``extra(model, params)`` may add the user's own constraints after the build.
    """
    data = load(case)
    start = time.perf_counter()
    p = derive(data)
    m = build_model(p, extra=extra)
    build_seconds = time.perf_counter() - start
    counts = {"variables": m.nvariables(), "constraints": m.nconstraints()}
    sol = solve(m, time_limit=time_limit)
    if sol.status in ("infeasible", "infeasible_or_unbounded"):
        raise InfeasibleError(diagnose(p, original=m), data)
    return collect(data, p, sol, counts, build_seconds)
