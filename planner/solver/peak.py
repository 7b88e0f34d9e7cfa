"""The first stage of a case with a peak target: the same case solved with every peak target switched off.

A peak row never compares two endogenous years (that rewards a higher peak year). Its limits are exogenous
(`planner.model.targets`): after the peak year the ceiling ``C`` (the target's value, or the no-peak level of the
peak year), before it the no-peak path ``E0``. This module computes ``E0`` and writes both into the model's
mutable parameters. `planner.solve` calls `prepare` before every solve of a model with a peak target.

The first stage is the same LP with the peak rows freed (no second model is built): `planner.solve` frees them in
its HiGHS object, solves, and hands the solution back here as the path of each peak's indicator; the second stage
then starts from the first stage's basis. The result is cached on the model and recomputed only when the value of
a non-peak target changes (a sweep), so a sweep of the ceiling itself re-solves only the second stage, warm.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pyomo.core as pyo  # not pyomo.environ: its solver and transformation plugins cost 0.12 s of import

from ..model.targets import CEILING, peak_targets, rows

__all__ = ["Reference", "State", "copy_limits", "limits", "onto_first_stage", "peak_targets", "prepare", "reference",
           "state"]


ROUNDING = 1e-9  # relative: how far a limit computed from the first stage may miss that stage's own row level


def onto_first_stage(upper: np.ndarray, activity: np.ndarray, const: np.ndarray, from_path: np.ndarray) -> np.ndarray:
    """The compiled upper bounds of peak rows, each limit that reads the first stage's path (``from_path``: the rows
    up to the peak year) and misses that stage's own row level (``activity``, as HiGHS computed it) by rounding alone
    set to that level.

    ``E0(t)`` is the first stage's level; computed as the baseline plus the effects (a different order of sums than
    HiGHS's) and moved into the row's bound by subtracting the baseline again, it can land a few units in the last
    place below the level the first stage's solution has in the LP. That solution is then infeasible in the second
    stage by that much, and HiGHS works its way back: on 100x200x15, whose peak does not bind, 6,688 simplex
    iterations and 25 s, against none. A limit further below the level than ``ROUNDING`` times the row's size is a
    real limit and stays."""
    size = np.maximum(1.0, np.abs(activity) + np.abs(const))
    lift = from_path & (upper < activity) & (activity - upper <= ROUNDING * size)
    return np.where(lift, activity, upper)


@dataclass
class Reference:
    status: str  # the first stage's solver status
    objective: float | None = None  # discounted cost of the case without its peak targets
    path: dict[str, dict[int, float]] = field(default_factory=dict)  # target -> model year -> E0 (scope level)

    @property
    def optimal(self) -> bool:
        return self.status == "optimal"


@dataclass
class State:
    """Kept on the model as ``m._peak``: a plain object, not a Pyomo component."""

    key: tuple | None = None  # the non-peak target values the cached reference was solved with
    ref: Reference | None = None
    written: dict[str, float] = field(default_factory=dict)  # ceilings written from the first stage
    frozen: bool = False  # keep the cached first stage whatever the other targets (what a dual holds fixed)


def state(m: pyo.ConcreteModel) -> State:
    st = getattr(m, "_peak", None)
    if st is None:
        st = State()
        m._peak = st
    return st


def reference(m: pyo.ConcreteModel, solve_first: Callable[[], Reference]) -> Reference | None:
    """The case without its peak targets (`solve_first` solves it and returns its status, objective and path), or
    the cached one while the other targets' values are unchanged; None when the model has no peak."""
    p = m.params
    peaks = peak_targets(p)
    if not peaks:
        return None
    ids = {t["target_id"] for t in peaks}
    values = tuple((k, pyo.value(m.target_value[k])) for k in m.K if k not in ids)
    st = state(m)
    if st.ref is not None and (st.frozen or st.key == values):
        return st.ref
    ref = solve_first()
    st.key, st.ref = values, ref
    return ref


def prepare(m: pyo.ConcreteModel, solve_first: Callable[[], Reference]) -> Reference | None:
    """Write the first stage's path and ceilings into ``m.peak_path`` and ``m.target_value`` (where the ceiling is
    not explicit). A ceiling the user set with ``m.target_value[k] = x`` after the build stays as set."""
    ref = reference(m, solve_first)
    if ref is None or not ref.optimal:
        return ref
    written = state(m).written
    for t in peak_targets(m.params):
        k, year = t["target_id"], t["year"]
        path = ref.path[k]
        if k in m.peak_auto:
            current = pyo.value(m.target_value[k])
            if k in written and current != written[k]:
                m.peak_auto.discard(k)  # the user set the ceiling: it is explicit from now on
            else:
                m.target_value[k] = path[year]
                written[k] = path[year]
        ceiling = float(pyo.value(m.target_value[k]))
        for kk, y in m.KP:
            if kk == k:
                m.peak_path[k, y] = path[y] if y < year else min(ceiling, path[y])
    return ref


def limits(m: pyo.ConcreteModel) -> dict[tuple[str, int], float]:
    """The right-hand side of every peak row as solved: E0(t) before the peak year, min(C, E0(y)) in it, C after."""
    out = {}
    for r in rows(m.params):
        if r.role:
            out[r.target_id, r.year] = float(pyo.value(
                m.target_value[r.target_id] if r.role == CEILING else m.peak_path[r.target_id, r.year]))
    return out


def copy_limits(source: pyo.ConcreteModel, target: pyo.ConcreteModel) -> None:
    """Give a model built from the same params (the elastic copy of the diagnosis) the source's target values and
    peak limits."""
    for k in source.K:
        target.target_value[k] = pyo.value(source.target_value[k])
    for key in source.KP:
        target.peak_path[key] = pyo.value(source.peak_path[key])
