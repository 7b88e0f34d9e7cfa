"""The shipped data set: it reproduces the published figures it was built from, its numbers are physically
plausible, its units and regional splits are consistent, and every number is traceable to a source.

Each published figure names its source (the source_id in data/sources.csv) and the tolerance allowed.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import planner
from planner.model import derive
from planner.outputs.catalog import catalog

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def data():
    return planner.load(ROOT / "cases" / "baseline.toml")


@pytest.fixture(scope="module")
def p(data):
    return derive(data)


def city(p, i, y):
    return p.baseline_sum(i, "city", y)


VARIANTS = ("reference", "frozen_technology")


@pytest.fixture(scope="module")
def pv():
    """Params of both baseline variants on the shipped data."""
    import dataclasses

    case = planner.load_case(ROOT / "cases" / "baseline.toml")
    return {v: derive(planner.load(dataclasses.replace(case, baseline=v))) for v in VARIANTS}


# ------------------------------------------------------------------------------------- published figures


PUBLISHED = [
    # (what, function of params, published value, relative tolerance, source)
    ("total energy 2020, tce", lambda p: city(p, "energy_total", 2020), 88_750_000, 0.001,
     "重庆市能源发展“十四五”规划 (渝府办发〔2022〕48号): 8,875万 tce"),
    ("coal share of energy 2020", lambda p: city(p, "energy_coal", 2020) / city(p, "energy_total", 2020), 0.443, 0.005,
     "重庆市能源发展“十四五”规划: coal 44.3%"),
    ("CO2 2020 vs CEADs 2019 156.25 Mt", lambda p: city(p, "co2", 2020), 156_250_000, 0.02,
     "CEADs Chongqing 2019 inventory, scope 1 (energy use fell 0.2% in 2020)"),
    ("forest stock 2021, m3", lambda p: city(p, "forest_stock", 2021), 250_270_000, 0.005,
     "2021 forest stock 25,027万 m3 (DATA-BRIEF; 重庆市林业局)"),
    ("forest coverage 2020", lambda p: city(p, "forest_area", 2020) / city(p, "land_area", 2020), 0.525, 0.005,
     "54.5% in 2021, reported as 2 points above 2020"),
    ("land area, ha", lambda p: city(p, "land_area", 2020), 8_240_295, 1e-6, "82,402.95 km2 (重庆市统计)"),
    ("general industrial solid waste utilisation (2021 rate held)",
     lambda p: city(p, "bulk_solid_waste_utilized", 2020) / city(p, "bulk_solid_waste_generated", 2020),
     1909.5 / 2272.1, 0.005, "2021: generated 2,272.1万t, utilised 1,909.5万t (生态环境状况公报)"),
    ("fertilizer use 2020, t", lambda p: city(p, "fertilizer_use", 2020), 898_000, 0.001,
     "89.8万 t (2020, DATA-BRIEF)"),
    ("straw utilisation 2020", lambda p: city(p, "straw_utilized", 2020) / city(p, "straw_generated", 2020), 0.8896,
     0.001, "straw 790.8万t collectable, 88.96% utilised"),
    ("GDP 2020, yuan", lambda p: city(p, "gdp", 2020), 2_500_279_000_000, 0.001, "2020 bulletin: 25,002.79亿元"),
]


@pytest.mark.parametrize("what, f, value, tol, source", PUBLISHED, ids=[x[0] for x in PUBLISHED])
def test_baseline_reproduces_published_figure(p, what, f, value, tol, source):
    assert f(p) == pytest.approx(value, rel=tol), source


def test_population_is_the_2020_census(data):
    """7th census resident population of Chongqing, 2020: 32,054,159; 21 / 11 / 6 districts per region."""
    d = data.tables["districts"]
    assert d["population_2020"].astype(float).sum() == 32_054_159
    assert d.groupby("region_id").size().to_dict() == {"main_urban": 21, "northeast": 11, "southeast": 6}


def test_regions_add_up_to_the_city(data, p):
    """Regional land areas in regions.csv and districts.csv add to the city's 82,402.95 km2, and the land_area
    baseline per region matches regions.csv."""
    reg = data.tables["regions"].set_index("region_id")["land_area_km2"].astype(float)
    dist = data.tables["districts"].groupby("region_id")["land_area_km2"].sum()
    assert reg.sum() == pytest.approx(82_402.95, abs=0.05)
    for r in p.regions:
        assert dist[r] == pytest.approx(reg[r], abs=0.05)
        assert p.baseline[r, "land_area", 2020] == pytest.approx(reg[r] * 100, rel=1e-4)


def test_energy_carriers_add_up_to_total(p):
    for r in p.regions:
        for y in (2020, 2025, 2030, 2035):
            parts = sum(p.baseline[r, f"energy_{c}", y] for c in ("coal", "oil", "gas", "nonfossil"))
            assert parts == pytest.approx(p.baseline[r, "energy_total", y], rel=1e-3), (r, y)


# ------------------------------------------------------------------------------------- plausible factors


def _effects(data, m):
    e = data.tables["effects"]
    return e[e["measure_id"] == m]


@pytest.mark.parametrize("m", ["pv_utility", "pv_distributed", "wind_onshore", "small_hydro"])
def test_renewables_displace_thermal_power_at_plausible_factors(data, p, m):
    """Non-fossil power counts 0.305 tce per MWh (coal-equivalent method) and displaces grid thermal output through the
    balance. Full-load hours: PV 800-1,300 h in Chongqing (low irradiance), wind 1,500-2,600 h, small hydro
    2,500-5,000 h. The CO2 it saves per MWh, summed over the regions the grid books it to, is the thermal factor:
    0.78-0.95 t/MWh, China's coal fleet (the national grid average, 0.57, would understate what displacement saves)."""
    hours = {"pv_utility": (800, 1300), "pv_distributed": (800, 1300), "wind_onshore": (1500, 2600),
             "small_hydro": (2500, 5000)}[m]
    checked = 0
    for r in p.regions:
        if (r, m) not in p.pair_set:
            continue
        own, total = p.effects[r, m], p.total_effect(r, m)
        mwh = own["elec_gen_nonfossil"]
        assert own["energy_nonfossil"] == pytest.approx(0.305 * mwh, rel=1e-6), r
        assert hours[0] <= mwh <= hours[1], r
        assert 0.78 <= -total["co2"] / mwh <= 0.95, r
        fuel = p.grid.factors["thermal_coal"] + p.grid.factors.get("thermal_gas", 0.0)
        assert total["energy_total"] == pytest.approx(mwh * (0.305 - fuel), rel=1e-6), r
        checked += 1
    assert checked >= 1


