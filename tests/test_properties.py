"""Property-based tests (Hypothesis): valid tiny table sets generated from the schema either solve or are diagnosed
infeasible; one corrupted cell, column or file is always a bad-input error naming file, row and column, never an
exception of another kind and never a silent answer (issue 9). Examples are bounded to keep the suite fast."""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import planner
from planner.inputs.schema import TABLES
from tests.tiny import effect, flat, indicator, make_case, measure, potential, region, target

FAST = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def tiny_cases(draw):
    """Keyword arguments of `make_case`: 1-2 regions, 1-2 indicators, 1-3 measures, a cap or floor target."""
    regions = [f"r{i}" for i in range(draw(st.integers(1, 2)))]
    indicators = ["co2", "nox"][: draw(st.integers(1, 2))]
    measures = [f"m{i}" for i in range(draw(st.integers(1, 3)))]
    money = st.floats(0, 1e6, allow_nan=False).map(lambda x: round(x, 2))
    rows = {
        "regions": [region(r) for r in regions],
        "indicators": [indicator(i) for i in indicators],
        "baseline": [row for r in regions for i in indicators
                     for row in flat(r, i, draw(st.integers(0, 1000)), (2020, 2022))],
        "measures": [measure(m, capex=draw(money), fixed_om=draw(money), savings=draw(money),
                             lifetime=draw(st.integers(1, 30))) for m in measures],
        "effects": [effect(m, i, draw(st.floats(-10, 10, allow_nan=False).map(lambda x: round(x, 3))))
                    for m in measures for i in indicators],
        "potentials": [potential(r, m, draw(st.integers(0, 100))) for r in regions for m in measures],
    }
    kind = draw(st.sampled_from(["cap", "floor"]))
    rows["targets"] = [target("t1", kind, draw(st.sampled_from(indicators)), 2022, draw(st.integers(0, 2000)),
                              scope=draw(st.sampled_from(["city", *regions])))]
    return rows


@FAST
@given(tiny_cases())
def test_valid_tables_solve_or_are_diagnosed_infeasible(kw):
    with tempfile.TemporaryDirectory() as tmp:
        case = make_case(Path(tmp), **kw)
        try:
            res = planner.run(case)
        except planner.InfeasibleError as e:
            assert e.diagnosis.relaxations or e.diagnosis.bounds_conflict
            return
        assert res.optimal and res.solution.objective is not None
        assert (res.targets["status"] != "violated").all()


def _bad_values(col) -> list[str]:
    """Cells that are wrong for ``col`` whatever else the table holds."""
    out = ["a\x01b"]
    if col.type in ("number", "int"):
        out += ["abc", "nan", "1e300", "-1e16"]
        if col.type == "int":
            out.append("2.5")
        if col.min is not None:
            out.append(str(col.min - 1))
    elif col.type == "id":
        out += ["Bad Id", "x-y"]
    elif col.type == "choice":
        out.append("zzz")
    elif col.type == "bool":
        out.append("maybe")
    if col.required:
        out.append("")
    return out


def _read(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.reader(f))


def _write(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)


def _refused(case: Path, what: str) -> list[str]:
    """The messages of the InputError that loading ``case`` must raise (``what`` names the corruption)."""
    try:
        planner.load(case)
    except planner.InputError as e:
        return [str(p) for p in e.problems]
    raise AssertionError(f"{what} was accepted")


@FAST
@given(tiny_cases(), st.data())
def test_one_corrupted_cell_is_named_by_file_row_and_column(kw, data):
    with tempfile.TemporaryDirectory() as tmp:
        case = make_case(Path(tmp), **kw)
        names = [n for n in ("regions", "indicators", "baseline", "measures", "effects", "potentials", "targets")
                 if len(_read(Path(tmp) / "data" / f"{n}.csv")) > 1]
        name = data.draw(st.sampled_from(names))
        path = Path(tmp) / "data" / f"{name}.csv"
        rows = _read(path)
        header = rows[0]
        j = data.draw(st.sampled_from([k for k, h in enumerate(header) if TABLES[name].column(h)]))
        col = TABLES[name].column(header[j])
        i = data.draw(st.integers(1, len(rows) - 1))
        rows[i][j] = data.draw(st.sampled_from(_bad_values(col)))
        _write(path, rows)
        messages = _refused(case, f"{name}.csv row {i + 1} {col.name}={rows[i][j]!r}")
        assert any(f"{name}.csv, row {i + 1}, column {col.name}: " in m for m in messages), messages


@FAST
@given(tiny_cases(), st.data())
def test_one_corrupted_column_or_file_is_named(kw, data):
    with tempfile.TemporaryDirectory() as tmp:
        case = make_case(Path(tmp), **kw)
        name = data.draw(st.sampled_from(["regions", "indicators", "baseline", "measures", "effects", "potentials",
                                          "targets", "sources"]))
        path = Path(tmp) / "data" / f"{name}.csv"
        how = data.draw(st.sampled_from(["rename", "duplicate", "delete", "gbk"]))
        rows = _read(path)
        j = data.draw(st.integers(0, len(rows[0]) - 1))
        if how == "rename":
            rows[0][j] += "x"
            _write(path, rows)
            expected = f"{name}.csv, column {rows[0][j]}: unknown column"
        elif how == "duplicate":
            other = (j + 1) % len(rows[0])
            rows[0][other] = rows[0][j]
            _write(path, rows)
            expected = f"{name}.csv, column {rows[0][j]}: appears more than once"
        elif how == "delete":
            path.unlink()
            expected = f"{name}.csv: file not found"
        else:
            rows[0][j] += "名"  # a non-ASCII character, so the GBK bytes are not UTF-8
            path.write_bytes("\n".join(",".join(r) for r in rows).encode("gbk"))
            expected = f"{name}.csv: not UTF-8 text"
        messages = _refused(case, f"{how} {name}.csv")
        assert any(expected in m for m in messages), (expected, messages)
