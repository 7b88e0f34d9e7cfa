"""One `planner.run` per shipped 3-region case for the whole test session: tests/test_outputs_stored.py and
tests/test_shipped_case.py read the same results (read only), so each case is solved once, not twice (about 25 s of
the suite). The 38-district case is not kept (a few hundred MB)."""

from __future__ import annotations

from functools import cache
from pathlib import Path


@cache
def _run(path: str):
    import planner

    return planner.run(path)


def shipped_result(path: Path):
    """The result of ``planner.run(path)``, solved once a session; not to be changed by the caller."""
    import planner

    path = Path(path).resolve()
    return planner.run(path) if path.stem == "districts" else _run(str(path))