def test_cost_per_tonne_co2e_is_in_a_plausible_range(data):
    """Cost per t CO2e of every measure that cuts CO2e: between -5,000 yuan/t (no-regret efficiency) and 150,000
    yuan/t (urban green space, bought for its target, not for carbon). A slip of 1,000 in a unit lands outside."""
    cat = catalog(data)
    cut = cat[cat["cost_per_t_co2e"].notna()]
    assert len(cut) >= 40
    known = {
        # methane slip (+3 t CH4/yr x 28) cancels most of the CO2 an LNG ship saves, so its large fuel saving is
        # divided by a small net CO2e cut: the number is right, the measure is not a climate measure.
        "lng_ship",
    }
    cut = cut[~cut["measure_id"].isin(known)]
    outside = cut[(cut["cost_per_t_co2e"] < -5_000) | (cut["cost_per_t_co2e"] > 150_000)]
    assert outside.empty, outside[["measure_id", "cost_per_t_co2e"]]
    energy = cut[cut["measure_id"].isin(["pv_utility", "wind_onshore", "import_xinjiang_green", "steel_bof_to_eaf"])]
    assert energy["cost_per_t_co2e"].between(-600, 1_000).all(), energy[["measure_id", "cost_per_t_co2e"]]


# Measures whose potentials were sized on the frozen path claim more than the reference baseline leaves, because
# the reference already contains autonomous structural change (non-power coal -25% by 2025, cement output -18%):
# industrial_structure_upgrade, cement and steel ultra-low emission and clean-production retrofits together cut
# 77-82 kt of key-industry NOx at full potential against 69 kt left in 2025. Their potentials must be made
# additional to the reference (issue 6, shared pools); until then the overlap is listed here, and the test fails
# as soon as it is gone so that the entry is removed.
# Since the reference was recalibrated on the record (issue 16) two more: SO2, whose 2020 level is now Chongqing's
# share of the national total (84.9 kt, falling to 48-53 kt) against 58 kt of cuts at full potential (the structure
# upgrade alone 20 kt), and co2_industry, industrial combustion CO2 net of non-energy use (42.5 Mt in 2030) against
# 43.6 Mt of claims (structure upgrade 26 Mt). The reference case's optimum stays far from both (SO2 39 kt, 2030).
KNOWN_OVERLAP = {"key_industry_nox", "so2", "co2_industry"}


@pytest.mark.parametrize("variant", VARIANTS)
def test_no_indicator_can_be_driven_below_zero(pv, variant):
    """Even with every potential fully built, no emission, energy or activity level goes negative. Exceptions:
    co2_sink (sinks are negative by definition); co2_power and energy_coal, whose regional values book the coal
    power a panel displaces in the panel's region while the grid is city-wide (a region rich in wind and PV may
    displace more than its own plants burn; checked for the city until the electricity balance replaces that
    booking). The frozen variant, on which the potentials were sized, is checked in every region; the reference
    for the city (its regional paths fall faster than the frozen split the measures were sized on), except the
    overlaps listed in KNOWN_OVERLAP."""
    p = pv[variant]

    def floor(r, i, t):
        return p.baseline[r, i, t] + sum(min(0.0, e) * p.max_stock[rb, m] for rb, m, e in p.acting.get((r, i), ()))

    regional = variant == "frozen_technology"
    overlap = set()
    for i in p.indicators:
        if p.accumulates[i] or i == "co2_sink":
            continue
        for t in (2025, 2030, 2035):
            if i in ("co2_power", "energy_coal") or not regional:
                if sum(floor(r, i, t) for r in p.regions) < 0:
                    overlap.add(i)
                continue
            for r in p.regions:
                assert floor(r, i, t) >= -1e-6 * abs(p.baseline[r, i, t]), (r, i, t, floor(r, i, t))
    assert overlap == (KNOWN_OVERLAP if variant == "reference" else set())


def test_units_of_shares_match(data):
    """Every share target divides quantities in the same unit (m2 by m2, t by t)."""
    units = data.tables["indicators"].set_index("indicator_id")["unit"]
    for t in data.tables["targets"].itertuples():
        if t.kind.startswith("share"):
            assert units[t.indicator_id] == units[t.denominator_id] or t.denominator_id == "land_area", t.target_id


# ------------------------------------------------------------------------------------- provenance


def test_every_assumption_shows_its_derivation(data):
    src = data.tables["sources"]
    short = src[(src["kind"] == "assumption") & (src["note"].fillna("").str.len() < 40)]
    assert short.empty, short[["source_id", "note"]]


