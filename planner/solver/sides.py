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

**Computed once per optimal face** (`Memo`, used by a sweep's compiled model). The tightening side of a row is the
extreme of its dual over the set of optimal duals, and that set is fixed by the constraint matrix, the costs, which
bounds are finite and the solution's pattern: which rows and columns sit at which bound and which lie strictly
between (complementary slackness with any one optimal solution characterises every optimal dual). Points of a sweep
that change only bounds (a target's value, a potential) and end with the same pattern therefore have the same
tightening sides: the memo keys them by a hash of exactly those things and re-solves only for a pattern it has not
seen. Anything else (a cost, a coefficient a share target writes) changes the key.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict

import numpy as np

from .lp import run_highs

STEP = 1e-7  # of a row's size: the tightening step (well inside a linear piece of the value function)
AT_BOUND = 1e-7  # of a row's size: a row this close to a bound is binding there


class Memo:
    """The tightening sides of the last ``size`` optimal faces seen, by `face_key`; hits and misses counted."""

    def __init__(self, size: int = 64):
        self.size, self.hits, self.misses = size, 0, 0
        self._store: OrderedDict[bytes, dict[int, float]] = OrderedDict()

    def get(self, key: bytes) -> dict[int, float] | None:
        found = self._store.get(key)
        if found is None:
            self.misses += 1
            return None
        self.hits += 1
        self._store.move_to_end(key)
        return dict(found)

    def put(self, key: bytes, sides: dict[int, float]) -> None:
        self._store[key] = dict(sides)
        self._store.move_to_end(key)
        while len(self._store) > self.size:
            self._store.popitem(last=False)


def _at(value: np.ndarray, lo: np.ndarray, up: np.ndarray) -> np.ndarray:
    """0 strictly between the bounds, 1 at the lower, 2 at the upper, 3 at both (a fixed column, an equality row)."""
    size = np.maximum(1.0, np.abs(value)) * AT_BOUND
    with np.errstate(invalid="ignore"):  # inf - inf of a free row
        at_lo = np.isfinite(lo) & (np.abs(value - lo) <= size)
        at_up = np.isfinite(up) & (np.abs(value - up) <= size)
    return (at_lo.astype(np.uint8) + 2 * at_up.astype(np.uint8)).astype(np.uint8)


def face_key(model, sol, rows: list[int]) -> bytes:
    """What fixes the set of optimal duals, and so every row's tightening side: the matrix, the costs, which bounds
    are finite, the pattern of the solution (`_at` for every row and column) and the rows asked about."""
    digest = hashlib.blake2b(digest_size=20)
    a = model.a_matrix_
    for part in (a.start_, a.index_, a.value_, model.col_cost_, [int(a.format_), int(model.sense_)], rows):
        digest.update(np.ascontiguousarray(part).tobytes())
    for lo, up, value in ((model.col_lower_, model.col_upper_, sol.col_value),
                          (model.row_lower_, model.row_upper_, sol.row_value)):
        lo, up = np.asarray(lo, dtype=float), np.asarray(up, dtype=float)
        digest.update(np.packbits(np.isfinite(lo)).tobytes() + np.packbits(np.isfinite(up)).tobytes())
        digest.update(_at(np.asarray(value, dtype=float), lo, up).tobytes())
    return digest.digest()


def tightening_duals(h, rows, time_limit: float | None = None, memo: Memo | None = None) -> dict[int, float]:
    """{HiGHS row: its dual on the tightening side} for the binding rows among ``rows`` whose dual HiGHS's basis
    leaves open (see the module docstring), from ``h`` solved to optimality; ``h`` is left solved at the same optimum.
    Rows not returned keep their dual. With a ``memo``, an optimal face seen before returns its sides without a
    solve (every binding row's, as they were found then)."""
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
    key = face_key(model, sol, rows) if memo is not None else None
    if key is not None and (found := memo.get(key)) is not None:
        return found
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
    if key is not None:  # every binding row's side: a later point on this face may end on another basis
        memo.put(key, {r: out.get(r, float(sol.row_dual[r])) for r, _, _ in todo})
    return out
