"""Every failure is an answer (issue 17, section 3): each crash the issue lists is now an exit 2 or 3 with a plain
message, or an answer; run and sweep agree at the edge of what the targets can reach."""

from __future__ import annotations

import math
import subprocess
import sys

import pytest

import planner
from planner.study import front
from tests.tiny import effect, flat, indicator, make_case, measure, potential, target

PLANNER = [sys.executable, "-m", "planner"]


def share_case(tmp_path, value: float = 0.1):
    """nf is 100 MWh of 1,000 and no measure moves it (its share row has no variable): reach is exactly 10%."""
    return make_case(tmp_path, indicators=[indicator("co2"), indicator("elec", "MWh"), indicator("nf", "MWh")],
                     baseline=flat("r1", "co2", 100) + flat("r1", "elec", 1000) + flat("r1", "nf", 100),
                     measures=[measure("a", fixed_om=5)], effects=[effect("a", "co2", -1)],
                     potentials=[potential("r1", "a", 20)],
                     targets=[target("cap", "cap", "co2", 2022, 90),
                              target("sh", "share_min", "nf", 2022, value, denominator_id="elec")])


def run_status(case) -> str:
    try:
        return planner.run(case).solution.status
    except planner.InfeasibleError:
        return "infeasible"


@pytest.mark.parametrize("value, status", [(0.1, "optimal"), (math.nextafter(0.1, 1), "optimal"),
                                           (0.1000001, "infeasible"), (0.3, "infeasible")])
def test_run_and_sweep_agree_one_ulp_inside_reach(tmp_path, value, status):
    """0.1 and one unit in the last place above it (0.1 x 1000 = 100.00000000000001 MWh) are met up to rounding, in
    run as in a sweep (the sweep crashed on a target whose rows have no variable); 0.1000001 is not met in either."""
    case = planner.Case.load(share_case(tmp_path))
    assert run_status(case.with_overrides({"targets.sh.value": value})) == status
    df = planner.sweep(case, {"targets.sh.value": [0.05, value]}, progress=False)
    assert df["status"].tolist() == ["optimal", status]
    if status == "infeasible":
        assert df["diagnosis"].iloc[1].startswith("infeasible; smallest relaxation: sh 2022: lower limit by")


