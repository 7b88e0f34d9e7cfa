"""planner: least-cost deployment of pollution-and-carbon measures (Pyomo + HiGHS).

The stages, each a module: `case` and `inputs` (read and validate) -> `model` (Pyomo) -> `solve` (HiGHS, duals,
diagnosis) -> `results` (pandas tables) -> `export` (Excel) and `cli`.

    >>> import planner
    >>> result = planner.run("cases/baseline.toml")
    >>> result.targets[["target_id", "status", "marginal_cost"]]
    >>> planner.analyse(result).marginal          # marginal costs in each target's own terms, MAC, co-control, ...
"""

from __future__ import annotations

import importlib
import sys
import time
import types
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .analysis import Analysis, analyse
    from .case import Case, load_case
    from .errors import InfeasibleError, InputError, Problem
    from .inputs import Data, load
    from .model import Params, build_model, derive
    from .results import Result
    from .solve import Diagnosis, Solution, diagnose, solve

# Imported on first use, so that `planner` on the command line can take signals before Pyomo loads (planner.safe).
_LAZY = {
    "Case": "case", "load_case": "case", "InfeasibleError": "errors", "InputError": "errors", "Problem": "errors",
    "Data": "inputs", "load": "inputs", "Params": "model", "build_model": "model", "derive": "model",
    "Result": "results", "collect": "results", "Diagnosis": "solve", "Solution": "solve", "diagnose": "solve",
    "solve": "solve", "Analysis": "analysis", "analyse": "analysis",
}


class _Package(types.ModuleType):
    """Importing the submodule ``planner.solve`` would rebind ``planner.solve``; it stays the function."""

    def __setattr__(self, name: str, value) -> None:
        if name == "solve" and isinstance(value, types.ModuleType):
            value = value.solve
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package


def __getattr__(name: str):
    if name in _LAZY:
        value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'planner' has no attribute {name!r}")


__version__ = "0.1.0"
__all__ = [
    "Analysis", "analyse", "Case", "Data", "Diagnosis", "InfeasibleError", "InputError", "Params", "Problem", "Result",
    "Solution",
    "build_model", "derive", "diagnose", "load", "load_case", "run", "solve",
]


def run(case: Case | str | Path, time_limit: float | None = None, extra: Callable | None = None) -> Result:
    """Validate, build, solve and tabulate a case.

    Raises `InputError` (bad input) or `InfeasibleError` (targets in conflict, with the diagnosis).
    ``extra(model, params)`` may add the user's own constraints after the build.
    """
    from .errors import InfeasibleError
    from .inputs import load
    from .model import build_model, derive
    from .results import collect
    from .solve import diagnose, solve

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
    return collect(data, p, sol, counts, build_seconds, options)
