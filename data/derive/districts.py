"""Derive the district set: the rows of baseline, potentials, effects and electricity for the 38 districts and
counties (区县) that a case with ``regions = "districts"`` reads from data/districts/ (planner/inputs/regionset.py).

Run from the repository root:

    python data/derive/districts.py            # rewrites data/districts/{baseline,potentials,effects,electricity}.csv
    python data/derive/districts.py --check    # exit 1 if the files differ from what this script writes
    python data/derive/districts.py --keys within --out /tmp/d   # a variant (sensitivity): writes /tmp/d/districts/
    python data/derive/districts.py --alias gdp=population --out /tmp/d   # a key replaced by another

Inputs: the three-region reference baseline, potentials, effects and thermal shares of data/ (the cluster rows: the
regions of data/regions.csv are the 一区两群 clusters of the districts), and data/derive/district_keys.csv: one row
per district with the published district figures the keys are made of, each column's source in KEY_COLUMNS below
(ids of data/sources.csv).

Method. Every cluster figure of the three-region data is split among the cluster's districts by a key (KEYS; which
key for which indicator: INDICATOR_KEY; for which measure's potential: MEASURE_KEY), so the districts of a cluster
add up to it. Two exceptions, where a published district figure replaces an assumed cluster split of the
three-region data (``--keys published``, the default; ``--keys within`` keeps every cluster total instead):

- the figures the three-region data split among the clusters by its assumed GDP split (split_key ``gdp_2020``,
  en_assume_region_gdp_split, built from 4 counties) are split from the city total by the published district GDP
  (25 districts published, 13 derived: dk_gdp_2020_districts, dk_asm_gdp_residual): main urban 76.3% of GDP instead
  of 79.1%;
- thermal output and capacity (split_key ``thermal_capacity``, rb_assume_electricity_regions: a plant list
  recollected, 'not verified against the Global Coal Plant Tracker') are split from the city total by the coal and
  gas units operating at the end of 2020, unit by unit (dk_gem_gcpt_2023, dk_gem_ggpt_2023): main urban 68% of
  thermal capacity instead of 79%. The thermal parts of co2_power, energy_coal and the air pollutants follow
  elec_thermal (their factors of data/electricity.csv), the rest of them follows the GDP key.

The city totals are the three-region data's in both cases, so every city target reads the same baseline. co2 and
energy_total are the sums of their parts (sectors, carriers), as in the three-region data. Potentials are split
within their cluster by the measure's key; a measure the plan names for some districts only (shale gas in 涪陵,
南川, 綦江, 梁平, clause 五; karst rocky-desertification control in 涪陵, 南川, 丰都, clause 十三; steel in 长寿)
stands only there: where a cluster has no such district, its potential is not given to any district (the three-region
southeast karst potential, an assumption, mb_asm_karst). A regional effect row of a cluster holds in each of its
districts. A thermal share is the district's share of thermal capacity (equal running hours assumed).

Which key splits which figure (KEYS, INDICATOR_KEY, MEASURE_KEY below) is itself an assumption, with its reasoning
here and in data/sources.csv (dk_asm_keys); docs/validation.md (section 9) gives what the choice moves.

Every row written names the cluster row's source (source_id) and the key that split it (split_key in baseline.csv:
``<key>`` within the cluster, ``<key>@city`` from the city total, ``thermal+<key>`` a thermal part and a rest,
``sum`` a sum of parts; the note of potentials and effects).
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"
KEYS_FILE = DATA / "derive" / "district_keys.csv"
FOLDER = "districts"

# district_keys.csv: column -> its source ids (data/sources.csv)
KEY_COLUMNS = {
    "adcode": "en_census_2020_county",
    "population_2020": "en_census_2020_county",
    "urban_share_2020": "dk_census_2020_county_tables",
    "employed_2020": "dk_census_2020_county_tables",
    "industrial_employed_share": "dk_census_2020_county_tables",
    "agricultural_employed_share": "dk_census_2020_county_tables",
    "gdp_2020_yi": "dk_gdp_2020_districts en_cq_district_bulletins_2020 dk_asm_gdp_residual",
    "land_area_km2": "en_assume_district_area",
    "forest_coverage": "dk_chengkou_forest_2018 dk_qijiang_forest_2023 ld_cq_forest_2021_update",
    "coal_mw_2020": "dk_gem_gcpt_2023",
    "captive_coal_mw_2020": "dk_gem_gcpt_2023",
    "gas_mw_2020": "dk_gem_ggpt_2023",
    "co2_2017_mt": "dk_chen_county_co2",
    "port_weight": "dk_asm_ports",
    "shale_gas": "seed_plan",
    "karst": "seed_plan",
    "steel": "dk_steel_changshou",
    "wufei": "seed_plan",
}

# key -> (what it is, how it is made from district_keys.csv); every key is a weight per district
KEYS = {
    "population": "resident population, 2020 census",
    "urban": "urban resident population (population x urban share, 2020 census)",
    "rural": "rural resident population (population x (1 - urban share))",
    "gdp": "GDP 2020 (25 districts published, 13 a residual split by population)",
    "industry": "GDP x the share of the employed in mining, manufacturing and utilities (2020 census): a proxy of "
                "industrial value added (overstates 云阳's published figure by about 65%)",
    "agriculture": "agricultural employment (employed x the agriculture share of the employed, 2020 census)",
    "land": "land area (district polygons scaled to the city's 82,402.95 km2)",
    "forest": "forest land: land area x forest coverage (城口 and 綦江 published, the others the city's 2020 52.5%)",
    "thermal": "coal and gas capacity operating at the end of 2020 (GEM unit trackers)",
    "coal": "coal capacity operating at the end of 2020 (GEM Global Coal Plant Tracker)",
    "captive": "captive coal units operating at the end of 2020 (GEM; a cluster without any: its coal key)",
    "port": "ports: the cluster's main port half, the other ports named in the data share the rest equally",
    "shale_gas": "the shale-gas districts the plan names (clause 五), in equal parts",
    "karst": "the karst rocky-desertification districts the plan names (clause 十三), in equal parts",
    "steel": "the steel works (重钢, 长寿)",
}
FALLBACK = {"captive": "coal"}  # a key absent from a whole cluster falls back to this one

# indicator -> key of its within-cluster split (baseline rows); thermal parts and sums below
INDICATOR_KEY = {
    "gdp": "gdp", "industrial_value_added": "industry", "land_area": "land",
    "energy_industry": "industry", "co2_industry": "industry", "co2_process": "industry",
    "industrial_water_use": "industry", "key_industry_cod": "industry", "key_industry_nh3n": "industry",
    "key_industry_vocs": "industry", "key_industry_nox": "industry", "bulk_solid_waste_generated": "industry",
    "bulk_solid_waste_utilized": "industry", "energy_coal": "industry",
    "fgas": "gdp", "vocs": "gdp", "elec_demand": "gdp", "energy_oil": "gdp", "energy_gas": "gdp",
    "energy_nonfossil": "gdp", "co2_power": "gdp", "so2": "gdp", "nox": "gdp", "pm": "gdp",
    "freight_rail": "gdp", "freight_total": "gdp", "elec_import": "gdp",
    "co2_transport": "population", "co2_buildings": "population", "co2_other": "population",
    "ch4": "population", "nh3": "population", "cod": "population", "nh3n": "population",
    "new_building_area": "population", "prefab_building_area": "population",
    "green_material_building_area": "population", "renewable_building_area_new": "population",
    "msw_landfilled": "population", "landfill_ch4": "population", "landfill_ch4_avoided": "population",
    "msw_diverted": "population", "charging_facilities_new": "urban", "shore_power_berths_new": "port",
    "built_up_area": "urban", "urban_green_area": "urban", "public_vehicles": "urban",
    "public_vehicles_electric": "urban", "pv_roof_area": "urban", "pv_roof_area_used": "urban",
    "fertilizer_use": "agriculture", "manure_generated": "agriculture", "manure_utilized": "agriculture",
    "straw_generated": "agriculture", "straw_utilized": "agriculture",
    "forest_area": "forest", "forest_stock": "forest", "afforestable_land": "forest",
    "afforestable_land_used": "forest", "co2_sink": "forest", "wetland_area": "land",
    "port_throughput": "port", "port_rail_water": "port",
    "elec_thermal": "thermal", "thermal_capacity": "thermal", "elec_gen_nonfossil": "land",
    "wind_pv_plan_room": "land", "wind_pv_added": "land",
    "bof_steel": "steel", "bof_steel_claimed": "steel", "scrap_supply": "steel", "scrap_used": "steel",
}
# indicators with a part that follows thermal output (data/electricity.csv's factor) and a rest that follows the key
THERMAL_PARTS = {"co2_power": "thermal_co2", "energy_coal": "thermal_coal", "so2": "thermal_so2",
                 "nox": "thermal_nox", "key_industry_nox": "thermal_nox", "pm": "thermal_pm"}
SUMS = {"co2": ("co2_power", "co2_industry", "co2_transport", "co2_buildings", "co2_other"),
        "energy_total": ("energy_coal", "energy_oil", "energy_gas", "energy_nonfossil")}
CITY_KEYS = {"gdp_2020": "gdp", "thermal_capacity": "thermal"}  # 3-region split keys a published key replaces

MEASURE_KEY = {
    "pv_utility": "land", "wind_onshore": "land", "small_hydro": "land", "soil_pv_derelict_land": "forest",
    "biomass_power": "agriculture", "pv_distributed": "urban", "coal_unit_retrofit": "coal",
    "captive_coal_to_grid": "captive", "shale_gas_methane_control": "shale_gas", "coal_power_new": "coal",
    "import_xinjiang_green": "gdp", "import_sichuan_uhv": "gdp",
    "fcev_heavy_truck": "gdp", "road_to_rail_freight": "gdp", "retire_old_diesel_truck": "gdp",
    "rail_water_intermodal": "port", "lng_ship": "port", "shore_power_berth": "port",
    "electric_forklift": "industry", "ev_bus": "urban", "ev_taxi": "urban", "ev_ridehail_official": "urban",
    "ev_service_vehicle": "urban", "public_charging_facility": "urban", "battery_swap_station": "urban",
    "steel_bof_to_eaf": "steel", "steel_ultra_low_emission": "steel", "wst_scrap_steel": "steel",
    "bld_rooftop_pv": "urban", "bld_led_streetlight": "urban", "bld_rural_clean_cooking": "rural",
    "eco_afforestation": "forest", "eco_forest_tending": "forest", "eco_soil_erosion_control": "forest",
    "eco_karst_control": "karst", "eco_urban_green": "urban", "wetland_protection": "land",
    "wat_rural_sewage": "rural", "wat_industrial_water_recycling": "industry", "soil_phosphogypsum": "industry",
    "wst_bulk_solid_waste": "industry", "battery_pv_recycling": "industry",
}
SECTOR_KEY = {"industry": "industry", "air": "industry", "transport": "urban", "buildings": "population",
              "agriculture": "agriculture", "ecology": "forest", "water": "population", "soil": "industry",
              "waste": "population", "energy": "gdp"}


def sig(v: float) -> float:
    """Ten significant digits: the written value."""
    return float(f"{v:.10g}")


def read(name: str, data: Path = DATA) -> pd.DataFrame:
    return pd.read_csv(data / f"{name}.csv", dtype=str, keep_default_na=False)


def key_weights(k: pd.DataFrame, aliases: dict[str, str] | None = None) -> dict[str, pd.Series]:
    """Key name -> weight per district (index district_id)."""
    k = k.set_index("district_id")
    num = lambda c: k[c].astype(float)  # noqa: E731
    pop, urban = num("population_2020"), num("urban_share_2020")
    gdp = num("gdp_2020_yi")
    out = {
        "population": pop, "urban": pop * urban, "rural": pop * (1 - urban), "gdp": gdp,
        "industry": gdp * num("industrial_employed_share"),
        "agriculture": num("employed_2020") * num("agricultural_employed_share"),
        "land": num("land_area_km2"), "forest": num("land_area_km2") * num("forest_coverage"),
        "thermal": num("coal_mw_2020") + num("gas_mw_2020"), "coal": num("coal_mw_2020"),
        "captive": num("captive_coal_mw_2020"), "port": num("port_weight"), "shale_gas": num("shale_gas"),
        "karst": num("karst"), "steel": num("steel"),
    }
    assert set(out) == set(KEYS)
    for a, b in (aliases or {}).items():
        out[a] = out[b]
    return out


def shares_within(w: pd.Series, cluster: pd.Series) -> dict[str, pd.Series]:
    """Cluster -> its districts' shares of the weight w (absent when the whole cluster weighs 0)."""
    out = {}
    for c, members in cluster.groupby(cluster).groups.items():
        sub = w.loc[list(members)]
        if sub.sum() > 0:
            out[c] = sub / sub.sum()
    return out


