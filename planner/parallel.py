"""Run a few independent CPU-bound jobs (the report's charts) in forked worker processes, beside the main process.

`planner run` starts the charts as soon as the analysis is done and writes the console summary, the workbook and the
IAMC table meanwhile; the report then takes the charts (`planner.report.start_charts`). The jobs are plain functions
that the workers inherit by ``fork`` (nothing is pickled but their PNG bytes coming back), dearest first.

- Workers: ``PLANNER_WORKERS`` if set (0 or 1: no worker process, the jobs run in the main process when their result
  is asked for), else the CPUs this process may use, at most 4 and at most the number of jobs. Without ``fork``
  (Windows, macOS defaults) the jobs always run in the main process.
- A worker ignores SIGINT (Ctrl-C reaches the whole process group: the main process alone answers it) and dies
  quietly on SIGTERM; `planner.safe` ends the workers when the main process is interrupted, and never lets a worker
  remove the main process's temporary files.
- A job that fails raises its exception in the main process when the results are asked for, as it would in line.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Callable

from . import safe

MAX_WORKERS = 4
# the relative cost of a job by key (the small multiples of every target are the dearest chart); unknown keys: 1
COST = {"targets": 5.0, "mac_co2e": 1.5, "mac_air": 1.5, "cocontrol": 1.2}

_jobs: list[tuple[str, Callable[[], bytes]]] = []  # read by the forked workers


def workers_for(n_jobs: int) -> int:
    env = os.environ.get("PLANNER_WORKERS", "").strip()
    if env:
        try:
            n = int(env)
        except ValueError:
            n = 1
    else:
        try:
            n = len(os.sched_getaffinity(0))
        except AttributeError:  # pragma: no cover - not Linux
            n = os.cpu_count() or 1
        n = min(n, MAX_WORKERS)
    return max(0, min(n, n_jobs))


def _init_worker() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    safe.forget_pending()  # the main process's temporaries are its own to remove


def _run(j: int) -> tuple[str, bytes]:
    key, fn = _jobs[j]
    return key, fn()


class Pending:
    """Jobs under way; `result` waits for them and returns key -> post(value) in the jobs' order."""

    def __init__(self, jobs: dict[str, Callable], post: Callable, pool=None, handle=None):
        self.jobs, self.post, self.pool, self.handle = jobs, post, pool, handle
        self.pids: list[int] = [p.pid for p in pool._pool] if pool is not None else []
        for pid in self.pids:
            safe.track_child(pid)

    def result(self) -> dict:
        if self.pool is None:
            return {k: self.post(fn()) for k, fn in self.jobs.items()}
        try:
            done = dict(self.handle.get())
        finally:
            self.close()
        return {k: self.post(done[k]) for k in self.jobs}

    def close(self) -> None:
        """Stop the workers (at once if the results were never asked for)."""
        if self.pool is not None:
            self.pool.terminate()
            self.pool.join()
            for pid in self.pids:
                safe.untrack_child(pid)
            self.pool = None
            _jobs.clear()


def start(jobs: dict[str, Callable[[], bytes]], workers: int | None = None, post: Callable = lambda x: x) -> Pending:
    """Start ``jobs`` (key -> function) in worker processes and return at once."""
    n = workers_for(len(jobs)) if workers is None else min(workers, len(jobs))
    if n <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        return Pending(jobs, post)
    _jobs[:] = list(jobs.items())
    order = sorted(range(len(_jobs)), key=lambda j: -COST.get(_jobs[j][0], 1.0))
    pool = multiprocessing.get_context("fork").Pool(n, initializer=_init_worker)
    return Pending(jobs, post, pool, pool.map_async(_run, order, chunksize=1))
