"""Health: deaths attributable to PM2.5 (GEMM), their value, and the least-social-cost objective.

**Deaths** (Burnett et al. 2018, PNAS 115:9592, the Global Exposure Mortality Model; parameters in
data/air_quality.csv, from the authors' GEMM Calculator). In region r and year y, with C the annual mean PM2.5::

    z        = max(0, C - cf)                                          (cf: the counterfactual, 2.4 µg/m3)
    HR(C)    = exp( θ · ln(1 + z/α) / (1 + exp(-(z - μ)/ν)) )
    D[r, y]  = M[r, y] · (1 - 1/HR(C[r, y]))                          (deaths attributable to PM2.5)
    M[r, y]  = deaths[y] · ncd_lri_share · pop[r] / Σ pop                (NCD+LRI deaths of adults 25+ in r)

so a plan's **avoided deaths** are ``D(C0) - D(C)``, C0 the baseline's concentration (no measures), and their value
``VSL · (D(C0) - D(C))`` yuan a year (the VSL in yuan of the base year, held constant in real terms). GEMM is
nonlinear in C, so results compute it exactly (`planner.analysis.health`), never the LP.

**Least social cost** (case setting ``objective = "social"``). The objective becomes the discounted financial cost
minus the discounted value of the deaths avoided, with D linearised around the baseline's path (its tangent)::

    min  cost  +  Σ_t df[t] · VSL · Σ_r D'(C0[r, t]) · M[r, t] · (C[r, t] - C0[r, t])

``C[r, t]`` is the concentration's level expression (`planner.model.indicators`: affine in the stock and thermal
output), so this stays an LP; the constant ``-Σ h · C0`` is kept in the objective, so its value reads as cost minus
benefit. ``D`` is concave in C over the range of the data (its slope falls as C rises), so the tangent lies above it:
the LP's benefit of a cut is a little below the exact GEMM's, never above (the results report both). A piecewise
linear form would need integer variables for a concave function; the tangent keeps the LP.

**No emission below zero** (constraint ``precursor_floor``, least social cost only). A cut of financial cost has
nothing to stop it once the cut itself is valued: the measures' effects are linear, so at their potentials they could
take a precursor's level below zero in a region, tonnes the LP would value but that cannot exist. For the least
social cost, every precursor of a concentration gets, in every region and model year where the measures can reach
it, the row::

    level[r, i, t] >= 0                                                (constraint precursor_floor)

(`planner.model.bounds`' reach decides where a row can bind; the least financial cost never pays to cut below zero
and has no such rows.)
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..inputs.airquality import PM25


@dataclass(frozen=True)
class Gemm:
    theta: float
    alpha: float
    mu: float
    nu: float
    cf: float

    def af(self, c):
        """Attributable fraction 1 - 1/HR at concentration c (µg/m3; a number or a numpy array)."""
        z = np.maximum(0.0, np.asarray(c, dtype=float) - self.cf)
        log_hr = self.theta * np.log1p(z / self.alpha) / (1.0 + np.exp(-(z - self.mu) / self.nu))
        out = -np.expm1(-log_hr)
        return float(out) if out.ndim == 0 else out

    def slope(self, c, h: float = 1e-4):
        """d(af)/dc at c (central difference; 0 below the counterfactual)."""
        c = np.asarray(c, dtype=float)
        lo = np.maximum(c - h, self.cf)
        hi = np.maximum(c + h, self.cf)
        span = np.where(hi > lo, hi - lo, 1.0)
        out = (np.asarray(self.af(hi)) - np.asarray(self.af(lo))) / span
        out = np.where(hi > lo, out, 0.0)
        return float(out) if out.ndim == 0 else out


def gemm(values: dict[str, float]) -> Gemm:
    return Gemm(theta=values["gemm_theta"], alpha=values["gemm_alpha"], mu=values["gemm_mu"], nu=values["gemm_nu"],
                cf=values["gemm_cf"])


def exposed_deaths(health, weights: dict[str, float], regions: list[str], years, share: float | None = None) \
        -> dict[tuple[str, int], float]:
    """M[r, y]: the NCD+LRI deaths of adults 25+ in region r and year y (the GEMM's baseline)."""
    share = health.central["ncd_lri_share"] if share is None else share
    return {(r, y): health.deaths[y] * share * weights.get(r, 0.0) for r in regions for y in years}


def social_coefficients(p) -> tuple[dict[tuple[str, str, int], float], float]:
    """The least-social-cost terms of a `Params` p: ``{(r, c, t): h}`` with ``h = df[t] · VSL · M[r, t] · D'(C0)``
    (yuan of present value per µg/m3 of the concentration c in r and t) and the constant ``-Σ h · C0``."""
    if p.air is None or p.health is None or not p.health.complete:
        raise ValueError("the least social cost needs data/source_receptor.csv and every parameter of "
                         "data/air_quality.csv")
    g = gemm(p.health.central)
    vsl = p.health.central["vsl"]
    m = exposed_deaths(p.health, p.air.weights, p.regions, p.years)
    coef, const = {}, 0.0
    for c in [i for i in p.air.indicators if i == PM25]:
        for r in p.regions:
            for t in p.years:
                c0 = p.baseline[r, c, t]
                h = p.df[t] * vsl * m[r, t] * g.slope(c0)
                if h and math.isfinite(h):
                    coef[r, c, t] = h
                    const -= h * c0
    return coef, const


def add_constraints(m, p) -> None:
    """The ``precursor_floor`` rows of the least social cost (none for the least financial cost)."""
    import pyomo.core as pyo

    from .bounds import _reach

    rows = []
    if p.objective == "social" and p.air is not None:
        cache: dict = {}
        precursors = [i for c in p.air.indicators for i in p.air.precursors(c) if i in p.indicators]
        rows = [(r, i, t) for i in dict.fromkeys(precursors) for r in p.regions for t in p.years
                if p.baseline[r, i, t] + _reach(p, r, i, t, -1.0, cache) < 0]
    m.FLOORED = pyo.Set(initialize=rows, dimen=3, ordered=True)
    m.precursor_floor = pyo.Constraint(m.FLOORED, rule=lambda _, r, i, t: m.level[r, i, t] >= 0)


def health_totals(p, levels) -> dict[str, float]:
    """The deaths a plan avoids over the model years (exact GEMM, baseline minus plan) and their value in present
    value (yuan of the base year, discounted as every cost), from the plan's PM2.5 levels ``levels[r, pm25, t]``;
    empty without a health account. The same arithmetic as `planner.analysis.health` (a sweep's row reads it)."""
    if p.air is None or PM25 not in p.air.indicators or p.health is None or not p.health.complete:
        return {}
    g, vsl = gemm(p.health.central), p.health.central["vsl"]
    m = exposed_deaths(p.health, p.air.weights, p.regions, p.years)
    keys = [(r, t) for r in p.regions for t in p.years]
    c0 = np.array([p.baseline[r, PM25, t] for r, t in keys])
    c1 = np.array([levels[r, PM25, t] for r, t in keys])
    avoided = np.array([m[k] for k in keys]) * (g.af(c0) - g.af(c1))
    df = np.array([p.df[t] for _, t in keys])
    return {"avoided_deaths": float(avoided.sum()), "value_pv": float(vsl * (avoided * df).sum())}


__all__ = ["Gemm", "add_constraints", "exposed_deaths", "gemm", "health_totals", "social_coefficients"]
