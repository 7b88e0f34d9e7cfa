"""The region set of a case: the regions of ``regions.csv`` (the default), or the districts of ``districts.csv``, each
in its cluster (``regions = "districts"`` in the case file).

With the district set the decision regions are the 38 districts and counties (区县) of ``districts.csv``; the regions
of ``regions.csv`` become their clusters (一区两群), which a target may name as its scope and which the outputs sum
the districts to. The rows that name a region in the tables that have regional rows (baseline, potentials, effects,
electricity) come from the set's own folder, ``<data>/districts/`` (written by ``data/derive/districts.py`` from the
cluster rows and cited split keys); the rows that name no region (every effect that holds everywhere, the city
grid's parameters) and every other table (measures, indicators, targets, sources) are the shared ones, so the
two cases read the same measures, effects and targets.

In: the typed tables of the data folder and the case. Out: the same tables with the district set in place: the
``regions`` table holds the districts (``region_id`` = ``district_id``, with their ``cluster``), and the clusters
are returned apart (`Data.clusters`). Every problem is named (file, row, column) like any other input problem.
"""

from __future__ import annotations

import pandas as pd

from ..base.errors import Problem
from .case import Case, _display
from .cells import typed
from .schema import TABLES
from .tables import frame, read_csv

DISTRICTS = "districts"
SETS = (DISTRICTS,)
REGIONAL = ("baseline", "potentials", "effects", "electricity")  # tables whose region rows come from the set's folder
REQUIRED = ("baseline", "potentials")


def folder(case: Case):
    """The folder of the case's region set (``<data>/districts``), or None for the default set."""
    return case.data_dir / case.regions if case.regions else None


def files(case: Case) -> list:
    """The CSV files of the region set's folder (for the run record and the data hash)."""
    where = folder(case)
    if where is None or not where.is_dir():
        return []
    return [p for p in sorted(where.glob("*.csv")) if p.is_file()]


def _read(case: Case, problems: list[Problem], warnings: list[Problem]) -> dict[str, pd.DataFrame]:
    where = folder(case)
    out: dict[str, pd.DataFrame] = {}
    if not where.is_dir():
        problems.append(Problem(_display(where), "", f"folder not found; regions = \"{case.regions}\" reads the "
                                "district rows of baseline, potentials, effects and electricity from it (written by "
                                "data/derive/districts.py)"))
        return out
    known = {TABLES[t].file for t in REGIONAL}
    for path in sorted(where.glob("*.csv")):
        if path.name not in known:
            problems.append(Problem(_display(path), "", "not a table of the region set; expected one of "
                                    + ", ".join(sorted(known))))
    for name in REGIONAL:
        path = where / TABLES[name].file
        if not path.is_file():
            if name in REQUIRED:
                problems.append(Problem(_display(path), "", f"file not found; expected the district rows of the "
                                        f"{name} table"))
            continue
        raw = read_csv(path, _display(path), problems)
        df = frame(TABLES[name], raw, problems) if raw is not None else None
        if df is not None:
            out[name] = typed(TABLES[name], df, problems, warnings)
    return out


