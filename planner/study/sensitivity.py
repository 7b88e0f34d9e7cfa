"""Global sensitivity with SALib: Morris screening and Sobol indices of total cost and a marginal cost.

Inputs are *factors* in [0, 1], each moving a set of dotted keys together between their low and high values:

- by default one factor per measure with a cost range (`montecarlo.cost_ranges`): at 0 the measure is at its
  cheapest (capex and fixed O&M low, savings high), at 1 at its dearest, at 0.5 halfway between, linearly;
- ``by="sector"`` groups the measures of a sector into one factor (SALib groups), so Sobol stays affordable:
  Sobol costs ``N * (2 k + 2)`` solves for k factors, Morris ``trajectories * (k + 1)``.

Outputs default to ``objective`` (total discounted cost) and the marginal cost of the CO2 target row that binds most
often in the samples (``marginal_cost.<target>.<year>``); pass ``outputs=[...]`` for others.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from SALib.analyze import morris as morris_analyze
from SALib.analyze import sobol as sobol_analyze
from SALib.sample import morris as morris_sample
from SALib.sample import sobol as sobol_sample

from ..inputs.case import Case, load_case
from ..inputs.load import load
from .montecarlo import cost_ranges
from .sweep import sweep


def factors(case: Case, by: str = "measure") -> tuple[dict, dict[str, list[str]]]:
    """The SALib problem and, per factor name, the dotted keys it moves."""
    ranges = cost_ranges(case)
    sector = load(case).measures.set_index("measure_id")["sector"].to_dict()
    keys: dict[str, list[str]] = {}
    for key in ranges:
        ms = key.split(".")[1]
        keys.setdefault(ms, []).append(key)
    names = list(keys)
    problem = {"num_vars": len(names), "names": names, "bounds": [[0.0, 1.0]] * len(names)}
    if by == "sector":
        problem["groups"] = [sector[ms] for ms in names]
    elif by != "measure":
        raise ValueError(f"by must be measure or sector, got {by!r}")
    return problem, keys


def _points(X: np.ndarray, problem: dict, keys: dict[str, list[str]], ranges: dict) -> list[dict]:
    out = []
    for row in X:
        pt = {}
        for u, name in zip(row, problem["names"], strict=True):
            for key in keys[name]:
                lo, _, hi = ranges[key]
                if key.endswith(".savings"):  # dearer means less saved
                    lo, hi = hi, lo
                pt[key] = float(lo + u * (hi - lo))
        out.append(pt)
    return out


def _outputs(df: pd.DataFrame, outputs: list[str] | None) -> list[str]:
    if outputs:
        return outputs
    co2 = [c for c in df.columns if c.startswith("marginal_cost.") and "co2" in c.lower() or
           (c.startswith("marginal_cost.") and "carbon" in c.lower())]
    out = ["objective"]
    if co2:
        out.append(max(co2, key=lambda c: (df[c].abs() > 1e-9).mean()))
    return out


def _run(case, X, problem, keys, ranges, **opts) -> pd.DataFrame:
    df = sweep(case, _points(X, problem, keys, ranges), **opts)
    if (df["status"] != "optimal").any():
        bad = int((df["status"] != "optimal").sum())
        raise RuntimeError(f"{bad} of {len(df)} sensitivity points are not optimal; narrow the ranges or fix targets")
    return df


def _setup(case: Case | str, by: str) -> tuple[Case, dict, list, dict]:
    """The case, the SALib problem and its factor keys, and the cost ranges the samples scale."""
    if not isinstance(case, Case):
        case = load_case(case)
    problem, keys = factors(case, by)
    return case, problem, keys, cost_ranges(case)


def morris(case: Case | str, trajectories: int = 10, levels: int = 4, seed: int = 0, by: str = "measure",
           outputs: list[str] | None = None, **sweep_options) -> dict[str, pd.DataFrame]:
    """Morris screening: for each output, a table of mu* (mean absolute elementary effect), mu, sigma per factor,
    sorted by mu*. The samples are in ``["samples"]``."""
    case, problem, keys, ranges = _setup(case, by)
    if outputs and set(outputs) <= {"objective"}:  # the cost alone: no tables of each point
        sweep_options.setdefault("detail", False)
    X = morris_sample.sample(problem, trajectories, num_levels=levels, seed=seed)
    df = _run(case, X, problem, keys, ranges, **sweep_options)
    out = {"samples": df}
    for col in _outputs(df, outputs):
        y = df[col].fillna(0.0).to_numpy(dtype=float)
        res = morris_analyze.analyze(problem, X, y, num_levels=levels, seed=seed)
        names = res["names"]
        out[col] = pd.DataFrame({"factor": names, "mu_star": res["mu_star"], "mu": res["mu"],
                                 "sigma": res["sigma"], "mu_star_conf": res["mu_star_conf"]}
                                ).sort_values("mu_star", ascending=False, ignore_index=True)
    return out


def sobol(case: Case | str, n: int = 64, seed: int = 0, by: str = "sector", outputs: list[str] | None = None,
          **sweep_options) -> dict[str, pd.DataFrame]:
    """Sobol indices (first order S1 and total ST, with confidence) per factor and output; Saltelli sampling of
    ``n`` (a power of 2) base samples. Default factors: one per sector."""
    case, problem, keys, ranges = _setup(case, by)
    if outputs and set(outputs) <= {"objective"}:  # the cost alone: no tables of each point
        sweep_options.setdefault("detail", False)
    X = sobol_sample.sample(problem, n, calc_second_order=False, seed=seed)
    df = _run(case, X, problem, keys, ranges, **sweep_options)
    out = {"samples": df}
    for col in _outputs(df, outputs):
        y = df[col].fillna(0.0).to_numpy(dtype=float)
        res = sobol_analyze.analyze(problem, y, calc_second_order=False, seed=seed)
        names = sorted(set(problem.get("groups") or problem["names"]), key=(problem.get("groups") or
                                                                          problem["names"]).index)
        out[col] = pd.DataFrame({"factor": names, "S1": res["S1"], "S1_conf": res["S1_conf"], "ST": res["ST"],
                                 "ST_conf": res["ST_conf"]}).sort_values("ST", ascending=False, ignore_index=True)
    return out
