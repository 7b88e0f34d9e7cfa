"""Savings carry no electricity (issue 16) and every saving is traceable to priced components.

Electricity a measure generates, saves or buys is stated in MWh in effects.csv and valued by the model's balance, so
no component of data/derive/savings.csv is electricity and no measure note prices it; each measure's savings,
savings_low and savings_high are what data/derive/savings.py derives from the components; a fuel component agrees
with the fuel the measure's effects move, or its note says why not.
"""

from __future__ import annotations

import csv
import importlib.util
import io
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "data" / "derive" / "savings.py"


def _load_script():
    spec = importlib.util.spec_from_file_location("savings_derivation", SCRIPT)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


sv = _load_script()


def _rows(name: str) -> list[dict]:
    with (ROOT / "data" / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def measures():
    return {r["measure_id"]: r for r in _rows("measures.csv")}


@pytest.fixture(scope="module")
def components():
    return sv.read_components()


# ------------------------------------------------------------------------------------- (a) no electricity

# A note prices electricity when it gives money per kWh/MWh, multiplies or values a kWh/MWh amount at a number,
# names the coal benchmark 0.3964 yuan/kWh or a numbered tariff. A physical statement (-10 gce/kWh, 200 kWh/kW/yr,
# 474 kWh/t, VOM 1.5 EUR/MWh, 6,000 MWh x 1.0 t residue/MWh) is not a price of electricity.
PRICED = [re.compile(p, re.IGNORECASE) for p in (
    r"(yuan|元|cny|rmb)\s*/\s*[kmg]wh",
    r"(yuan|元|cny|rmb)\s+(per|a)\s+[kmg]wh",
    r"(?<![/\w])[kmg]wh\s+(x|×|\*)\s*[0-9][0-9.,]*+(?!\s*(t|kg|g|m3|nm3|l|h|tce|kgce|gce)\b)",
    r"(?<![/\w])[kmg]wh\s+(valued\s+)?at\s+(the\s+)?(benchmark\s+)?[0-9]",
    r"0\.3964|396\.4",
    r"[0-9]\s*(\w+\s+){0,2}tariff",
)]

# Notes allowed to price electricity for now, each for its reason; the test fails when the note no longer does, so
# that the entry is removed.
STILL_PRICED = {
    # a price the city pays for energy it buys (the measure's fixed_om), not a value put on electricity saved
    "import_xinjiang_green": "fixed_om: a green-power premium of 30 yuan/MWh on the line's energy",
    "import_sichuan_uhv": "fixed_om: 0.33 yuan/kWh landed for the energy imported",
}


def prices_electricity(text: str) -> bool:
    return any(p.search(text) for p in PRICED)


# Savings descriptions of the shipped notes before issue 16 (each still in git history): the check must catch all.
FORMER = [
    "savings = 1,000 MWh x 0.3964 yuan/kWh Chongqing benchmark (ma_ndrc_2019_1658)",
    "850 MWh/MW/yr valued at benchmark 0.3964 (high: self-consumed at 0.60 industrial tariff)",
    "lifetime 25 (DEA 27); savings 2,000 MWh x 0.3964",
    "savings range (qa_asm_cost_ranges): 15 kgce at 600-1,100 yuan/tce + 10 kWh at 0.5-0.7 yuan/kWh",
    "300 yuan/kW incl. VFD (assumption); 0.60 yuan/kWh",
    "no-regret review: electricity part (0.656 MWh) at the 0.3964 benchmark -> savings 1,151.8",
    "CNG 9,000 m3 ±0.5 yuan/m3 and 18 MWh charged at 0.6-1.0 yuan/kWh",
    "CNG 24,000 m3 at 3.3-4.3 yuan/m3 (±0.5) and 66 MWh at 0.6-0.8 yuan/kWh around ma_assume_prices",
    "no revenue counted (service fees sit in the vehicle measures' 0.8 yuan/kWh)",
    "no-regret review: 0.58 MWh at the 0.3964 benchmark instead of 0.70 (pl_asm_resource_prices)",
    "no-regret review: 300 kWh at the 0.3964 benchmark instead of the 0.65 WtE tariff, plus the 70 yuan/t gate fee",
    "no-regret review: 850 kWh valued at the 0.3964 benchmark instead of 0.55",
    "Savings 20 kWh x 0.8 元/kWh commercial tariff = 16 元/m2/yr",
    "fixed_om = gas 48,000 m3 x 3 yuan + 150 MWh x 0.60 + 3% maintenance",
]
PHYSICAL = [
    "200 yuan/kW, -10 gce/kWh, 4,000 h -> 40 tce/MW/yr x 800 yuan/tce",
    "200 kWh/kW/yr saved (range 140-288; 288 = 490亿kWh/1.7亿kW, ma_miit_motor_2021)",
    "scrap EAF 409+65 = 474 kWh/t and 0.15 GJ gas/t",
    "FOM 1.25%/yr + VOM 1.5 EUR/MWh x 7.8 CNY/EUR x 2,000 MWh",
    "fixed_om = 3% of capex + fuel 6,000 MWh x 1.0 t residue/MWh x 300 yuan/t",
    "savings: none besides electricity (900-1,100 MWh/MW/yr, valued by the model's balance)",
    "the firm itself pays the grid tariff, which usually exceeds its captive cost",
]


@pytest.mark.parametrize("text", FORMER)
def test_the_note_check_catches_the_former_electricity_prices(text):
    assert prices_electricity(text)


@pytest.mark.parametrize("text", PHYSICAL)
def test_the_note_check_passes_physical_statements(text):
    assert not prices_electricity(text)


def test_no_measure_note_prices_electricity(measures):
    priced = {m for m, r in measures.items() if prices_electricity(r["note"])}
    assert priced - set(STILL_PRICED) == set(), "notes pricing electricity"
    assert set(STILL_PRICED) - priced == set(), "no longer priced: remove from STILL_PRICED"


def test_no_component_is_electricity(components):
    for rows in components.values():
        for r in rows:
            assert not re.search(r"elec|[kmgt]wh|power", r["component"] + " " + r["quantity_unit"], re.I), r
            assert re.fullmatch(r"[a-z][a-z0-9_]*", r["component"]), r["component"]


def test_the_reader_refuses_an_electricity_component(tmp_path):
    path = tmp_path / "savings.csv"
    text = (ROOT / "data" / "derive" / "savings.csv").read_text(encoding="utf-8")
    path.write_text(text + "motor_efficiency,electricity,0.2,MWh,396.4,,,,,sv_asm_savings,benchmark\n",
                    encoding="utf-8")
    with pytest.raises(ValueError, match="electricity"):
        sv.read_components(path)


# Measures whose savings were only electricity: they save nothing now (the balance values their MWh).
ONLY_ELECTRICITY = {
    "pv_utility", "pv_distributed", "wind_onshore", "small_hydro", "biomass_power", "motor_efficiency",
    "waste_heat_power", "bld_ultra_low_energy", "bld_public_retrofit", "bld_residential_retrofit", "bld_rooftop_pv",
    "bld_heat_pump_solar_thermal", "bld_led_streetlight", "wat_wwtp_energy_saving", "wat_tailwater_hydro",
    "soil_pv_derelict_land", "wst_landfill_gas",
}


def test_measures_that_saved_only_electricity_save_nothing(measures, components):
    for m in ONLY_ELECTRICITY:
        assert [r["component"] for r in components[m]] == ["none"], m
        assert [float(measures[m][c]) for c in sv.COLUMNS] == [0.0, 0.0, 0.0], m
    assert {m for m, rows in components.items() if [r["component"] for r in rows] == ["none"]} == ONLY_ELECTRICITY


# ------------------------------------------------------------------------------------- (b) sum of components


def test_every_saving_is_the_sum_of_its_components(measures, components):
    """Central savings = sum of quantity x price (rel 1e-9), a measure without components saves 0, every measure
    with non-zero savings has components; only the two import measures are left as shipped."""
    for m, r in measures.items():
        if m in sv.EXEMPT:
            continue
        total = sum(float(c["quantity"]) * float(c["price"]) for c in components.get(m, []))
        assert float(r["savings"]) == pytest.approx(total, rel=1e-9, abs=1e-9), m
        if any(float(r[c]) != 0 for c in sv.COLUMNS):
            assert m in components, m
    assert set(components) <= set(measures)


def test_low_and_high_pair_the_bands_at_their_worst_and_best():
    """A fuel saved at its low price and a fuel used at its high one make the low case (lng_ship: 140 t diesel at
    4,088 yuan/t less 120.8 t LNG at 6,000)."""
    row = dict(quantity="-120.8", price="4500", price_low="3500", price_high="6000", quantity_low="",
               quantity_high="")
    assert sv.component_value(row) == pytest.approx((-543_600, -724_800, -422_800))
    row = dict(quantity="600", price="4.8", price_low="4.1", price_high="6.1", quantity_low="360",
               quantity_high="840")
    assert sv.component_value(row) == pytest.approx((2_880, 1_476, 5_124))


def test_the_derivation_reproduces_measures_csv():
    r = subprocess.run([sys.executable, str(SCRIPT), "--check"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr


def test_the_derivation_check_bites_and_keeps_the_rest_of_the_file(components):
    text = (ROOT / "data" / "measures.csv").read_text(encoding="utf-8")
    assert sv.rewrite(text, components) == text
    # a hand edit of a savings cell is undone; an exempt measure's cells are kept whatever they hold
    rows = list(csv.reader(io.StringIO(text)))
    h = rows[0]
    for r in rows[1:]:
        if r[0] == "ev_bus":
            r[h.index("savings")] = "55000"
        if r[0] == "import_sichuan_uhv":
            r[h.index("savings_high")] = "123"
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    edited = out.getvalue()
    back = sv.rewrite(edited, components)
    assert back != edited
    back_rows = {r[0]: r for r in csv.reader(io.StringIO(back))}
    assert float(back_rows["ev_bus"][h.index("savings")]) == pytest.approx(24_000 * 3.8 + 10_000)
    assert back_rows["import_sichuan_uhv"][h.index("savings_high")] == "123"


# ------------------------------------------------------------------------------------- (c) fuels vs effects

CARRIER = {"coal": "energy_coal", "diesel": "energy_oil", "marine_diesel": "energy_oil", "gasoline": "energy_oil",
           "oil": "energy_oil", "cng": "energy_gas", "natural_gas": "energy_gas", "lng": "energy_gas"}
# tce per quantity_unit (sv_asm_savings): GB/T 2589-2020 via ma_gbt2589_2020, densities of ma_assume_vehicles,
# raw coal of mb_asm_rural_stove. No LNG coefficient is in sources.csv: an lng row must say why it is not checked.
TCE = {("coal", "tce"): 1.0, ("coal", "t"): 0.714, ("oil", "tce"): 1.0, ("natural_gas", "tce"): 1.0,
       ("diesel", "L"): 0.84 * 1.4571e-3, ("diesel", "t"): 1.4571, ("marine_diesel", "t"): 1.4571,
       ("gasoline", "L"): 0.737 * 1.4714e-3, ("cng", "m3"): 1.2143e-3, ("natural_gas", "m3"): 1.2143e-3}
WHY_NOT = "effects differ:"

# Fuel that a measure's effects move but its savings do not price: listed with the reason, so that a new one fails
# and a priced one is removed from the list.
UNPRICED_FUEL = {
    ("vocs_rto_key_industry", "energy_gas"): "+48,000 m3 gas costed in fixed_om at 3 yuan/m3",
    ("import_sichuan_uhv", "energy_coal"): "-coal of the thermal MWh it replaces: priced by the balance",
    ("import_xinjiang_green", "energy_coal"): "-Hami coal, outside the city: the line's price holds it",
    ("ccus_industry", "energy_coal"): "+0.065 tce boiler coal costed in fixed_om at 800 yuan/tce",
    ("steel_ultra_low_emission", "energy_coal"): "+5 kgce/t coal not costed in savings (maybe in its O&M)",
    ("vocs_source_substitution", "energy_gas"): "+0.03 tce drying gas not costed (~62 yuan/t coating)",
    ("wst_cement_kiln_coprocessing", "energy_coal"): "-0.05 tce kiln coal not counted as a saving (~40 yuan/t)",
    ("wst_scrap_steel", "energy_coal"): "-0.35 tce ironmaking coal not counted as a saving (~280 yuan/t)",
}


def _fuel_effects() -> dict[tuple[str, str], float]:
    """All-region energy_coal/oil/gas effect of each measure (regional rows, if any, would override it)."""
    out = {}
    for r in _rows("effects.csv"):
        if r["indicator_id"] in ("energy_coal", "energy_oil", "energy_gas") and not r["region_id"]:
            out[r["measure_id"], r["indicator_id"]] = float(r["effect"])
    return out


def fuel_disagreements(components) -> tuple[list[str], list[str]]:
    """(disagreements whose row notes say why, disagreements nobody explained)."""
    effects = _fuel_effects()
    explained, unexplained = [], []
    for m, rows in components.items():
        by_carrier = defaultdict(float)
        for r in rows:
            if r["component"] not in CARRIER:
                continue
            key = (r["component"], r["quantity_unit"])
            if key not in TCE:
                (explained if WHY_NOT in r["note"] else unexplained).append(f"{m} {key}: no tce conversion")
                continue
            by_carrier[CARRIER[r["component"]], WHY_NOT in r["note"]] += float(r["quantity"]) * TCE[key]
        for (carrier, why), tce in by_carrier.items():
            effect = 0.0 - effects.get((m, carrier), 0.0)
            if abs(tce - effect) > 0.02 * max(abs(effect), abs(tce)):
                (explained if why else unexplained).append(f"{m} {carrier}: components {tce:.6g} tce, "
                                                           f"effects {effect:.6g} tce saved")
    return explained, unexplained


def test_fuel_components_agree_with_the_effects(components):
    explained, unexplained = fuel_disagreements(components)
    assert unexplained == []
    assert explained == ["shale_gas_methane_control energy_gas: components 364.29 tce, effects 0 tce saved",
                         "lng_ship ('lng', 't'): no tce conversion"]


def test_fuel_effects_without_a_priced_component_are_listed(components):
    priced = {(m, CARRIER[r["component"]]) for m, rows in components.items() for r in rows
              if r["component"] in CARRIER}
    unpriced = {k for k, v in _fuel_effects().items() if v != 0 and k not in priced}
    assert unpriced == set(UNPRICED_FUEL)


def test_the_fuel_check_bites(components):
    broken = {m: [dict(r) for r in rows] for m, rows in components.items()}
    for r in broken["ev_bus"]:
        if r["component"] == "cng":
            r["quantity"] = "30000"  # 36.4 tce against 29.1 in effects
    assert any(s.startswith("ev_bus energy_gas") for s in fuel_disagreements(broken)[1])


def test_every_component_cites_a_source_of_the_data_set(components):
    sources = {r["source_id"]: r["kind"] for r in _rows("sources.csv")}
    for rows in components.values():
        for r in rows:
            assert r["source_id"] in sources, (r["measure_id"], r["component"], r["source_id"])
    for s in ("sv_asm_savings", "sv_asm_ev_other", "sv_asm_eaf_opex", "sv_asm_freight"):
        assert sources[s] == "assumption", s
