"""Studies that solve a case many times: sweeps, Monte Carlo, global sensitivity, Pareto fronts.

Each builds the case once, compiles it to HiGHS (`planner.fast`) and re-solves warm with the changes made in place;
the engines (`engines`) run the points serially, on the machine's cores or on a Dask cluster.
"""

from __future__ import annotations

from .points import points, values
from .sweep import sweep

__all__ = ["points", "sweep", "values"]
