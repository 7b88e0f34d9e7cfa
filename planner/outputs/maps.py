"""District maps: the boundaries of Chongqing's 38 districts and counties (区县), shipped with the package, as GeoJSON
features the report's charts draw (`planner.outputs.charts.choropleth`).

The boundaries are the Apache ECharts map of Chongqing (apache/echarts, ``test/data/map/json/province/
chongqing.json`` at commit d5b0c452, Apache-2.0; ``planner/outputs/static/chongqing_echarts.json``, unmodified,
with the licence text beside it and the attribution in that folder's README). The file stores each ring as
ECharts's compressed text (two characters a point: the character code less 64, zig-zag decoded, added to the last
point, divided by 1024: ``decodeRing`` of ECharts's ``src/coord/geo/parseGeoJson.ts``); it is decoded here, the two
2016 renamings the file predates are applied (梁平县 500228 -> 梁平区 500155, 武隆县 500232 -> 武隆区 500156), points
closer than ``TOLERANCE`` degrees to the last one kept are dropped (about 400 m: under a pixel of a 300-pixel map of
the city, 4.9 degrees wide) and the rings are wound as d3-geo wants them (exterior clockwise), so the report carries
about a sixth of the points. Regions are matched to the features by their ``adcode`` (GB/T 2260, 2020): a case whose
regions carry the 38 district codes (``regions = "districts"``) gets maps; others get none.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

STATIC = Path(__file__).parent / "static"
SOURCE = STATIC / "chongqing_echarts.json"
RENAME = {500228: (500155, "梁平区"), 500232: (500156, "武隆区")}
TOLERANCE = 0.004  # degrees
SCALE = 1024.0
ATTRIBUTION = "区县边界 District boundaries: Apache ECharts map of Chongqing (Apache-2.0)"


def _ring(text: str, offset: list[int]) -> list[tuple[float, float]]:
    x, y = offset
    out = []
    for k in range(0, len(text) - 1, 2):
        dx, dy = ord(text[k]) - 64, ord(text[k + 1]) - 64
        x += (dx >> 1) ^ -(dx & 1)
        y += (dy >> 1) ^ -(dy & 1)
        out.append((x / SCALE, y / SCALE))
    if out and out[0] != out[-1]:
        out.append(out[0])
    return out


def _thin(ring: list[tuple[float, float]]) -> list[list[float]]:
    kept = [ring[0]]
    for pt in ring[1:-1]:
        if abs(pt[0] - kept[-1][0]) > TOLERANCE or abs(pt[1] - kept[-1][1]) > TOLERANCE:
            kept.append(pt)
    if len(kept) < 3:  # a tiny ring keeps its own points
        kept = ring[:-1]
    kept.append(kept[0])
    return [[round(a, 3), round(b, 3)] for a, b in kept]


def _area(ring: list[list[float]]) -> float:
    """Twice the signed planar area (lon, lat): > 0 counter-clockwise."""
    return sum(a[0] * b[1] - b[0] * a[1] for a, b in zip(ring, ring[1:], strict=False))


def _wound(rings: list[list[list[float]]]) -> list[list[list[float]]]:
    """d3-geo's winding: the exterior ring clockwise, holes counter-clockwise (RFC 7946 has it the other way)."""
    out = []
    for k, r in enumerate(rings):
        ccw = _area(r) > 0
        out.append(r[::-1] if ccw == (k == 0) else r)
    return out


def _polygon(rings: list[str], offsets: list) -> list | None:
    """A polygon's rings thinned and wound; a sliver ring (under three distinct points, no area) dropped, and the
    polygon with its exterior."""
    thinned = [_thin(_ring(t, o)) for t, o in zip(rings, offsets, strict=True)]
    if not thinned or len(thinned[0]) < 4 or not _area(thinned[0]):
        return None
    return _wound([thinned[0], *(r for r in thinned[1:] if len(r) >= 4 and _area(r))])


@functools.cache
def _features() -> tuple[str, ...]:
    src = json.loads(SOURCE.read_text(encoding="utf-8"))
    out = []
    for f in src["features"]:
        geom = f["geometry"]
        code = int(f.get("id") or f["properties"]["adcode"])
        adcode, name = RENAME.get(code, (code, f["properties"]["name"]))
        if geom["type"] == "Polygon":
            polys = [_polygon(geom["coordinates"], geom["encodeOffsets"])]
        elif geom["type"] == "MultiPolygon":
            polys = [_polygon(p, o) for p, o in zip(geom["coordinates"], geom["encodeOffsets"], strict=True)]
        else:
            continue
        polys = [p for p in polys if p]
        if not polys:
            continue
        g = {"type": "Polygon", "coordinates": polys[0]} if len(polys) == 1 else \
            {"type": "MultiPolygon", "coordinates": polys}
        out.append(json.dumps({"type": "Feature", "properties": {"adcode": adcode, "name": name}, "geometry": g},
                              ensure_ascii=False))
    return tuple(out)


def features() -> list[dict]:
    """The 38 district features (fresh copies): properties ``adcode`` and ``name``."""
    return [json.loads(f) for f in _features()]


def codes() -> set[int]:
    return {f["properties"]["adcode"] for f in features()}


def region_codes(regions) -> dict[str, int]:
    """region_id -> adcode for a case's regions table, when every region is a district on the map; else {}."""
    if "adcode" not in regions:
        return {}
    known = codes()
    out = {}
    for r, c in zip(regions["region_id"], regions["adcode"], strict=True):
        try:
            code = int(c)
        except (TypeError, ValueError):
            return {}
        if code not in known:
            return {}
        out[r] = code
    return out


def district_rows(a):
    """One row per district of an analysed case on the map: adcode, names, the CO2 cut in the report year (Mt, the
    assessment basis when the case has one), the discounted net cost (亿元) and that cost per 万元 of 2020 GDP
    (yuan); None when the case's regions are not the districts."""
    import pandas as pd

    res, ctx = a.result, a.ctx
    regions = res.data.tables["regions"]
    code = region_codes(regions)
    if not code:
        return None
    p = ctx.p
    co2 = "co2_official" if "co2_official" in p.indicators else "co2"
    y = ctx.report_year
    ind = res.indicators
    sel = ind[(ind["indicator_id"] == co2) & (ind["year"] == y)].set_index("region_id")
    cut = (sel["baseline"] - sel["level"]).reindex(p.regions)
    alloc = res.allocation
    if alloc.empty:
        cost = pd.Series(0.0, index=p.regions)
    else:
        pv = (alloc["annual_cost"] + alloc["electricity_cost"]) * alloc["year"].map(p.df)
        cost = pv.groupby(alloc["region_id"]).sum().reindex(p.regions, fill_value=0.0)
    reg = regions.set_index("region_id").reindex(p.regions)
    gdp = pd.to_numeric(reg["gdp_2020_yuan"], errors="coerce") if "gdp_2020_yuan" in reg else None
    out = pd.DataFrame({"region_id": p.regions, "adcode": [code[r] for r in p.regions],
                        "name_zh": reg["name_zh"].to_numpy(), "name_en": reg["name_en"].to_numpy(),
                        "co2_cut_mt": (cut / 1e6).to_numpy(), "cost_yi": (cost / 1e8).to_numpy()})
    if gdp is not None:
        out["cost_per_wan_gdp"] = (cost / gdp * 1e4).to_numpy()
    out.attrs.update(year=y, co2=co2)
    return out
