"""District maps: the shipped boundaries decode to the 38 districts of data/districts.csv with their areas, and a
decomposed district case's report draws its choropleths in a headless browser."""

from __future__ import annotations

import csv
import json
import math
import os
import re
import subprocess

import pandas as pd
import pytest

from planner.outputs import maps
from tests.test_report import _chromium
from tests.tiny import SOURCE, _write, effect, indicator, make_case, measure, potential, region, target

DISTRICTS = pd.read_csv("data/districts.csv", dtype={"adcode": int})


def _km2(ring) -> float:
    """Planar area of a lon/lat ring on a sphere of 6371 km, near enough at a district's size."""
    lat0 = math.radians(sum(p[1] for p in ring) / len(ring))
    k = 6371.0 * math.pi / 180
    return abs(sum(a[0] * b[1] - b[0] * a[1] for a, b in zip(ring, ring[1:], strict=False))) / 2 * k * k \
        * math.cos(lat0)


def test_the_shipped_boundaries_are_the_38_districts_with_their_areas():
    feats = maps.features()
    assert len(feats) == 38
    by_code = {f["properties"]["adcode"]: f for f in feats}
    assert set(by_code) == set(DISTRICTS["adcode"])  # the two 2016 renamings applied (梁平区, 武隆区)
    assert by_code[500155]["properties"]["name"] == "梁平区" and by_code[500156]["properties"]["name"] == "武隆区"
    total = 0.0
    for f in feats:
        g = f["geometry"]
        polys = [g["coordinates"]] if g["type"] == "Polygon" else g["coordinates"]
        for poly in polys:
            ext = poly[0]
            assert ext[0] == ext[-1] and len(ext) >= 4
            # d3-geo's winding: exterior clockwise (negative signed area in lon/lat), else it fills the globe
            assert sum(a[0] * b[1] - b[0] * a[1] for a, b in zip(ext, ext[1:], strict=False)) < 0
            total += _km2(ext) - sum(_km2(h) for h in poly[1:])
    # the official land area of Chongqing is 82,402.95 km2; thinning the rings moves it by well under 1%
    assert total == pytest.approx(82_403, rel=0.01)
    yuzhong = by_code[500103]["geometry"]["coordinates"]
    ring = yuzhong[0] if by_code[500103]["geometry"]["type"] == "Polygon" else yuzhong[0][0]
    xs, ys = [p[0] for p in ring], [p[1] for p in ring]
    assert min(xs) < 106.57 < max(xs) and min(ys) < 29.55 < max(ys)  # 解放碑, 106.577 E 29.557 N
    assert len(json.dumps(feats)) < 300_000  # thinned: about a sixth of the points


def test_a_case_gets_maps_only_when_its_regions_are_the_districts():
    assert maps.region_codes(pd.DataFrame({"region_id": ["a"], "adcode": [500103]})) == {"a": 500103}
    assert maps.region_codes(pd.DataFrame({"region_id": ["a"], "adcode": [110101]})) == {}  # Beijing: not on it
    assert maps.region_codes(pd.DataFrame({"region_id": ["a"], "name_zh": ["x"]})) == {}


def district_case(tmp_path):
    """The 38 districts (data/districts.csv: ids, names, adcodes, 2020 GDP) in one cluster, CO2 100 t each in
    2021-2022; ``cheap`` (1 yuan per unit-year) stands in the first 19 districts, ``dear`` (3) everywhere; a city cap
    of 3,420 t (a 10% cut)."""
    case = make_case(tmp_path, regions=[region("cq")], indicators=[indicator("co2"), indicator("gdp", "yuan")],
                     baseline=[], measures=[measure("cheap", fixed_om=1), measure("dear", fixed_om=3)],
                     effects=[effect("cheap", "co2", -1), effect("dear", "co2", -1)],
                     targets=[target("cap", "cap", "co2", 2021, 3420)], case_extra='regions = "districts"\n')
    data = tmp_path / "data"
    ids = DISTRICTS["district_id"].tolist()
    _write(data / "districts.csv", [{"district_id": d.district_id, "name_zh": d.name_zh, "name_en": d.name_en,
                                     "region_id": "cq", "adcode": d.adcode, "gdp_2020_yuan": d.gdp_2020_yuan,
                                     "source_id": "src"} for d in DISTRICTS.itertuples()])
    (data / "districts").mkdir()
    rows = [{"region_id": d, "indicator_id": i, "year": y, "value": v, "source_id": "src"} for d, g in
            zip(ids, DISTRICTS["gdp_2020_yuan"], strict=True) for i, v in (("co2", 100), ("gdp", g))
            for y in (2020, 2022)]
    _write(data / "districts" / "baseline.csv", rows)
    _write(data / "districts" / "potentials.csv",
           [potential(d, "cheap", 20) for d in ids[:19]] + [potential(d, "dear", 50) for d in ids])
    with (data / "sources.csv").open(encoding="utf-8") as f:
        assert next(csv.DictReader(f))["source_id"] == SOURCE["source_id"]
    return case


