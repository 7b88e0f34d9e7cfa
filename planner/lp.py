"""The LP of a built model, handed to HiGHS: Pyomo's standard-form compiler, then arrays into a `highspy.Highs`.

Pyomo stays the one statement of the formulation; this module only moves it into HiGHS. `compile_lp` runs
`pyomo.repn.plugins.standard_form.LinearStandardFormCompiler` on the model (its linear walker is several times
faster than translating constraint by constraint through a persistent solver interface), merges the two halves of
every ranged row back into one HiGHS row, and passes the arrays to a `highspy.Highs` with output off. It keeps the
model's variables in column order and its constraints in row order, so callers map HiGHS rows and columns back to
Pyomo components (`LP.col_of`, `LP.row_of`, by ``id``). Fixed variables are constants of the rows; a variable that
appears in no active row or objective is not a column.

`planner.solve` compiles the model at every solve (and starts HiGHS from the previous basis when the rows and
columns are the same); `planner.fast` compiles it once for a sweep and changes the HiGHS object in place.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field

import highspy
import numpy as np
import pyomo.core as pyo  # not pyomo.environ: its solver and transformation plugins cost 0.12 s of import
import scipy.sparse
from pyomo.repn.plugins import standard_form
from pyomo.repn.plugins.standard_form import LinearStandardFormCompiler

INF = highspy.kHighsInf
STATUS = {  # HiGHS model status -> planner status (others: the name in lower case without the "k")
    "kOptimal": "optimal",
    "kInfeasible": "infeasible",
    "kUnboundedOrInfeasible": "infeasible_or_unbounded",
    "kUnbounded": "unbounded",
    "kTimeLimit": "time_limit",
    "kIterationLimit": "iteration_limit",
}

# The compiler fills these on first use through Pyomo's deferred scipy import, which also imports scipy.stats,
# scipy.integrate and scipy.spatial (0.5 s of a `planner run`); it needs only the two sparse array types.
_impl = standard_form._LinearStandardFormCompiler_impl
if _impl._to_vector is None:
    _impl._to_vector = np.fromiter
    _impl._csc_matrix = scipy.sparse.csc_array
    _impl._csr_matrix = scipy.sparse.csr_array
_banner_shown = False


def new_highs() -> highspy.Highs:
    """A silent `highspy.Highs`. HiGHS prints its banner to the process's stdout when the first instance is made,
    before any option can be set: that one is made with file descriptor 1 pointed at /dev/null."""
    global _banner_shown
    if _banner_shown:
        h = highspy.Highs()
    else:
        sys.stdout.flush()
        saved, null = os.dup(1), os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(null, 1)
            h = highspy.Highs()
        finally:
            os.dup2(saved, 1)
            os.close(saved)
            os.close(null)
        _banner_shown = True
    h.setOptionValue("output_flag", False)
    return h


@dataclass
class LP:
    h: highspy.Highs
    cols: list  # Pyomo variable data of each HiGHS column
    rows: list  # Pyomo constraint data of each HiGHS row
    lower: np.ndarray  # row bounds as compiled (constants of the body moved over)
    upper: np.ndarray
    cost: np.ndarray
    col_lower: np.ndarray
    col_upper: np.ndarray
    offset: float
    maximize: bool
    nnz: int
    col_of: dict[int, int] = field(default_factory=dict)  # id(var) -> column
    row_of: dict[int, int] = field(default_factory=dict)  # id(constraint data) -> row

    @property
    def n_rows(self) -> int:
        return len(self.rows)

    @property
    def n_cols(self) -> int:
        return len(self.cols)

    def signature(self) -> tuple:
        """Same rows and columns in the same order (a basis of one fits the other)."""
        return tuple(map(id, self.cols)), tuple(map(id, self.rows))


def compile_lp(m: pyo.ConcreteModel) -> LP:
    info = LinearStandardFormCompiler().write(m, mixed_form=True, set_sense=None)
    objectives = info.objectives
    if len(objectives) != 1:
        raise ValueError(f"expected one active objective, got {len(objectives)}")
    A = info.A.tocsr()
    rhs = np.asarray(info.rhs, dtype=float)
    keep, lower, upper, row_con = [], [], [], []
    i, n = 0, len(info.rows)
    while i < n:
        con, kind = info.rows[i]
        step = 1
        if kind == 0:
            lo = up = rhs[i]
        elif kind == 1:
            lo, up = -INF, rhs[i]
            if i + 1 < n and info.rows[i + 1].constraint is con and info.rows[i + 1].bound_type == -1:
                lo, step = rhs[i + 1], 2  # a ranged row, compiled as two: one HiGHS row
        else:
            lo, up = rhs[i], INF
        keep.append(i)
        lower.append(lo)
        upper.append(up)
        row_con.append(con)
        i += step
    A = A[keep].tocsc()
    cols = list(info.columns)
    c = np.asarray(info.c.toarray()[0], dtype=float)
    maximize = objectives[0].sense == pyo.maximize
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = len(cols), len(keep)
    lp.col_cost_ = c
    lp.offset_ = float(info.c_offset[0])
    lp.col_lower_ = np.array([-INF if v.lb is None else float(v.lb) for v in cols])
    lp.col_upper_ = np.array([INF if v.ub is None else float(v.ub) for v in cols])
    lp.row_lower_ = np.array(lower, dtype=float)
    lp.row_upper_ = np.array(upper, dtype=float)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = A.indptr.astype(np.int32)
    lp.a_matrix_.index_ = A.indices.astype(np.int32)
    lp.a_matrix_.value_ = A.data.astype(float)
    lp.sense_ = highspy.ObjSense.kMaximize if maximize else highspy.ObjSense.kMinimize
    h = new_highs()
    h.passModel(lp)
    return LP(h=h, cols=cols, rows=row_con, lower=lp.row_lower_, upper=lp.row_upper_, cost=c,
              col_lower=np.asarray(lp.col_lower_), col_upper=np.asarray(lp.col_upper_),
              offset=float(info.c_offset[0]), maximize=maximize, nnz=int(A.nnz),
              col_of={id(v): j for j, v in enumerate(cols)}, row_of={id(con): r for r, con in enumerate(row_con)})