def test_no_orphan_sources_and_every_document_has_a_reference(data):
    """Every source is cited by a data row, named in a note (an assumption's derivation names the figures it
    rests on) or used by a shipped case; every document or dataset says where to find it."""
    src = data.tables["sources"]
    used = set()
    for name in ("regions", "districts", "indicators", "measures", "effects", "potentials", "targets",
                 "pollution_equivalents", "source_receptor", "air_quality"):
        used |= set(data.tables[name]["source_id"])
    # every baseline variant, the electricity factors and the savings components, read from the files (a case sees
    # one variant; data/derive/savings.csv is the derivation of the measures' savings)
    raw = [pd.read_csv(ROOT / "data" / f, keep_default_na=False)
           for f in ("baseline.csv", "electricity.csv", "derive/savings.csv")]
    for df in raw:
        used |= set(df["source_id"])
    notes = " ".join(" ".join(df["note"].astype(str)) for df in [*data.tables.values(), *raw] if "note" in df.columns)
    cases = " ".join(f.read_text(encoding="utf-8") for f in (ROOT / "cases").glob("*.toml"))
    # the district set: its rows (data/districts/) and the derivation that names each key column's sources
    for f in sorted((ROOT / "data" / "districts").glob("*.csv")):
        df = pd.read_csv(f, keep_default_na=False)
        used |= set(df["source_id"]) if "source_id" in df else set()
        notes += " " + " ".join(df["note"].astype(str)) if "note" in df else ""
    notes += (ROOT / "data" / "derive" / "districts.py").read_text(encoding="utf-8")
    orphans = [s for s in src["source_id"] if s not in used and s not in notes and s not in cases]
    assert orphans == []
    for s in src.itertuples():
        if s.kind in ("document", "dataset"):
            assert len(str(s.reference)) >= 5, s.source_id


def test_catalog_covers_every_family_of_the_plan(data):
    """At least 45 measures, and every clause from 四 to 十五 that names measures has at least one."""
    ms = data.tables["measures"]
    assert len(ms) >= 45
    clauses = set(ms["clause"].str.replace("/", " ").str.split().explode())
    for clause in ("四", "五", "七", "八", "九", "十", "十一", "十二", "十三", "十四", "十五"):
        assert clause in clauses, clause
    for sector in ("industry", "energy", "transport", "buildings", "agriculture", "ecology", "air", "water", "soil",
                   "waste"):
        assert (ms["sector"] == sector).any(), sector


def test_every_measure_has_names_effects_and_a_potential(data):
    ms = data.tables["measures"]
    assert ms["name_zh"].str.contains("[\u4e00-\u9fff]").all()
    assert (ms["name_en"].str.len() > 3).all()
    with_effect = set(data.tables["effects"]["measure_id"])
    with_potential = set(data.tables["potentials"]["measure_id"])
    assert set(ms["measure_id"]) <= with_effect
    assert set(ms["measure_id"]) <= with_potential


def test_every_target_of_the_plan_is_a_row():
    t = pd.read_csv(ROOT / "data" / "targets.csv").set_index("target_id")
    plan = t[t["source_id"] == "seed_plan"]
    assert len(plan) == 23
    assert t.loc["carbon_peak_2030", "kind"] == "peak"
    assert t.loc["nonfossil_share_2025", "value"] == 0.25
    assert t.loc["industrial_energy_intensity_2025", "value"] == 0.145
    assert t["name_zh"].str.contains("[\u4e00-\u9fff]").all()


def test_targets_last_unless_their_row_says_otherwise(data):
    """Every target of the plan lasts to the horizon (blank until) and its note says why (the plan's wording:
    稳定在, 保持在, 全面, 以上, or the level reached is not to be lost)."""
    t = data.tables["targets"]
    assert t["until"].isna().all()
    assert t["note"].str.contains("lasting").all()


def test_intensity_and_pollutant_targets_cite_their_documents(data):
    """The documents the plan cites set CO2- and energy-intensity targets for the same years; every pollutant total
    can be capped (rows disabled by default, switched on by cases/pollutant_caps.toml), and the 14th-FYP key-project
    cuts for Chongqing are rows too."""
    t = data.tables["targets"].set_index("target_id")
    src = data.tables["sources"].set_index("source_id")
    assert t.loc["energy_intensity_2025", "value"] == 0.14
    assert (t.loc["energy_intensity_2025", "indicator_id"], t.loc["energy_intensity_2025", "denominator_id"]) == \
        ("energy_total", "gdp")
    assert t.loc["co2_intensity_2030", "value"] == pytest.approx(1 - 0.35 / 0.516, abs=5e-4)
    for k in ("energy_intensity_2025", "co2_intensity_2025", "co2_intensity_2030"):
        assert t.loc[k, "source_id"] != "seed_plan" and len(src.loc[t.loc[k, "source_id"], "note"]) > 40
    for i in ("so2", "nox", "pm", "vocs", "nh3", "cod", "nh3n"):
        row = t.loc[f"{i}_no_increase_2025"]
        assert (row["kind"], row["base_year"], row["value"], bool(row["enabled"])) == ("reduction", 2020, 0, False)
    # the 14th-FYP totals for 2021-2025 (渝府发〔2022〕39号: COD 4.32万 t, NH3-N 0.18万 t, NOx 3.68万 t, VOCs 1.06万 t);
    # the reference baseline holds 2021-2023 as recorded, so the rows ask for the 2024-25 remainder, 2/5 of each
    cuts = {k: t.loc[f"{k}_key_projects_2025", "value"] for k in ("cod", "nh3n", "nox", "vocs")}
    assert cuts == pytest.approx({k: v * 2 / 5 for k, v in {"cod": 43200, "nh3n": 1800, "nox": 36800,
                                                            "vocs": 10600}.items()})