def cluster_shares(w: pd.Series, cluster: pd.Series) -> dict[str, float]:
    tot = w.groupby(cluster).sum()
    return (tot / tot.sum()).to_dict()


def selected_baseline(bl: pd.DataFrame, variant: str = "reference") -> pd.DataFrame:
    """The rows a case with ``baseline = variant`` reads: blank-variant rows, replaced by the variant's own."""
    own = bl[bl["variant"] == variant]
    taken = set(zip(own["region_id"], own["indicator_id"], own["year"], strict=True))
    free = np.array([k not in taken for k in zip(bl["region_id"], bl["indicator_id"], bl["year"], strict=True)])
    shared = bl[(bl["variant"] == "").to_numpy() & free]
    return pd.concat([shared, own], ignore_index=True)


def derive(data: Path = DATA, mode: str = "published", aliases: dict[str, str] | None = None) -> dict[str, str]:
    """The four tables of the district set as CSV text."""
    k = pd.read_csv(KEYS_FILE, dtype={"district_id": str}, keep_default_na=False)
    cluster = k.set_index("district_id")["cluster"]
    weights = key_weights(k, aliases)
    within = {name: shares_within(w, cluster) for name, w in weights.items()}
    for name, fb in FALLBACK.items():
        for c in set(cluster) - set(within[name]):
            if c in within[fb]:
                within[name][c] = within[fb][c]
    city_share = {name: cluster_shares(weights[name], cluster) for name in set(CITY_KEYS.values())}
    members = {c: list(ix) for c, ix in cluster.groupby(cluster).groups.items()}

    elec = read("electricity", data)
    factor = {p: float(v) for p, r, v in zip(elec["parameter"], elec["region_id"], elec["value"], strict=True)
              if not r and p in THERMAL_PARTS.values()}
    old_share = {r: float(v) for p, r, v in zip(elec["parameter"], elec["region_id"], elec["value"], strict=True)
                 if p == "thermal_share"}

    bl = selected_baseline(read("baseline", data))
    bl["value"] = bl["value"].astype(float)
    rows: dict[tuple[str, str, int], tuple[float, str, str]] = {}  # (district, indicator, year) -> value, src, key
    by = {(r, i, int(y)): (v, s, key) for r, i, y, v, s, key in zip(
        bl["region_id"], bl["indicator_id"], bl["year"], bl["value"], bl["source_id"], bl["split_key"], strict=True)}
    years = sorted({y for _, _, y in by})
    indicators = list(dict.fromkeys(bl["indicator_id"]))
    missing = [i for i in indicators if i not in INDICATOR_KEY and i not in SUMS]
    if missing:
        raise SystemExit(f"no district key for the indicators {', '.join(missing)}: add them to INDICATOR_KEY")

    def cluster_totals(i: str, y: int) -> tuple[dict[str, float], str]:
        """Cluster -> its total of i in year y, and the split label (the cluster rows, or the city re-split)."""
        vals = {c: by[c, i, y][0] for c in members if (c, i, y) in by}
        key3 = by[next(iter(vals)), i, y][2] if vals else ""
        if mode == "published" and key3 in CITY_KEYS:
            shares = city_share[CITY_KEYS[key3]]
            city = sum(vals.values())
            return {c: city * shares.get(c, 0.0) for c in members}, "@city"
        return vals, ""

    def split(i: str, y: int, totals: dict[str, float], key: str, src: str, label: str) -> None:
        for c, total in totals.items():
            sh = within[key].get(c)
            used = key
            if sh is None:  # no district of the cluster has the key (0 there, or a fallback)
                sh, used = within["population"][c], "population"
            for d, s in sh.items():
                rows[d, i, y] = (total * s, src, used + label)

    # thermal output first (the thermal parts follow it), then every indicator, then the sums
    order = ["elec_thermal", *[i for i in indicators if i != "elec_thermal" and i not in SUMS]]
    for i in order:
        for y in years:
            if not any((c, i, y) in by for c in members):
                continue
            src = by[next(c for c in members if (c, i, y) in by), i, y][1]
            totals, label = cluster_totals(i, y)
            if i in THERMAL_PARTS and "thermal" in by[next(iter(members)), i, y][2]:
                f = factor[THERMAL_PARTS[i]]
                th_old = {c: by[c, "elec_thermal", y][0] for c in members}
                rest = {c: by[c, i, y][0] - f * th_old[c] for c in members}
                if mode == "published":
                    city_rest = sum(rest.values())
                    rest = {c: city_rest * city_share["gdp"][c] for c in members}
                    label = "@city"
                split(i, y, rest, INDICATOR_KEY[i], src, label)
                for d in cluster.index:
                    v, _, key = rows[d, i, y]
                    rows[d, i, y] = (v + f * rows[d, "elec_thermal", y][0], src, "thermal+" + key)
            else:
                split(i, y, totals, INDICATOR_KEY[i], src, label)
    for i, parts in SUMS.items():
        for y in years:
            if all((d, p, y) in rows for d in cluster.index for p in parts):
                src = by[next(iter(members)), i, y][1]
                for d in cluster.index:
                    rows[d, i, y] = (sum(rows[d, p, y][0] for p in parts), src, "sum")
    district_order = list(k["district_id"])
    out_bl = pd.DataFrame(
        [("reference", d, i, y, repr(sig(v)), s, key, "")
         for i in indicators for d in district_order for y in years if (d, i, y) in rows
         for v, s, key in [rows[d, i, y]]],
        columns=["variant", "region_id", "indicator_id", "year", "value", "source_id", "split_key", "note"])

    # potentials: within the cluster by the measure's key
    ms = read("measures", data).set_index("measure_id")
    pot = read("potentials", data)
    prow = []
    for r in pot.itertuples(index=False):
        key = MEASURE_KEY.get(r.measure_id, SECTOR_KEY[ms.at[r.measure_id, "sector"]])
        sh = within[key].get(r.region_id)
        if sh is None:
            continue  # the measure stands in no district of this cluster (the plan names others)
        for d, s in sh.items():
            if s <= 0:
                continue
            def num(v, s=s):
                return repr(sig(float(v) * s)) if v else ""
            prow.append((d, r.measure_id, num(r.max_stock), num(r.min_stock), num(r.max_build), r.first_year,
                         r.source_id, f"{s:.4f} of the {r.region_id} potential ({key} key)"))
    out_pot = pd.DataFrame(prow, columns=["region_id", "measure_id", "max_stock", "min_stock", "max_build",
                                          "first_year", "source_id", "note"])

    # effects: a cluster's own row holds in each of its districts
    eff = read("effects", data)
    regional = eff[eff["region_id"] != ""]
    erow = [(r.measure_id, r.indicator_id, r.effect, d, r.source_id, f"the {r.region_id} row")
            for r in regional.itertuples(index=False) for d in members[r.region_id]]
    out_eff = pd.DataFrame(erow, columns=["measure_id", "indicator_id", "effect", "region_id", "source_id", "note"])

    # thermal shares: the district's share of thermal capacity (of the city, or within its cluster's share)
    th = weights["thermal"]
    if mode == "published":
        share = th / th.sum()
        src, how = "dk_gem_gcpt_2023", "share of the city's coal and gas capacity operating at the end of 2020"
    else:
        share = pd.Series({d: old_share[c] * within["thermal"][c][d] for c, ds in members.items() for d in ds})
        src, how = "rb_assume_electricity_regions", "the cluster's share split by coal and gas capacity (GEM)"
    share = share[share > 0].reindex([d for d in district_order if share.get(d, 0) > 0])
    vals = [round(float(v), 6) for v in share]
    vals[-1] = round(1 - sum(vals[:-1]), 6)  # the shares add up to exactly 1
    out_el = pd.DataFrame([("thermal_share", d, "", repr(v), "share", src, how) for d, v in zip(share.index, vals,
                                                                                               strict=True)],
                          columns=["parameter", "region_id", "year", "value", "unit", "source_id", "note"])
    return {name: to_csv(df) for name, df in (("baseline", out_bl), ("potentials", out_pot), ("effects", out_eff),
                                              ("electricity", out_el))}


