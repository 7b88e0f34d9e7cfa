"""planner: least-cost deployment of pollution-and-carbon measures (Pyomo + HiGHS).

The stages, one folder each, in the order data flows (docs/architecture.md):
`inputs` (read and check a case and its data) -> `model` (Pyomo) -> `solver` (HiGHS, the two-stage peak, duals,
diagnosis, the compiled re-solve path) -> `results` (pandas tables) -> `analysis` (why) -> `outputs` (workbook,
report, IAMC, console) -> `study` (sweeps, Monte Carlo, sensitivity, Pareto); `cli` and `api` on top, `base`
(errors, safe writing) under all of them.

    >>> import planner
    >>> result = planner.run("cases/baseline.toml")
    >>> result.targets[["target_id", "status", "marginal_cost"]]
    >>> planner.analyse(result).marginal          # marginal costs in each target's own terms, MAC, co-control, ...
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .analysis import Analysis, analyse
    from .api import Case, Result, decompose, load_case, run
    from .base.errors import InfeasibleError, InputError, Problem
    from .inputs import Data, load
    from .model import Params, build_model, derive
    from .results import collect
    from .solver import Diagnosis, Solution, diagnose, solve
    from .study import sweep

# Imported on first use, so that `planner` on the command line can take signals before Pyomo loads (planner.base.safe)
# and `planner run` does not pay for the study libraries.
_LAZY = {
    "Case": "api", "Result": "api", "load_case": "api", "run": "api", "decompose": "api",
    "InfeasibleError": "base.errors", "InputError": "base.errors", "Problem": "base.errors",
    "Data": "inputs", "load": "inputs", "Params": "model", "build_model": "model", "derive": "model",
    "collect": "results", "Diagnosis": "solver", "Solution": "solver", "diagnose": "solver", "solve": "solver",
    "Analysis": "analysis", "analyse": "analysis", "sweep": "study",
}


def __getattr__(name: str):
    if name in _LAZY:
        value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'planner' has no attribute {name!r}")


__version__ = "0.1.0"
__all__ = [
    "Analysis", "analyse", "Case", "Data", "Diagnosis", "InfeasibleError", "InputError", "Params", "Problem", "Result",
    "Solution", "build_model", "collect", "decompose", "derive", "diagnose", "load", "load_case", "run", "solve",
    "sweep",
]
