"""The peak rows of a compiled model (`planner.solver.compiled`) and the map that gives their limits from the first
stage.

A peak target's rows read ``L(t) <= E0(t)`` before its year y, ``L(y) <= min(C, E0(y))`` and ``L(t) <= C`` after
(`planner.model.targets`), where ``E0`` is the level of its indicator over its scope in the first stage's solution
(the case without its peaks, `planner.solver.peak`). That level is affine in the build vector
(`planner.model.indicators`)::

    E0(t) = B(t) + sum over (r_b, m, tau) of  e(r_b, m) * w(m, i, tau, t) * build[r_b, m, tau]

with ``B`` the baseline summed over the scope, ``e`` the effect of a unit built in r_b on i summed over the scope's
regions (own effects, and grid flows through the scope's thermal share: `scope_effects`) and ``w`` its weight
(`Params.weight`). `peak_rows` builds that sparse matrix once per peak target, with the rows' HiGHS indices and the
constants of their bodies, so a sweep point writes the rows with one matrix product and one ``changeRowsBounds``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyomo.core as pyo  # not pyomo.environ: its solver and transformation plugins cost 0.12 s of import
import scipy.sparse as sp

from ..model.targets import last_year, peak_targets


@dataclass
class PeakRows:
    """One peak target in the second stage: its rows, and the map from the first stage's build vector to E0."""

    target_id: str
    year: int  # the peak year y
    years: list[int]  # the model years it has a row in (to its ``until``)
    rows: np.ndarray  # HiGHS row of each of those years in the second stage
    const: np.ndarray  # the row body's constant (the baseline over the scope), moved into its bound
    level: sp.csr_matrix  # first-stage build vector (`Compiled.build_values`) -> scope level, one row per model year
    level0: np.ndarray  # the baseline over the scope, per model year
    model_years: list[int]
    ceiling: float | None  # C when explicit; None: C = E0(y)
    enabled: bool = True

    def path(self, build: np.ndarray) -> np.ndarray:
        """E0 in every model year, from the first stage's build vector."""
        return self.level0 + self.level @ build

    def limits(self, build: np.ndarray | None = None, path: np.ndarray | None = None) -> np.ndarray:
        """The right-hand side of each row: E0(t) before y, min(C, E0(y)) in y, C after (from a build vector, or from
        the path E0 when it is known)."""
        e0 = dict(zip(self.model_years, (self.path(build) if path is None else path).tolist(), strict=True))
        c = e0[self.year] if self.ceiling is None else self.ceiling
        return np.array([e0[t] if t < self.year else min(c, e0[t]) if t == self.year else c for t in self.years])


def peak_rows(m: pyo.ConcreteModel, target_rows: dict[tuple[str, int], int], index: list[tuple[str, str, int]],
              upper: np.ndarray) -> dict[str, PeakRows]:
    """Each peak target of the model: its HiGHS rows (``target_rows``, with their compiled upper bounds ``upper``)
    and the map from a build vector in ``index`` order (the first stage's) to the level of its indicator."""
    p = m.params
    out = {}
    for t in peak_targets(p):
        k, i, y = t["target_id"], t["indicator_id"], t["year"]
        level = _level_matrix(p, i, scope_effects(p, i, t["scope"]), index)
        years = [year for year in p.years if year <= last_year(p, t) and (k, year) in target_rows]
        rows = np.array([target_rows[k, year] for year in years], dtype=np.int32)
        at_build = np.array([pyo.value(m.peak_path[k, year] if year <= y else m.target_value[k]) for year in years])
        ceiling = None if k in m.peak_auto else float(pyo.value(m.target_value[k]))
        out[k] = PeakRows(k, y, years, rows, at_build - upper[rows], level,
                          np.array([p.baseline_sum(i, t["scope"], year) for year in p.years]), list(p.years), ceiling)
    return out


def scope_effects(p, i: str, scope: str) -> dict[tuple[str, str], float]:
    """(region built, measure) -> effect of one unit standing on indicator i summed over the scope's regions, as the
    model's levels book it (`planner.model.indicators`): the measure's own effect where it is built in the scope,
    plus the thermal output it moves (``Params.thermal_delta``) times i's change per MWh (``thermal_moved``) times
    the scope's share of thermal generation. One term per pair, where `Params.acting` spreads the grid's part over
    every region (regions x pairs entries: most of a sweep's compile on 100 regions)."""
    regions = p.scope_regions(scope)
    inside = set(regions)
    moved = p.thermal_moved.get(i, 0.0)
    share = sum(p.grid.shares.get(r, 0.0) for r in regions) if moved and p.grid is not None else 0.0
    out: dict[tuple[str, str], float] = {}
    for rb, ms in p.pairs:
        e = p.effects.get((rb, ms), {}).get(i, 0.0) if rb in inside else 0.0
        if share:
            e += moved * share * p.thermal_delta.get((rb, ms), 0.0)
        if e:
            out[rb, ms] = e
    return out


def _level_matrix(p, i: str, effect: dict[tuple[str, str], float], index: list[tuple[str, str, int]]) -> sp.csr_matrix:
    """Build vector in ``index`` order -> the scope level of i, one row per model year: entry ``e * w(m, i, tau, t)``
    for every build column of a pair with an effect e and every year t where its weight is not zero. Each row holds
    its columns in ascending order (the products are summed in that order)."""
    years = p.years
    position = {key: j for j, key in enumerate(index)}
    data, row_of, col_of = [np.zeros(0)], [np.zeros(0, dtype=np.int64)], [np.zeros(0, dtype=np.int64)]
    for (rb, ms), e in effect.items():
        if not e:
            continue
        w, n, k = p.weight_matrix(ms, i)
        cols = np.array([position.get((rb, ms, tau), -1) for tau in years], dtype=np.int64)[k]
        keep = cols >= 0
        data.append(e * w[n[keep], k[keep]])
        row_of.append(n[keep])
        col_of.append(cols[keep])
    data, row_of, col_of = np.concatenate(data), np.concatenate(row_of), np.concatenate(col_of)
    order = np.lexsort((col_of, row_of))
    return sp.csr_matrix((data[order], (row_of[order], col_of[order])), shape=(len(years), len(index)))
