"""Write tiny data folders and case files for tests whose optimum is worked out by hand.

Defaults: one region ``r1``, one indicator ``co2`` (t, baseline 100 every year), base year 2020, model years
2021-2022, discount rate 0. Every table carries the one source ``src``.
"""

from __future__ import annotations

import csv
from pathlib import Path

SOURCE = {"source_id": "src", "kind": "assumption", "title": "test", "publisher": "tests", "year": 2024,
          "reference": "tests/tiny.py", "note": "made up for a hand-worked test"}


def _write(path: Path, rows: list[dict], columns: list[str] | None = None) -> None:
    """Write rows; ``columns`` first, then any further keys the rows carry (optional columns)."""
    columns = list(dict.fromkeys([*(columns or []), *(k for r in rows for k in r)]))
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=columns)
        w.writeheader()
        for r in rows:
            w.writerow({k: ("" if r.get(k) is None else r.get(k)) for k in columns})


def region(rid: str, **kw) -> dict:
    return {"region_id": rid, "name_zh": "区" + rid, "name_en": "Region " + rid, "land_area_km2": 1, **kw}


def indicator(iid: str, unit: str = "t", accumulates: bool = False, exogenous: bool = False) -> dict:
    return {"indicator_id": iid, "name_zh": "指标" + iid, "name_en": iid, "unit": unit,
            "accumulates": str(accumulates).lower(), "exogenous": str(exogenous).lower()}


def measure(mid: str, capex: float = 0.0, fixed_om: float = 0.0, savings: float = 0.0, lifetime: int = 10,
            **kw) -> dict:
    return {"measure_id": mid, "name_zh": "措施" + mid, "name_en": mid, "sector": "energy", "clause": "五",
            "unit": "unit", "capex": capex, "fixed_om": fixed_om, "savings": savings, "lifetime": lifetime,
            "source_id": "src", **kw}


def effect(mid: str, iid: str, value: float, region_id: str = "") -> dict:
    return {"measure_id": mid, "indicator_id": iid, "effect": value, "region_id": region_id, "source_id": "src"}


def potential(rid: str, mid: str, max_stock: float, min_stock: float | None = None,
              max_build: float | None = None, **kw) -> dict:
    return {"region_id": rid, "measure_id": mid, "max_stock": max_stock, "min_stock": min_stock,
            "max_build": max_build, "source_id": "src", **kw}


def target(tid: str, kind: str, iid: str, year: int, value: float | None = None, scope: str = "city",
           denominator_id: str = "", base_year: int | None = None, enabled: bool = True) -> dict:
    return {"target_id": tid, "name_zh": "目标" + tid, "name_en": tid, "clause": "一", "kind": kind,
            "indicator_id": iid, "denominator_id": denominator_id, "scope": scope, "base_year": base_year,
            "year": year, "value": value, "enabled": str(enabled).lower(), "source_id": "src"}


def flat(rid: str, iid: str, value: float, years=(2020, 2022)) -> list[dict]:
    return [{"region_id": rid, "indicator_id": iid, "year": y, "value": value, "source_id": "src"} for y in years]


def make_case(
    tmp: Path,
    *,
    regions: list[dict] | None = None,
    indicators: list[dict] | None = None,
    baseline: list[dict] | None = None,
    measures: list[dict] | None = None,
    effects: list[dict] | None = None,
    potentials: list[dict] | None = None,
    targets: list[dict] | None = None,
    first_year: int = 2021,
    last_year: int = 2022,
    rate: float = 0.0,
    case_extra: str = "",
    name: str = "tiny",
) -> Path:
    """Write data/ and a case file under ``tmp``; return the case file's path."""
    data = tmp / "data"
    data.mkdir(parents=True, exist_ok=True)
    regions = regions or [region("r1")]
    indicators = indicators or [indicator("co2")]
    if baseline is None:
        baseline = [row for r in regions for i in indicators
                    for row in flat(r["region_id"], i["indicator_id"], 100.0, (2020, last_year))]
    _write(data / "sources.csv", [SOURCE])
    _write(data / "regions.csv", regions)
    _write(data / "indicators.csv", indicators)
    _write(data / "baseline.csv", baseline, ["region_id", "indicator_id", "year", "value", "source_id"])
    _write(data / "measures.csv", measures or [],
           ["measure_id", "name_zh", "name_en", "sector", "clause", "unit", "capex", "fixed_om", "savings",
            "lifetime", "source_id"])
    _write(data / "effects.csv", effects or [], ["measure_id", "indicator_id", "effect", "region_id", "source_id"])
    _write(data / "potentials.csv", potentials or [],
           ["region_id", "measure_id", "max_stock", "min_stock", "max_build", "source_id"])
    _write(data / "targets.csv", targets or [],
           ["target_id", "name_zh", "name_en", "clause", "kind", "indicator_id", "denominator_id", "scope",
            "base_year", "year", "value", "enabled", "source_id"])
    case = tmp / f"{name}.toml"
    case.write_text(
        f'name = "{name}"\ndata = "data"\nbase_year = 2020\nfirst_year = {first_year}\nlast_year = {last_year}\n'
        f"discount_rate = {rate}\n{case_extra}",
        encoding="utf-8",
    )
    return case
