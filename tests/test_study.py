"""Sweeps: hand-worked costs at every point, warm in-place re-solves equal to cold rebuilds, infeasible points kept
with their diagnosis, the user's constraint holding at every point, and the same table from every engine."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pyomo.environ as pyo
import pytest

import planner
from planner.study.points import points, values
from tests.test_targets import peak_case
from tests.tiny import effect, make_case, measure, potential, target

REL = 1e-6
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def cap_case(tmp_path):
    """co2 100; cap 90 in 2022. a cuts 1 t for 5/yr (at most 4 units), b cuts 2 t for 12/yr (6 yuan/t): a cut of c
    tonnes costs 5 min(c, 4) + 6 max(c - 4, 0) while a is the cheaper, all built in 2022 (rate 0)."""
    return make_case(tmp_path, measures=[measure("a", fixed_om=5), measure("b", fixed_om=12)],
                     effects=[effect("a", "co2", -1), effect("b", "co2", -2)],
                     potentials=[potential("r1", "a", 4), potential("r1", "b", 100)],
                     targets=[target("cap90", "cap", "co2", 2022, 90)])


def by_hand(cap: float, fom_a: float = 5.0, max_b: float = 100.0) -> float | None:
    cut = 100 - cap
    a_cost, b_cost = fom_a, 6.0  # per tonne
    if cut > 4 + 2 * max_b:
        return None
    if a_cost <= b_cost:
        return a_cost * min(cut, 4) + b_cost * max(cut - 4, 0)
    from_b = min(cut, 2 * max_b)
    return b_cost * from_b + a_cost * (cut - from_b)


def no_a(m, p):
    """The user's own constraint: measure a is never built."""
    m.no_a = pyo.Constraint(expr=sum(m.build["r1", "a", t] for t in m.T) == 0)


def test_grid_values_and_points():
    assert values("0.25:0.35:3") == pytest.approx([0.25, 0.30, 0.35])
    assert values("1,2.5,true") == [1, 2.5, True]
    assert points({"x": [1, 2], "y": "3,4"}) == [{"x": 1, "y": 3}, {"x": 1, "y": 4}, {"x": 2, "y": 3},
                                                 {"x": 2, "y": 4}]


def test_sweep_costs_by_hand_at_every_point(cap_case):
    grid = {"targets.cap90.value": [100, 90, 86, 80], "measures.a.fixed_om": [5, 7]}
    df = planner.sweep(cap_case, grid, progress=False)
    assert len(df) == 8 and (df["status"] == "optimal").all() and not df["rebuilt"].any()
    for cap, fom, objective in df[[*grid, "objective"]].itertuples(index=False):
        assert objective == pytest.approx(by_hand(cap, fom), rel=REL, abs=1e-9), (cap, fom)
    tight = df[(df["targets.cap90.value"] == 86) & (df["measures.a.fixed_om"] == 5)].iloc[0]
    assert tight["marginal_cost.cap90.2022 [yuan/t]"] == pytest.approx(6)  # the next tonne is b's
    assert tight["level.cap90.2022"] == pytest.approx(86)
    assert tight["built.a"] == pytest.approx(4) and tight["built.b"] == pytest.approx(5)
    assert tight["emissions.co2.2022"] == pytest.approx(86)


def test_infeasible_points_are_kept_with_their_diagnosis_and_the_next_point_recovers(cap_case):
    """b limited to 3 units: at most 4 + 6 = 10 t can be cut, so cap 80 is 10 t out of reach."""
    pts = [{"targets.cap90.value": 80, "potentials.r1.b.max_stock": 3},
           {"targets.cap90.value": 90, "potentials.r1.b.max_stock": 3},
           {"targets.cap90.value": 86}]
    df = planner.sweep(cap_case, pts, progress=False)
    assert df["status"].tolist() == ["infeasible", "optimal", "optimal"]
    assert "cap90 2022: raise limit by 10 (10.00%)" in df.loc[0, "diagnosis"]
    assert pd.isna(df.loc[0, "objective"])
    assert df.loc[1, "objective"] == pytest.approx(by_hand(90, max_b=3), rel=REL)
    assert df.loc[2, "objective"] == pytest.approx(by_hand(86), rel=REL)


