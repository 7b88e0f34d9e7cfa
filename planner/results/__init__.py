"""Stage 4, results. In: the validated data, the model's parameters and a `Solution`. Out: `Result`, plain pandas
tables of the solution (allocation, measures, indicators, targets, electricity) and a summary with the run record.

Modules: `tables` (the tables; levels recomputed from the builds, an account independent of Pyomo), `levels`
(stocks and levels as numpy arrays), `record` (what reproduces a run: case chain, input hashes, versions).
Uses `planner.solver`, `planner.model`, `planner.inputs`.
"""

from .tables import NET, REPORTED, Result, collect, levels, stocks

__all__ = ["NET", "REPORTED", "Result", "collect", "levels", "stocks"]
