"""Stocks and levels of a solution as numpy arrays, computed once per solution (results and analysis share them).

For every (region, measure) pair ``k`` with lifetime ``L`` and builds ``b[k, tau]`` over the model years::

    stock[k, t]       = sum_tau b[k, tau] * [0 <= t - tau < L]              (units standing in year t)
    stock_years[k, t] = sum_tau b[k, tau] * min(t - tau + 1, L) [tau <= t]  (unit-years stood until t)

and every level is the baseline plus each pair's own effects per unit in the region where it is built, plus the
city grid's part: the thermal output the pairs move (``delta[k]``, `Params.thermal_delta`) booked to each region by
its thermal share times the indicator's change per MWh (``g[r, i] = share[r] * f[i]``, `Params.flows`), on the stock
for an ordinary indicator and on the stock-years for one that accumulates (``Params.weight``)::

    level[r, i, t] = baseline[r, i, t] + sum_k e[k; r, i] * S[k, t] + g[r, i] * sum_k delta[k] * S[k, t]

with S the stock or the stock-years. The own effects are kept as a sparse list of entries (a pair moves a handful of
indicators in one region) and the grid's part as one term per year, as the model books them
(`planner.model.indicators`): booked to every region first, the grid made a dense regions x pairs matrix (750 MB and
10 s of result tables on 38 regions). The same numbers as `Params.weight` summed in plain Python (tests/test_levels.py
compares them), in array products instead of O(pairs x T^2) Python loops. Years before the first model year keep their
baseline.
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
    def lifetimes(self) -> np.ndarray:
        return np.array([self.p.lifetime[m] for (_, m) in self.index], dtype=np.int64)

    def _weights(self, life: int) -> tuple[np.ndarray, np.ndarray]:
        """The weight of a build of year tau in year t, [tau, t]: standing, and stock-years."""
        cache = self.__dict__.setdefault("_by_life", {})
        w = cache.get(life)
        if w is None:
            y = self.years
            age = y[None, :] - y[:, None]
            w = cache[life] = (((age >= 0) & (age < life)).astype(float),
                               np.where(age >= 0, np.minimum(age + 1, life), 0).astype(float))
        return w

    @cached_property
    def own(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The pairs' own effects as entries: (row of ``ri``, pair, effect per unit, accumulates)."""
        p, ri = self.p, self.ri
        rows, ks, vals, acc = [], [], [], []
        for (r, m), k in self.index.items():
            for i, e in p.effects.get((r, m), {}).items():
                if e:
                    rows.append(ri[r, i])
                    ks.append(k)
                    vals.append(e)
                    acc.append(p.accumulates[i])
        # a concentration (source_receptor.csv) moves in every receptor region with its precursors' own effects in the
        # region built (`Params.lp_terms`, as the model writes it)
        for c in sorted(p.concentrations):
            for r in p.regions:
                for rb, m, e in p.lp_terms(r, c)[0]:
                    k = self.index.get((rb, m))
                    if k is not None and e:
                        rows.append(ri[r, c])
                        ks.append(k)
                        vals.append(e)
                        acc.append(p.accumulates[c])
        return (np.array(rows, dtype=np.int64), np.array(ks, dtype=np.int64), np.array(vals, dtype=float),
                np.array(acc, dtype=bool))

    @cached_property
    def grid(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The grid's part: (delta[k] per pair, g over ``ri`` for ordinary indicators, g for accumulating ones)."""
        p = self.p
        delta = np.array([p.thermal_delta.get(rm, 0.0) for rm in self.index], dtype=float)
        plain, accum = np.zeros(len(self.ri)), np.zeros(len(self.ri))
        if p.grid is not None:
            shares = p.grid.shares
            for i, f in p.thermal_moved.items():
                for r in p.regions:
                    s = shares.get(r, 0.0)
                    if s and f:
                        (accum if p.accumulates[i] else plain)[self.ri[r, i]] = s * f
            for c in p.concentrations:  # through its precursors in every source region (`Params.grid_coef`)
                for r in p.regions:
                    (accum if p.accumulates[c] else plain)[self.ri[r, c]] = p.grid_coef(r, c)
        return delta, plain, accum

    def builds(self, build: dict[tuple[str, str, int], float]) -> np.ndarray:
        """b[k, tau] from the solution's build values (absent = 0)."""
        b = np.zeros((len(self.index), len(self.years)))
        col = {int(t): j for j, t in enumerate(self.years)}
        index = self.index
        for (r, m, t), v in build.items():
            if v:
                k, j = index.get((r, m)), col.get(t)
                if k is not None and j is not None:
                    b[k, j] = v
        return b

    def stocks(self, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(stock[k, t], stock_years[k, t]) of the builds ``b[k, tau]``."""
        stock, years = np.zeros_like(b), np.zeros_like(b)
        lifes = self.lifetimes
        for life in np.unique(lifes).tolist():
            rows = np.flatnonzero(lifes == life)
            stand, stood = self._weights(life)
            stock[rows] = b[rows] @ stand
            years[rows] = b[rows] @ stood
        return stock, years

    def _scatter(self, stock: np.ndarray, stock_years: np.ndarray, rows_of: np.ndarray | None = None) -> np.ndarray:
        """Change of every level (n_ri, T) from the stocks (all pairs; the own entries of ``rows_of`` only)."""
        rows, ks, vals, acc = self.own
        if rows_of is not None:
            rows, ks, vals, acc = rows[rows_of], ks[rows_of], vals[rows_of], acc[rows_of]
        contrib = vals[:, None] * np.where(acc[:, None], stock_years[ks], stock[ks])
        out = np.zeros((len(self.ri), len(self.years)))
        np.add.at(out, rows, contrib)
        return out

    def deltas(self, b: np.ndarray) -> np.ndarray:
        """Change of every level in the model years, (n_ri, T)."""
        stock, stock_years = self.stocks(b)
        out = self._scatter(stock, stock_years)
        delta, plain, accum = self.grid
        if delta.any():
            out += np.outer(plain, delta @ stock) + np.outer(accum, delta @ stock_years)
        return out

    @cached_property
    def _own_by_pair(self) -> dict[int, np.ndarray]:
        ks = self.own[1]
        order = np.argsort(ks, kind="stable")
        bounds = np.searchsorted(ks[order], np.arange(len(self.index) + 1))
        return {k: order[bounds[k]:bounds[k + 1]] for k in range(len(self.index))}

    def pair_delta_array(self, b: np.ndarray, r: str, m: str) -> np.ndarray:
        """The change of every level that the deployment of the pair (r, m) alone makes, (n_ri, T): rows as ``ri``,
        columns the model years."""
        k = self.index[r, m]
        stand, stood = self._weights(self.p.lifetime[m])
        stock, stock_years = b[k] @ stand, b[k] @ stood
        out = np.zeros((len(self.ri), len(self.years)))
        rows, _, vals, acc = self.own
        for e in self._own_by_pair[k].tolist():
            out[rows[e]] += vals[e] * (stock_years if acc[e] else stock)
        delta, plain, accum = self.grid
        if delta[k]:
            out += delta[k] * (np.outer(plain, stock) + np.outer(accum, stock_years))
        return out

    def pair_delta(self, b: np.ndarray, r: str, m: str) -> dict[tuple[str, str, int], float]:
        """The change of every level that the deployment of the pair (r, m) alone makes: {(region, indicator, year)}."""
        d = self.pair_delta_array(b, r, m)
        rows, cols = np.nonzero(d)
        keys = list(self.ri)
        return {(*keys[j], int(self.years[c])): float(d[j, c]) for j, c in zip(rows, cols, strict=True)}

    def contributions(self, b: np.ndarray, coef: np.ndarray, stocks: tuple | None = None) -> np.ndarray:
        """For each pair, ``sum over (ri, t) of coef[ri, t] * (the change of level ri in year t its deployment alone
        makes)``: (K,). A target row's slack is affine in the levels (`planner.results.tables.slack_terms`), so this is
        how much the pair's deployment adds to the row's slack, for every pair in one pass. ``stocks``: the
        `stocks` of ``b``, when the caller has them."""
        stock, stock_years = stocks if stocks is not None else self.stocks(b)
        rows, ks, vals, acc = self.own
        per_entry = vals * (np.where(acc[:, None], stock_years[ks], stock[ks]) * coef[rows]).sum(axis=1)
        out = np.bincount(ks, weights=per_entry, minlength=len(self.index))
        delta, plain, accum = self.grid
        if delta.any():
            out += delta * (stock @ (plain @ coef) + stock_years @ (accum @ coef))
        return out

    def levels(self, build: dict[tuple[str, str, int], float]) -> dict[tuple[str, str, int], float]:
        """level[r, i, t] for every region, indicator and year from the base year to the last model year."""
        out = dict(self.p.baseline)
        d = self.deltas(self.builds(build))
        rows, cols = np.nonzero(d)
        keys = list(self.ri)
        years = self.years.tolist()
        for j, c, v in zip(rows.tolist(), cols.tolist(), d[rows, cols].tolist(), strict=True):
            r, i = keys[j]
            out[r, i, years[c]] += v
        return out


def level_map(p) -> LevelMap:
    """The `LevelMap` of ``p``, built on first use and kept on it (Params are not changed once derived)."""
    lm = p.__dict__.get("_level_map")
    if lm is None or lm.p is not p:
        lm = LevelMap(p)
        p.__dict__["_level_map"] = lm
    return lm
