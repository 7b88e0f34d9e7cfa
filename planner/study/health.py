"""Monte Carlo of the health account of a solved case: how sure are the deaths a plan avoids and their value?

The plan is held as solved (its emissions by region and year, and the baseline's); what is drawn is what turns
emissions into deaths and money, each from its low/high range in the data:

- the **source-receptor coefficients** (source_receptor.csv ``coefficient_low``/``coefficient_high``): one uniform
  draw u per precursor, each coefficient of that precursor at the quantile u of its triangular distribution (low,
  central, high), so a precursor's coefficients move together in every region (they rest on the same shares). The
  background of each region is then **re-calibrated**: it takes up what the drawn coefficients add or remove over
  the calibration years (the record's years up to ``history_until``, data/air_quality.csv ``pm25_observed``), so
  every draw still reproduces the record's mean; only the split between local emissions and background moves;
- the **GEMM's θ** (air_quality.csv low/high = θ ∓ 2 se): normal with sd = (high - low) / 4, cut at 0;
- the **share of deaths** the GEMM covers and the **VSL**: triangular (low, central, high).

Draws from ``numpy.random.default_rng(seed)``. `health_ranges` returns the 5th, 50th and 95th percentiles of the
deaths avoided over the model years, of those in the report year and of their discounted value (yuan of the base
year), beside the central figures of `planner.analysis.health`.
"""

from __future__ import annotations

import numpy as np

from ..inputs.airquality import PM25

QUANTILES = (0.05, 0.5, 0.95)


def _triangular_at(u: np.ndarray, lo: float, mode: float, hi: float) -> np.ndarray:
    """The quantile u of a triangular distribution (low, mode, high); the mode where the range is empty."""
    if hi <= lo:
        return np.full_like(u, mode)
    f = (mode - lo) / (hi - lo)
    return np.where(u < f, lo + np.sqrt(u * (hi - lo) * (mode - lo)), hi - np.sqrt((1 - u) * (hi - lo) * (hi - mode)))


def _af(c: np.ndarray, theta: np.ndarray, alpha: float, mu: float, nu: float, cf: float) -> np.ndarray:
    z = np.maximum(0.0, c - cf)
    return -np.expm1(-theta * np.log1p(z / alpha) / (1.0 + np.exp(-(z - mu) / nu)))


def health_ranges(result, n: int = 1000, seed: int = 1) -> dict:
    """Percentiles (5, 50, 95) of the deaths avoided over the model years (``avoided_deaths``), in the report year
    (``avoided_deaths_<year>``) and of their value in present value (``value_pv_yuan``), over ``n`` draws; empty
    without a health account."""
    p = result.params
    if p.air is None or PM25 not in p.air.indicators or p.health is None or not p.health.complete or n <= 0:
        return {}
    rng = np.random.default_rng(seed)
    regions, years = p.regions, p.years
    ind = result.indicators
    rows = ind[ind["region_id"].isin(regions)]
    base = {(r, i, int(y)): b for r, i, y, b in zip(rows["region_id"], rows["indicator_id"], rows["year"],
                                                   rows["baseline"], strict=True)}
    plan = {(r, i, int(y)): v for r, i, y, v in zip(rows["region_id"], rows["indicator_id"], rows["year"],
                                                   rows["level"], strict=True)}
    terms = p.air.terms[PM25]
    precursors = p.air.precursors(PM25)
    u = {pr: rng.uniform(size=n) for pr in precursors}
    history = getattr(result.data.case, "history_until", None) or p.base_year
    cal = [y for y in sorted(p.health.observed) if p.base_year <= y <= history] or []
    t_idx = np.array(years)
    shape = (n, len(regions), len(years))
    c0, c1 = np.zeros(shape), np.zeros(shape)
    for j, r in enumerate(regions):
        bg = p.air.background.get(PM25, {}).get(r, {})
        b = np.array([bg.get(t, 0.0) for t in years])
        shift = np.zeros(n)
        for s, pr, a, lo, hi in terms.get(r, ()):
            draw = _triangular_at(u[pr], lo, a, hi)  # (n,)
            e0 = np.array([base[s, pr, t] for t in years])
            e1 = np.array([plan[s, pr, t] for t in years])
            c0[:, j, :] += np.outer(draw, e0)
            c1[:, j, :] += np.outer(draw, e1)
            if cal:  # the background takes up what the drawn coefficient adds over the calibration years
                shift += (a - draw) * np.mean([base[s, pr, y] for y in cal])
        c0[:, j, :] += b[None, :] + shift[:, None]
        c1[:, j, :] += b[None, :] + shift[:, None]
    h = p.health
    se = (h.high["gemm_theta"] - h.low["gemm_theta"]) / 4.0
    theta = np.maximum(rng.normal(h.central["gemm_theta"], se, n) if se > 0 else np.full(n, h.central["gemm_theta"]),
                       0.0)
    share = _triangular_at(rng.uniform(size=n), h.low["ncd_lri_share"], h.central["ncd_lri_share"],
                           h.high["ncd_lri_share"])
    vsl = _triangular_at(rng.uniform(size=n), h.low["vsl"], h.central["vsl"], h.high["vsl"])
    args = (h.central["gemm_alpha"], h.central["gemm_mu"], h.central["gemm_nu"], h.central["gemm_cf"])
    m = np.array([[h.deaths[t] * p.air.weights.get(r, 0.0) for t in years] for r in regions])  # before the share
    th = theta[:, None, None]
    avoided = share[:, None, None] * m[None, :, :] * (_af(c0, th, *args) - _af(c1, th, *args))  # (n, R, T)
    df = np.array([p.df[t] for t in years])
    total = avoided.sum(axis=(1, 2))
    value = vsl * (avoided.sum(axis=1) * df[None, :]).sum(axis=1)
    report = 2030 if 2030 in years else years[-1]
    at = avoided[:, :, int(np.flatnonzero(t_idx == report)[0])].sum(axis=1)

    def q(x: np.ndarray) -> tuple[float, float, float]:
        return tuple(float(v) for v in np.quantile(x, QUANTILES))

    return {"samples": int(n), "seed": seed, "years": f"{years[0]}-{years[-1]}", "report_year": report,
            "avoided_deaths": q(total), f"avoided_deaths_{report}": q(at), "value_pv_yuan": q(value),
            "calibration_years": cal}


__all__ = ["health_ranges"]
