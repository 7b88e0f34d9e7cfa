"""Stored results of the shipped cases, checked by tests/test_shipped_case.py.

When a change of data or model moves a number here, update it in the same commit and say why in the comment beside
it (oldest first), so the history of the answer is readable. Sizes: variables = build[r, m, t] and stock[r, m, t]
for the 217 (region, measure) potential rows x 15 years (3,255 each) and stood[r, m, t] for the 9 pairs that move
forest stock (135) and thermal_change[t] (15): 6,660; constraints = the same number of stock, stood and thermal
balances (3,405), one target row per target and year it lasts (a lasting target from its year to 2035; the peak has
a row in every model year), the 15 thermal_floor and 15 thermal_capacity_limit rows of the grid balance and the
indicator_bound rows that can bind (shared pools included). The potentials are bounds of the stock columns, not
rows.
"""

STORED = {
    "baseline": {
        # 2026-11-24: first shipped data (75 measures, 207 potential rows); negative: no-regret efficiency measures
        # (waste heat, motors, captive coal to grid, PV) save more than all target-driven measures cost.
        # indicator bounds (used <= generated, electric <= fleet): no-regret measures can no longer
        # over-deploy past 100% of their resource; objective rises, +166 bound rows.
        # 2026-11-25 (refdata, merged with main d3434d8: grid balance, lasting targets and two-stage peak, pools,
        # no-regret review, history_until 2023): the calibrated `reference` baseline (energy 100.6 Mtce in 2025,
        # CO2 163 Mt in 2030) with landfill CH4 on the pool rows, waste-to-energy output of the 25 incineration
        # plants in the balance and the public fleet per urban resident (325,000 vehicles in 2035).
        # 2026-11-25: explicit stock variables (stock balance rows; potentials become column bounds; stood-years
        # for the pairs that move forest stock; the grid's effect through one thermal_change variable a year): same
        # objective, larger but linear-in-years LP.
        # 2026-12-07: the reference electricity and accounting (issue 16): thermal output priced at its fuel and
        # running cost (c_th, about 322 yuan/MWh from 2025) in the objective and savings without electricity; the
        # reference balance from the NBS record 2020-2024; imports through two priced corridors; CO2 peak and
        # intensity on the assessment basis (co2_official, derived); wind and PV within the city plan
        # (wind_pv_plan_limit); the key-project cuts on (2024-25 remainder); the thermal capacity row. +30 variables
        # (two measures), rows for the plan limit, capacity and key-project targets.
        "objective": 10604288554.214285,
        "variables": 6660,
        "constraints": 4122,
    },
    "strict_co2": {
        # 2026-11-24: first version; the 210 Mt cap costs 10.6 billion yuan (present value) more than baseline.
        # indicator bounds (used <= generated, electric <= fleet): no-regret measures can no longer
        # over-deploy past 100% of their resource; objective rises, +166 bound rows.
        # 2026-11-25 (refdata, merged with main d3434d8: grid balance, lasting targets and two-stage peak, pools,
        # no-regret review, history_until 2023): the calibrated `reference` baseline (energy 100.6 Mtce in 2025,
        # CO2 163 Mt in 2030) with landfill CH4 on the pool rows, waste-to-energy output of the 25 incineration
        # plants in the balance and the public fleet per urban resident (325,000 vehicles in 2035).
        # 2026-11-25: explicit stock variables (stock balance rows; potentials become column bounds; stood-years
        # for the pairs that move forest stock; the grid's effect through one thermal_change variable a year): same
        # objective, larger but linear-in-years LP.
        # 2026-12-07: as baseline (issue 16); the cap is now 170 Mt of co2_official in 2030, 8% below the plan's 184.4
        # Mt (it was 120 Mt of territorial co2).
        "objective": 17152848976.81452,
        "variables": 6660,
        "constraints": 4123,
    },
    "high_nonfossil": {
        # 2026-11-24: first version; 30% non-fossil in 2025 costs 5.9 billion yuan more than baseline.
        # three new measures (hfc_phase_down, battery_pv_recycling, wetland_protection): +135 variables and stock
        # bounds; wetland protection is built in 2035 to help the CO2 peak here: 0.016 billion yuan cheaper.
        # indicator bounds (used <= generated, electric <= fleet): no-regret measures can no longer
        # over-deploy past 100% of their resource; objective rises, +166 bound rows.
        # 2026-11-25 (refdata, merged with main d3434d8: grid balance, lasting targets and two-stage peak, pools,
        # no-regret review, history_until 2023): the calibrated `reference` baseline (energy 100.6 Mtce in 2025,
        # CO2 163 Mt in 2030) with landfill CH4 on the pool rows, waste-to-energy output of the 25 incineration
        # plants in the balance and the public fleet per urban resident (325,000 vehicles in 2035).
        # 2026-11-25 (lead, after the merge): the scenario is now 40% non-fossil from 2030 (a new lasting row
        # beside the plan's 25% from 2025): 30% in 2025 is out of reach with energy measures starting in 2024,
        # and 30% in 2030 would not bind (the plan alone reaches about 35%). The 40% costs 290亿 more.
        # 2026-11-25: explicit stock variables (stock balance rows; potentials become column bounds; stood-years
        # for the pairs that move forest stock; the grid's effect through one thermal_change variable a year): same
        # objective, larger but linear-in-years LP.
        # 2026-12-07: as baseline (issue 16); the scenario is now 35% non-fossil from 2030 with the city's wind and PV
        # plan lifted (40% is out of reach by 2.5 points even at technical potentials).
        "objective": 17025207327.372051,
        "variables": 6660,
        "constraints": 4116,
    },
    "low_discount": {
        # 2026-11-24: first version; at 4% the savings of long-lived measures weigh more: more negative.
        # indicator bounds (used <= generated, electric <= fleet): no-regret measures can no longer
        # over-deploy past 100% of their resource; objective rises, +166 bound rows.
        # 2026-11-25 (refdata, merged with main d3434d8: grid balance, lasting targets and two-stage peak, pools,
        # no-regret review, history_until 2023): the calibrated `reference` baseline (energy 100.6 Mtce in 2025,
        # CO2 163 Mt in 2030) with landfill CH4 on the pool rows, waste-to-energy output of the 25 incineration
        # plants in the balance and the public fleet per urban resident (325,000 vehicles in 2035).
        # 2026-11-25: explicit stock variables (stock balance rows; potentials become column bounds; stood-years
        # for the pairs that move forest stock; the grid's effect through one thermal_change variable a year): same
        # objective, larger but linear-in-years LP.
        # 2026-12-07: as baseline (issue 16).
        "objective": -1683928058.398098,
        "variables": 6660,
        "constraints": 4122,
    },
    "frozen_technology": {
        # 2026-11-25: new, the frozen-technology sensitivity of the reference case (every activity grows with GDP
        # at 2020 technology, measures from 2021); -14% energy intensity off and an explicit 228 Mt peak ceiling,
        # both out of reach on this baseline (the case file says by how much). 50 fewer rows than the reference:
        # the intensity target's 11 rows and indicator bounds that cannot bind on this baseline.
        # 2026-11-25: explicit stock variables (stock balance rows; potentials become column bounds; stood-years
        # for the pairs that move forest stock; the grid's effect through one thermal_change variable a year): same
        # objective, larger but linear-in-years LP.
        # 2026-12-07: as baseline (issue 16); the explicit peak ceiling is now 255 Mt on the assessment basis (the
        # catalog, within the city's wind and PV plan, cannot hold the frozen path lower).
        "objective": 35581876477.9094,
        "variables": 6660,
        "constraints": 4080,
    },
    "pollutant_caps": {
        # 2026-11-25: new (targets helper), city totals of SO2, NOx, PM, VOCs, NH3, COD and NH3-N not above 2020
        # from 2025 and the 14th-FYP key-project cuts (渝府发〔2022〕39号); on the reference baseline they cost
        # 61.7亿 more than the plan alone.
        # 2026-11-25: explicit stock variables (stock balance rows; potentials become column bounds; stood-years
        # for the pairs that move forest stock; the grid's effect through one thermal_change variable a year): same
        # objective, larger but linear-in-years LP.
        # 2026-12-07: as baseline (issue 16).
        "objective": 11223051279.713366,
        "variables": 6660,
        "constraints": 4199,
    },
    "high_potential": {
        # 2026-12-07: first version (issue 16): the reference case with wind and PV at their technical potentials
        # instead of the city's plan (wind_pv_plan_limit off): 9.5 GW by 2030 instead of 1.97 GW, 20.5亿 cheaper.
        "objective": 8551959526.295056,
        "variables": 6660,
        "constraints": 4110,
    },
    "air_quality": {
        # 2026-12-07: first version (issue 19): the plan plus the city's PM2.5 targets on the calibrated
        # source-receptor relation, 28.2 µg/m3 from 2025 (31 less the record's worst weather year) and 25 in 2035;
        # both bind (2025 and 2035) and cost 22.5亿 more than the plan alone. +12 rows: pm25_2025 lasts 2025-2035
        # (11), pm25_2035 one.
        "objective": 12855642672.329643,
        "variables": 6660,
        "constraints": 4134,
    },
    "social_cost": {
        # 2026-12-07: first version (issue 19): the reference case at the least social cost, the objective being
        # the discounted cost (426.7亿, 320.7亿 more than the reference) minus the health benefit linearised at the
        # baseline's concentrations (1,697.3亿): negative. Same rows as the reference.
        # 2026-12-07: no emission below zero (precursor_floor, 49 rows where the measures can reach zero): SO2 had
        # gone to -18 t in 2035. The no-peak path's 2030 CO2 rises with the floor, so the peak's ceiling loosens from
        # 158.5 to 160.6 Mt and the objective falls (-1,274.6亿; cost 409.6亿, linear benefit 1,684.2亿).
        "objective": -127460117114.70792,
        "variables": 6660,
        "constraints": 4171,
    },
}
