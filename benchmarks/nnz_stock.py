"""What explicit stock variables would gain: nonzeros of today's LP against the same LP with stock variables.

    .venv/bin/python benchmarks/nnz_stock.py --years 15,40,45

Today a row of year t holds ``build[r, m, tau]`` for every tau that still stands in t, so rows of late years grow
with the horizon and the nonzeros grow about as T^2. With a stock variable ``S[r, m, t]`` (and a stood-years variable
for accumulating indicators) defined by ``S[t] = S[t-1] + build[t] - build[t - lifetime]`` (at most 4 nonzeros), a
row holds one term per (region, measure) it touches, and the stock bounds become column bounds. This script counts
both from the compiled LP of the same instance (nothing is solved): the second count is every row's number of
distinct (region, measure) pairs (two where it also needs stood-years), plus 4 per stock definition.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))


def count(regions: int, measures: int, years: int) -> dict:
    from instances import make_instance

    import planner
    from planner.fast import compile_model
    from planner.model import build_model, derive

    with tempfile.TemporaryDirectory() as tmp:
        case = make_instance(Path(tmp), regions, measures, years)
        p = derive(planner.load(case))
        m = build_model(p)
        c = compile_model(m)
    lp = c.h.getLp()
    start, index = np.asarray(lp.a_matrix_.start_), np.asarray(lp.a_matrix_.index_)
    col_pair = np.full(c.n_cols, -1)
    pair_ids: dict = {}
    for (r, ms, _t), j in zip(c.build_index, c.build_col.tolist(), strict=True):
        if j >= 0:
            col_pair[j] = pair_ids.setdefault((r, ms), len(pair_ids))
    rows_of_col = [index[start[j]:start[j + 1]] for j in range(c.n_cols)]
    pairs_per_row: list[set] = [set() for _ in range(c.n_rows)]
    for j, rows in enumerate(rows_of_col):
        for i in rows.tolist():
            pairs_per_row[i].add(col_pair[j])
    stock_rows = {int(r) for rows, _ in c.stock_rows.values() for r in rows}
    accumulating = any(p.accumulates.values())
    with_stock = sum(len(s) * (2 if accumulating else 1) for i, s in enumerate(pairs_per_row) if i not in stock_rows)
    definitions = 4 * len(pair_ids) * len(p.years) * (2 if accumulating else 1)
    return {"years": years, "nnz_today": c.nnz, "nnz_with_stock_variables": with_stock + definitions,
            "rows_today": c.n_rows, "cols_today": c.n_cols}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--years", default="15,40")
    ap.add_argument("--regions", type=int, default=3)
    ap.add_argument("--measures", type=int, default=78)
    a = ap.parse_args()
    for y in map(int, a.years.split(",")):
        print(count(a.regions, a.measures, y), flush=True)


if __name__ == "__main__":
    main()