def test_baseline_covers_2020_to_2035_for_every_region_and_indicator(data):
    b = data.tables["baseline"]
    span = b.groupby(["region_id", "indicator_id"])["year"].agg(["min", "max", "count"])
    assert (span["min"] <= 2020).all() and (span["max"] >= 2035).all() and (span["count"] >= 4).all()
    derived = data.tables["indicators"]["formula"].fillna("") != ""  # follow from their formula: no rows of their own
    assert derived.sum() == 2 and set(span.index.get_level_values(1)).isdisjoint(
        data.tables["indicators"].loc[derived, "indicator_id"])
    # a concentration follows from the emissions (source_receptor.csv): no rows of its own either
    conc = data.tables["indicators"]["indicator_id"].isin(set(data.tables["source_receptor"]["indicator_id"]))
    assert conc.sum() == 1 and "pm25" not in set(span.index.get_level_values(1))
    assert len(span) == 3 * int((~derived & ~conc).sum())


def test_no_row_lacks_a_source():
    for f in ("baseline", "measures", "effects", "potentials", "targets", "regions", "districts"):
        df = pd.read_csv(ROOT / "data" / f"{f}.csv", keep_default_na=False)
        assert (df["source_id"] != "").all(), f


SECTORS = ("co2_power", "co2_industry", "co2_transport", "co2_buildings", "co2_other", "co2_sink")


def test_co2_by_sector_adds_up_in_the_baseline(p):
    """CEADs sectors (power and heat, industry, transport, buildings, other) plus sinks add to co2 in every region
    and year, and the 2020 city split keeps the CEADs 2019 shares (power 59.61 and industry 60.73 of 156.26 Mt)."""
    for r in p.regions:
        for y in range(2020, 2036):
            assert sum(p.baseline[r, s, y] for s in SECTORS) == pytest.approx(p.baseline[r, "co2", y], rel=1e-9)
    total = city(p, "co2", 2020)
    assert city(p, "co2_power", 2020) / total == pytest.approx(59.61 / 156.26, rel=1e-3)
    assert city(p, "co2_industry", 2020) / total == pytest.approx(60.73 / 156.26, rel=1e-3)


def test_every_co2_effect_is_split_by_sector(p):
    """Each measure's gross CO2 effect in each region equals the sum of its five sector effects: a sector report
    never loses or invents a tonne. Sinks are not in co2: a measure that sequesters has a co2_sink row and no co2
    row (the peak applies to gross CO2; net CO2 = co2 + co2_sink is reported beside it)."""
    gross = SECTORS[:-1]
    checked = sinks = 0
    for r, m in p.pairs:
        eff = p.total_effect(r, m)  # own effects and those booked through the grid
        if "co2" in eff:
            assert sum(eff.get(s, 0.0) for s in gross) == pytest.approx(eff["co2"], rel=1e-9, abs=1e-9), (r, m)
            checked += 1
        if "co2_sink" in eff:
            assert eff["co2_sink"] < 0 and "co2" not in eff, (r, m)
            sinks += 1
    assert checked >= 150 and sinks >= 6 * len(p.regions)


# ------------------------------------------------------------------------------------- reference baseline
# The shipped data hold two baseline variants (data/baseline.csv column `variant`): `reference` (the default,
# calibrated on the published 2020-2023 record and following drivers and policies in force) and
# `frozen_technology` (every activity grows with GDP at 2020 technology). Rows are derived by
# data/derive/reference_baseline.py; these tests hold the result to the published figures it uses.

ELEC = ("elec_demand", "elec_gen_nonfossil", "elec_import", "elec_thermal")


@pytest.fixture(scope="module")
def elec():
    e = pd.read_csv(ROOT / "data" / "electricity.csv", keep_default_na=False)
    return e


def factor(elec, name, year=""):
    row = elec[(elec["parameter"] == name) & (elec["year"].astype(str) == str(year)) & (elec["region_id"] == "")]
    assert len(row) == 1, name
    return float(row["value"].iloc[0])


GDP_2020 = 2_500_279_000_000  # 25,002.79亿元 (2020 bulletin); later years in constant 2020 prices