def apply(case: Case, tables: dict[str, pd.DataFrame], problems: list[Problem],
          warnings: list[Problem]) -> pd.DataFrame | None:
    """Put the case's region set in place in ``tables`` (in place); return the clusters (the regions table of the
    data folder) for the district set, None for the default set."""
    if not case.regions:
        return None
    where = _display(case.path)
    if case.regions not in SETS:
        problems.append(Problem(where, "regions", f"expected one of {', '.join(SETS)} (or no setting: the regions of "
                                f"regions.csv), got {case.regions!r}", field="key"))
        return None
    if case.data_dir.suffix.lower() == ".xlsx":
        problems.append(Problem(where, "regions", "the district set reads its rows from a data folder "
                                "(data/districts/); a data-entry workbook holds one region set", field="key"))
        return None
    districts = tables.get(DISTRICTS)
    if districts is None or districts.empty or "regions" not in tables:
        problems.append(Problem(where, "regions", "regions = \"districts\" needs districts.csv (district_id, names, "
                                "region_id: the cluster) in the data folder", field="key"))
        return None
    own = _read(case, problems, warnings)
    clusters = tables["regions"]
    cluster_ids = set(clusters["region_id"].dropna())
    for origin, d, c in zip(districts["origin_"], districts["district_id"], districts["region_id"], strict=True):
        if c not in cluster_ids and c is not None:
            problems.append(Problem(origin, "region_id", f"unknown region_id {c!r}; expected the district's cluster, "
                                    "one of " + ", ".join(sorted(cluster_ids)) + " (regions.csv)"))
        if d in cluster_ids:
            problems.append(Problem(origin, "district_id", f"{d} is also a region of regions.csv; expected district "
                                    "ids apart from the cluster ids (a target's scope names either)"))
    regions = pd.DataFrame({
        "region_id": districts["district_id"], "name_zh": districts["name_zh"], "name_en": districts["name_en"],
        "land_area_km2": districts["land_area_km2"], "districts": None,
        "population_2020": districts["population_2020"], "gdp_2020_yuan": districts["gdp_2020_yuan"],
        "source_id": districts["source_id"], "note": districts["note"], "origin_": districts["origin_"],
        "cluster": districts["region_id"],
        "adcode": districts["adcode"] if "adcode" in districts.columns else None,
    })
    tables["regions"] = regions
    tables[DISTRICTS] = districts.iloc[0:0]  # its rows are the regions now (their clusters checked above)
    for name in REGIONAL:
        shared = tables.get(name)
        mine = own.get(name)
        if shared is None:
            continue
        if mine is None:
            mine = shared.iloc[0:0]
        if "region_id" in mine.columns and not TABLES[name].column("region_id").required:
            for origin, r in zip(mine["origin_"], mine["region_id"], strict=True):
                if r in ("", None):
                    problems.append(Problem(origin, "region_id", "expected a district id: the rows that hold "
                                            f"everywhere are in the data folder's {TABLES[name].file}"))
        if TABLES[name].column("region_id").required:
            tables[name] = mine  # every row names a region: the set's rows replace them all
        else:
            kept = shared[shared["region_id"].isin(["", None])]
            tables[name] = pd.concat([kept, mine], ignore_index=True)
    # the PM2.5 relation (source_receptor.csv) and the health account are written for the three regions, not the
    # districts: a district case has no PM2.5 account (issue 19), and says so; its concentrations and their targets go
    sr = tables.get("source_receptor")
    conc = set(sr["indicator_id"].dropna()) if sr is not None and "indicator_id" in sr.columns else set()
    for n in ("indicators", "targets"):
        if conc and tables.get(n) is not None and "indicator_id" in tables[n].columns:
            tables[n] = tables[n][~tables[n]["indicator_id"].isin(conc)].reset_index(drop=True)
    if any(tables.get(n) is not None and not tables[n].empty for n in ("source_receptor", "air_quality")):
        warnings.append(Problem(where, "regions", "the PM2.5 relation (source_receptor.csv) and the health account "
                                "(air_quality.csv) are by the three regions: a district case has no PM2.5 account; "
                                "run the case on its regions for PM2.5 and health", field="key"))
        for n in ("source_receptor", "air_quality"):
            if tables.get(n) is not None:
                tables[n] = tables[n].iloc[0:0]
    return clusters


def cluster_members(regions: pd.DataFrame) -> dict[str, list[str]]:
    """Cluster -> its regions in data order; empty when the regions have no cluster (the default set)."""
    if "cluster" not in regions.columns:
        return {}
    out: dict[str, list[str]] = {}
    for r, c in zip(regions["region_id"], regions["cluster"], strict=True):
        if c:
            out.setdefault(c, []).append(r)
    return out
