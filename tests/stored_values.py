"""Stored results of the shipped cases, checked by tests/test_shipped_case.py.

When a change of data or model moves a number here, update it in the same commit and say why in the comment beside
it (newest first), so the history of the answer is readable. Sizes: variables = build[r, m, t] for the 207
(region, measure) potential rows x 15 years; constraints = the same number of stock bounds plus the target rows
(22 single-year targets + 5 rows of the 2030 peak, one per year 2031-2035; strict_co2 adds its cap).
"""

STORED = {
    "baseline": {
        # 2026-11-24: first shipped data (75 measures, 207 potential rows); negative: no-regret efficiency measures
        # (waste heat, motors, captive coal to grid, PV) save more than all target-driven measures cost.
        "objective": -26793433968.30531,
        "variables": 3105,
        "constraints": 3132,
    },
    "strict_co2": {
        # 2026-11-24: first version; the 210 Mt cap costs 10.6 billion yuan (present value) more than baseline.
        "objective": -16147294171.341076,
        "variables": 3105,
        "constraints": 3133,
    },
    "high_nonfossil": {
        # 2026-11-24: first version; 30% non-fossil in 2025 costs 5.9 billion yuan more than baseline.
        "objective": -20885223392.01737,
        "variables": 3105,
        "constraints": 3132,
    },
    "low_discount": {
        # 2026-11-24: first version; at 4% the savings of long-lived measures weigh more: more negative.
        "objective": -69705817275.4691,
        "variables": 3105,
        "constraints": 3132,
    },
}
