"""planner.results.levels (numpy) gives the levels and stocks that `Params.weight` gives summed in plain Python."""

from __future__ import annotations

import random

import pytest

import planner
from planner.results.levels import level_map
from planner.results.tables import levels, stocks


def reference_levels(p, build):
    """The plain-Python account: every build, every year it weighs in, every (region, indicator) it moves."""
    out = dict(p.baseline)
    for (rb, m), flow in p.flows.items():
        if (rb, m) not in p.pair_set:
            continue
        for tau in p.years:
            b = build.get((rb, m, tau), 0.0)
            if b == 0.0:
                continue
            for (r, i), e in flow.items():
                for t in p.years:
                    w = p.weight(m, i, tau, t)
                    if w:
                        out[r, i, t] += e * w * b
    return out


def reference_stocks(p, build):
    return {(r, m, t): sum(build.get((r, m, tau), 0.0) for tau in p.years if t - p.lifetime[m] < tau <= t)
            for r, m in p.pairs for t in p.years}


@pytest.fixture(scope="module")
def shipped():
    p = planner.derive(planner.load("cases/baseline.toml"))
    rng = random.Random(7)
    build = {(r, m, t): rng.choice([0.0, rng.uniform(0, 50), rng.uniform(0, 1e4)])
             for r, m in p.pairs for t in p.years if rng.random() < 0.3}
    return p, build


def test_levels_equal_the_plain_python_account(shipped):
    p, build = shipped
    got, want = levels(p, build), reference_levels(p, build)
    assert got.keys() == want.keys()
    moved = [k for k in want if want[k] != p.baseline[k]]
    assert len(moved) > 1000  # accumulating and ordinary indicators, the grid's spill to other regions
    assert any(p.accumulates[i] for _, i, _ in moved) and any(not p.accumulates[i] for _, i, _ in moved)
    for k, v in want.items():
        assert got[k] == pytest.approx(v, rel=1e-12, abs=1e-9), k


def test_stocks_equal_the_plain_python_account(shipped):
    p, build = shipped
    got, want = stocks(p, build), reference_stocks(p, build)
    assert list(got) == list(want)
    for k, v in want.items():
        assert got[k] == pytest.approx(v, rel=1e-12, abs=1e-12), k


def test_one_pair_alone_moves_the_levels_by_its_own_share(shipped):
    """The levels without one pair's builds differ from the levels with them by exactly that pair's delta."""
    p, build = shipped
    lm = level_map(p)
    r, m = next((r, m) for r, m in p.pairs if any(build.get((r, m, t)) for t in p.years) and p.flows.get((r, m)))
    delta = lm.pair_delta(lm.builds(build), r, m)
    without = levels(p, {k: v for k, v in build.items() if k[:2] != (r, m)})
    full = levels(p, build)
    assert delta
    for k in full:
        assert full[k] - without[k] == pytest.approx(delta.get(k, 0.0), rel=1e-9, abs=1e-6), k
