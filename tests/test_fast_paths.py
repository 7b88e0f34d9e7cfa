"""The faster paths of the result tables and the analysis give exactly the numbers of the plain computations they
replace (issue 8: `planner run` within 2 s), on the shipped case: equal to the last bit, not approximately."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import planner
from planner.analysis import analyse
from planner.results.levels import level_map
from planner.results.tables import levels, target_slacks

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def shipped():
    res = planner.run(ROOT / "cases" / "baseline.toml")
    return res, analyse(res)


def test_reasons_value_each_target_as_levels_copied_without_each_pair(shipped):
    """`reasons` values a pair's contribution to each binding row by the row's slack coefficients on the levels (the
    slack is affine in them) in one pass over the pairs; the value it credits each target is the one of a full copy of
    the levels with the pair's delta taken off, re-evaluated (to rounding: the copy subtracts two slacks of up to 1e8 t,
    which loses what the coefficients keep)."""
    res, a = shipped
    p, sol = res.params, res.solution
    lv = levels(p, sol.build)
    lm = level_map(p)
    b = lm.builds(sol.build)
    tg = res.targets
    base = dict(zip(zip(tg["target_id"], tg["year"], strict=True), tg["slack"], strict=True))
    size = dict(zip(zip(tg["target_id"], tg["year"], strict=True), (tg["level"].abs() + tg["limit"].abs()).fillna(0.0),
                    strict=True))  # the magnitude of the numbers a slack is the difference of
    mpv = a.marginal.set_index(["target_id", "year"])["marginal_cost_pv"].fillna(0.0)
    active = mpv[mpv.abs() > 1e-9]
    assert len(active) and len(a.reasons) > 50
    for row in a.reasons.itertuples():
        copy = dict(lv)
        for k, v in lm.pair_delta(b, row.region_id, row.measure_id).items():
            copy[k] -= v
        slack = target_slacks(p, [copy], active.index, sol.peak_limits)[0]
        want: dict[str, float] = {}
        scale: dict[str, float] = {}
        for key, lam in active.items():
            c = float(base[key] - slack[key])
            if abs(c) > 1e-12:
                want[key[0]] = want.get(key[0], 0.0) + lam * c
            scale[key[0]] = scale.get(key[0], 0.0) + abs(lam) * max(1.0, size[key]) * 1e-13
        for target in set(want) | set(row.values):
            assert row.values.get(target, 0.0) == pytest.approx(want.get(target, 0.0), rel=1e-9,
                                                                abs=scale[target] * 100), (row.measure_id, target)
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
    from planner.outputs.console import _target_rows, _tightest

    g = pd.DataFrame([{"target_id": "t", "year": 2021 + n, "marginal_cost": mc, "slack": s, "limit": lim}
                      for n, (mc, s, lim) in enumerate(rows)])
    g[["marginal_cost", "slack", "limit"]] = g[["marginal_cost", "slack", "limit"]].astype(float)
    (plain,) = _target_rows(g)
    assert _tightest(plain).year == 2021 + _tightest_by_pandas(g)


def _every_kind_of_cell(wb) -> None:
    import datetime as dt

    bold, money = wb.add_format({"bold": True}), wb.add_format({"num_format": "#,##0.00"})
    ws = wb.add_worksheet("cells")
    ws.set_row(3, 20, bold)  # a row with a format
    ws.set_column(5, 5, 12, money)  # a column with a format
    ws.set_column(6, 6, 30)  # a column without one
    for r, x in enumerate([0.0, -1.5, 1e-300, 123456789.123456789, 2**53 + 1, float("nan"), float("inf")]):
        ws.write_number(r, 0, x)
        ws.write_number(r, 1, x, money)
    for c in (2, 5, 6, 100, 16383):
        ws.write_number(3, c, 7.25)  # in the formatted row: the row's format, in column 5 still the row's
        ws.write_number(4, c, 7.25)  # the column's format in column 5 only
        ws.write_string(5, c, "名称 & <tag> \"q\"")
        ws.write_blank(6, c, None, money)
        ws.write_blank(7, c, None)  # no format: no cell
    ws.write_string(8, 0, "  leading space", bold)
    ws.write_formula(9, 0, "=A1+1", None, 1)
    ws.write_boolean(10, 0, True)
    ws.write_datetime(11, 0, dt.datetime(2030, 1, 1), money)
    ws.write_rich_string(12, 0, "plain ", bold, "bold", " end")
    ws.write_url(13, 0, "https://example.org", string="link")
    ws.merge_range(14, 0, 14, 3, "merged", bold)
    ws.set_row(40, 30)  # a row with attributes and no cell
    ws.set_row(41, None, bold, {"hidden": True})
    ws.write_number(33, 7, 1.0)  # a block of 16 rows with one cell, far right
    ws.write_number(1_048_575, 0, 1.0)  # the last row Excel has
    second = wb.add_worksheet("empty")
    second.write_string(0, 0, "=not a formula")
    noted = wb.add_worksheet("noted")  # with a comment: left to XlsxWriter
    noted.write_number(0, 0, 1.0, money)
    noted.write_comment(15, 1, "a note")


@pytest.mark.parametrize("values", [
    [0.0, -0.0], [-0.0], [0.004, -0.004], [9.995, 99.995, 999.995, 999.994999], [-999.995, 5.0],
    [float("inf"), 1.0], [float("-inf"), 12345.678], [float("nan")], [float("nan"), -1e300, 1e300],
    [123456789012.345, -5e-7], [1e16, 2.5e59, 3e60],
])
def test_width_of_a_number_column_is_its_widest_cell(values):
    """The workbook's column widths read the widest of a numeric column's first cells from its extremes only."""
    import numpy as np

    from planner.outputs.workbook import _int_width, _is_missing, _number_width, _width

    cells = [x for x in values if not _is_missing(x)]
    assert _number_width(np.array(values)) == (max(_width(x) for x in cells) if cells else None)
    ints = [int(x) for x in values if np.isfinite(x) and abs(x) < 1e18]
    if ints:
        assert _int_width(pd.Series(ints)) == max(_width(x) for x in ints)


def test_width_of_random_number_columns():
    import numpy as np
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from planner.outputs.workbook import _number_width, _width

    @settings(max_examples=300, deadline=None)
    @given(st.lists(st.floats(allow_nan=True, allow_infinity=True, width=64), min_size=1, max_size=40))
    def check(values):
        cells = [x for x in values if x == x]
        assert _number_width(np.array(values)) == (max(_width(x) for x in cells) if cells else None)

    check()


def test_a_peaks_headline_is_its_dearest_ceiling_year():
    """The rows before the peak year cost more to tighten (11,133 yuan/t in 2021 on the shipped case) but are not the
    peak's price: the console and the report headline its ceiling years after the peak year."""
    from planner.analysis.common import after_peak, tightest
    from planner.outputs.console import _target_rows, _tightest

    g = pd.DataFrame([{"target_id": "pk", "kind": "peak", "year": y, "first_year": 2023, "marginal_cost": mc,
                       "slack": 0.0, "limit": 100.0} for y, mc in ((2021, 900.0), (2022, 50.0), (2023, 0.0),
                                                                 (2024, 30.0), (2025, 40.0))])
    (plain,) = _target_rows(g)
    assert _tightest(plain).year == 2025
    rows = g.to_dict("records")
    ceiling = after_peak([r["kind"] for r in rows], [r["year"] for r in rows], [r["first_year"] for r in rows])
    assert ceiling == [False, False, False, True, True]
    assert tightest(g["marginal_cost"].tolist(), g["slack"].tolist(), g["limit"].tolist()) == 0  # without: 2021
    cap = g.assign(kind="cap")
    (plain,) = _target_rows(cap)
    assert _tightest(plain).year == 2021  # any other target: its dearest row
