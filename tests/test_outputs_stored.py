"""Every shipped case writes what it wrote before, value for value: the city rows of its IAMC table (emissions,
investment and cost, every indicator, each target's price) against the stored copy in tests/stored_outputs/.

The stored copies are the outputs of the code before a change that should not move them (issue 15 moved every
module: they were written by the code before the move). When a change of data or model moves them on purpose,
rewrite them in the same commit and say why here:

    .venv/bin/python -m tests.test_outputs_stored --update      # runs every shipped case, rewrites the copies

History (oldest first):
- 2026-12-07 (issue 15, the layout): written by the code before the move (a3a13f2). The move reproduces them
  (quantities to 1e-12); in high_nonfossil the prices of the prefabricated-building and green-material targets in
  2029-2034 differ: that LP is degenerate there (one ulp of a coefficient, now summed in another order, leads HiGHS to
  another optimal vertex with the same objective to 15 digits and the same quantities), so any split of those duals
  over the years is optimal. They are listed in DEGENERATE and compared by their sum over the years.
- 2026-12-07 (issue 16, the reference's electricity and accounting): rewritten. Thermal output priced in the
  objective, savings without electricity, the balance from the NBS record, imports through priced corridors, CO2 peak
  and intensity on the assessment basis (new rows Emissions|CO2|Energy, |Industrial Processes, |Assessment Basis),
  wind and PV within the city plan, key-project cuts on; strict_co2, high_nonfossil and frozen_technology redefined
  (tests/stored_values.py says how); high_potential new. Every number moves.
- 2026-12-07 (issue 19, air quality as an outcome): rewritten with two new variables, Concentration|PM2.5 (the city's
  population-weighted mean, µg/m3) and Deaths|PM2.5 Attributable (GEMM), in both scenarios; every row stored before
  is unchanged (checked value for value before rewriting). air_quality and social_cost new.
- 2026-12-07 (issue 19): social_cost rewritten: no emission below zero under the least social cost (precursor_floor);
  the peak's ceiling moves with the no-peak path, so every number of that case moves. Other cases unchanged.
- 2026-12-07 (issue 17, marginal costs on the tightening side, planner/solver/sides.py; merged after issue 16): only
  prices (Price|Target|...) moved, in rows where the optimum is degenerate: each is now what tightening the row costs,
  where HiGHS had given a dual of the interval its basis happened to end on; every one up or unchanged but the rows that
  cannot be tightened (public_fleet_electric_2030 at 100%: the loosening side, lower in low_discount 2031 and
  strict_co2 2033). The carbon peak's binding rows before the peak year: 0 -> 11,133 yuan/t in 2021, 7,704 (2022),
  4,000 (2023), 192 (2024), 1,036 (2025); its ceiling years keep 29-198. Quantities and objectives are unchanged.
- 2026-12-07 (issue 18, districts): districts new (the reference case on the 38 districts, `regions = "districts"`),
  written alone, by the code after the merge with issue 17; the other copies untouched.
- 2026-12-07 (issue 19 merged with issue 17): rewritten: the issue-17 copies with the two issue-19 variables added
  (Concentration|PM2.5, Deaths|PM2.5 Attributable), checked value for value against both parents; air_quality and
  social_cost with the tightening-side prices.
"""

from __future__ import annotations

import csv
import gzip
import io
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
STORED = Path(__file__).resolve().parent / "stored_outputs"
CASES = sorted((ROOT / "cases").glob("*.toml"))
DEGENERATE = {("high_nonfossil", "Price|Target|prefab_building_share_2025"),
              ("high_nonfossil", "Price|Target|green_material_share_2025")}


def city_rows(iamc_csv: Path) -> dict[tuple[str, str, str], float]:
    """(scenario, variable, year) -> value of the rows for the whole city, rounded to 10 significant digits."""
    out = {}
    with open(iamc_csv, encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            if r["region"] == "Chongqing":
                out[r["scenario"], r["variable"], r["year"]] = float(f"{float(r['value']):.10g}")
    return out


def write_stored(case: str, rows: dict) -> None:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["scenario", "variable", "year", "value"])
    for (s, v, y), x in sorted(rows.items()):
        w.writerow([s, v, y, repr(x)])
    (STORED / f"{case}.csv.gz").write_bytes(gzip.compress(buf.getvalue().encode("utf-8"), 9, mtime=0))


def read_stored(case: str) -> dict:
    text = gzip.decompress((STORED / f"{case}.csv.gz").read_bytes()).decode("utf-8")
    return {(r["scenario"], r["variable"], r["year"]): float(r["value"]) for r in csv.DictReader(io.StringIO(text))}


def run_case(path: Path, out: Path) -> Path:
    from planner.analysis import analyse
    from planner.outputs.iamc import write_iamc
    from tests.shared_runs import shipped_result

    return write_iamc(analyse(shipped_result(path)), out / f"{path.stem}_iamc.csv")


def close(a: float, b: float, scale: float) -> bool:
    return abs(a - b) <= 1e-9 * max(abs(a), abs(b)) + 1e-9 * scale


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_the_iamc_table_of_every_shipped_case_is_what_it_was(path, tmp_path):
    want = read_stored(path.stem)
    got = city_rows(run_case(path, tmp_path))
    assert sorted(got) == sorted(want), "the table's rows (scenario, variable, year) changed"
    scale = {}
    for (s, v, _), x in want.items():
        scale[s, v] = max(scale.get((s, v), 0.0), abs(x))
    differ = [(k, want[k], got[k]) for k in want if (path.stem, k[1]) not in DEGENERATE
              and not close(got[k], want[k], scale[k[0], k[1]])]
    assert differ == []
    for s, v in {(s, v) for s, v, _ in want if (path.stem, v) in DEGENERATE}:
        total = [sum(d[k] for k in d if k[:2] == (s, v)) for d in (want, got)]
        assert total[0] == pytest.approx(total[1], rel=0.7), v  # a degenerate split: only its order of size


if __name__ == "__main__" and "--update" in sys.argv:
    import tempfile

    for p in CASES:
        with tempfile.TemporaryDirectory() as tmp:
            write_stored(p.stem, city_rows(run_case(p, Path(tmp))))
            print("stored", p.stem)