def test_disabling_a_target_frees_it_and_enabling_restores_it(cap_case):
    pts = [{"targets.cap90.value": 86, "targets.cap90.enabled": False}, {"targets.cap90.value": 86}]
    df = planner.sweep(cap_case, pts, progress=False)
    assert df["objective"].tolist() == pytest.approx([0.0, 80.0])


def test_infeasible_point_diagnosed_with_the_users_constraint(cap_case):
    """Without a, cap 80 needs 10 units of b; with b limited to 3 only 6 t can be cut: the cap must rise by 14."""
    df = planner.sweep(cap_case, [{"targets.cap90.value": 80, "potentials.r1.b.max_stock": 3}], extra=no_a,
                       progress=False)
    assert "cap90 2022: raise limit by 14 (14.00%)" in df.loc[0, "diagnosis"]


def test_structural_overrides_rebuild_and_user_constraint_holds_at_every_point(cap_case):
    """Without a, every tonne comes from b at 6 yuan: cap 90 costs 60, cap 86 costs 84, whether the model starts in
    2021 or 2022 (everything is built in 2022). A horizon the baseline does not reach is refused before any point is
    solved, naming the point and the data's row."""
    df = planner.sweep(cap_case, {"targets.cap90.value": [90, 86], "first_year": [2021, 2022]}, extra=no_a,
                       progress=False)
    assert df["objective"].tolist() == pytest.approx([60, 60, 84, 84], rel=REL)
    assert (df["built.a"] == 0).all()
    with pytest.raises(planner.InputError) as e:
        planner.sweep(cap_case, [{}, {"last_year": 2023}], progress=False)
    assert [str(p) for p in e.value.problems] == [
        f"sweep grid 2 (last_year=2023): {cap_case.parent / 'data' / 'baseline.csv'}, row 2, column year: baseline of "
        "co2 in r1 does not reach 2023; expected values from 2020 (base year) to 2023 (last model year)"]


def test_warm_in_place_sweep_equals_cold_rebuild_on_the_shipped_case():
    """Every kind of in-place change, in a row, on the shipped case: each point equals a model built for it."""
    case = planner.Case.load(ROOT / "cases" / "baseline.toml")
    first = planner.sweep(case, [{}], progress=False, detail=False)
    assert first.loc[0, "status"] == "optimal"
    share, ceiling = "targets.nonfossil_share_2025.value", "targets.carbon_peak_2030.value"
    pts = [
        {share: 0.26},
        {share: 0.265, "measures.pv_utility.capex": 3.5e6, "measures.wind_onshore.savings": 5e5},
        {share: 0.26, "potentials.northeast.wind_onshore.max_stock": 1000.0, "discount_rate": 0.05},
        {"targets.carbon_peak_2030.enabled": False, "potentials.main_urban.pv_utility.max_build": 100.0},
        {share: 0.265, ceiling: 1.86e8},  # explicit ceilings: binding after 2030 (no-peak 2030 level 1.847e8 t)
        {share: 0.265, ceiling: 1.85e8},  # only the ceiling moves: the first stage is not re-solved
        {share: 0.27},
    ]
    df = planner.sweep(case, pts, progress=False)
    assert not df["rebuilt"].any()
    assert df["solves"].tolist() == [2, 2, 2, 1, 2, 1, 2]
    for pt, (_, row) in zip(pts, df.iterrows(), strict=True):
        cold = case.with_overrides(pt).solve()
        assert row["status"] == "optimal"
        assert row["objective"] == pytest.approx(cold.solution.objective, rel=REL), pt
        peak = cold.targets[cold.targets["target_id"] == "carbon_peak_2030"]  # levels with grid flows, as cold
        assert [row[f"level.carbon_peak_2030.{y}"] for y in peak["year"]] == pytest.approx(list(peak["level"]),
                                                                                            rel=REL), pt
        # marginal costs on the tightening side: the warm point's are the cold run's, every row (issue 17)
        warm = {c.split(" [")[0].removeprefix("marginal_cost."): row[c] for c in df.columns
                if c.startswith("marginal_cost.")}
        for t in cold.targets.itertuples():
            assert warm[f"{t.target_id}.{t.year}"] == pytest.approx(t.marginal_cost, rel=1e-5, abs=1e-3), (pt, t)
    assert df.loc[5, "objective"] > df.loc[4, "objective"]  # the lower ceiling binds harder


