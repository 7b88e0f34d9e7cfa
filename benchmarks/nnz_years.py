"""Nonzeros, rows and columns of the LP against the horizon: the formulation's size must grow linearly in the years.

    .venv/bin/python benchmarks/nnz_years.py --years 15,30,40,45,60

Builds and compiles the scaled instance (`instances.py`, regions x measures x years; nothing is solved) for each
horizon and prints its size, the size per model year, and the exponent ``b`` of a least-squares fit
``nnz ~ T^b`` over the horizons given. With explicit stock variables (`planner.model.stock`) a row holds one term
per measure that moves it, whatever the horizon, so ``b`` is 1 up to the rows that only exist from a target's year.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))


def count(regions: int, measures: int, years: int) -> dict:
    from instances import make_instance

    import planner
    from planner.model import build_model, derive
    from planner.solver.compiled import compile_model

    with tempfile.TemporaryDirectory() as tmp:
        case = make_instance(Path(tmp), regions, measures, years)
        p = derive(planner.load(case))
        start = time.perf_counter()
        m = build_model(p)
        built = time.perf_counter() - start
        c = compile_model(m)
    return {"years": years, "rows": c.n_rows, "cols": c.n_cols, "nnz": c.nnz, "build_s": round(built, 3)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--years", default="15,30,40,45,60")
    ap.add_argument("--regions", type=int, default=3)
    ap.add_argument("--measures", type=int, default=78)
    ap.add_argument("--json", help="write the rows to this file")
    a = ap.parse_args()
    out = []
    print("| years | rows | cols | nnz | nnz per year | build s |")
    print("|---:|---:|---:|---:|---:|---:|")
    for y in map(int, a.years.split(",")):
        r = count(a.regions, a.measures, y)
        out.append(r)
        print(f"| {y} | {r['rows']:,} | {r['cols']:,} | {r['nnz']:,} | {r['nnz'] / y:,.0f} | {r['build_s']:.2f} |",
              flush=True)
    if len(out) > 1:
        t = np.log([r["years"] for r in out])
        b = np.polyfit(t, np.log([r["nnz"] for r in out]), 1)[0]
        print(f"\nnnz ~ T^{b:.2f} over {a.years} years")
    if a.json:
        Path(a.json).write_text(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