REFERENCE_PUBLISHED = [
    # (what, function of params, published value, relative tolerance, source)
    ("energy 2020, tce", lambda p: city(p, "energy_total", 2020), 88_750_000, 0.001,
     "8,875万 tce, 重庆市能源发展“十四五”规划 (yearbook 8,874.54万)"),
    ("energy 2021, tce", lambda p: city(p, "energy_total", 2021), 92_710_000, 0.03,
     "9,271万 tce, 2021 统计快报 (rb_cq_energy_2021)"),
    ("GDP 2020", lambda p: city(p, "gdp", 2020), GDP_2020, 0.001, "2020 bulletin"),
    ("GDP 2021 (+8.3%)", lambda p: city(p, "gdp", 2021), GDP_2020 * 1.083, 0.03, "2021 statistics release"),
    ("GDP 2022 (+2.6%)", lambda p: city(p, "gdp", 2022), GDP_2020 * 1.083 * 1.026, 0.03, "2022 bulletin"),
    ("GDP 2023 (+6.1%)", lambda p: city(p, "gdp", 2023), GDP_2020 * 1.083 * 1.026 * 1.061, 0.03, "2023 release"),
    ("coal share 2020", lambda p: city(p, "energy_coal", 2020) / city(p, "energy_total", 2020), 0.443, 0.005,
     "重庆市能源发展“十四五”规划: coal 44.3%"),
    ("renewables' share of electricity use 2020",
     lambda p: city(p, "energy_nonfossil", 2020) / 0.305 / city(p, "elec_demand", 2020), 0.514, 0.01,
     "重庆市能源发展“十四五”规划: 51.4%"),
    ("electricity use 2020, MWh", lambda p: city(p, "elec_demand", 2020), 118_700_000, 0.005,
     "NBS record 1,187亿 kWh (rb_nbs_power_record; PyPSA-China-PIK's provincial load 1,195.6亿, rb_pypsa_load)"),
    ("electricity use 2024, MWh", lambda p: city(p, "elec_demand", 2024), 161_260_000, 0.005,
     "NBS record 1,612.6亿 kWh: already at the 1,620亿 kWh the energy 14th FYP projected for 2025"),
    ("electricity use 2021, MWh", lambda p: city(p, "elec_demand", 2021), 134_100_000, 0.005,
     "NBS record 1,341亿 kWh (rb_nbs_power_record)"),
    ("electricity use 2023, MWh", lambda p: city(p, "elec_demand", 2023), 145_300_000, 0.005,
     "NBS record 1,453亿 kWh (rb_nbs_power_record)"),
    ("CO2 2020 on the assessment basis (combustion + net imports at the 华中 factor)",
     lambda p: city(p, "co2_official", 2020), 158_870_000, 0.03,
     "15,886.96万 t energy-activity CO2, quoted from 重庆统计年鉴2021 (bl2_cq_energy_2020_yb_cited)"),
    ("process CO2 2020 (cement)", lambda p: city(p, "co2_process", 2020), 19_620_000, 0.03,
     "CEADs 2019 cement process CO2 19.62 Mt (en_ceads_2019); cement output flat in 2020"),
    ("industrial energy 2020, tce", lambda p: city(p, "energy_industry", 2020), 40_000_000, 0.05,
     "about 4,000万 tce (rb_chinanews_energy_13fyp)"),
    ("forest coverage 2021", lambda p: city(p, "forest_area", 2021) / city(p, "land_area", 2021), 0.545, 0.005,
     "54.5% (重庆市统计局, ld_cq_stats_green_2021)"),
    ("forest coverage 2022", lambda p: city(p, "forest_area", 2022) / city(p, "land_area", 2022), 0.5504, 0.005,
     "55.04% (DATA-BRIEF)"),
    ("forest coverage 2023", lambda p: city(p, "forest_area", 2023) / city(p, "land_area", 2023), 0.5506, 0.005,
     "55.06% (ld_cq_forest_2023)"),
    ("forest stock 2021, m3", lambda p: city(p, "forest_stock", 2021), 250_270_000, 0.005, "25,027万 m3"),
    ("forest stock 2023, m3", lambda p: city(p, "forest_stock", 2023), 274_000_000, 0.005, "2.74亿 m3"),
    ("solid waste generated 2021, t", lambda p: city(p, "bulk_solid_waste_generated", 2021), 22_721_000, 0.005,
     "2,272.1万 t (2021 生态环境状况公报)"),
    ("solid waste utilised 2021, t", lambda p: city(p, "bulk_solid_waste_utilized", 2021), 19_095_000, 0.005,
     "1,909.5万 t"),
    ("solid waste generated 2022, t", lambda p: city(p, "bulk_solid_waste_generated", 2022), 24_627_500, 0.005,
     "2,462.75万 t (ld_cq_solid_waste_2022)"),
    ("solid waste utilised 2022, t", lambda p: city(p, "bulk_solid_waste_utilized", 2022), 19_707_800, 0.005,
     "1,970.78万 t"),
    ("solid waste utilisation 2023",
     lambda p: city(p, "bulk_solid_waste_utilized", 2023) / city(p, "bulk_solid_waste_generated", 2023), 0.77, 0.005,
     "77% (DATA-BRIEF)"),
]


@pytest.mark.parametrize("what, f, value, tol, source", REFERENCE_PUBLISHED, ids=[x[0] for x in REFERENCE_PUBLISHED])
def test_reference_baseline_reproduces_published_actual(pv, what, f, value, tol, source):
    assert f(pv["reference"]) == pytest.approx(value, rel=tol), source


def test_reference_energy_follows_the_published_elasticity_and_stays_under_the_14th_fyp_cap(pv):
    """Energy/GDP elasticity after the last actual (2021-2025) between the 2015-2020 record (0.39) and the 14th
    FYP's implied 0.446, and
    2025 energy below the cap 10,213.48万 tce (GDP +6%/yr, intensity -14%, rb_cq_energy_2021); the frozen variant
    breaks the cap (116.7 Mtce), which is why it is not the default."""
    import math

    p = pv["reference"]
    e = math.log(city(p, "energy_total", 2025) / city(p, "energy_total", 2021)) / math.log(
        city(p, "gdp", 2025) / city(p, "gdp", 2021))
    assert 0.39 <= e <= 0.446
    assert city(p, "energy_total", 2025) <= 102_134_800
    assert city(pv["frozen_technology"], "energy_total", 2025) > 102_134_800


