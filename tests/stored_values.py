"""Stored results of the shipped cases, checked by tests/test_shipped_case.py.

When a change of data or model moves a number here, update it in the same commit and say why in the comment beside
it (newest first), so the history of the answer is readable. Sizes: variables = build[r, m, t] for the 216
(region, measure) potential rows x 15 years = 3,240; constraints = the same number of stock bounds, the target rows
(22 single-year targets + 5 rows of the 2030 peak, one per year 2031-2035; strict_co2 adds its cap) and the
indicator_bound rows that can bind (298).
"""

STORED = {
    "baseline": {
        # 2026-11-24: first shipped data (75 measures, 207 potential rows); negative: no-regret efficiency measures
        # (waste heat, motors, captive coal to grid, PV) save more than all target-driven measures cost.
        # indicator bounds (used <= generated, electric <= fleet): no-regret measures can no longer
        # over-deploy past 100% of their resource; objective rises, +166 bound rows.
        # 2026-11-25 pools + no-regret review: +132 indicator_bound rows for the shared pools (landfilled MSW and
        # landfill CH4, roof area, land, BF-BOF steel, scrap, straw now also claimed by biomass power). No-regret
        # savings valued at resource cost (benchmark 0.3964 yuan/kWh, fuels net of consumption tax), hidden costs,
        # and diffusion ceilings (max_build) for 25 no-regret measures. Before: 30 measures with negative net cost,
        # discounted net cost -711.8 亿 in the solution (gross savings 1,643 亿); after: 26, -385.8 亿 (gross 1,062
        # 亿). Objective -267.2 亿 -> +181.9 亿: meeting the targets now costs money instead of hiding behind savings.
        "objective": 18188101123.146587,
        "variables": 3240,
        "constraints": 3565,
    },
    "strict_co2": {
        # 2026-11-24: first version; the 210 Mt cap costs 10.6 billion yuan (present value) more than baseline.
        # indicator bounds (used <= generated, electric <= fleet): no-regret measures can no longer
        # over-deploy past 100% of their resource; objective rises, +166 bound rows.
        # 2026-11-25 pools + no-regret review: +132 indicator_bound rows for the shared pools; no-regret savings at
        # resource cost, hidden costs and diffusion ceilings (max_build), as in baseline.
        "objective": 25354095850.83951,
        "variables": 3240,
        "constraints": 3566,
    },
    "high_nonfossil": {
        # 2026-11-24: first version; 30% non-fossil in 2025 costs 5.9 billion yuan more than baseline.
        # three new measures (hfc_phase_down, battery_pv_recycling, wetland_protection): +135 variables and stock
        # bounds; wetland protection is built in 2035 to help the CO2 peak here: 0.016 billion yuan cheaper.
        # indicator bounds (used <= generated, electric <= fleet): no-regret measures can no longer
        # over-deploy past 100% of their resource; objective rises, +166 bound rows.
        # 2026-11-25 pools + no-regret review: +132 indicator_bound rows for the shared pools; no-regret savings at
        # resource cost, hidden costs and diffusion ceilings (max_build), as in baseline.
        "objective": 23826051612.060764,
        "variables": 3240,
        "constraints": 3565,
    },
    "low_discount": {
        # 2026-11-24: first version; at 4% the savings of long-lived measures weigh more: more negative.
        # indicator bounds (used <= generated, electric <= fleet): no-regret measures can no longer
        # over-deploy past 100% of their resource; objective rises, +166 bound rows.
        # 2026-11-25 pools + no-regret review: +132 indicator_bound rows for the shared pools; no-regret savings at
        # resource cost, hidden costs and diffusion ceilings (max_build), as in baseline.
        "objective": -7085091729.589983,
        "variables": 3240,
        "constraints": 3565,
    },
}
