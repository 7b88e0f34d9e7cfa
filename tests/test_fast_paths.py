"""The faster paths of the result tables and the analysis give exactly the numbers of the plain computations they
replace (issue 8: `planner run` within 2 s), on the shipped case: equal to the last bit, not approximately."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import planner
from planner.analysis import analyse
from planner.levels import level_map
from planner.results import levels, target_slacks

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def shipped():
    res = planner.run(ROOT / "cases" / "baseline.toml")
    return res, analyse(res)


def test_reasons_value_each_target_as_levels_copied_without_each_pair(shipped):
    """`reasons` reads the levels without a pair through an overlay and skips the rows the pair cannot move; the value
    it credits each target is the one of a full copy of the levels with the pair's delta taken off."""
    res, a = shipped
    p, sol = res.params, res.solution
    lv = levels(p, sol.build)
    lm = level_map(p)
    b = lm.builds(sol.build)
    tg = res.targets
    base = dict(zip(zip(tg["target_id"], tg["year"], strict=True), tg["slack"], strict=True))
    mpv = a.marginal.set_index(["target_id", "year"])["marginal_cost_pv"].fillna(0.0)
    active = mpv[mpv.abs() > 1e-9]
    assert len(active) and len(a.reasons) > 50
    for row in a.reasons.itertuples():
        copy = dict(lv)
        for k, v in lm.pair_delta(b, row.region_id, row.measure_id).items():
            copy[k] -= v
        slack = target_slacks(p, [copy], active.index, sol.peak_limits)[0]
        want: dict[str, float] = {}
        for key, lam in active.items():
            c = float(base[key] - slack[key])
            if abs(c) > 1e-12:
                want[key[0]] = want.get(key[0], 0.0) + lam * c
        assert row.values == want, (row.region_id, row.measure_id)
    assert (a.reasons["reason_kind"] == "needed for targets").sum() > 10  # the check is not vacuous


def test_cocontrol_sums_each_group_as_pandas_does(shipped):
    """Co-control sums each group's rows in table order, as ``Series.sum`` of the group a pandas groupby gives (not
    the groupby's own sum, which differs in the last bit)."""
    res, a = shipped
    ctx = a.ctx
    alloc = res.allocation
    now = alloc[alloc["year"] == ctx.report_year].assign(sector=lambda d: d["measure_id"].map(ctx.sector))
    co = a.cocontrol
    for level, keys in (("measure_region", ["region_id", "measure_id"]), ("measure", ["measure_id"]),
                        ("region", ["region_id"]), ("sector", ["sector"])):
        got = co[co["level"] == level].set_index("key")["annual_cost"]
        want = pd.Series({" / ".join(map(str, k)): float(g["annual_cost"].sum())
                          for k, g in now.groupby(keys, sort=False)})
        assert len(got) == len(want) > 0
        pd.testing.assert_series_equal(got.sort_index(), want.sort_index(), check_names=False, check_exact=True)


def _tightest_by_pandas(g: pd.DataFrame) -> int:
    """The console's choice of a target's row to show, as pandas computes it: the position of the first row with the
    highest marginal cost, else of the first with the least slack relative to its limit (at least 1)."""
    mc = g["marginal_cost"].abs().fillna(0.0)
    if (mc > 0).any():
        return g.index.get_loc(mc.idxmax())
    rel = g["slack"].astype(float) / g["limit"].astype(float).abs().clip(lower=1.0)
    return g.index.get_loc(rel.fillna(float("inf")).idxmin())


@pytest.mark.parametrize("rows", [
    [(0.0, 5.0, 100.0), (3.0, 1.0, 100.0), (-3.0, 0.0, 100.0), (2.0, 0.0, 100.0)],  # ties: the first largest |mc|
    [(None, 5.0, 100.0), (0.0, 1.0, 100.0), (None, 0.5, 0.2), (0.0, 2.0, 10.0)],  # no cost: least relative slack
    [(None, None, None), (0.0, None, 5.0), (None, 3.0, None), (0.0, -1.0, 0.5)],  # missing slack or limit
    [(None, None, None), (None, None, None)],  # nothing to choose by: the first
])
def test_console_shows_the_row_pandas_would(rows):
    from planner.cli import _target_rows, _tightest

    g = pd.DataFrame([{"target_id": "t", "year": 2021 + n, "marginal_cost": mc, "slack": s, "limit": lim}
                      for n, (mc, s, lim) in enumerate(rows)])
    g[["marginal_cost", "slack", "limit"]] = g[["marginal_cost", "slack", "limit"]].astype(float)
    (plain,) = _target_rows(g)
    assert _tightest(plain).year == 2021 + _tightest_by_pandas(g)