def test_reference_co2_agrees_with_the_ceads_trend(pv):
    """CEADs Chongqing: 164.2 (2015), 160.6 (2018), 156.25 Mt (2019). The reference starts on the series (2020 =
    2019 less the 0.2% fall of energy use), rises in 2021 with energy (+4.5%) and the record's shift to thermal
    power, and keeps CEADs'
    direction of decarbonisation to 2030: CO2 per tce and per yuan fall in every period (after 2030 CO2 per tce rises
    again: the extra electricity of 2031-35 comes from coal units once 疆电入渝 is fully used, the opening the plan's
    measures must close); CO2 grows far slower than GDP (elasticity below the energy elasticity 0.42; CEADs
    2015-2019 had it negative)."""
    import math

    p = pv["reference"]
    co2 = {y: city(p, "co2", y) for y in (2020, 2021, 2025, 2030, 2035)}
    assert co2[2020] == pytest.approx(156.25e6 * 0.998, rel=0.005)
    # 2021: energy +4.5%, but thermal output +26% (NBS: 53.5 -> 67.4 TWh) as imports and hydro stood still: CO2
    # rises faster than energy, as the record of electricity says, yet by less than energy plus the extra thermal MWh
    assert 1.0 <= co2[2021] / co2[2020] <= 1.07
    years = sorted(co2)
    for a, b in zip(years, years[1:], strict=False):
        if 2021 <= a and b <= 2030:  # 2020-21 on the record: more coal power per tce (above)
            assert co2[b] / city(p, "energy_total", b) < co2[a] / city(p, "energy_total", a), (a, b)
        assert co2[b] / city(p, "gdp", b) < co2[a] / city(p, "gdp", a), (a, b)
    e = math.log(co2[2035] / co2[2020]) / math.log(city(p, "gdp", 2035) / city(p, "gdp", 2020))
    assert e < 0.42
    assert co2[2035] < 2 / 3 * city(pv["frozen_technology"], "co2", 2035)  # 196 against 318 Mt: 38% below


@pytest.mark.parametrize("variant", VARIANTS)
def test_electricity_balance_identity_holds_in_every_year(pv, variant):
    """elec_thermal = elec_demand - elec_gen_nonfossil - elec_import for the city, in every model year: exactly
    (whole MWh) in the rows of data/baseline.csv, and to rounding in the interpolated years."""
    p = pv[variant]
    for y in range(2020, 2036):
        d, nf, imp, th = (city(p, i, y) for i in ELEC)
        assert th == pytest.approx(d - nf - imp, abs=1e-6 * d), y
    raw = pd.read_csv(ROOT / "data" / "baseline.csv", keep_default_na=False)
    raw = raw[(raw["variant"] == variant) & raw["indicator_id"].isin(ELEC)]
    s = raw.groupby(["year", "indicator_id"])["value"].sum().unstack()
    assert len(s) >= 4
    assert (s["elec_thermal"] == s["elec_demand"] - s["elec_gen_nonfossil"] - s["elec_import"]).all()


@pytest.mark.parametrize("variant", VARIANTS)
def test_baseline_thermal_output_above_must_run_and_imports_in_main_urban(pv, elec, variant):
    p = pv[variant]
    floor = factor(elec, "must_run")
    for y in range(2020, 2036):
        assert city(p, "elec_thermal", y) >= floor, y
        assert p.baseline["northeast", "elec_import", y] == 0 and p.baseline["southeast", "elec_import", y] == 0


@pytest.mark.parametrize("variant", VARIANTS)
def test_power_co2_and_coal_follow_thermal_output(pv, elec, variant):
    """co2_power = thermal_co2 x elec_thermal + a residual (heat supply, captive plants) that is never negative and,
    in the reference, the same in every year; energy_coal >= thermal_coal x elec_thermal in every region."""
    p = pv[variant]
    t_co2, t_coal = factor(elec, "thermal_co2"), factor(elec, "thermal_coal")
    residual = {y: city(p, "co2_power", y) - t_co2 * city(p, "elec_thermal", y) for y in (2020, 2025, 2030, 2035)}
    assert min(residual.values()) > 0
    if variant == "reference":
        assert max(residual.values()) == pytest.approx(min(residual.values()), rel=1e-4)
    for r in p.regions:
        for y in range(2020, 2036):
            assert p.baseline[r, "energy_coal", y] >= t_coal * p.baseline[r, "elec_thermal", y] * (1 - 1e-6), (r, y)


def test_electricity_factors_table(elec, data):
    """Regional thermal shares add to 1 and name the case's regions; every row cites a known source; the official
    grid factors are there for comparison."""
    shares = elec[elec["parameter"] == "thermal_share"]
    assert set(shares["region_id"]) == {"main_urban", "northeast", "southeast"}
    assert shares["value"].astype(float).sum() == pytest.approx(1.0, abs=1e-9)
    assert set(elec["source_id"]) <= set(data.tables["sources"]["source_id"])
    assert factor(elec, "grid_factor_official", 2021) == 0.4743
    assert 0.78 <= factor(elec, "thermal_co2") <= 0.85
    for p in ("thermal_co2", "thermal_coal", "thermal_so2", "thermal_nox", "thermal_pm", "nonfossil_coal_equivalent",
              "must_run"):
        assert factor(elec, p) > 0, p


@pytest.mark.parametrize("variant", VARIANTS)
def test_no_baseline_value_is_negative(pv, variant):
    p = pv[variant]
    neg = [(k, v) for k, v in p.baseline.items() if v < 0]
    assert neg == []


