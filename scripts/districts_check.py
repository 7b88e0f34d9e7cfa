"""The district case against the 3-region case, and the decomposition's saving under other district keys: the
figures of docs/validation.md (section "Districts and the decomposition").

    python scripts/districts_check.py clusters        # cluster sums of cases/districts.toml vs cases/baseline.toml
    python scripts/districts_check.py sensitivity     # planner decompose under four district-key variants

``sensitivity`` derives each variant of data/derive/districts.py (``--keys within``, ``--alias gdp=population``,
``--alias industry=gdp``) into a copy of data/ in a temporary folder and decomposes cases/districts.toml on it, with
the equal and the GDP-proportional administrative split, of every city target and of the carbon targets only; it
takes about ten minutes.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

import planner
from planner.analysis.decompose import decompose

ROOT = Path(__file__).resolve().parents[1]
YI = 1e8
CARBON = ["carbon_peak_2030", "co2_intensity_2025"]  # the carbon targets of the case: the peak and the intensity
VARIANTS = {"published (shipped)": [], "within (cluster totals kept)": ["--keys", "within"],
            "GDP key -> population": ["--alias", "gdp=population"], "industry key -> GDP": ["--alias", "industry=gdp"]}


def _cluster_sums(res) -> dict[str, pd.DataFrame]:
    regions = res.data.tables["regions"]
    cluster = dict(zip(regions["region_id"], regions["cluster"], strict=True)) if "cluster" in regions else \
        {r: r for r in regions["region_id"]}
    alloc = res.allocation.assign(cluster=res.allocation["region_id"].map(cluster))
    p = res.params
    pv = (alloc["annual_cost"] + alloc["electricity_cost"]) * alloc["year"].map(p.df)
    ind = res.indicators.assign(cluster=res.indicators["region_id"].map(cluster))
    co2 = "co2_official"
    out = {
        "cost_pv_yi": pv.groupby(alloc["cluster"]).sum() / YI,
        "investment_yi": alloc.groupby("cluster")["investment"].sum() / YI,
        "co2_2030_baseline_mt": ind[(ind.indicator_id == co2) & (ind.year == 2030)].groupby("cluster")["baseline"]
        .sum() / 1e6,
        "co2_2030_cut_mt": ind[(ind.indicator_id == co2) & (ind.year == 2030)].assign(
            cut=lambda d: d["baseline"] - d["level"]).groupby("cluster")["cut"].sum() / 1e6,
    }
    return pd.DataFrame(out)


def clusters() -> None:
    t = time.perf_counter()
    three = planner.run(ROOT / "cases" / "baseline.toml")
    dist = planner.run(ROOT / "cases" / "districts.toml")
    print(f"solved both in {time.perf_counter() - t:.1f} s")
    z3, z38 = three.solution.objective, dist.solution.objective
    print(f"objective: 3-region {z3 / YI:,.4f} 亿元, districts {z38 / YI:,.4f}"
          f" 亿元 ({z38 / z3 - 1:+.4%})")
    a, b = _cluster_sums(three), _cluster_sums(dist)
    both = a.add_suffix("_3r").join(b.add_suffix("_38d"))
    for c in a.columns:
        both[f"{c}_diff"] = both[f"{c}_38d"] / both[f"{c}_3r"] - 1
    pd.set_option("display.width", 200)
    print(both.T.to_string(float_format=lambda x: f"{x:,.4f}"))
    top = dist.measures.groupby("measure_id")["investment"].sum().sort_values(ascending=False).head(8) / YI
    top3 = three.measures.groupby("measure_id")["investment"].sum().reindex(top.index) / YI
    print(pd.DataFrame({"districts": top, "3-region": top3}).to_string(float_format=lambda x: f"{x:,.2f}"))


def sensitivity() -> None:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, args in VARIANTS.items():
            data = Path(tmp) / name.split()[0] / "data"
            shutil.copytree(ROOT / "data", data)
            subprocess.run([sys.executable, str(ROOT / "data" / "derive" / "districts.py"), *args, "--data",
                            str(data), "--out", str(data)], check=True, capture_output=True)
            case = data.parent / "districts.toml"
            case.write_text(f'extends = "{ROOT / "cases" / "districts.toml"}"\ndata = "{data}"\n', encoding="utf-8")
            res = planner.run(case)
            print(name, "cluster sums:\n", _cluster_sums(res).T.to_string(float_format=lambda x: f"{x:,.4f}"))
            for how, only in (("equal", None), ("gdp", None), ("equal", CARBON), ("gdp", CARBON)):
                t = time.perf_counter()
                dec = decompose(res, admin_split=how, targets=only)
                s = dec.summary
                short = s["admin_shortfall"]
                rows.append({"keys": name, "admin": how, "handed_out": "carbon" if only else "all",
                             "least_cost_yi": s["objective_least_cost"] / YI,
                             "admin_yi": (s["objective_administrative"] or float("nan")) / YI,
                             "saving_yi": (s["extra_cost_administrative"] or float("nan")) / YI,
                             "fair_extra_yi": (s["extra_cost_fair"] or float("nan")) / YI,
                             "short_rows": len(short), "short_districts": short["region_id"].nunique(),
                             "seconds": time.perf_counter() - t})
                print(rows[-1], flush=True)
    print(pd.DataFrame(rows).to_string(index=False, float_format=lambda x: f"{x:,.2f}"))


if __name__ == "__main__":
    {"clusters": clusters, "sensitivity": sensitivity}[sys.argv[1] if len(sys.argv) > 1 else "clusters"]()
