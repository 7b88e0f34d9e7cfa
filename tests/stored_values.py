"""Stored results of the shipped cases, checked by tests/test_shipped_case.py.

When a change of data or model moves a number here, update it in the same commit and say why in the comment beside
it (oldest first), so the history of the answer is readable. Sizes: variables = build[r, m, t] and stock[r, m, t]
for the 216 (region, measure) potential rows x 15 years (3,240 each) and stood[r, m, t] for the 9 pairs that move
forest stock (135) and thermal_change[t] (15): 6,630; constraints = the same number of stock, stood and thermal
balances (3,390), one target row per target and year it lasts (a lasting target from its year to 2035; the peak has
a row in every model year), the 15 thermal_floor rows of the grid balance and the indicator_bound rows that can bind
(shared pools included). The potentials are bounds of the stock columns, not rows.
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
        "objective": 3895429071.9135547,
        "variables": 6630,
        "constraints": 4030,
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
        "objective": 10239456926.880217,
        "variables": 6630,
        "constraints": 4031,
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
        "objective": 32925258707.694252,
        "variables": 6630,
        "constraints": 4036,
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
        "objective": -16661436883.238768,
        "variables": 6630,
        "constraints": 4030,
    },
    "frozen_technology": {
        # 2026-11-25: new, the frozen-technology sensitivity of the reference case (every activity grows with GDP
        # at 2020 technology, measures from 2021); -14% energy intensity off and an explicit 228 Mt peak ceiling,
        # both out of reach on this baseline (the case file says by how much). 50 fewer rows than the reference:
        # the intensity target's 11 rows and indicator bounds that cannot bind on this baseline.
        # 2026-11-25: explicit stock variables (stock balance rows; potentials become column bounds; stood-years
        # for the pairs that move forest stock; the grid's effect through one thermal_change variable a year): same
        # objective, larger but linear-in-years LP.
        "objective": 34424823250.88094,
        "variables": 6630,
        "constraints": 3980,
    },
    "pollutant_caps": {
        # 2026-11-25: new (targets helper), city totals of SO2, NOx, PM, VOCs, NH3, COD and NH3-N not above 2020
        # from 2025 and the 14th-FYP key-project cuts (渝府发〔2022〕39号); on the reference baseline they cost
        # 61.7亿 more than the plan alone.
        # 2026-11-25: explicit stock variables (stock balance rows; potentials become column bounds; stood-years
        # for the pairs that move forest stock; the grid's effect through one thermal_change variable a year): same
        # objective, larger but linear-in-years LP.
        "objective": 10067406949.574812,
        "variables": 6630,
        "constraints": 4151,
    },
}