@pytest.mark.parametrize("variant", VARIANTS)
def test_co2_sectors_and_energy_carriers_add_up_in_both_variants(pv, variant):
    p = pv[variant]
    for r in p.regions:
        for y in range(2020, 2036):
            assert sum(p.baseline[r, s, y] for s in SECTORS) == pytest.approx(p.baseline[r, "co2", y], rel=1e-9)
            parts = sum(p.baseline[r, f"energy_{c}", y] for c in ("coal", "oil", "gas", "nonfossil"))
            assert parts == pytest.approx(p.baseline[r, "energy_total", y], rel=1e-3), (r, y)
            assert p.baseline[r, "energy_industry", y] <= p.baseline[r, "energy_total", y]


def test_reference_pollutants_follow_the_policies_in_force(pv):
    """Under the policies in force before the plan (ultra-low-emission coal power, China 6 vehicles, the VOCs and
    sewage programmes) no pollutant of the reference ends more than 10% above 2020 in 2035, where frozen
    technology lets combustion pollutants rise by more than 50%."""
    ref, frozen = pv["reference"], pv["frozen_technology"]
    for i in ("so2", "nox", "pm", "vocs", "nh3", "cod", "nh3n"):
        assert city(ref, i, 2020) == pytest.approx(city(frozen, i, 2020), rel=1e-4), i
        assert city(ref, i, 2035) <= 1.10 * city(ref, i, 2020), i
    for i in ("so2", "nox", "pm", "vocs"):
        assert city(frozen, i, 2035) > 1.5 * city(frozen, i, 2020), i


def test_variants_and_exogenous_rows(data):
    """Exogenous drivers and the resource pools (landfilled waste, roof area, land, steel and scrap: the same in either
    view of technology) hold in every variant (blank variant); every other indicator has rows in both variants and
    no blank rows."""
    raw = pd.read_csv(ROOT / "data" / "baseline.csv", keep_default_na=False)
    ind = data.tables["indicators"]
    exo = set(ind.loc[ind["exogenous"].astype(bool), "indicator_id"])
    shared = set(raw[raw["variant"] == ""]["indicator_id"])
    assert exo <= shared and shared - exo <= {i for pool, claim in POOLS.values() for i in (pool,)} | set(POOLS)
    derived = set(ind.loc[ind["formula"].fillna("") != "", "indicator_id"])  # no rows: they follow from a formula
    derived |= set(data.tables["source_receptor"]["indicator_id"])  # or from the emissions (a concentration)
    for v in VARIANTS:
        assert set(raw[raw["variant"] == v]["indicator_id"]) == set(ind["indicator_id"]) - shared - derived
    ref_years = set(raw[raw["variant"] == "reference"]["year"])
    assert ref_years == {2020, 2021, 2022, 2023, 2024, 2025, 2030, 2035}


