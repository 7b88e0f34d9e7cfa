"""Stage 3, solve. In: a built Pyomo model (`planner.model`). Out: `Solution` (status, objective, builds, duals,
reduced costs, the peak rows' limits) or, for an infeasible case, `Diagnosis` (which targets conflict, by how much).

Modules: `lp` (the model's standard form as arrays, into a HiGHS object), `solve` (HiGHS, warm re-solves, duals),
`sides` (a degenerate row's marginal cost on its tightening side),
`peak` (the first stage of a peak target: the case without its peaks), `diagnose` (elastic copy and IIS),
`compiled` and `peakrows` (the compiled path a study uses: one HiGHS object changed in place and re-solved warm).
Uses `planner.model`, `planner.inputs`, `planner.base`.
"""

from .diagnose import Diagnosis, diagnose
from .solve import Solution, solve

__all__ = ["Diagnosis", "Solution", "diagnose", "solve"]
