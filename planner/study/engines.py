"""Engines that run the points of a study: ``serial``, ``processes`` (the machine's cores) and ``dask``.

Points are cut into chunks in order; each chunk is solved by `points.run_points` on one worker, which builds and
compiles the case once and re-solves warm from point to point. The cutting depends only on the points and
``chunk_size``, never on the engine, so with the same ``chunk_size`` every engine solves the same chunks from the
same starting bases and returns the same numbers. Serial runs default to one chunk (one build); parallel engines
to one chunk per worker, since each chunk pays a build and a compile (about a second on the shipped case) and a warm
point costs milliseconds. Progress is shown with tqdm (a bar in the terminal or in a notebook).
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable

from ..base.errors import InputError, Problem
from ..inputs.case import Case
from .points import run_points

ENGINES = ("serial", "processes", "dask")


def check(engine, workers=None, chunk_size=None) -> None:
    """An engine the study knows, and a positive number of workers and chunk size; else `InputError`."""
    problems = []
    if engine not in ENGINES:
        problems.append(Problem("engine", "", f"expected one of {', '.join(ENGINES)}, got {engine!r}"))
    for name, v in (("workers", workers), ("chunk_size", chunk_size)):
        if v is not None and (isinstance(v, bool) or not isinstance(v, int) or v < 1):
            problems.append(Problem(name, "", f"expected a whole number >= 1, got {v!r}"))
    if problems:
        raise InputError(problems)


def chunks(n: int, chunk_size: int) -> list[range]:
    return [range(i, min(i + chunk_size, n)) for i in range(0, n, chunk_size)]


def _run_chunk(case: Case, pts: list[dict], extra, detail: bool, diagnosis: bool, time_limit) -> list[dict]:
    return run_points(case, pts, extra=extra, detail=detail, diagnosis=diagnosis, time_limit=time_limit)


def run(case: Case, pts: list[dict], *, engine: str = "serial", workers: int | None = None,
        address=None, chunk_size: int | None = None, extra: Callable | None = None, detail: bool = True,
        diagnosis: bool = True, time_limit: float | None = None, progress: bool = True,
        loaded: dict | None = None) -> list[dict]:
    """Solve ``pts`` (override sets) on ``case``; one record per point, in the order given. ``loaded``: the data
    the gate read (`planner.inputs.gate.Gate.loaded`), reused by the serial engine."""
    check(engine, workers, chunk_size)
    n = len(pts)
    if n == 0:
        return []
    from tqdm.auto import tqdm

    bar = tqdm(total=n, desc=f"{case.name} ({engine})", unit="point", disable=not progress, leave=False)
    try:
        if engine == "serial":
            size = chunk_size or n
            out: list[dict] = []
            for c in chunks(n, size):
                out += run_points(case, [pts[i] for i in c], extra=extra, detail=detail, diagnosis=diagnosis,
                                  time_limit=time_limit, progress=bar.update, loaded=loaded)
            return out
        if engine == "processes":
            from concurrent.futures import ProcessPoolExecutor, as_completed

            workers = workers or os.cpu_count() or 1
            parts = chunks(n, chunk_size or max(1, math.ceil(n / workers)))
            results: dict[int, list[dict]] = {}
            with ProcessPoolExecutor(max_workers=workers) as ex:
                futures = {ex.submit(_run_chunk, case, [pts[i] for i in c], extra, detail, diagnosis, time_limit): k
                           for k, c in enumerate(parts)}
                for f in as_completed(futures):
                    results[futures[f]] = f.result()
                    bar.update(len(results[futures[f]]))
            return [rec for k in range(len(parts)) for rec in results[k]]
        return _run_dask(case, pts, address, workers, chunk_size, extra, detail, diagnosis, time_limit, bar)
    finally:
        bar.close()


def _run_dask(case, pts, address, workers, chunk_size, extra, detail, diagnosis, time_limit, bar) -> list[dict]:
    from distributed import Client, as_completed

    own = None
    if address is None:
        client = Client(processes=False, n_workers=workers or 1)
        own = client
    elif isinstance(address, Client):
        client = address
    else:
        client = Client(address)
        own = client
    try:
        n_workers = max(1, sum(w.get("nthreads", 1) for w in client.scheduler_info()["workers"].values()))
        parts = chunks(len(pts), chunk_size or max(1, math.ceil(len(pts) / n_workers)))
        futures = [client.submit(_run_chunk, case, [pts[i] for i in c], extra, detail, diagnosis, time_limit,
                                 pure=False) for c in parts]
        index = {f.key: k for k, f in enumerate(futures)}
        results: dict[int, list[dict]] = {}
        for f in as_completed(futures):
            results[index[f.key]] = f.result()
            bar.update(len(results[index[f.key]]))
        return [rec for k in range(len(parts)) for rec in results[k]]
    finally:
        if own is not None:
            own.close()