def test_peak_points_follow_the_two_stages_by_hand(tmp_path):
    """The peak case of test_targets with a cap of 100 in 2022 (until 2022). First stage (no peak): pv 5 every year
    (-20), m 5 in 2022 for the cap: E0 = 95, 100, 115, 125 (2021-2024); ceiling 100: m 5, 15, 25 in 2022-2024,
    objective 45 - 20 = 25. Ceiling 110: m 5, 5, 15: 5. Cap 200: E0 = 95, 105, 115, 125, ceiling 105: 10; with
    ceiling 110 as well: 0. Peak off: the first stage alone, -15. Cap 80 with at most 10 m: 30 t to cut in 2022, 15
    possible: the case fails without its peak (one solve), the diagnosis names the cap alone. At most 10 m with cap
    100: 2023 needs 15 of m and 2024 25, the peak rows must rise by 5 and 15. Each point equals a model built for
    it."""
    case = planner.Case.load(peak_case(tmp_path, extra_targets=[{**target("cap", "cap", "co2", 2022, 100),
                                                                  "until": 2022}]))
    pts = [{}, {"targets.peak.value": 110}, {"targets.cap.value": 200},
           {"targets.cap.value": 200, "targets.peak.value": 110}, {"targets.peak.enabled": False},
           {"targets.cap.value": 80, "potentials.r1.m.max_stock": 10}, {"potentials.r1.m.max_stock": 10}, {}]
    df = planner.sweep(case, pts, progress=False)
    assert df["status"].tolist() == ["optimal"] * 5 + ["infeasible"] * 2 + ["optimal"]
    assert df["objective"].tolist()[:5] == pytest.approx([25, 5, 10, 0, -15], abs=1e-6)
    assert df["objective"].iloc[-1] == pytest.approx(25, abs=1e-6)
    assert df["solves"].tolist() == [2, 1, 2, 1, 1, 1, 2, 2]  # a ceiling alone, or no peak: one solve
    assert df.loc[5, "diagnosis"] == "infeasible; smallest relaxation: cap 2022: raise limit by 15 (13.64%)"
    assert "peak" not in df.loc[5, "diagnosis"]
    assert "peak 2023: raise limit by 5" in df.loc[6, "diagnosis"]
    assert "peak 2024: raise limit by 15" in df.loc[6, "diagnosis"]
    assert df.loc[0, ["level.peak.2023", "marginal_cost.peak.2024 [yuan/t]"]].tolist() == pytest.approx([100, 1])
    for pt, row in zip(pts, df.itertuples(), strict=True):
        if row.status == "optimal":
            assert row.objective == pytest.approx(planner.run(case.with_overrides(pt)).solution.objective, abs=1e-6)


def test_compiled_peak_limits_equal_the_pyomo_two_stage_solve(tmp_path):
    """The compiled path's E0 (a sparse map of the first stage's build vector) gives the peak rows the limits
    `planner.solve` writes through Pyomo, and the same solution."""
    from planner.study.points import Runner

    case = planner.Case.load(peak_case(tmp_path, extra_targets=[{**target("cap", "cap", "co2", 2022, 100),
                                                                  "until": 2022}]))
    fast = Runner(case).compiled
    fs = fast.solve()
    sol = planner.run(case).solution
    assert fs.peak_limits == pytest.approx(sol.peak_limits)
    assert fs.peak_limits == pytest.approx({("peak", 2021): 95, ("peak", 2022): 100, ("peak", 2023): 100,
                                            ("peak", 2024): 100})
    assert fs.reference_objective == pytest.approx(-15) and fs.first_stage is not None
    assert fast.solution(fs).build == pytest.approx(sol.build)
    again = fast.solve()
    assert again.first_stage is None and again.objective == pytest.approx(25)


