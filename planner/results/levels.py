"""Stocks and levels of a solution as numpy arrays, computed once per solution (results and analysis share them).

For every (region, measure) pair ``k`` with lifetime ``L`` and builds ``b[k, tau]`` over the model years::

    stock[k, t]       = sum_tau b[k, tau] * [0 <= t - tau < L]              (units standing in year t)
    stock_years[k, t] = sum_tau b[k, tau] * min(t - tau + 1, L) [tau <= t]  (unit-years stood until t)

and every level is the baseline plus each pair's effects per unit (``Params.flows``: its own region, and through the
city grid the regions where thermal power is generated), on the stock for an ordinary indicator and on the
stock-years for one that accumulates (``Params.weight``)::

    level[r, i, t] = baseline[r, i, t] + sum_k e[k; r, i] * (stock or stock_years)[k, t]

The same numbers as `Params.weight` summed in plain Python (tests/test_levels.py compares them), in two small matrix
products instead of O(pairs x T^2) Python loops. Years before the first model year keep their baseline.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np


@dataclass
class LevelMap:
    """The arrays of one `Params` (built once and kept on it, see `level_map`)."""

    p: object  # planner.model.Params

    @cached_property
    def years(self) -> np.ndarray:
        return np.asarray(self.p.years, dtype=np.int64)

    @cached_property
    def index(self) -> dict[tuple[str, str], int]:
        """(region, measure) -> row of the pair in the arrays (the order of ``Params.pairs``)."""
        return {rm: k for k, rm in enumerate(dict.fromkeys(self.p.pairs))}

    @cached_property
    def ri(self) -> dict[tuple[str, str], int]:
        """(region, indicator) -> row of the level arrays."""
        return {(r, i): j for j, (r, i) in enumerate((r, i) for r in self.p.regions for i in self.p.indicators)}

    @cached_property
    def weights(self) -> tuple[np.ndarray, np.ndarray]:
        """Per pair, the weight of a build of year tau in year t: standing (K, T, T) and stock-years (K, T, T)."""
        p, y = self.p, self.years
        age = y[None, :] - y[:, None]  # [tau, t]
        by_life: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        stand = np.empty((len(self.index), len(y), len(y)))
        years = np.empty_like(stand)
        for (_, m), k in self.index.items():
            life = p.lifetime[m]
            if life not in by_life:
                by_life[life] = ((age >= 0) & (age < life)).astype(float), np.where(age >= 0, np.minimum(age + 1, life),
                                                                                    0).astype(float)
            stand[k], years[k] = by_life[life]
        return stand, years

    @cached_property
    def effects(self) -> tuple[np.ndarray, np.ndarray]:
        """Effect per unit of each pair on each (region, indicator): on the stock and on stock-years, (n_ri, K)."""
        p = self.p
        plain = np.zeros((len(self.ri), len(self.index)))
        accum = np.zeros_like(plain)
        for rm, k in self.index.items():
            for (r, i), e in p.flows.get(rm, {}).items():
                (accum if p.accumulates[i] else plain)[self.ri[r, i], k] += e
        return plain, accum

    def builds(self, build: dict[tuple[str, str, int], float]) -> np.ndarray:
        """b[k, tau] from the solution's build values (absent = 0)."""
        b = np.zeros((len(self.index), len(self.years)))
        col = {int(t): j for j, t in enumerate(self.years)}
        for (r, m, t), v in build.items():
            k, j = self.index.get((r, m)), col.get(t)
            if k is not None and j is not None and v:
                b[k, j] = v
        return b

    def stocks(self, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(stock[k, t], stock_years[k, t]) of the builds ``b[k, tau]``."""
        stand, years = self.weights
        return np.einsum("kj,kjt->kt", b, stand), np.einsum("kj,kjt->kt", b, years)

    def deltas(self, b: np.ndarray) -> np.ndarray:
        """Change of every level in the model years, (n_ri, T)."""
        stock, stock_years = self.stocks(b)
        plain, accum = self.effects
        return plain @ stock + accum @ stock_years

    def pair_delta_array(self, b: np.ndarray, r: str, m: str) -> np.ndarray:
        """The change of every level that the deployment of the pair (r, m) alone makes, (n_ri, T): rows as ``ri``,
        columns the model years."""
        k = self.index[r, m]
        stand, years = self.weights
        stock, stock_years = b[k] @ stand[k], b[k] @ years[k]
        plain, accum = self.effects
        return np.outer(plain[:, k], stock) + np.outer(accum[:, k], stock_years)

    def pair_delta(self, b: np.ndarray, r: str, m: str) -> dict[tuple[str, str, int], float]:
        """The change of every level that the deployment of the pair (r, m) alone makes: {(region, indicator, year)}."""
        d = self.pair_delta_array(b, r, m)
        rows, cols = np.nonzero(d)
        keys = list(self.ri)
        return {(*keys[j], int(self.years[c])): float(d[j, c]) for j, c in zip(rows, cols, strict=True)}

    def levels(self, build: dict[tuple[str, str, int], float]) -> dict[tuple[str, str, int], float]:
        """level[r, i, t] for every region, indicator and year from the base year to the last model year."""
        out = dict(self.p.baseline)
        d = self.deltas(self.builds(build))
        rows, cols = np.nonzero(d)
        keys = list(self.ri)
        for j, c in zip(rows.tolist(), cols.tolist(), strict=True):
            r, i = keys[j]
            out[r, i, int(self.years[c])] += float(d[j, c])
        return out


def level_map(p) -> LevelMap:
    """The `LevelMap` of ``p``, built on first use and kept on it (Params are not changed once derived)."""
    lm = p.__dict__.get("_level_map")
    if lm is None or lm.p is not p:
        lm = LevelMap(p)
        p.__dict__["_level_map"] = lm
    return lm