def test_a_share_target_of_1e12_is_bad_input(tmp_path):
    case = share_case(tmp_path, value=1e12)
    out = subprocess.run([*PLANNER, "run", case.name], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert out.stderr.splitlines()[1] == (
        "  data/targets.csv, row 3, column value: expected 0 to 1 (a share_min target's value as a fraction, 0.25 for "
        "25%); 1e+12 is more than 10 times above that: is it in another unit? (allow_outliers = true in the case "
        "keeps it)")


def test_a_long_chinese_indicator_name_keeps_the_console_in_columns(tmp_path):
    name = "二氧化碳排放总量(含工业过程与能源活动及其他各类排放来源合计值,按年核算)"  # 37 characters
    assert len(name) == 37
    co2 = {**indicator("co2"), "name_zh": name}
    case = make_case(tmp_path, indicators=[co2], measures=[measure("a", fixed_om=5)],
                     effects=[effect("a", "co2", -1)], potentials=[potential("r1", "a", 20)],
                     targets=[target("cap90", "cap", "co2", 2022, 90)])
    out = subprocess.run([*PLANNER, "run", case.name, "--out", "out"], cwd=tmp_path, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    from planner.outputs.console import width

    line = next(x for x in out.stdout.splitlines() if x.startswith("  co2 二氧化碳"))
    assert width(line.split("Mt ")[0]) == 2 + 44 and "…" in line  # cut to its 44 columns, the figures after it


@pytest.mark.parametrize("kwargs, message", [
    ({"points": 0}, "points: expected a whole number >= 2 (the two ends of the front and the points between), got 0"),
    ({"points": 2.5}, "points: expected a whole number >= 2 (the two ends of the front and the points between), got "
                      "2.5"),
    ({"year": 2040}, "year: expected a model year 2021-2022, got 2040"),
    ({"measure": "so2"}, "measure: expected co2 or air_pe, got 'so2'"),
])
def test_a_front_of_no_points_is_refused(tmp_path, kwargs, message):
    case = make_case(tmp_path, measures=[measure("a", fixed_om=5)], effects=[effect("a", "co2", -1)],
                     potentials=[potential("r1", "a", 20)], targets=[target("cap90", "cap", "co2", 2022, 90)])
    with pytest.raises(planner.InputError) as e:
        front(case, **{"year": 2022, **kwargs})
    assert [str(p) for p in e.value.problems] == [message]


def degenerate_case(tmp_path):
    """a cuts 1 t of co2 and adds 1 unit of u, for 5 yuan a year: a cap of 90 t and a floor of 10 units both need
    exactly 10 units, so both rows bind at one vertex and the dual of each alone is anything from 0 to 5. Tightening
    either row by one costs 5 (one more unit); that is what each reports (planner.solver.sides)."""
    return make_case(tmp_path, indicators=[indicator("co2"), indicator("u", "units")],
                     baseline=flat("r1", "co2", 100) + flat("r1", "u", 0), measures=[measure("a", fixed_om=5)],
                     effects=[effect("a", "co2", -1), effect("a", "u", 1)], potentials=[potential("r1", "a", 50)],
                     targets=[target("cap", "cap", "co2", 2022, 90), target("fl", "floor", "u", 2022, 10)])


def test_marginal_costs_at_a_degenerate_optimum_are_the_cost_of_tightening(tmp_path):
    res = planner.run(degenerate_case(tmp_path))
    assert res.targets.set_index("target_id")["marginal_cost"].to_dict() == pytest.approx({"cap": 5, "fl": 5})


@pytest.mark.parametrize("before", [[], [88], [92], [92, 88]])
def test_a_sweeps_marginal_costs_do_not_depend_on_the_points_before(tmp_path, before):
    """At cap 90 the figures are run's, whatever point the warm solve started from (at 88 only the cap binds, at 92
    only the floor); with HiGHS's duals as they come (detail="duals") they were 5 and 0 or 0 and 5."""
    case = planner.Case.load(degenerate_case(tmp_path))
    df = planner.sweep(case, {"targets.cap.value": [*before, 90]}, progress=False)
    last = df.iloc[-1]
    figures = [last["marginal_cost.cap.2022 [yuan/t]"], last["marginal_cost.fl.2022 [yuan/units]"]]
    assert figures == pytest.approx([5, 5])


def test_a_sweep_reuses_the_sides_of_an_optimal_face_it_has_seen_and_only_those(tmp_path, monkeypatch):
    """planner.solver.sides.Memo: the third point (cap 90 again) ends on the first point's face and takes its sides
    without a re-solve; a new cost (fixed O&M 5 -> 7) changes the face's key, so the last point is solved for: 7
    a unit, not the 5 remembered. Every figure equals the sweep's with the memo off."""
    from planner.solver import sides

    seen = []
    get = sides.Memo.get
    monkeypatch.setattr(sides.Memo, "get", lambda self, key: seen.append(get(self, key) is not None) or get(self, key))
    case = planner.Case.load(degenerate_case(tmp_path))
    grid = [{"targets.cap.value": 90}, {"targets.cap.value": 88}, {"targets.cap.value": 90},
            {"targets.cap.value": 90, "measures.a.fixed_om": 7}]
    cols = ["marginal_cost.cap.2022 [yuan/t]", "marginal_cost.fl.2022 [yuan/units]"]
    df = planner.sweep(case, grid, progress=False)
    assert df[cols].to_numpy().ravel().tolist() == pytest.approx([5, 5, 5, 0, 5, 5, 7, 7])
    assert seen == [False, False, True, False]  # 88 is a face of its own (only the cap binds)
    monkeypatch.setattr(sides.Memo, "get", lambda self, key: None)
    assert planner.sweep(case, grid, progress=False)[cols].to_numpy().tolist() == df[cols].to_numpy().tolist()
