"""Monte Carlo over uncertain inputs: measure costs from the low/high ranges in measures.csv, and any other key.

Each measure cost column with a range (``capex_low``/``capex_high``, ``fixed_om_low``/``fixed_om_high``,
``savings_low``/``savings_high``; ranges with low == high are fixed) is drawn independently:

- ``triangular`` (default): low, mode = the central value in the data, high (numpy ``triangular``);
- ``uniform``: between low and high.

``ranges`` adds other uncertain inputs as ``{dotted key: (low, high)}`` or ``(low, mode, high)`` (a potential, a
target value, the discount rate). Draws come from ``numpy.random.default_rng(seed)``: the same seed gives the same
samples and the same table on any engine. Every sample is a point of `planner.sweep` (solved warm, in place).

`summarize` turns the samples into the tables a planner reads: the distribution of total cost and of each marginal
cost, how often each measure is built, and how often each target row binds.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..inputs.case import Case, load_case
from ..inputs.load import load
from .sweep import sweep

COST_COLUMNS = ("capex", "fixed_om", "savings")
QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)


def cost_ranges(case: Case) -> dict[str, tuple[float, float, float]]:
    """``{"measures.<id>.<column>": (low, central, high)}`` for every cost with a real range in the data."""
    ms = load(case).measures
    out = {}
    for col in COST_COLUMNS:
        lo_col, hi_col = f"{col}_low", f"{col}_high"
        if lo_col not in ms.columns or hi_col not in ms.columns:
            continue
        lo = pd.to_numeric(ms[lo_col], errors="coerce")
        hi = pd.to_numeric(ms[hi_col], errors="coerce")
        mid = pd.to_numeric(ms[col], errors="coerce")
        for mid_v, lo_v, hi_v, mid_ in zip(ms["measure_id"], lo, hi, mid, strict=True):
            if np.isnan(lo_v) or np.isnan(hi_v) or hi_v <= lo_v:
                continue
            out[f"measures.{mid_v}.{col}"] = (float(lo_v), float(min(max(mid_, lo_v), hi_v)), float(hi_v))
    return out


def samples(ranges: dict[str, tuple], n: int, seed: int = 0, distribution: str = "triangular") -> pd.DataFrame:
    """``n`` draws of every key (one column each), reproducible from ``seed``."""
    if distribution not in ("triangular", "uniform"):
        raise ValueError(f"distribution must be triangular or uniform, got {distribution!r}")
    rng = np.random.default_rng(seed)
    cols = {}
    for key, r in ranges.items():
        lo, hi = r[0], r[-1]
        mode = r[1] if len(r) == 3 else (lo + hi) / 2
        cols[key] = rng.triangular(lo, mode, hi, n) if distribution == "triangular" else rng.uniform(lo, hi, n)
    return pd.DataFrame(cols)


def monte_carlo(case: Case | str, n: int = 100, seed: int = 0, distribution: str = "triangular",
                costs: bool = True, ranges: dict[str, tuple] | None = None, **sweep_options) -> pd.DataFrame:
    """Solve ``n`` samples of the uncertain inputs; the `planner.sweep` table with a ``sample`` column first."""
    if not isinstance(case, Case):
        case = load_case(case)
    r = dict(cost_ranges(case)) if costs else {}
    r.update(ranges or {})
    draws = samples(r, n, seed, distribution)
    df = sweep(case, draws, **sweep_options)
    df.insert(0, "sample", range(n))
    df.attrs.update(distribution=distribution, seed=seed, inputs=list(r))
    return df


def summarize(df: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """``cost`` and ``marginal_cost`` (quantiles, mean, std over the optimal samples), ``chosen`` (share of samples
    building each measure, and its mean units), ``binding`` (share of samples in which each target row binds), and
    ``status`` (count per status)."""
    ok = df[df["status"] == "optimal"]
    out = {"status": df["status"].value_counts().rename_axis("status").reset_index(name="samples")}

    def dist(cols: list[str]) -> pd.DataFrame:
        d = ok[cols].describe(percentiles=list(QUANTILES)).T
        return d.rename_axis("column").reset_index()

    out["cost"] = dist(["objective", *[c for c in df.columns if c.startswith(("cost.", "investment"))]])
    mc = [c for c in df.columns if c.startswith("marginal_cost.")]
    out["marginal_cost"] = dist(mc) if mc else pd.DataFrame()
    built = [c for c in df.columns if c.startswith("built.")]
    out["chosen"] = pd.DataFrame({
        "measure_id": [c.removeprefix("built.") for c in built],
        "share_of_samples": [float((ok[c] > 1e-6).mean()) if len(ok) else np.nan for c in built],
        "mean_units": [float(ok[c].mean()) if len(ok) else np.nan for c in built],
    }).sort_values("share_of_samples", ascending=False, ignore_index=True)
    out["binding"] = pd.DataFrame({
        "target_row": [c.removeprefix("marginal_cost.") for c in mc],
        "share_binding": [float((ok[c].abs() > 1e-9).mean()) if len(ok) else np.nan for c in mc],
    }).sort_values("share_binding", ascending=False, ignore_index=True)
    return out


def cost_and_peak_ranges(case: Case | str, n: int = 100, seed: int = 0, **sweep_options) -> dict:
    """What the data's low/high costs do to the headline: the 5th, 50th and 95th percentile of the total cost
    (present value, yuan) and of the peak's marginal cost (yuan/t, the ceiling's dearest year after the peak year, as
    the console shows it) over ``n`` Monte Carlo
    samples of every measure cost with a range (`monte_carlo`). For `planner run --ranges N`, the report and the
    workbook's Summary sheet."""
    if not isinstance(case, Case):
        case = load_case(case)
    sweep_options.setdefault("progress", False)
    df = monte_carlo(case, n=n, seed=seed, **sweep_options)
    ok = df[df["status"] == "optimal"]
    out = {"samples": int(n), "optimal": int(len(ok)), "seed": seed}
    q = (0.05, 0.5, 0.95)
    if len(ok):
        out["objective"] = tuple(float(v) for v in ok["objective"].quantile(q))
        peaks = sorted({c.split(".")[1] for c in ok.columns if c.startswith("peak_ceiling.")})
        for k in peaks[:1]:
            year = next(t["year"] for t in load(case).targets.to_dict("records") if t["target_id"] == k)
            cols = [c for c in ok.columns if c.startswith(f"marginal_cost.{k}.") and int(c.rsplit(".", 1)[1]) > year]
            price = ok[cols].max(axis=1)  # the ceiling's dearest year (the rows before the peak year hold E0)
            out["peak_target"] = k
            out["peak_price"] = tuple(float(v) for v in price.quantile(q))
    return out