def test_dask_and_processes_give_the_serial_table(cap_case):
    distributed = pytest.importorskip("distributed")
    grid = {"targets.cap90.value": [96, 90, 86, 80, 70], "measures.a.fixed_om": [5, 7]}
    serial = planner.sweep(cap_case, grid, chunk_size=3, progress=False)
    cols = [c for c in serial.columns if c != "solve_seconds"]
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as lc, \
            distributed.Client(lc) as client:
        on_dask = planner.sweep(cap_case, grid, engine="dask", address=client, chunk_size=3, progress=False)
        default_chunks = planner.sweep(cap_case, grid, engine="dask", address=client, progress=False)
        by_address = planner.sweep(cap_case, grid, engine="dask", address=lc.scheduler_address, chunk_size=3,
                                   progress=False)
    pd.testing.assert_frame_equal(serial[cols], by_address[cols])
    pd.testing.assert_frame_equal(serial[cols], on_dask[cols])
    assert default_chunks["objective"].to_numpy() == pytest.approx(serial["objective"].to_numpy(), rel=REL)
    on_cores = planner.sweep(cap_case, grid, engine="processes", workers=2, chunk_size=3, progress=False)
    pd.testing.assert_frame_equal(serial[cols], on_cores[cols])


def test_cli_sweep_writes_table_and_chart_and_keeps_infeasible_points(cap_case, tmp_path):
    out = tmp_path / "sw"
    r = subprocess.run([sys.executable, "-m", "planner.cli", "sweep", str(cap_case), "--set",
                        "targets.cap90.value=70:90:3", "--set", "potentials.r1.b.max_stock=3, 100", "--out", str(out),
                        "--parquet"], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "6 points; 4 optimal, 2 infeasible" in r.stdout
    df = pd.read_csv(out / "sweep.csv")
    assert len(df) == 6 and df["diagnosis"].fillna("").str.contains("cap90").sum() == 2
    assert len(pd.read_parquet(out / "sweep.parquet")) == 6
    book = openpyxl.load_workbook(out / "sweep.xlsx")
    assert book.sheetnames[:2] == ["Chart", "Sweep"] and len(book["Chart"]._charts) == 1


def test_cli_sweep_bad_set_exits_2_with_one_line_per_problem(cap_case):
    r = subprocess.run([sys.executable, "-m", "planner.cli", "sweep", str(cap_case), "--set", "targets.cap90.value",
                        "--set", "targets.cap90.valu=1,2"], capture_output=True, text=True, timeout=120)
    assert r.returncode == 2
    assert "--set targets.cap90.value: expected KEY=VALUES" in r.stderr and "Traceback" not in r.stderr
    r = subprocess.run([sys.executable, "-m", "planner.cli", "sweep", str(cap_case), "--set", "targets.cap90.valu=1,2"],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and "targets.cap90.valu: cannot be overridden" in r.stderr


def test_the_sweep_levels_are_the_result_tables_levels():
    """A sweep's level map (own effects per pair, the grid's thermal output once per year, booked to the regions by
    their shares) gives the levels `planner.results.levels` gives from the same builds, on the shipped case with its
    grid, for every region, indicator and year the sweep table reads."""
    import numpy as np

    from planner.results.tables import levels
    from planner.study.points import Runner

    runner = Runner(planner.Case.load(Path(__file__).resolve().parent.parent / "cases" / "baseline.toml"))
    x = np.random.default_rng(7).random(len(runner.compiled.build_index)) * 50
    build = dict(zip(runner.compiled.build_index, x.tolist(), strict=True))
    want = levels(runner.params, build)
    got = runner.level0 + runner.W @ x + runner.S @ (runner.G @ x)
    assert runner.G.nnz > 0 and runner.S.nnz > 0  # the shipped case moves thermal output
    assert got == pytest.approx([want[k] for k in runner.level_keys], rel=1e-11, abs=1e-6)