def test_a_district_case_decomposes(tmp_path):
    """Least cost: 380 t from the cheap units (19 districts x 20): 380 yuan a year. Equal split: every district cuts
    10 t: 190 cheap + 190 dear = 760 a year: +380 a year, +760 over the two years."""
    import planner

    dec = planner.decompose(district_case(tmp_path))
    assert dec.summary["objective_least_cost"] == pytest.approx(760, rel=1e-7)
    assert dec.summary["objective_administrative"] == pytest.approx(1520, rel=1e-7)
    assert dec.summary["objective_fair"] >= 760 - 1e-6


@pytest.mark.skipif(_chromium() is None and os.environ.get("CI") != "true",
                    reason="no Chromium here (CI installs it through .ci/run; the README's set-up too)")
def test_district_maps_render_in_a_headless_browser(tmp_path):
    from typer.testing import CliRunner

    from planner.cli import app

    case = district_case(tmp_path)
    out = tmp_path / "out"
    r = CliRunner().invoke(app, ["decompose", str(case), "--out", str(out)])
    assert r.exit_code == 0, r.output
    html = out / "report.html"
    page = html.read_text(encoding="utf-8")
    assert 'id="chart-map_districts"' in page and 'id="chart-map_decomposition"' in page
    assert "Apache ECharts map of Chongqing" in page
    dom = subprocess.run([_chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                          "--disable-background-networking", "--disable-component-update", "--disable-sync",
                          f"--user-data-dir={tmp_path / 'profile'}", "--virtual-time-budget=20000",
                          "--dump-dom", html.resolve().as_uri()], capture_output=True, text=True, timeout=180).stdout
    for key, panels in (("map_districts", 3), ("map_decomposition", 4)):
        m = re.search(rf'<figure class="chart[^"]*" id="chart-{key}"[^>]*data-drawn="1".*?</figure>', dom, re.S)
        assert m is not None, f"{key} not drawn"
        shapes = re.findall(r'<path[^>]*aria-roledescription="geoshape"[^>]*d="M[^"]{40,}', m.group(0))
        # every district a filled shape in every panel (a ring wound the wrong way would fill the whole view)
        assert len(shapes) == 38 * panels
    assert "data-error=\"" not in dom


def test_a_district_case_workbook_has_its_shaded_district_table(tmp_path):
    """The workbook's map: one row per district with its CO2 cut and cost, equal to the allocation's sums."""
    import openpyxl

    import planner

    res = planner.run(district_case(tmp_path))
    path = res.to_excel(tmp_path / "book.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb["District map"]
    rows = list(ws.iter_rows(values_only=True))
    head = [str(h).split("\n")[0] for h in rows[1]]
    body = {r[0]: dict(zip(head, r, strict=True)) for r in rows[2:]}
    assert len(body) == 38 and body["yuzhong"]["District"] == "渝中区"
    # the cheap units stand in the first 19 districts: 20 t cut in 2022 (the report year, the last) and 40 yuan
    first = DISTRICTS["district_id"].iloc[0]
    assert body[first]["Net cost, present value, 亿元"] * 1e8 == pytest.approx(40, rel=1e-6)
    assert sum(r["Net cost, present value, 亿元"] for r in body.values()) * 1e8 == pytest.approx(760, rel=1e-6)
    assert ws.conditional_formatting  # shaded
    assert "Decomposition" not in wb.sheetnames  # only `planner decompose` adds it


def test_the_iamc_table_of_a_district_case_sums_the_districts_to_their_cluster(tmp_path):
    import planner
    from planner.analysis import analyse
    from planner.outputs.iamc import iamc_table

    t = iamc_table(analyse(planner.run(district_case(tmp_path))))
    co2 = t[(t["variable"].str.endswith("co2") | (t["variable"] == "Emissions|CO2")) & (t["scenario"] == "tiny")]
    by = co2.groupby(["region", "year"])["value"].sum()
    # one cluster, cq: it is the city; 3,800 t baseline less the 380 t cut
    assert by["Chongqing|cq", 2022] == pytest.approx(by["Chongqing", 2022]) == pytest.approx(3420 / co2_div(t))
    districts = [r for r in co2["region"].unique() if r not in ("Chongqing", "Chongqing|cq")]
    assert len(districts) == 38
    assert sum(by[r, 2022] for r in districts) == pytest.approx(by["Chongqing|cq", 2022])


def co2_div(t) -> float:
    """The IAMC table's unit for co2: Mt (Emissions|CO2) or the indicator's own t."""
    return 1e6 if (t["variable"] == "Emissions|CO2").any() else 1.0
