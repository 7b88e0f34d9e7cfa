"""Marginal costs at a degenerate optimum: the cost of tightening a row, whichever basis HiGHS ended on.

At a degenerate optimum a binding row's dual is one of an interval of optimal duals, whose ends are the value
function's two one-sided slopes: what loosening the row saves and what tightening it costs. Which end (or which point
between) HiGHS reports depends on the basis it ends on, so on where it started: a sweep's point warm-started from the
point before it reported 14,935 yuan/pp where the same point alone gave 15,369, and the carbon peak's rows before the
peak year (held at the first stage's path, so degenerate by construction) reported 0 where holding a year one tonne
lower costs thousands of yuan.

planner reports the **tightening side**, in `planner.solve` and in every study alike: a row whose bound cannot move
inward without a change of basis (HiGHS's ranging says so) is tightened by `STEP` of its size, re-solved warm, and its
new dual read: the slope of the value function on the tightening side (the next linear piece starts at the bound).
Then the bound is put back and HiGHS re-solved (warm, no iteration). A row that ranging shows can be tightened on the
same basis keeps its dual, which is that slope already. A row that cannot be tightened at all (a share of 100%, a
target at the edge of what the measures reach: the tightened case is infeasible) gets the other side, what loosening
it by a unit saves. These figures do not depend on the basis, so neither on the order of a sweep's points.
"""

from __future__ import annotations

import numpy as np

from .lp import run_highs

STEP = 1e-7  # of a row's size: the tightening step (well inside a linear piece of the value function)
AT_BOUND = 1e-7  # of a row's size: a row this close to a bound is binding there


def tightening_duals(h, rows, time_limit: float | None = None) -> dict[int, float]:
    """{HiGHS row: its dual on the tightening side} for the binding rows among ``rows`` whose dual HiGHS's basis
    leaves open (see the module docstring), from ``h`` solved to optimality; ``h`` is left solved at the same optimum.
    Rows not returned keep their dual."""
    rows = [int(r) for r in rows]
    if not rows:
        return {}
    model, sol = h.getLp(), h.getSolution()
    lo, up = np.asarray(model.row_lower_), np.asarray(model.row_upper_)
    act = np.asarray(sol.row_value)
    todo = []
    for r in rows:
        size = max(1.0, abs(act[r]))
        at_lo = np.isfinite(lo[r]) and abs(act[r] - lo[r]) <= AT_BOUND * size
        at_up = np.isfinite(up[r]) and abs(act[r] - up[r]) <= AT_BOUND * size
        if at_lo != at_up:  # binding on one side (an equality row has no tightening direction)
            todo.append((r, at_lo, size))
    if not todo:
        return {}
    _, ranging = h.getRanging()
    n = len(lo)
    raise_lo = np.asarray(getattr(getattr(ranging, "row_bound_up", None), "value_", []), dtype=float)
    lower_up = np.asarray(getattr(getattr(ranging, "row_bound_dn", None), "value_", []), dtype=float)
    if len(raise_lo) != n or len(lower_up) != n:  # no ranging (HiGHS could not give it): re-solve every binding row
        raise_lo, lower_up = lo.astype(float).copy(), up.astype(float).copy()
    basic = [s.name == "kBasic" for s in h.getBasis().row_status]  # a basic row at its bound: degenerate as well
    if time_limit is not None:
        h.setOptionValue("time_limit", float(time_limit))
    out: dict[int, float] = {}
    moved = False
    start = h.getBasis()  # the optimal basis: every attempt that fails (infeasible) starts the next from it again
    for r, at_lo, size in todo:
        room = (raise_lo[r] - lo[r]) if at_lo else (up[r] - lower_up[r])
        if not basic[r] and room > STEP * size:  # the basis holds on the tightening side: its dual is that slope
            continue
        step = STEP * size
        for sign in (1.0, -1.0):  # tightened; if that is infeasible (a share of 100%), loosened
            h.changeRowBounds(r, lo[r] + sign * step, up[r]) if at_lo else \
                h.changeRowBounds(r, lo[r], up[r] - sign * step)
            run_highs(h)  # a warm start ending unknown is run again cold
            moved = True
            if h.getModelStatus().name == "kOptimal":
                out[r] = float(h.getSolution().row_dual[r])
                break
            h.setBasis(start)  # HiGHS's proof of infeasibility leaves a basis no later solve should start from
        h.changeRowBounds(r, lo[r], up[r])
    if moved:
        h.setBasis(start)
        run_highs(h)  # back at the optimum of the row bounds as given
    return out
