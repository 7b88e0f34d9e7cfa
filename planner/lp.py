"""The LP of a built model, handed to HiGHS: the standard form (`planner.compiler`), then arrays into a `highspy.Highs`.

Pyomo stays the one statement of the formulation; this module only moves it into HiGHS. `compile_lp` takes the
model's standard form (what Pyomo's `LinearStandardFormCompiler` gives, with a ranged row as one row) and passes the
arrays to a `highspy.Highs` with output off. It keeps the model's variables in column order and its constraints in
row order, so callers map HiGHS rows and columns back to Pyomo components (`LP.col_of`, `LP.row_of`, by ``id``).
Fixed variables are constants of the rows; a variable that appears in no active row or objective is not a column.

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

from .compiler import standard_form

INF = highspy.kHighsInf
STATUS = {  # HiGHS model status -> planner status (others: the name in lower case without the "k")
    "kOptimal": "optimal",
    "kInfeasible": "infeasible",
    "kUnboundedOrInfeasible": "infeasible_or_unbounded",
    "kUnbounded": "unbounded",
    "kTimeLimit": "time_limit",
    "kIterationLimit": "iteration_limit",
}

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
    component_cols: dict[int, np.ndarray] = field(default_factory=dict)  # `StandardForm.component_cols`

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
    f = standard_form(m)
    A = f.A
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = len(f.cols), len(f.rows)
    lp.col_cost_ = f.cost
    lp.offset_ = f.offset
    lp.col_lower_, lp.col_upper_ = f.col_lower, f.col_upper
    lp.row_lower_, lp.row_upper_ = f.lower, f.upper
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = A.indptr.astype(np.int32)
    lp.a_matrix_.index_ = A.indices.astype(np.int32)
    lp.a_matrix_.value_ = A.data.astype(float)
    lp.sense_ = highspy.ObjSense.kMaximize if f.maximize else highspy.ObjSense.kMinimize
    h = new_highs()
    h.passModel(lp)
    return LP(h=h, cols=f.cols, rows=f.rows, lower=f.lower, upper=f.upper, cost=f.cost, col_lower=f.col_lower,
              col_upper=f.col_upper, offset=f.offset, maximize=f.maximize, nnz=int(A.nnz),
              col_of={id(v): j for j, v in enumerate(f.cols)}, row_of={id(con): r for r, con in enumerate(f.rows)},
              component_cols=f.component_cols)


def columns_of(lp: LP, var, keys: list) -> np.ndarray:
    """The HiGHS column of ``var[k]`` for each k of ``keys`` (-1: not a column). ``keys`` must be the Var's whole
    index in its own order (planner's ``build`` and ``stock``: pairs x years); then the compiler's record of the
    component is read, else each variable is looked up."""
    known = lp.component_cols.get(id(var))
    if known is not None and len(known) == len(keys):
        return known.astype(np.int64)
    return np.array([lp.col_of.get(id(var[k]), -1) for k in keys], dtype=np.int64)
