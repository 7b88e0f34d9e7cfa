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

import math

import numpy as np
import pandas as pd

from ..base.errors import InputError, Problem
from ..inputs.case import Case, load_case
from ..inputs.gate import Gate
from ..inputs.load import load
from ..inputs.plausible import fmt
from .sweep import sweep

COST_COLUMNS = ("capex", "fixed_om", "savings")
QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)


def cost_ranges(case: Case, data=None, given=()) -> dict[str, tuple[float, float, float]]:
    """``{"measures.<id>.<column>": (low, central, high)}`` for every cost with a real range in the data.

    The central value is the case's (a case file's override included). One outside the range would be drawn around
    by nothing: `InputError` names it, rather than moving it into the range without a word (unless its key is in
    ``given``: a range of the user's own replaces it)."""
    ms = (data if data is not None else load(case)).measures
    out, problems = {}, []
    for col in COST_COLUMNS:
        lo_col, hi_col = f"{col}_low", f"{col}_high"
        if lo_col not in ms.columns or hi_col not in ms.columns:
            continue
        lo = pd.to_numeric(ms[lo_col], errors="coerce")
        hi = pd.to_numeric(ms[hi_col], errors="coerce")
        mid = pd.to_numeric(ms[col], errors="coerce")
        for mid_v, lo_v, hi_v, mid_, origin in zip(ms["measure_id"], lo, hi, mid, ms["origin_"], strict=True):
            if np.isnan(lo_v) or np.isnan(hi_v) or hi_v <= lo_v:
                continue
            if not lo_v <= mid_ <= hi_v and f"measures.{mid_v}.{col}" not in given:
                problems.append(Problem(origin, col, (
                    f"{fmt(mid_)} lies outside {lo_col} to {hi_col} ({fmt(lo_v)} to {fmt(hi_v)}), the range Monte "
                    f"Carlo draws measures.{mid_v}.{col} from, so no draw would be near it; give its own range "
                    f"(ranges={{'measures.{mid_v}.{col}': (low, {fmt(mid_)}, high)}}) or draw no costs "
                    "(costs=False)"), field="key" if origin.endswith("]") else "column"))
                continue
            out[f"measures.{mid_v}.{col}"] = (float(lo_v), float(mid_), float(hi_v))
    if problems:
        raise InputError(problems)
    return out


def check_ranges(ranges: dict, where: str = "Monte Carlo ranges") -> list[Problem]:
    """Each range is (low, high) or (low, mode, high) of numbers in order (each end then passes the gate, which
    refuses a non-finite one as a case file does)."""
    out = []
    for key, r in ranges.items():
        ok = isinstance(r, list | tuple) and len(r) in (2, 3) and all(
            isinstance(v, int | float) and not isinstance(v, bool) for v in r)
        if not ok:
            out.append(Problem(where, str(key), f"expected (low, high) or (low, mode, high) of numbers, got {r!r}",
                               field="key"))
        elif all(math.isfinite(v) for v in r) and list(r) != sorted(r):
            out.append(Problem(where, str(key), f"expected low <= mode <= high, got {tuple(r)!r}", field="key"))
    return out


def samples(ranges: dict[str, tuple], n: int, seed: int = 0, distribution: str = "triangular") -> pd.DataFrame:
    """``n`` draws of every key (one column each), reproducible from ``seed``; a range with low == high gives that
    value in every draw."""
    if distribution not in ("triangular", "uniform"):
        raise InputError([Problem("distribution", "", f"expected triangular or uniform, got {distribution!r}")])
    problems = check_ranges(ranges)
    problems += [Problem("Monte Carlo ranges", str(k), f"expected finite numbers, got {tuple(r)!r}", field="key")
                 for k, r in ranges.items() if not problems and not all(math.isfinite(v) for v in r)]
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        problems.append(Problem("n", "", f"expected a whole number of samples >= 1, got {n!r}"))
    if problems:
        raise InputError(problems)
    rng = np.random.default_rng(seed)
    cols = {}
    for key, r in ranges.items():
        lo, hi = r[0], r[-1]
        mode = r[1] if len(r) == 3 else (lo + hi) / 2
        if lo == hi:
            cols[key] = np.full(n, float(lo))
        else:
            cols[key] = rng.triangular(lo, mode, hi, n) if distribution == "triangular" else rng.uniform(lo, hi, n)
    return pd.DataFrame(cols)


def monte_carlo(case: Case | str, n: int = 100, seed: int = 0, distribution: str = "triangular",
                costs: bool = True, ranges: dict[str, tuple] | None = None, **sweep_options) -> pd.DataFrame:
    """Solve ``n`` samples of the uncertain inputs; the `planner.sweep` table with a ``sample`` column first.

    Every range's ends, and then every draw, pass the checks of a case file's value (`planner.inputs.gate`)."""
    if not isinstance(case, Case):
        case = load_case(case)
    data = load(case)
    r = dict(cost_ranges(case, data, given=set(ranges or {}))) if costs else {}
    problems = check_ranges(ranges or {})
    if not problems:
        ends = [{k: v} for k, rr in (ranges or {}).items() for v in rr]
        problems, _ = Gate(case, data).check(ends, "Monte Carlo ranges")
    if problems:
        raise InputError(problems)
    r.update(ranges or {})
    draws = samples(r, n, seed, distribution)
    sweep_options.setdefault("where", "Monte Carlo sample")
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
        "target_row": [c.removeprefix("marginal_cost.").split(" [")[0] for c in mc],
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
            cols = [c for c in ok.columns if c.startswith(f"marginal_cost.{k}.")
                    and int(c.split(" [")[0].rsplit(".", 1)[1]) > year]  # "marginal_cost.<k>.<year> [yuan/t]"
            price = ok[cols].max(axis=1)  # the ceiling's dearest year (the rows before the peak year hold E0)
            out["peak_target"] = k
            out["peak_price"] = tuple(float(v) for v in price.quantile(q))
    return out