def to_csv(df: pd.DataFrame) -> str:
    buf = io.StringIO()
    df.to_csv(buf, index=False, lineterminator="\n")
    return buf.getvalue()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="exit 1 if the files differ from what this writes")
    ap.add_argument("--keys", choices=("published", "within"), default="published",
                    help="published: city totals re-split by published district GDP and plants; within: every "
                         "cluster total kept")
    ap.add_argument("--alias", action="append", default=[], metavar="KEY=OTHER",
                    help="use key OTHER wherever KEY is used (a sensitivity), e.g. gdp=population")
    ap.add_argument("--data", type=Path, default=DATA, help="the data folder read (default data/)")
    ap.add_argument("--out", type=Path, help="write OUT/districts/ instead of data/districts/")
    args = ap.parse_args(argv)
    aliases = dict(a.split("=", 1) for a in args.alias)
    for a, b in aliases.items():
        if a not in KEYS or b not in KEYS:
            ap.error(f"unknown key in --alias {a}={b}; keys: {', '.join(KEYS)}")
    texts = derive(args.data, args.keys, aliases)
    folder = (args.out or args.data) / FOLDER
    if args.check:
        stale = [n for n, t in texts.items() if not (folder / f"{n}.csv").is_file()
                 or (folder / f"{n}.csv").read_text(encoding="utf-8") != t]
        if stale:
            print(f"{folder}: differs from what data/derive/districts.py writes: {', '.join(stale)}")
            return 1
        print(f"{folder}: up to date")
        return 0
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in texts.items():
        (folder / f"{name}.csv").write_text(text, encoding="utf-8")
    print(f"written: {', '.join(str(folder / f'{n}.csv') for n in texts)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
