"""Studies that solve a case many times: sweeps, Monte Carlo, global sensitivity, Pareto fronts.

Each builds the case once, compiles it to HiGHS (`planner.solver.compiled`) and re-solves warm with the changes made in
place; the engines (`engines`) run the points serially, on the machine's cores or on a Dask cluster.

    from planner.study import sweep, monte_carlo, summarize, morris, sobol, front

`health_ranges` draws the health account of one solved case (the plan held fixed) over its data ranges.
"""

from __future__ import annotations

from .health import health_ranges
from .montecarlo import cost_and_peak_ranges, cost_ranges, monte_carlo, samples, summarize
from .pareto import front
from .points import points, values
from .sweep import sweep


def __getattr__(name: str):
    """Morris and Sobol load SALib on first use."""
    if name in ("morris", "sobol"):
        from . import sensitivity

        return getattr(sensitivity, name)
    raise AttributeError(f"module 'planner.study' has no attribute {name!r}")

__all__ = ["cost_and_peak_ranges", "cost_ranges", "front", "health_ranges", "monte_carlo", "morris", "points",
           "samples", "sobol", "summarize", "sweep", "values"]
