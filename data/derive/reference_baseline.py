"""Derive the `reference` baseline variant and the electricity balance from published anchors and stated drivers.

Run from the repository root:

    python data/derive/reference_baseline.py          # rewrites data/baseline.csv and data/electricity.csv
    python data/derive/reference_baseline.py --check  # exit 1 if the files differ from what this script writes

Inputs: the rows already in data/baseline.csv (blank-variant rows, i.e. the exogenous drivers and the resource
pools, and the `frozen_technology` rows are written back unchanged) and the constants below, each with the source id
it rests on (data/sources.csv).
Output: data/baseline.csv with a `variant` column (blank for exogenous drivers, `frozen_technology`, `reference`)
and data/electricity.csv (factors of the city electricity balance).

The reference baseline is computed for the city first, then split into the three regions:

1. Energy. Total energy follows GDP with elasticities estimated from the published record (2015-2021:
   +2.8 %/yr energy and -19.4 % intensity in 2015-2020, +4.5 % energy against +8.3 % GDP in 2021 -> 0.42);
   2020 and 2021 are the published totals (8,875 and 9,271万 tce). The electricity balance gives the
   non-fossil energy (coal-equivalent method, 0.305 tce/MWh) and the coal burned in grid power plants; oil and
   gas follow their own drivers; coal closes the total. So energy_coal >= thermal_coal x elec_thermal holds.
2. Electricity. Demand follows GDP (elasticity fitted to 2020 actual and the energy 14th FYP's 2025 projection of
   1,620亿 kWh, then lower); local non-fossil generation follows the capacity in service or contracted (wind +
   PV 364万 kW by 2025, 渝委发〔2022〕8号) at stated full-load hours; net imports are the 2020 contracts held at
   their 2020 share of demand to 2025, then flat, plus 疆电入渝 from June 2025 (36 TWh/yr); thermal generation
   closes the balance: elec_thermal = elec_demand - elec_gen_nonfossil - elec_import (exact, in whole MWh).
3. CO2. co2_power = thermal_co2 x elec_thermal + a residual fixed at its 2020 level (heat supply and captive plants
   outside the grid balance). Cement process CO2 follows the national cement output index. Transport, buildings
   and other follow oil, gas and oil. Industry closes the non-power combustion CO2, computed from the fuels with a
   the full factors on the burned part of non-power fuels: a share of them (non-energy use and statistical
   difference, from 2020: CEADs combustion CO2 against the fuels) burns nothing. co2 = sum of sectors.
4. Pollutants. The thermal-power part follows elec_thermal at ultra-low-emission factors; mobile sources follow oil
   times an emission-factor decline from the China 6 vehicle standard (in force 2019-2023) and fleet turnover;
   industrial combustion and process sources follow non-power coal; VOCs of industry follow industrial value added
   with the 2019-2020 VOCs standards in force; water pollutants follow the sewage programmes in force; NH3 flat.
5. Land, waste, freight, fleet, CH4: published 2021-2023 forest coverage and stock, 2021-2022 solid waste,
   2016/2017 freight, rail and port figures; the public fleet per urban resident; CH4 with its landfill part on the
   `landfill_ch4` pool rows; activity indicators without a calibration figure keep the frozen-technology path.

Regional split: electricity imports to main_urban; thermal output by thermal capacity share; local non-fossil by
the location of hydro, wind, PV and biomass plants; demand by GDP share; the thermal parts of co2_power,
energy_coal and pollutants follow elec_thermal; all other parts keep the region shares of the frozen 2020 rows.
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
YEARS = [2020, 2021, 2022, 2023, 2024, 2025, 2030, 2035]
FROZEN_YEARS = [2020, 2025, 2030, 2035]
REGIONS = ["main_urban", "northeast", "southeast"]
EXOGENOUS = {"gdp", "industrial_value_added", "land_area"}
ELEC = ["elec_demand", "elec_gen_nonfossil", "elec_import", "elec_thermal"]
SECTORS = ["co2_power", "co2_industry", "co2_transport", "co2_buildings", "co2_other", "co2_sink"]

# ---------------------------------------------------------------------------------------------- anchors
# (indicator, year) -> the document or dataset whose city figure the reference row reproduces (its regional split
# is named in split_key); other reference rows cite the derivation (rb_reference_*)
PUBLISHED = {
    ("energy_total", 2020): "en_cq_energy_14fyp", ("energy_total", 2021): "rb_cq_energy_2021",
    ("elec_demand", 2020): "rb_pypsa_load",
    ("forest_area", 2020): "ld_cq_forest_2021_update", ("forest_area", 2021): "ld_cq_stats_green_2021",
    ("forest_area", 2023): "ld_cq_forest_2023", ("forest_stock", 2021): "ld_cq_stats_green_2021",
    ("forest_stock", 2023): "ld_cq_forest_2023",
    ("bulk_solid_waste_generated", 2022): "ld_cq_solid_waste_2022",
    ("bulk_solid_waste_utilized", 2022): "ld_cq_solid_waste_2022",
}
ENERGY_2020 = 88_750_000  # tce, 8,875万 (en_cq_energy_14fyp; yearbook 8,874.54, bl2_cq_energy_2020_yb_cited)
ENERGY_2021 = 92_710_000  # tce, 9,271万, 统计快报 (rb_cq_energy_2021)
COAL_SHARE_2020 = 0.443  # en_cq_energy_14fyp
OIL_SHARE_2020 = 0.15  # en_assume_energy_mix_2020 (plan: oil 'kept at' 15%)
RENEWABLE_SHARE_OF_ELEC_2020 = 0.514  # renewables 51.4% of electricity consumption 2020 (en_cq_energy_14fyp)
INDUSTRY_ENERGY_2020 = 40_000_000  # tce, "about 40 Mtce" (rb_chinanews_energy_13fyp)

# elasticities (d ln X / d ln GDP)
E_ENERGY = {2022: 0.42, 2026: 0.39, 2031: 0.35}  # from the year on; 0.42 = 2015-2021 record, 0.39 = 2015-2020
E_ELEC_LATE = {2026: 0.75, 2031: 0.60}  # after the record; 2008-2020 record about 0.67 (rb_assume_electricity)
E_OIL = {2021: 0.30, 2026: -0.10, 2031: -0.20}  # NEV sales (national NEV policy in force) bend oil down after 2025
E_GAS = {2021: 0.40, 2026: 0.20, 2031: 0.10}
E_INDUSTRY_ENERGY = {2021: 0.30, 2026: 0.25, 2031: 0.20}  # vs industrial value added

# power plants (PyPSA-China-PIK capacities ~2020, ma_pypsa_china_capacity): the 2020 coal/gas split of thermal output
COAL_MW, GAS_MW = 15_450, 940
COAL_H, GAS_H = 3_500, 2_000
# the electricity record 2020-2023 (rb_nbs_power_record: NBS/CEC series, Wind exports copied in GitHub
# energyandcleanair/china_co2): 全社会用电量 and the generation of plants of 6 MW and above, MWh. NBS "thermal" holds
# biomass and waste-to-energy plants too; they are taken out (BIO_MWH) and counted as local non-fossil.
DEMAND_REC = {2020: 118_700_000, 2021: 134_100_000, 2022: 140_400_000, 2023: 145_300_000, 2024: 161_260_000}
THERMAL_REC = {2020: 53_500_000, 2021: 67_380_000, 2022: 75_160_000, 2023: 84_340_000}
HYDRO_REC = {2020: 22_290_000, 2021: 23_230_000, 2022: 17_180_000, 2023: 16_840_000, 2024: 17_310_000}
# wind and PV: mean capacity of the year (6 MW+, end-year MW 2019-2023: wind 640/970/1,650/1,820/2,060, PV
# 650/670/630/690/1,610) x utilisation hours (wind 2,108/2,144/1,942/2,109 h; PV 653 h in 2020, 700 h assumed after)
WIND_REC = {2020: 1_700_000, 2021: 2_810_000, 2022: 3_370_000, 2023: 4_090_000}
PV_REC = {2020: 430_000, 2021: 450_000, 2022: 460_000, 2023: 810_000}
WIND_MW_2023, PV_MW_2023, WIND_H, PV_H = 2_060, 1_610, 2_050, 700  # held after the record: more is the plan's
HYDRO_MW, HYDRO_H = 8_260, 2_436  # conventional hydro 2023; mean full-load hours of 2020-2024 (2,861, 2,937, 2,172,
#                                   2,039, 2,170 h: three drought-hit years in five), rb_assume_electricity
SMALL_HYDRO_MWH = 2_000_000  # hydro under 6 MW, outside the 6 MW+ statistics (assumption, rb_assume_electricity)
# biomass and waste-to-energy, MWh: 2020 assumed (about 1.2万 t/d of waste burned x 0.3 MWh/t + 0.2 TWh biomass);
# 2025: 25 incineration plants burn about 2万 t/d (mb_cq_wte_2025) x 365 x 0.38 MWh/t + 0.2 TWh biomass; +1%/yr after
BIO_MWH = {2020: 1_500_000, 2025: 3_000_000, 2030: 3_150_000, 2035: 3_310_000}
XINJIANG_MWH = 36_000_000  # 疆电入渝 > 360亿 kWh/yr (ma_xinhua_hami_cq_2025)
XINJIANG_GREEN = 0.5  # > 180亿 kWh of it wind and solar
XINJIANG_2025 = 10_500_000  # June-December 2025 (10.1 TWh delivered by 9 Dec 2025, rb_nbs_power_record), assumption
XINJIANG_FOSSIL_CO2 = 0.85  # t/MWh delivered (Hami coal units incl. 7% line loss), assumption
# thermal capacity in service, MW (6 MW+ thermal incl. biomass, rb_nbs_power_record): 2020-2024; held after 2024
# (no named new unit found: new thermal capacity is the measure coal_power_new, with its capex)
THERMAL_CAPACITY = {2020: 15_320, 2021: 15_400, 2022: 16_450, 2023: 17_650, 2024: 17_939}

COAL_EQ = 0.305  # tce/MWh, coal-equivalent (docs/data.md; CEC 2020 供电煤耗 305.5 g/kWh)
CO2_COAL, CO2_OIL, CO2_GAS = 2.66, 2.15, 1.64  # t CO2/tce (docs/data.md)
GAS_HEAT_RATE = 0.2457  # tce/MWh, CCGT 50% (3.6 GJ / 0.5 / 29.3076)
THERMAL_SO2, THERMAL_NOX, THERMAL_PM = 0.16e-3, 0.179e-3, 0.032e-3  # t/MWh, CEC 2020 (ma_cec_2021)
MUST_RUN_SHARE = 0.5  # of 2020 thermal output

# regional keys
PLAN_ROOM_SPLIT = {"main_urban": 0.35, "northeast": 0.40, "southeast": 0.25}  # wind and PV sites (NONFOSSIL_SHARE)
THERMAL_MW = {"main_urban": 12_050 + GAS_MW, "northeast": 2_100 + 600, "southeast": 700}
NONFOSSIL_SHARE = {  # share of each technology's output by region (rb_assume_electricity_regions)
    "hydro": {"main_urban": 0.25, "northeast": 0.25, "southeast": 0.50},
    "wind": {"main_urban": 0.15, "northeast": 0.45, "southeast": 0.40},
    "pv": {"main_urban": 0.50, "northeast": 0.30, "southeast": 0.20},
    "bio": {"main_urban": 0.80, "northeast": 0.15, "southeast": 0.05},
}

# cement output index, national (NBS 2020 23.77, 2021 23.63, 2022 21.18, 2023 20.23亿 t), then -2 %/yr to 2030,
# -1 %/yr to 2035 (rb_assume_co2)
CEMENT = {2020: 1.0, 2021: 0.994, 2022: 0.891, 2023: 0.851}
CEMENT[2024] = CEMENT[2023] * 0.98
CEMENT[2025] = CEMENT[2023] * 0.98**2
CEMENT[2030] = CEMENT[2025] * 0.98**5
CEMENT[2035] = CEMENT[2030] * 0.99**5
PROCESS_2020 = 19.62e6 * (1 - 0.002)  # CEADs 2019 cement process CO2 x 2019->2020 (en_ceads_2019)

# pollutant totals 2020 (rb_reference_pollutants: no published Chongqing total was found): Chongqing's 2015 share of
# the national total (a 2000-2015 provincial panel on GitHub; 2015 national totals of the 环境统计年报) x the 2020
# national total of the 生态环境统计年报 (en_mee_env_stats_2020); the 2021-2023 path follows the national totals
# (2021-2023 生态环境统计年报, second-hand copies): the record's trend, Chongqing's own not being published
POLLUTANT_2020 = {"so2": 0.02667 * 3_182_200, "nox": 0.01732 * 10_196_600, "pm": 0.01360 * 6_114_000,
                  "cod": 0.01708 * 25_648_000, "nh3n": 0.02179 * 984_000}
NATIONAL_INDEX = {  # national total of the year / 2020
    "so2": {2021: 0.864, 2022: 0.765, 2023: 0.748}, "nox": {2021: 0.969, 2022: 0.878, 2023: 0.878},
    "pm": {2021: 0.879, 2022: 0.807, 2023: 0.836}, "cod": {2021: 1.0, 2022: 0.979, 2023: 0.979},
    "nh3n": {2021: 1.0, 2022: 0.932, 2023: 0.932}}
# pollutant source shares 2020 (rb_reference_pollutants)
NOX_MOBILE, PM_MOBILE = 0.54, 0.05  # Sichuan 2015 inventory (en_sichuan_inventory_2015): mobile 54% of NOx
VOC_INDUSTRY, VOC_MOBILE = 0.55, 0.25  # bl2_asm_vocs_2020 industrial share 0.55; mobile 25%, rest solvents etc.
WATER_DOMESTIC, WATER_INDUSTRY = 0.45, 0.03  # rest agricultural/rural; en_assume_key_industry_shares (~3%)

# public-sector fleet per urban resident held at 2020 (rb_reference_fleet): urban residents 2020 = 3,205.42万 x 69.46%
# (2020 census), 2021 and 2022 from the 2022 bulletin (2,280.32万 = 70.96%, +0.64 points on 2021, population +0.91万),
# 2023 population 3,191.43万 (en_cq_stats_2023) at 71.6%; then urbanisation +0.6 / +0.5 / +0.4 points a year to
# 2025 / 2030 / 2035 with population -0.2%/yr (assumed)
URBAN_POP = {2020: 3205.42 * 0.6946, 2021: 3212.43 * 0.7032, 2022: 2280.32, 2023: 3191.43 * 0.716,
             2024: 3191.43 * 0.998 * 0.722, 2025: 3191.43 * 0.998**2 * 0.728, 2030: 3191.43 * 0.998**7 * 0.753,
             2035: 3191.43 * 0.998**12 * 0.773}

FOREST_COVER = {2020: 0.525, 2021: 0.545, 2022: 0.5504, 2023: 0.5506}
FOREST_STOCK = {2021: 250_270_000, 2023: 274_000_000}
FOREST_STOCK_2020 = 241_392_000
FOREST_GROWTH = 8_878_000  # m3/yr natural growth of the standing forest (ld_asm_forest_stock)
WASTE = {2021: (22_721_000, 19_095_000), 2022: (24_627_500, 19_707_800)}
WASTE_UTIL_2023 = 0.77
FREIGHT_2020 = 1_100_000_000
RAIL_2020 = 15_411_000 + 43_870_000 / 12 * 6.5  # H1 2020 actual + rest of the year at the 2016 monthly rate
PORT_2020 = 197_000_000  # 2017 level held (ld_investincq_port)
FREIGHT_ELASTICITY = 0.6  # ld_asm_freight_growth


def piecewise(index: dict[int, float], elasticity: dict[int, float], start: int, value: float) -> dict[int, float]:
    """value in `start`, then value x (driver ratio) ** elasticity of the period, chained year by year over YEARS."""
    out = {start: value}
    years = [y for y in YEARS if y >= start]
    for a, b in zip(years, years[1:], strict=False):
        out[b] = out[a] * (index[b] / index[a]) ** _elasticity(elasticity, b)
    return out


def _elasticity(elasticity: dict[int, float], year: int) -> float:
    keys = [k for k in sorted(elasticity) if k <= year]
    return elasticity[keys[-1]] if keys else elasticity[min(elasticity)]


def ramp(table: dict[int, float]) -> dict[int, float]:
    """Linear interpolation of a {year: value} table onto YEARS."""
    ks = sorted(table)
    return {y: float(np.interp(y, ks, [table[k] for k in ks])) for y in YEARS}


def split(total: float, shares: dict[str, float]) -> dict[str, int]:
    """Whole-number split that adds up exactly (largest remainder)."""
    raw = {r: total * shares[r] for r in REGIONS}
    out = {r: int(np.floor(v)) for r, v in raw.items()}
    rest = int(round(total)) - sum(out.values())
    for r in sorted(REGIONS, key=lambda r: raw[r] - out[r], reverse=True)[:rest]:
        out[r] += 1
    return out


def norm(d: dict[str, float]) -> dict[str, float]:
    s = sum(d.values())
    return {k: v / s for k, v in d.items()}


# ---------------------------------------------------------------------------------------------- city model


def city_reference(gdp: dict[int, float], iva: dict[int, float], frozen: pd.DataFrame) -> dict:
    g = {y: gdp[y] / gdp[2020] for y in YEARS}
    gi = {y: iva[y] / iva[2020] for y in YEARS}
    f20 = frozen[frozen["year"] == 2020].groupby("indicator_id")["value"].sum()

    # electricity ---------------------------------------------------------------------------------------
    # the record to 2024 (demand) and 2023 (generation); after it demand follows GDP (elasticity 0.75 in 2025-30,
    # 0.60 in 2031-35: the 2008-2020 record is about 0.67), local generation the plants in service at the end of
    # 2023, imports the contracts in force and 疆电入渝; thermal output closes the balance
    demand = dict(DEMAND_REC)
    demand[2025] = demand[2024] * (g[2025] / g[2024]) ** E_ELEC_LATE[2026]
    demand[2030] = demand[2025] * (g[2030] / g[2025]) ** E_ELEC_LATE[2026]
    demand[2035] = demand[2030] * (g[2035] / g[2030]) ** E_ELEC_LATE[2031]
    bio = ramp(BIO_MWH)
    gen = {
        "hydro": {y: HYDRO_REC.get(y, HYDRO_MW * HYDRO_H) + SMALL_HYDRO_MWH for y in YEARS},
        "wind": {y: WIND_REC.get(y, WIND_MW_2023 * WIND_H) for y in YEARS},
        "pv": {y: PV_REC.get(y, PV_MW_2023 * PV_H) for y in YEARS},
        "bio": bio,
    }
    thermal_rec = {y: THERMAL_REC[y] - bio[y] for y in THERMAL_REC}  # coal and gas: NBS thermal less biomass
    local_rec = {y: sum(gen[k][y] for k in gen) for y in THERMAL_REC}
    contracts_rec = {y: demand[y] - local_rec[y] - thermal_rec[y] for y in THERMAL_REC}
    contracts_held = float(np.mean(list(contracts_rec.values())))  # the 2020-2023 mean, held: fixed contracts
    contracts = {y: contracts_rec.get(y, contracts_held) for y in YEARS}
    xinjiang = {y: 0.0 if y < 2025 else (XINJIANG_2025 if y == 2025 else XINJIANG_MWH) for y in YEARS}
    thermal_2020 = thermal_rec[2020]
    local_2020 = local_rec[2020]
    contracts_2020 = contracts[2020]
    contract_share = contracts_2020 / demand[2020]
    e_fyp = E_ELEC_LATE[2026]
    # renewable share of the contracts, from renewables 51.4% of 2020 consumption
    contract_green = (RENEWABLE_SHARE_OF_ELEC_2020 * demand[2020] - local_2020) / contracts_2020

    coal_frac = COAL_MW * COAL_H / (COAL_MW * COAL_H + GAS_MW * GAS_H)
    thermal_co2 = coal_frac * COAL_EQ * CO2_COAL + (1 - coal_frac) * GAS_HEAT_RATE * CO2_GAS
    thermal_coal = coal_frac * COAL_EQ
    thermal_gas = (1 - coal_frac) * GAS_HEAT_RATE

    # energy ---------------------------------------------------------------------------------------------
    energy = {2020: ENERGY_2020, 2021: ENERGY_2021}
    for a, b in zip(YEARS[1:], YEARS[2:], strict=False):
        energy[b] = energy[a] * (g[b] / g[a]) ** _elasticity(E_ENERGY, b)
    oil = piecewise(g, E_OIL, 2020, OIL_SHARE_2020 * ENERGY_2020)
    co2_2020 = f20["co2"]
    co2_power_2020 = f20["co2_power"]
    residual_co2 = co2_power_2020 - thermal_co2 * thermal_2020
    residual_coal = residual_co2 / CO2_COAL

    res: dict[str, dict[int, float]] = {k: {} for k in (
        "elec_demand", "elec_gen_nonfossil", "elec_import", "elec_thermal", "energy_total", "energy_coal",
        "energy_oil", "energy_gas", "energy_nonfossil", "nonpower_coal", "import_co2", "green_import")}
    parts = {k: {} for k in gen}
    for y in YEARS:
        local = sum(gen[k][y] for k in gen)
        imports = contracts[y] + xinjiang[y]
        green = contracts[y] * contract_green + xinjiang[y] * XINJIANG_GREEN
        res["elec_demand"][y] = demand[y]
        res["elec_gen_nonfossil"][y] = local
        res["elec_import"][y] = imports
        res["elec_thermal"][y] = demand[y] - local - imports
        res["green_import"][y] = green
        res["import_co2"][y] = (xinjiang[y] * (1 - XINJIANG_GREEN) * XINJIANG_FOSSIL_CO2
                                + contracts[y] * (1 - contract_green) * COAL_EQ * CO2_COAL) / imports
        for k in gen:
            parts[k][y] = gen[k][y]
    # gas: 2020 closes the published coal share and the assumed oil share
    nonfossil = {y: COAL_EQ * (res["elec_gen_nonfossil"][y] + res["green_import"][y]) for y in YEARS}
    gas_2020 = ENERGY_2020 - COAL_SHARE_2020 * ENERGY_2020 - oil[2020] - nonfossil[2020]
    gas = piecewise(g, E_GAS, 2020, gas_2020)
    for y in YEARS:
        coal = energy[y] - nonfossil[y] - oil[y] - gas[y]
        import_fossil = COAL_EQ * (res["elec_import"][y] - res["green_import"][y])
        res["energy_total"][y] = energy[y]
        res["energy_nonfossil"][y] = nonfossil[y]
        res["energy_oil"][y] = oil[y]
        res["energy_gas"][y] = gas[y]
        res["energy_coal"][y] = coal
        res["nonpower_coal"][y] = coal - thermal_coal * res["elec_thermal"][y] - import_fossil - residual_coal
    res["energy_industry"] = piecewise(gi, E_INDUSTRY_ENERGY, 2020, INDUSTRY_ENERGY_2020)

    # CO2 ---------------------------------------------------------------------------------------------------
    npc = res["nonpower_coal"]
    gas_np = {y: gas[y] - thermal_gas * res["elec_thermal"][y] for y in YEARS}
    fuel = {y: CO2_COAL * npc[y] + CO2_OIL * oil[y] + CO2_GAS * gas_np[y] for y in YEARS}
    # the part of non-power fossil use not burned (feedstock of gas and coal chemicals, coke and carbon products,
    # lubricants and asphalt) and the statistical difference, from 2020: the non-power combustion CO2 of the CEADs
    # boundary (total less power and heat less cement process) against the fuels at full factors. Burned fuel is
    # (1 - nonenergy) x the non-power fuels, every year, and emits at the full factors that every measure uses too.
    nonenergy = 1 - (co2_2020 - co2_power_2020 - PROCESS_2020) / fuel[2020]
    k = 1 - nonenergy
    co2 = {s: {} for s in SECTORS}
    co2["co2_process"] = {y: PROCESS_2020 * CEMENT[y] for y in YEARS}
    for y in YEARS:
        co2["co2_power"][y] = residual_co2 + thermal_co2 * res["elec_thermal"][y]
        co2["co2_transport"][y] = f20["co2_transport"] * oil[y] / oil[2020]
        co2["co2_other"][y] = f20["co2_other"] * oil[y] / oil[2020]
        co2["co2_buildings"][y] = f20["co2_buildings"] * gas[y] / gas[2020]
        co2["co2_sink"][y] = 0.0
        co2["co2_industry"][y] = (PROCESS_2020 * CEMENT[y] + k * fuel[y] - co2["co2_transport"][y]
                                  - co2["co2_other"][y] - co2["co2_buildings"][y])
    res.update(co2)

    # pollutants -------------------------------------------------------------------------------------------
    thermal = res["elec_thermal"]
    npc_i = {y: npc[y] / npc[2020] for y in YEARS}
    oil_i = {y: oil[y] / oil[2020] for y in YEARS}
    ef_mobile = {y: 0.96 ** min(y - 2020, 10) * 0.98 ** max(y - 2030, 0) for y in YEARS}
    voc_ind = {y: gi[y] * 0.97 ** (y - 2020) for y in YEARS}
    ind_water = {y: gi[y] * 0.96 ** (y - 2020) for y in YEARS}
    domestic = {y: 0.97 ** min(y - 2020, 5) * 0.99 ** max(y - 2025, 0) for y in YEARS}
    power = {"so2": THERMAL_SO2, "nox": THERMAL_NOX, "pm": THERMAL_PM, "key_industry_nox": THERMAL_NOX}
    mobile = {"so2": 0.0, "nox": NOX_MOBILE, "pm": PM_MOBILE, "key_industry_nox": 0.0}
    pol: dict[str, dict[int, float]] = {}
    power_part: dict[str, dict[int, float]] = {}
    for p in ("so2", "nox", "pm", "key_industry_nox"):
        tot = f20[p]
        p0 = power[p] * thermal[2020]
        m0 = mobile[p] * tot
        rest = tot - p0 - m0
        power_part[p] = {y: power[p] * thermal[y] for y in YEARS}
        pol[p] = {y: power_part[p][y] + m0 * oil_i[y] * ef_mobile[y] + rest * npc_i[y] for y in YEARS}
    v0 = f20["vocs"]
    pol["vocs"] = {y: v0 * (VOC_INDUSTRY * voc_ind[y] + VOC_MOBILE * oil_i[y] * ef_mobile[y]
                            + (1 - VOC_INDUSTRY - VOC_MOBILE)) for y in YEARS}
    pol["key_industry_vocs"] = {y: f20["key_industry_vocs"] * voc_ind[y] for y in YEARS}
    for p in ("cod", "nh3n"):
        pol[p] = {y: f20[p] * (WATER_DOMESTIC * domestic[y] + WATER_INDUSTRY * ind_water[y]
                               + (1 - WATER_DOMESTIC - WATER_INDUSTRY)) for y in YEARS}
        pol[f"key_industry_{p}"] = {y: f20[f"key_industry_{p}"] * ind_water[y] for y in YEARS}
    pol["nh3"] = {y: f20["nh3"] for y in YEARS}
    # 2021-2023 follow the record's trend (the national totals); after 2023 the drivers, from the 2023 level
    for p_id, index in NATIONAL_INDEX.items():
        series = [p_id] + ([f"key_industry_{p_id}"] if f"key_industry_{p_id}" in pol else [])
        for i in series:
            driver = dict(pol[i])
            for y in YEARS:
                if y <= 2023:
                    pol[i][y] = driver[2020] * index.get(y, 1.0)
                else:
                    pol[i][y] = driver[y] * driver[2020] * index[2023] / driver[2023]
    res.update(pol)
    res["_power_part"] = power_part

    # electricity factors ------------------------------------------------------------------------------------
    res["_factors"] = dict(thermal_co2=thermal_co2, thermal_coal=thermal_coal, thermal_gas=thermal_gas,
                           residual_co2=residual_co2, residual_coal=residual_coal, k=k, nonenergy=nonenergy,
                           e_fyp=e_fyp,
                           contract_share=contract_share, contract_green=contract_green, thermal_2020=thermal_2020,
                           coal_frac=coal_frac)
    res["_gen_parts"] = parts
    res["_g"] = g
    res["_gi"] = gi
    return res


# ---------------------------------------------------------------------------------------------- rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="only compare with the files on disk")
    ap.add_argument("--print", action="store_true", help="print the headline city paths")
    args = ap.parse_args(argv)

    base = pd.read_csv(DATA / "baseline.csv", keep_default_na=False, dtype=str)
    if "variant" not in base.columns:
        base.insert(0, "variant", "")
    base["year"] = base["year"].astype(int)
    base["text"] = base["value"]  # kept verbatim: frozen and exogenous rows are written back unchanged
    base["value"] = base["value"].astype(float)
    # rows of every variant (blank): the exogenous drivers and the resource pools (landfilled waste and landfill CH4,
    # roof area, land, steel, scrap); kept verbatim. Before variants existed every other row was frozen technology.
    legacy = not (base["variant"] != "").any()
    shared = base[(base["variant"] == "") & (base["indicator_id"].isin(EXOGENOUS) | (not legacy))
                  & (base["indicator_id"] != "wind_pv_plan_room")].copy()
    exo = shared[shared["indicator_id"].isin(EXOGENOUS)]
    frozen = base[(base["variant"] == "frozen_technology") | (legacy & ~base["indicator_id"].isin(EXOGENOUS))]
    frozen = frozen[~frozen["indicator_id"].isin([*ELEC, "thermal_capacity", "co2_process", "wind_pv_added"])].copy()
    frozen["variant"] = "frozen_technology"

    # the 2020 pollutant totals (POLLUTANT_2020): every row of a pollutant and of its key-industry part rescaled
    for p_id, total in POLLUTANT_2020.items():
        for i in (p_id, f"key_industry_{p_id}"):
            rows_i = frozen["indicator_id"] == i
            old = frozen.loc[(frozen["indicator_id"] == p_id) & (frozen["year"] == 2020), "value"].sum()
            if rows_i.any() and old and abs(old / total - 1) > 1e-3:  # once: the file keeps the rescaled rows
                frozen.loc[rows_i, "value"] = (frozen.loc[rows_i, "value"] * total / old).round()
                frozen.loc[rows_i, "text"] = frozen.loc[rows_i, "value"].astype(int).astype(str)

    def city_exo(i: str) -> dict[int, float]:
        s = exo[exo["indicator_id"] == i].groupby("year")["value"].sum()
        return {y: float(np.interp(y, s.index, s.values)) for y in YEARS}

    gdp, iva = city_exo("gdp"), city_exo("industrial_value_added")
    ref = city_reference(gdp, iva, frozen)
    fac = ref["_factors"]

    # region shares of the frozen 2020 rows
    f20 = frozen[frozen["year"] == 2020].pivot_table(index="indicator_id", columns="region_id", values="value",
                                                     aggfunc="sum")
    fshare = {i: norm({r: float(f20.loc[i, r]) for r in REGIONS}) if f20.loc[i].sum() > 0 else
              {r: 1 / 3 for r in REGIONS} for i in f20.index}
    fkey = frozen[frozen["year"] == 2020].groupby("indicator_id")["split_key"].first().to_dict()
    gdp_share = norm({r: float(exo[(exo["indicator_id"] == "gdp") & (exo["year"] == 2020)
                                   & (exo["region_id"] == r)]["value"].sum()) for r in REGIONS})
    thermal_share = norm({r: float(v) for r, v in THERMAL_MW.items()})

    rows: list[dict] = []

    def add(variant: str, i: str, y: int, vals: dict[str, int], source: str, key: str, note: str) -> None:
        if variant == "reference" and (i, y) in PUBLISHED:  # the city figure is the published one: cite it
            source = PUBLISHED[i, y]
        for r in REGIONS:
            rows.append(dict(variant=variant, region_id=r, indicator_id=i, year=y, value=int(vals[r]),
                             source_id=source, split_key=key, note=note))

    # ---- electricity rows, both variants
    elec_src = "rb_assume_electricity"
    for variant, years in (("reference", YEARS), ("frozen_technology", FROZEN_YEARS)):
        for y in years:
            scale = 1.0 if variant == "reference" else ref["_g"][y]
            yy = y if variant == "reference" else 2020
            d = split(ref["elec_demand"][yy] * scale, gdp_share)
            parts = ref["_gen_parts"]
            local = {r: sum(parts[k][yy] * NONFOSSIL_SHARE[k][r] for k in parts) * scale for r in REGIONS}
            nf = split(sum(local.values()), norm(local))
            imp = {r: 0 for r in REGIONS}
            imp["main_urban"] = int(round(ref["elec_import"][yy] * scale))
            th_city = sum(d.values()) - sum(nf.values()) - sum(imp.values())
            th = split(th_city, thermal_share)
            how = ("reference: " if variant == "reference" else
                   f"frozen technology: 2020 balance x GDP index {scale:.4f}; ")
            add(variant, "elec_demand", y, d, elec_src, "gdp_2020",
                how + ("city demand 2020 = 119,563,813 MWh (rb_pypsa_load), then GDP elasticity "
                       f"{fac['e_fyp']:.3f} to the energy 14th FYP's 2025 projection of 1,620亿 kWh "
                       "(en_cq_energy_14fyp), 0.75 in 2026-30 and 0.60 in 2031-35; split by gdp_2020"))
            add(variant, "elec_gen_nonfossil", y, nf, elec_src, "plant_location",
                how + ("hydro 7,790 MW x 3,450 h, wind and PV (970 + 670 MW in 2020, 364万 kW in 2025 per "
                       "ma_cq_opinion_2022_8, +200 MW/yr after) x 2,000 / 950 h, biomass and waste-to-energy "
                       "1.5 TWh (2020) to 3.0 TWh (2025, mb_cq_wte_2025) +1%/yr after; split by plant location "
                       "(rb_assume_electricity_regions)"))
            add(variant, "elec_import", y, imp, elec_src, "main_urban",
                how + ("net imports: 2020 contracts = demand - thermal - local non-fossil = "
                       f"{fac['contract_share']:.4f} of demand, held at that share to 2025 then flat; plus "
                       "疆电入渝 from June 2025 (10.5 TWh in 2025, 36 TWh/yr after, ma_xinhua_hami_cq_2025); "
                       "booked to main_urban (渝北 converter station and the 500 kV ring)"))
            add(variant, "elec_thermal", y, th, elec_src, "thermal_capacity",
                how + ("coal and gas generation = elec_demand - elec_gen_nonfossil - elec_import (city, exact); "
                       "2020 = coal 15,450 MW x 3,500 h + gas 940 MW x 2,000 h; split by thermal capacity "
                       "(rb_assume_electricity_regions)"))

    # ---- thermal capacity in service (the capacity row of the grid balance), both variants
    for variant, years in (("reference", YEARS), ("frozen_technology", FROZEN_YEARS)):
        for y in years:
            mw = (THERMAL_CAPACITY[min(y, 2024)] if variant == "reference"
                  else THERMAL_CAPACITY[2020] * ref["_g"][y])
            add(variant, "thermal_capacity", y, split(mw, thermal_share), "rb_nbs_power_record",
                "thermal_capacity",
                ("reference: coal, gas and biomass plants of 6 MW and above in service at the end of the year "
                 "(NBS/CEC, rb_nbs_power_record), held after 2024: no named new unit was found, new capacity is "
                 "the measure coal_power_new; split by thermal capacity (rb_assume_electricity_regions)")
                if variant == "reference" else
                f"frozen technology: 2020 capacity x GDP index {ref['_g'][y]:.4f} (the 2020 full-load hours held)")
    # ---- cement process CO2 (part of co2_industry), both variants
    for variant, years in (("reference", YEARS), ("frozen_technology", FROZEN_YEARS)):
        for y in years:
            t = ref["co2_process"][y] if variant == "reference" else PROCESS_2020 * ref["_g"][y]
            add(variant, "co2_process", y, split(t, fshare["co2_industry"]), "rb_reference_co2",
                fkey["co2_industry"],
                ("reference: cement process CO2, CEADs 2019 19.62 Mt (en_ceads_2019) x 0.998 x the national cement "
                 "output index (rb_reference_co2); part of co2_industry and co2; split as co2_industry")
                if variant == "reference" else
                f"frozen technology: 2020 process CO2 x GDP index {ref['_g'][y]:.4f} (as co2_industry)")

    # ---- wind and PV added by the plan's measures: none in either baseline (claims of the measures only)
    for variant, years in (("reference", YEARS), ("frozen_technology", FROZEN_YEARS)):
        for y in years:
            add(variant, "wind_pv_added", y, {r: 0 for r in REGIONS}, "el_plan_wind_pv", "",
                "none in the baseline: the plan's wind and PV measures claim it (el_plan_wind_pv)")
    # the room the city's plan leaves (exogenous, both variants): 1,970 MW from 2024 to 2030, +400 MW/yr after
    room = {2020: 0, 2023: 0, 2024: 1970, 2030: 1970, 2035: 3970}
    for y, mw in room.items():
        for r, share in PLAN_ROOM_SPLIT.items():
            rows.append(dict(variant="", region_id=r, indicator_id="wind_pv_plan_room", year=y,
                             value=round(mw * share, 1), source_id="el_plan_wind_pv", split_key="wind_pv_resource",
                             note="564万kW (2030, 渝委发〔2022〕8号) less 367万kW in service at the end of 2023 = "
                                  "1,970 MW from 2024; +400 MW/yr after 2030 (the plan's 2025-30 pace, assumption); "
                                  "split by wind and PV resource (rb_assume_electricity_regions: hydro/wind/PV plant "
                                  "location); only the city total is used (a city-scope target)"))

    # ---- reference rows for every other non-exogenous indicator
    done = set(ELEC) | {"thermal_capacity", "co2_process", "wind_pv_added"}
    th_rows = {(r["region_id"], r["year"]): r["value"] for r in rows
               if r["variant"] == "reference" and r["indicator_id"] == "elec_thermal"}

    def th_region(y: int) -> dict[str, int]:
        return {r: th_rows[(r, y)] for r in REGIONS}

    energy_note = ("reference: total energy = 8,875万 tce (2020, en_cq_energy_14fyp) and 9,271万 tce (2021, "
                   "rb_cq_energy_2021), then GDP elasticity 0.42 (2022-25, published 2015-21 record), 0.39 "
                   "(2026-30, 2015-20 record), 0.35 (2031-35) (rb_reference_energy)")
    for y in YEARS:
        th = th_region(y)
        # energy carriers: thermal coal in the plant's region, the rest by gdp share
        coal_th = {r: fac["thermal_coal"] * th[r] for r in REGIONS}
        coal_rest = split(ref["energy_coal"][y] - sum(coal_th.values()), gdp_share)
        coal = {r: int(round(coal_th[r])) + coal_rest[r] for r in REGIONS}
        oil = split(ref["energy_oil"][y], gdp_share)
        gas = split(ref["energy_gas"][y], gdp_share)
        nf = split(ref["energy_nonfossil"][y], gdp_share)
        total = {r: coal[r] + oil[r] + gas[r] + nf[r] for r in REGIONS}
        add("reference", "energy_total", y, total, "rb_reference_energy", "carriers", energy_note +
            "; region = sum of its carriers")
        add("reference", "energy_coal", y, coal, "rb_reference_energy", "thermal_capacity+gdp_2020",
            "reference: coal closes the total (total - non-fossil - oil - gas); it includes thermal_coal x "
            "elec_thermal, booked where the plants stand, the rest by gdp_2020 (rb_reference_energy)")
        add("reference", "energy_oil", y, oil, "rb_reference_energy", "gdp_2020",
            "reference: 15% of 2020 energy (en_assume_energy_mix_2020), GDP elasticity 0.30 to 2025, -0.10 in "
            "2026-30 and -0.20 in 2031-35 (NEV uptake under national policy in force) (rb_reference_energy)")
        add("reference", "energy_gas", y, gas, "rb_reference_energy", "gdp_2020",
            "reference: 2020 = total - coal 44.3% - oil 15% - non-fossil from the electricity balance; GDP "
            "elasticity 0.40 / 0.20 / 0.10 (2021-25 / 2026-30 / 2031-35) (rb_reference_energy)")
        add("reference", "energy_nonfossil", y, nf, "rb_reference_energy", "gdp_2020",
            "reference: 0.305 tce/MWh (coal-equivalent) x (local non-fossil generation + renewable part of "
            f"imports: {fac['contract_green']:.3f} of the 2020 contracts, from renewables = 51.4% of 2020 "
            "consumption, en_cq_energy_14fyp; half of 疆电入渝) (rb_reference_energy)")
        ind = split(ref["energy_industry"][y], fshare["energy_industry"])
        add("reference", "energy_industry", y, ind, "rb_reference_energy", fkey["energy_industry"],
            "reference: about 4,000万 tce in 2020 (rb_chinanews_energy_13fyp), industrial value-added "
            "elasticity 0.30 / 0.25 / 0.20 (2021-25 / 2026-30 / 2031-35) (rb_reference_energy)")
        # CO2 by sector; co2 = sum
        pw_th = {r: fac["thermal_co2"] * th[r] for r in REGIONS}
        pw_res = split(fac["residual_co2"], gdp_share)
        power = {r: int(round(pw_th[r])) + pw_res[r] for r in REGIONS}
        sec = {"co2_power": power}
        sec["co2_industry"] = split(ref["co2_industry"][y], fshare["co2_industry"])
        for s in ("co2_transport", "co2_buildings", "co2_other"):
            sec[s] = split(ref[s][y], fshare[s])
        sec["co2_sink"] = {r: 0 for r in REGIONS}
        co2 = {r: sum(sec[s][r] for s in SECTORS) for r in REGIONS}
        add("reference", "co2", y, co2, "rb_reference_co2", "sectors",
            "reference: sum of the six sector rows (rb_reference_co2); 2020 = CEADs 2019 x 0.998 "
            "(en_assume_co2_2020)")
        add("reference", "co2_power", y, power, "rb_reference_co2", "thermal_capacity+gdp_2020",
            f"reference: thermal_co2 {fac['thermal_co2']:.4f} t/MWh x elec_thermal (plant region) + residual "
            f"{fac['residual_co2']:,.0f} t (heat supply, captive plants; 2020 CEADs share less the grid thermal "
            "part, held) split by gdp_2020 (rb_reference_co2)")
        add("reference", "co2_industry", y, sec["co2_industry"], "rb_reference_co2", fkey["co2_industry"],
            "reference: cement process CO2 (co2_process) + the burned part of non-power fuels at full factors "
            f"(2.66 / 2.15 / 1.64 t per tce of coal / oil / gas; {fac['nonenergy']:.1%} of non-power fossil use is "
            "non-energy use and statistical difference, from 2020) less transport, buildings and other "
            "(rb_reference_co2)")
        add("reference", "co2_transport", y, sec["co2_transport"], "rb_reference_co2", fkey["co2_transport"],
            "reference: 2020 sector value x oil index (rb_reference_co2)")
        add("reference", "co2_buildings", y, sec["co2_buildings"], "rb_reference_co2", fkey["co2_buildings"],
            "reference: 2020 sector value x gas index (rb_reference_co2)")
        add("reference", "co2_other", y, sec["co2_other"], "rb_reference_co2", fkey["co2_other"],
            "reference: 2020 sector value x oil index (agricultural and construction diesel) (rb_reference_co2)")
        add("reference", "co2_sink", y, sec["co2_sink"], "rb_reference_co2", "",
            "no sinks in the baseline (sinks are added only by measures)")
        # pollutants: thermal part by plant region, the rest by the frozen 2020 shares
        for p in ("so2", "nox", "pm", "key_industry_nox"):
            pth = {r: ref["_power_part"][p][y] * th[r] / sum(th.values()) for r in REGIONS}
            rest = split(ref[p][y] - sum(pth.values()), fshare[p])
            vals = {r: int(round(pth[r])) + rest[r] for r in REGIONS}
            add("reference", p, y, vals, "rb_reference_pollutants", "thermal_capacity+" + fkey[p],
                "reference: thermal power at ultra-low-emission factors (CEC 2020, ma_cec_2021) x elec_thermal + "
                "mobile sources x oil x China 6 fleet-turnover factor + industrial/other x non-power coal index "
                "(rb_reference_pollutants)")
        for p in ("vocs", "key_industry_vocs", "cod", "nh3n", "key_industry_cod", "key_industry_nh3n", "nh3"):
            add("reference", p, y, split(ref[p][y], fshare[p]), "rb_reference_pollutants", fkey[p],
                "reference: 2020 value (as frozen) with the drivers and policies in force of "
                "rb_reference_pollutants")
    done |= {"energy_total", "energy_coal", "energy_oil", "energy_gas", "energy_nonfossil", "energy_industry",
             "co2", *SECTORS, "so2", "nox", "pm", "key_industry_nox", "vocs", "key_industry_vocs", "cod", "nh3n",
             "key_industry_cod", "key_industry_nh3n", "nh3"}

    # land, waste, freight, F-gases
    land = exo[(exo["indicator_id"] == "land_area") & (exo["year"] == 2020)].set_index("region_id")["value"]
    land_city = float(land.sum())
    g, gi = ref["_g"], ref["_gi"]
    freight = {y: FREIGHT_2020 * g[y] ** FREIGHT_ELASTICITY for y in YEARS}
    fg = frozen[frozen["indicator_id"] == "fgas"].groupby("year")["value"].sum()
    fgas = {y: fg[2020] * g[min(y, 2023)] * (1.0 if y <= 2025 else (0.9 if y <= 2030 else 0.7)) for y in YEARS}
    stock = {2020: FOREST_STOCK_2020, **FOREST_STOCK}
    stock[2022] = (stock[2021] + stock[2023]) / 2
    for y in (2024, 2025, 2030, 2035):
        stock[y] = stock[2023] + FOREST_GROWTH * (y - 2023)
    waste = dict(WASTE)
    waste[2020] = (float(frozen[(frozen["indicator_id"] == "bulk_solid_waste_generated") & (frozen["year"] == 2020)]
                         ["value"].sum()),
                   float(frozen[(frozen["indicator_id"] == "bulk_solid_waste_utilized") & (frozen["year"] == 2020)]
                         ["value"].sum()))
    gen23 = waste[2022][0] * gi[2023] / gi[2022]
    waste[2023] = (gen23, gen23 * WASTE_UTIL_2023)
    for y in (2024, 2025, 2030, 2035):
        gen_y = gen23 * (gi[y] / gi[2023]) ** 0.5
        waste[y] = (gen_y, gen_y * WASTE_UTIL_2023)
    water_int = {y: 0.965 ** min(y - 2020, 5) * 0.97 ** max(y - 2025, 0) for y in YEARS}
    fw = frozen[frozen["indicator_id"] == "industrial_water_use"].groupby("year")["value"].sum()
    fleet = frozen[frozen["indicator_id"] == "public_vehicles"].groupby("year")["value"].sum()
    fleet_el = frozen[frozen["indicator_id"] == "public_vehicles_electric"].groupby("year")["value"].sum()
    special = {
        "forest_area": ({y: land_city * FOREST_COVER[min(y, 2023)] for y in YEARS}, "rb_reference_land",
                        "reference: forest coverage 52.5% (2020, ld_cq_forest_2021_update), 54.5% (2021), 55.04% "
                        "(2022, DATA-BRIEF), 55.06% (2023, ld_cq_forest_2023), held after 2023 (new afforestation "
                        "is the work of measures) x land area; split as frozen (rb_reference_land)"),
        "forest_stock": (stock, "rb_reference_land",
                         "reference: 24,139万 m3 (2020, ld_asm_forest_stock), 25,027万 (2021, ld_cq_stats_green_2021), "
                         "2022 interpolated, 27,400万 (2023, ld_cq_forest_2023), then +887.8万 m3/yr natural growth "
                         "(ld_asm_forest_stock) (rb_reference_land)"),
        "bulk_solid_waste_generated": ({y: waste[y][0] for y in YEARS}, "rb_reference_land",
                                       "reference: 2020 as frozen (ld_asm_bulk_waste), 2021 2,272.1万 t "
                                       "(DATA-BRIEF, 生态环境状况公报), 2022 2,462.75万 t (ld_cq_solid_waste_2022), "
                                       "2023 x industrial VA, then industrial VA^0.5 (rb_reference_land)"),
        "bulk_solid_waste_utilized": ({y: waste[y][1] for y in YEARS}, "rb_reference_land",
                                      "reference: 2021 1,909.5万 t, 2022 1,970.78万 t (ld_cq_solid_waste_2022), "
                                      "utilisation rate 77% from 2023 (DATA-BRIEF) (rb_reference_land)"),
        "freight_total": (freight, "rb_reference_freight",
                          "reference: 11.0亿 t in 2020 (ld_asm_freight_2020; 10.8亿 t in 2016, rb_cq_freight_2016) "
                          "x GDP^0.6 (ld_asm_freight_growth) (rb_reference_freight)"),
        "freight_rail": ({y: RAIL_2020 * freight[y] / freight[2020] for y in YEARS}, "rb_reference_freight",
                         "reference: 2020 = 1,541.1万 t in 1 Jan-15 Jun (bl2_cq_rail_2020_meeting) + 6.5 months at "
                         "the 2016 rate 4,387万 t/yr (rb_cq_freight_2016) = 3,917万 t; rail share held "
                         "(rb_reference_freight)"),
        "port_throughput": ({y: PORT_2020 * freight[y] / freight[2020] for y in YEARS}, "rb_reference_freight",
                            "reference: 1.97亿 t (2017, ld_investincq_port; 1.7亿 t in 2016, rb_cq_freight_2016) held "
                            "to 2020, then x GDP^0.6 (rb_reference_freight)"),
        "port_rail_water": ({y: 0.10 * PORT_2020 * freight[y] / freight[2020] for y in YEARS}, "rb_reference_freight",
                            "reference: 10% of port throughput (ld_asm_port_2020) (rb_reference_freight)"),
        "fgas": (fgas, "rb_reference_land",
                 "reference: HFCs x GDP index to 2023, then the Kigali Amendment schedule in force for China since "
                 "15 Sep 2021: freeze from 2024, -10% from 2029, -30% from 2035 (rb_reference_land)"),
        "public_vehicles": ({y: fleet[2020] * URBAN_POP[y] / URBAN_POP[2020] for y in YEARS}, "rb_reference_fleet",
                            "reference: 2020 placeholder fleet (ld_asm_public_fleet) x urban resident population index "
                            "(census 2020, bulletins 2022-2023, urbanisation +0.6/+0.5/+0.4 points a year after) "
                            "(rb_reference_fleet)"),
        "public_vehicles_electric": ({y: fleet_el[2020] * URBAN_POP[y] / URBAN_POP[2020] for y in YEARS},
                                     "rb_reference_fleet",
                                     "reference: electric share of the public fleet held at 2020 (10%, "
                                     "ld_asm_public_fleet); electrification is the work of measures "
                                     "(rb_reference_fleet)"),
        "industrial_water_use": ({y: fw[2020] * gi[y] * water_int[y] for y in YEARS}, "rb_reference_land",
                                 "reference: 2020 as frozen x industrial VA x water intensity -3.5%/yr to 2025 (2021 "
                                 "observed -3.48%, en_cq_water_2021) and -3%/yr after (rb_reference_land)"),
    }
    for i, (path, src, note) in special.items():
        for y in YEARS:
            add("reference", i, y, split(path[y], fshare[i]), src, fkey[i], note)
        done.add(i)

    # CH4: the landfill part follows the landfill_ch4 pool (first-order decay once raw waste stops going to landfill:
    # central districts 2022, the whole city 2025; pl_asm_landfill); the rest of CH4 is held at 2020
    ch4_20 = {r: float(frozen[(frozen["indicator_id"] == "ch4") & (frozen["year"] == 2020)
                              & (frozen["region_id"] == r)]["value"].sum()) for r in REGIONS}
    lf = shared[shared["indicator_id"] == "landfill_ch4"]
    for y in YEARS:
        vals = {}
        for r in REGIONS:
            s_r = lf[lf["region_id"] == r].set_index("year")["value"].sort_index()
            lf_y = float(np.interp(y, s_r.index, s_r.values)) if len(s_r) else 0.0
            lf_20 = float(np.interp(2020, s_r.index, s_r.values)) if len(s_r) else 0.0
            vals[r] = int(round(ch4_20[r] - lf_20 + lf_y))
        add("reference", "ch4", y, vals, "rb_reference_ch4", fkey["ch4"],
            "reference: 2020 as frozen (en_assume_ch4_2020) less the 2020 landfill CH4 plus the landfill CH4 of the "
            "year (landfill_ch4 pool rows, pl_asm_landfill: first-order decay after zero landfill of raw waste, "
            "central districts 2022, city 2025); other sources held (rb_reference_ch4)")
    done.add("ch4")

    # everything else: the frozen path (interpolated onto the reference years)
    for i in sorted(set(frozen["indicator_id"]) - done):
        fi = frozen[frozen["indicator_id"] == i]
        for y in YEARS:
            vals = {}
            for r in REGIONS:
                s = fi[fi["region_id"] == r].set_index("year")["value"].sort_index()
                vals[r] = int(round(float(np.interp(y, s.index, s.values))))
            add("reference", i, y, vals, "rb_reference_copy", fkey.get(i, ""),
                "reference = frozen-technology path (interpolated): no calibration figure or autonomous driver "
                "found beyond the frozen one (rb_reference_copy)")

    new = pd.DataFrame(rows)
    new["text"] = new["value"].map(str)
    out = pd.concat([shared, frozen, new], ignore_index=True)
    out["value"] = out["text"]
    out = out[["variant", "region_id", "indicator_id", "year", "value", "source_id", "split_key", "note"]]
    order = {"": 0, "frozen_technology": 1, "reference": 2}
    out = out.sort_values(["variant", "indicator_id", "year", "region_id"],
                          key=lambda s: s.map(order) if s.name == "variant" else s, kind="stable")

    elec = electricity_table(ref)

    texts = {DATA / "baseline.csv": to_csv(out), DATA / "electricity.csv": to_csv(elec)}
    if args.print:
        headline(out)
    if args.check:
        stale = [p.name for p, t in texts.items() if not p.exists() or p.read_text(encoding="utf-8") != t]
        if stale:
            print("differs from the generator: " + ", ".join(stale))
            return 1
        return 0
    for p, t in texts.items():
        p.write_text(t, encoding="utf-8")
    return 0


def electricity_table(ref: dict) -> pd.DataFrame:
    fac = ref["_factors"]
    r = []

    def row(p, v, unit, src, note, region="", year=""):
        r.append(dict(parameter=p, region_id=region, year=year, value=v, unit=unit, source_id=src, note=note))

    def text(v) -> str:
        return str(v) if isinstance(v, int) else np.format_float_positional(float(v), trim="-")

    row("thermal_co2", round(fac["thermal_co2"], 4), "t CO2/MWh", "rb_assume_electricity",
        f"coal units {fac['coal_frac']:.4f} of thermal output at 0.305 tce/MWh x 2.66 t/tce = 0.8113, gas units at "
        "0.2457 tce/MWh (CCGT 50%) x 1.64 = 0.403; output shares from 15,450 MW x 3,500 h and 940 MW x 2,000 h "
        "(ma_pypsa_china_capacity, 2020)")
    row("thermal_coal", round(fac["thermal_coal"], 4), "tce/MWh", "rb_assume_electricity",
        "coal burned per MWh of thermal output: coal-unit share x 0.305 tce/MWh (CEC 2020 供电煤耗 305.5 g/kWh); "
        f"gas units use {fac['thermal_gas']:.5f} tce gas/MWh of thermal output (in energy_gas)")
    row("thermal_gas", round(fac["thermal_gas"], 5), "tce/MWh", "rb_assume_electricity",
        "gas burned per MWh of thermal output: gas-unit share x 0.2457 tce/MWh (CCGT 50%)")
    row("thermal_energy_industry", round(fac["thermal_coal"] + fac["thermal_gas"] - 0.1229, 4), "tce/MWh",
        "rb_assume_electricity", "conversion loss of power plants (above-scale industry) per MWh of thermal output: "
        "fuel (thermal_coal + thermal_gas) less the calorific value of a MWh, 0.1229 tce; the convention of "
        "ma_data_conventions (0.305 - 0.1229 = 0.1821 for coal units alone)")
    row("thermal_so2", THERMAL_SO2, "t/MWh", "ma_cec_2021", "CEC 2020 national thermal power 0.160 g/kWh "
        "(ultra-low-emission units, retrofits completed before 2021)")
    row("thermal_nox", THERMAL_NOX, "t/MWh", "ma_cec_2021", "CEC 2020 national thermal power 0.179 g/kWh")
    row("thermal_pm", THERMAL_PM, "t/MWh", "ma_cec_2021", "CEC 2020 national thermal power 0.032 g/kWh")
    for y in YEARS:
        row("import_co2", round(ref["import_co2"][y], 4), "t CO2/MWh", "rb_assume_electricity",
            "reference mix of net imports: 2020 contracts "
            f"{fac['contract_green']:.3f} renewable, rest coal at 0.8113 t/MWh; 疆电入渝 half renewable, half Hami "
            "coal at 0.85 t/MWh delivered (frozen technology keeps the 2020 value); for the consumption-based factor "
            "only", year=y)
    row("nonfossil_coal_equivalent", COAL_EQ, "tce/MWh", "rb_assume_electricity",
        "coal-equivalent method (发电煤耗法) as in docs/data.md: non-fossil MWh counted at 0.305 tce")
    row("must_run", int(round(MUST_RUN_SHARE * fac["thermal_2020"])), "MWh/yr", "rb_assume_electricity",
        "city thermal floor = 50% of 2020 coal and gas output: Chongqing is a receiving grid whose hydro and Sichuan "
        "imports collapse in the dry season (Dec-Apr) and in droughts (Aug 2022); the 16.4 GW coal and gas fleet "
        "kept online at ~45% minimum stable load for ~3,600 h of dry-season and summer-peak hours gives ~26-28 TWh")
    th = THERMAL_MW
    tot = sum(th.values())
    for region, mw in th.items():
        row("thermal_share", round(mw / tot, 6), "share", "rb_assume_electricity_regions",
            f"{mw:,} MW of {tot:,} MW coal and gas capacity (rb_assume_electricity_regions)", region=region)
    # what thermal output costs (the objective's c_th = coal_price x thermal_coal + gas_price x thermal_gas + vom)
    for y, v, why in ((2020, 800, "Huanghua 5,500 kcal spot average 581.2 yuan/t = 740 yuan/tce (Wind series in "
                       "GitHub energyandcleanair/china_co2) + about 60 yuan/tce to deliver to Chongqing (the Nov 2018 "
                       "Chongqing delivered index, 609 yuan/t at 5,000 kcal = 853 yuan/tce, against the northern "
                       "ports' 760-800)"),
                      (2021, 1050, "blend of about 75% contract coal and 25% spot (Huanghua 2021 average 1,103 "
                       "yuan/tce) + 60 delivery"),
                      (2022, 1150, "blend: contract coal at the 570-770 yuan/t range of 发改价格〔2022〕303号 "
                       "(725-980 yuan/tce) and spot (1,627 yuan/tce) + 60 delivery"),
                      (2023, 1050, "blend: contract range and spot (about 1,300-1,400 yuan/tce) + 60 delivery"),
                      (2025, 950, "upper half of the 303号 contract range (675-770 yuan/t = 859-980 yuan/tce) + "
                       "60 delivery, held in real terms (interpolated 2024)")):
        row("coal_price", v, "yuan/tce", "el_assume_coal_price", "delivered to Chongqing power plants: " + why,
            year=y)
    row("gas_price", 2059, "yuan/tce", "el_assume_thermal_cost",
        "2.5 yuan/m3 for power generation (Chongqing's price not found; national gas-for-power about 2.3-2.8) / "
        "1.2143 kgce/m3 (35.6 MJ/m3)")
    row("thermal_vom", 25, "yuan/MWh", "el_assume_thermal_cost",
        "O&M besides fuel: 3.5 EUR/MWh (Lazard LCOE 13.0 via PyPSA-China-PIK costs_2020.csv) x 7.8 yuan/EUR = 27; "
        "Chinese SCR and desulphurisation running costs (4.8-8.6 yuan/MWh, Yang et al. 2017) sit inside it")
    row("thermal_max_hours", 5500, "h/yr", "el_assume_thermal_cost",
        "full-load hours a year that the thermal fleet can run at most (maintenance, forced outages, dry-season "
        "and peak duty): above the 2023 record of 4,780 h (84.34 TWh on 17.65 GW, rb_nbs_power_record) and below "
        "the national coal fleet's highs of about 6,000 h (2004-2011); assumption")
    for y, v, why in ((2020, 0.5257, "华中 regional grid average of the NDRC series (2012 vintage, the last one "
                       "published; Chongqing was in 华中)"),
                      (2021, 0.5354, "华中 regional average, MEE/NBS 2021 electricity CO2 factors (2024年第12号)"),
                      (2022, 0.5395, "华中 regional average, MEE/NBS 2022 factors"),
                      (2023, 0.5271, "华中 regional average, MEE/NBS 2023 factors; held flat after 2023 until "
                       "later vintages are published")):
        row("import_co2_official", v, "t CO2/MWh", "el_official_import_factor",
            "net imported electricity on the assessment basis (provincial CO2 = fuel combustion + net imports x "
            "the regional grid's average factor): " + why, year=y)
    row("benchmark_tariff", 396.4, "yuan/MWh", "ma_ndrc_2019_1658",
        "Chongqing coal-power benchmark tariff (燃煤发电基准价), for comparison with the model's marginal value of "
        "electricity only; no saving in the data is valued at it")
    row("grid_factor_official", 0.4743, "t CO2/MWh", "rb_mee_grid_factor_2021",
        "MEE/NBS 2021 provincial average electricity CO2 factor, Chongqing (comparison only)", year=2021)
    row("grid_factor_official", 0.5227, "t CO2/MWh", "rb_mee_grid_factor_2022",
        "MEE/NBS 2022 provincial average electricity CO2 factor, Chongqing (comparison only; value not confirmed "
        "in a stored copy)", year=2022)
    shares = [x for x in r if x["parameter"] == "thermal_share"]
    shares[-1]["value"] = round(1 - sum(x["value"] for x in shares[:-1]), 6)  # the shares add to exactly 1
    for x in r:
        x["value"] = text(x["value"])
    return pd.DataFrame(r)


def to_csv(df: pd.DataFrame) -> str:
    buf = io.StringIO()
    df.to_csv(buf, index=False, lineterminator="\n")
    return buf.getvalue()


def headline(out: pd.DataFrame) -> None:
    city = out.assign(value=out["value"].astype(float)).groupby(["variant", "indicator_id", "year"])["value"].sum()
    for v in ("reference", "frozen_technology"):
        print(f"== {v}")
        for i in ("energy_total", "energy_coal", "energy_nonfossil", "co2", "co2_power", "co2_industry",
                  "elec_demand", "elec_gen_nonfossil", "elec_import", "elec_thermal", "so2", "nox", "pm", "vocs",
                  "cod"):
            s = city.get(v, pd.Series(dtype=float))
            if i in s.index.get_level_values(0):
                vals = s.loc[i]
                print(f"{i:20s} " + " ".join(f"{y}:{vals[y] / 1e6:8.2f}" for y in vals.index))


if __name__ == "__main__":
    sys.exit(main())