def test_generator_reproduces_the_shipped_rows():
    """data/derive/reference_baseline.py rewrites baseline.csv and electricity.csv byte for byte."""
    import subprocess
    import sys

    r = subprocess.run([sys.executable, str(ROOT / "data" / "derive" / "reference_baseline.py"), "--check"],
                       capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stdout + r.stderr


def test_thermal_co2_is_the_coal_and_gas_it_burns(elec):
    """One set of factors: a MWh of thermal output emits what its coal (2.66 t CO2/tce) and gas (1.64 t CO2/tce)
    emit, so a measure that saves a tce of coal in a power plant moves CO2 by 2.66 t, as one that saves it in a
    boiler does (docs/data.md, factors)."""
    burned = 2.66 * factor(elec, "thermal_coal") + 1.64 * factor(elec, "thermal_gas")
    assert factor(elec, "thermal_co2") == pytest.approx(burned, rel=0.002)


def test_reference_grid_factor_is_near_the_official_provincial_factor(pv, elec):
    """The consumption-based average factor of the reference, (thermal_co2 x elec_thermal + import_co2 x
    elec_import) / elec_demand, against the MEE/NBS provincial factor 0.4743 t/MWh (2021): below it (imports are
    booked at their contracted, mostly hydro, mix while the official method uses the sending grid's average) but
    within 20%, so a slip in thermal output or in the thermal factor shows up here."""
    p = pv["reference"]
    y = 2021
    f = (factor(elec, "thermal_co2") * city(p, "elec_thermal", y)
         + factor(elec, "import_co2", y) * city(p, "elec_import", y)) / city(p, "elec_demand", y)
    official = factor(elec, "grid_factor_official", y)
    assert 0.8 * official <= f < official


# ------------------------------------------------------------------------------------- shared pools


# claimed indicator -> (pool indicator, the measures that claim it). Several measures draw on one resource; the
# resource is an indicator and the claims are another, bounded by it (bounded_by, model/bounds.py).
POOLS = {
    "landfill_ch4_avoided": ("landfill_ch4", {"wst_landfill_gas", "wst_waste_to_energy", "wst_kitchen_waste_ad",
                                              "wst_cement_kiln_coprocessing", "wat_sludge_anaerobic_digestion"}),
    "msw_diverted": ("msw_landfilled", {"wst_waste_to_energy", "wst_kitchen_waste_ad",
                                        "wst_cement_kiln_coprocessing"}),
    "public_vehicles_electric": ("public_vehicles", {"ev_bus", "ev_taxi", "ev_ridehail_official",
                                                     "ev_service_vehicle"}),
    "pv_roof_area_used": ("pv_roof_area", {"pv_distributed", "bld_rooftop_pv"}),
    "afforestable_land_used": ("afforestable_land", {"eco_afforestation", "eco_karst_control",
                                                     "soil_pv_derelict_land"}),
    "forest_area": ("land_area", {"eco_afforestation", "eco_karst_control"}),
    "straw_utilized": ("straw_generated", {"agr_straw_utilization", "biomass_power"}),
    "manure_utilized": ("manure_generated", {"agr_manure_utilization", "agr_manure_biogas"}),
    "bulk_solid_waste_utilized": ("bulk_solid_waste_generated", {"wst_bulk_solid_waste", "soil_phosphogypsum",
                                                                 "bld_green_material"}),
    "bof_steel_claimed": ("bof_steel", {"steel_bof_to_eaf", "steel_ultra_low_emission"}),
    "scrap_used": ("scrap_supply", {"steel_bof_to_eaf", "wst_scrap_steel"}),
}


def _claims_at_full_potential(p, r, claimed, pool, t):
    """Baseline use plus every claim at full potential, against the pool less anything measures take from it."""
    use = p.baseline[r, claimed, t] + sum(e * p.max_stock[rb, m] for rb, m, e in p.acting.get((r, claimed), ())
                                          if e > 0)
    size = p.baseline[r, pool, t] + sum(e * p.max_stock[rb, m] for rb, m, e in p.acting.get((r, pool), ()) if e < 0)
    return use, size


@pytest.mark.parametrize("claimed", list(POOLS))
def test_every_pool_fits_or_is_bounded(p, claimed):
    """Each pool lists every measure that claims it (a new claimant must be added here), and in every region and
    year the claims at full potential fit within the pool, or indicators.csv bounds the claimed indicator by the
    pool so the LP cannot exceed it."""
    pool, expected = POOLS[claimed]
    claimants = {m for r in p.regions for _, m, e in p.acting.get((r, claimed), ()) if e > 0}
    assert claimants == expected, claimed
    fits = all(use <= size + 1e-6 for r in p.regions for t in p.years
               for use, size in [_claims_at_full_potential(p, r, claimed, pool, t)])
    assert fits or p.bounded_by.get(claimed) == pool, f"{claimed}: claims exceed {pool} and nothing bounds them"


def test_pools_that_bind(p):
    """The pools that matter: at full potential the five waste measures claim more landfill methane than landfills
    emit (landfilling ended in 2022 in the central districts and in 2025 city-wide), EAF conversion and ultra-low-
    emission retrofits claim more BF-BOF steel than is made, and biomass power and straw utilisation more straw
    than is left; all three are bounded. Roofs fit with room to spare."""
    def excess(claimed, r, t):
        use, size = _claims_at_full_potential(p, r, claimed, POOLS[claimed][0], t)
        return use - size

    for claimed in ("landfill_ch4_avoided", "msw_diverted", "bof_steel_claimed", "straw_utilized"):
        assert max(excess(claimed, r, 2035) for r in p.regions) > 0, claimed
        assert p.bounded_by[claimed] == POOLS[claimed][0]
    assert all(excess("pv_roof_area_used", r, t) < 0 for r in p.regions for t in p.years)
    city_ch4 = sum(p.baseline[r, "landfill_ch4", 2020] for r in p.regions)
    assert city_ch4 == pytest.approx(102_036, rel=1e-6)  # pl_asm_landfill: first-order decay, 10% of CH4
    assert sum(p.baseline[r, "msw_landfilled", 2025] for r in p.regions) == 0  # zero landfill by 2025


# ------------------------------------------------------------------------------------- no-regret measures


def test_every_no_regret_measure_is_in_the_baseline_or_held_back(data):
    """A measure that pays for itself at the shipped 8% (capex x crf + fixed O&M - savings < 0) either has its
    autonomous uptake in the baseline (its note says so) or names the barrier that holds it back, and every one of
    its potential rows caps the yearly build below the potential (a diffusion ceiling, max_build < max_stock)."""
    from planner.outputs.catalog import AUTONOMOUS, no_regret

    nr = no_regret(data)
    assert len(nr) >= 20
    pot = data.tables["potentials"]
    for r in nr.itertuples():
        if r.treatment == "autonomous in baseline":
            note = data.tables["measures"].set_index("measure_id").loc[r.measure_id, "note"]
            assert AUTONOMOUS in note, r.measure_id
            continue
        assert r.treatment == "barrier" and len(r.barrier) >= 40, r.measure_id
        rows = pot[pot["measure_id"] == r.measure_id]
        for row in rows.itertuples():
            assert row.max_build == row.max_build and row.max_build is not None, (r.measure_id, row.region_id)
            assert float(row.max_build) < float(row.max_stock), (r.measure_id, row.region_id)
        assert r.years_to_full >= 5, r.measure_id


def test_savings_are_valued_at_resource_cost_without_electricity(data):
    """Savings hold no electricity (issue 16): what a generated or saved MWh is worth comes out of the model's
    balance, so motors, waste heat, rooftop PV and landfill gas save nothing else; road fuels lose their consumption
    tax, a transfer (pl_asm_resource_prices: gasoline 1.52, diesel 1.20 yuan/L) and electric vehicles no longer pay
    for their charging in savings (data/derive/savings.csv; tests/test_savings.py)."""
    ms = data.tables["measures"].set_index("measure_id")["savings"].astype(float)
    for m in ("motor_efficiency", "waste_heat_power", "bld_rooftop_pv", "wst_landfill_gas", "pv_utility"):
        assert ms[m] == 0, m
    assert ms["ev_ridehail_official"] == pytest.approx(4_200 * (6.3 - 1.52) + 2_000)
    assert ms["electric_forklift"] == pytest.approx(3_000 * (6.0 - 1.20))
    assert ms["wst_waste_to_energy"] == pytest.approx(70)  # the gate fee alone
