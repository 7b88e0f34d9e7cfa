"""Monte Carlo (seeded, every sample priced by hand), Morris and Sobol on a case linear in its factors, and Pareto
fronts (cost by hand along the front, monotone, marginal cost of the cap)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from planner.study import cost_ranges, front, monte_carlo, morris, sobol, summarize
from tests.tiny import effect, make_case, measure, potential, target

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def ranged(tmp_path):
    """co2 100, cap 90 in 2022 (10 t to cut, rate 0). a cuts 1 t (at most 4 units) for fixed_om in [3, 4] (central
    3.5); b cuts 2 t for fixed_om in [10, 14] (5-7 yuan/t). a is always the cheaper per tonne, so the cost is
    4 * fom_a + 3 * fom_b whatever the draw."""
    return make_case(tmp_path, measures=[measure("a", fixed_om=3.5, fixed_om_low=3, fixed_om_high=4),
                                         measure("b", fixed_om=12, fixed_om_low=10, fixed_om_high=14)],
                     effects=[effect("a", "co2", -1), effect("b", "co2", -2)],
                     potentials=[potential("r1", "a", 4), potential("r1", "b", 100)],
                     targets=[target("cap90", "cap", "co2", 2022, 90)])


def test_cost_ranges_read_low_central_high(ranged):
    import planner

    assert cost_ranges(planner.Case.load(ranged)) == {"measures.a.fixed_om": (3.0, 3.5, 4.0),
                                                      "measures.b.fixed_om": (10.0, 12.0, 14.0)}


@pytest.mark.parametrize("distribution", ["triangular", "uniform"])
def test_monte_carlo_is_seeded_and_prices_every_sample_by_hand(ranged, distribution):
    df = monte_carlo(ranged, n=20, seed=7, distribution=distribution, progress=False)
    again = monte_carlo(ranged, n=20, seed=7, distribution=distribution, progress=False)
    other = monte_carlo(ranged, n=20, seed=8, distribution=distribution, progress=False)
    cols = [c for c in df.columns if c != "solve_seconds"]
    pd.testing.assert_frame_equal(df[cols], again[cols])
    assert not np.allclose(df["measures.a.fixed_om"], other["measures.a.fixed_om"])
    assert df["measures.a.fixed_om"].between(3, 4).all() and df["measures.b.fixed_om"].between(10, 14).all()
    expected = 4 * df["measures.a.fixed_om"] + 3 * df["measures.b.fixed_om"]
    assert df["objective"].to_numpy() == pytest.approx(expected.to_numpy(), rel=1e-9)
    s = summarize(df)
    assert s["chosen"].set_index("measure_id")["share_of_samples"].to_dict() == {"a": 1.0, "b": 1.0}
    assert s["binding"].set_index("target_row")["share_binding"].to_dict() == {"cap90.2022": 1.0}
    mc = s["marginal_cost"].set_index("column").loc["marginal_cost.cap90.2022 [yuan/t]"]
    assert mc["min"] >= 5 - 1e-9 and mc["max"] <= 7 + 1e-9  # b's cost per tonne, fom_b / 2


def test_morris_and_sobol_on_a_linear_cost(ranged):
    """cost = 4 (3 + u_a) + 3 (10 + 4 u_b): elementary effects 4 and 12 exactly; Sobol S1 = 16/160 and 144/160."""
    m = morris(ranged, trajectories=4, levels=4, seed=1, outputs=["objective"], progress=False)
    mu = m["objective"].set_index("factor")["mu_star"]
    assert mu["a"] == pytest.approx(4) and mu["b"] == pytest.approx(12)
    s = sobol(ranged, n=256, seed=1, by="measure", outputs=["objective"], progress=False)
    st = s["objective"].set_index("factor")
    assert st.loc["a", "S1"] == pytest.approx(0.1, abs=0.05) and st.loc["b", "S1"] == pytest.approx(0.9, abs=0.05)


def test_co2_front_by_hand(tmp_path):
    """Without a target, E = co2 in 2022 runs from 100 (no cost) down to 100 - 4 - 200 = -104. Cutting c = 100 - E
    costs 5 min(c, 4) + 6 max(c - 4, 0); the cap's marginal cost is 5 then 6 yuan/t."""
    case = make_case(tmp_path, measures=[measure("a", fixed_om=5), measure("b", fixed_om=12)],
                     effects=[effect("a", "co2", -1), effect("b", "co2", -2)],
                     potentials=[potential("r1", "a", 4), potential("r1", "b", 100)])
    df = front(case, "co2", 2022, points=6)
    assert (df["status"] == "optimal").all()
    assert df["epsilon"].iloc[0] == pytest.approx(100) and df["epsilon"].iloc[-1] == pytest.approx(-104)
    cut = 100 - df["emission"]
    assert df["objective"].to_numpy() == pytest.approx((5 * cut.clip(upper=4) + 6 * (cut - 4).clip(lower=0))
                                                       .to_numpy(), abs=1e-6)
    assert df["marginal_cost"].iloc[1:-1].to_numpy() == pytest.approx([6, 6, 6, 6])


def test_air_pollution_front_on_the_shipped_case_is_monotone():
    df = front(ROOT / "cases" / "baseline.toml", "air_pe", 2030, points=5)
    assert (df["status"] == "optimal").all()
    assert np.all(np.diff(df["objective"]) >= -1e-6 * df["objective"].abs().max())
    assert np.all(np.diff(df["emission"]) <= 1e-6 * df["emission"].abs().max())
    assert np.all(np.diff(df["marginal_cost"]) >= -1e-6)
