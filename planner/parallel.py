"""Run a few independent CPU-bound jobs (the report's charts) in forked worker processes, beside the main process.

`planner run` forks the workers first thing (`workers`): while the main process builds and solves the model (one core),
they import matplotlib and load the CJK font (`planner.report.warm_up`). As soon as the analysis is done it hands
them the charts (`Workers.submit`: each job a picklable function with its data, dearest first) and writes the
console summary, the workbook and the IAMC table meanwhile; the report then takes the charts (`Pending.result`).

- Workers: ``PLANNER_WORKERS`` if set (0 or 1: no worker process; the jobs run in the main process when their result
  is asked for), else the CPUs this process may use, at most 4. Without ``fork`` (Windows, macOS defaults) the jobs
  always run in the main process.
- A worker ignores SIGINT (Ctrl-C reaches the whole process group: the main process alone answers it) and dies
  quietly on SIGTERM; `planner.safe` ends the workers when the main process is interrupted, and a worker never removes
  the main process's temporary files.
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


def workers_for(n_jobs: int = MAX_WORKERS) -> int:
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


def _init_worker(warm_up: Callable | None) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    safe.forget_pending()  # the main process's temporaries are its own to remove
    if warm_up is not None:
        warm_up()


def _call(job: tuple[str, Callable]) -> tuple[str, object]:
    key, fn = job
    return key, fn()


class Workers:
    """Forked worker processes, waiting for jobs."""

    def __init__(self, n: int, warm_up: Callable | None = None):
        self.pool = multiprocessing.get_context("fork").Pool(n, initializer=_init_worker, initargs=(warm_up,))
        self.pids = [p.pid for p in self.pool._pool]
        for pid in self.pids:
            safe.track_child(pid)

    def submit(self, jobs: dict[str, Callable], post: Callable = lambda x: x) -> Pending:
        """Hand the workers ``jobs`` (key -> picklable function), dearest first; return at once."""
        order = sorted(jobs.items(), key=lambda kv: -COST.get(kv[0], 1.0))
        return Pending(jobs, post, self, self.pool.map_async(_call, order, chunksize=1))

    def close(self) -> None:
        """Stop the workers (at once, whatever they are doing)."""
        if self.pool is not None:
            self.pool.terminate()
            self.pool.join()
            for pid in self.pids:
                safe.untrack_child(pid)
            self.pool = None


def workers(warm_up: Callable | None = None, n: int | None = None) -> Workers | None:
    """Fork the worker processes now (``warm_up`` runs in each as it starts); None where the jobs run in line."""
    n = workers_for() if n is None else n
    if n <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        return None
    return Workers(n, warm_up)


class Pending:
    """Jobs under way; `result` waits for them and returns key -> post(value) in the jobs' order, then stops the
    workers."""

    def __init__(self, jobs: dict[str, Callable], post: Callable, workers: Workers | None = None, handle=None):
        self.jobs, self.post, self.workers, self.handle = jobs, post, workers, handle

    def result(self) -> dict:
        if self.workers is None:
            return {k: self.post(fn()) for k, fn in self.jobs.items()}
        try:
            done = dict(self.handle.get())
        finally:
            self.close()
        return {k: self.post(done[k]) for k in self.jobs}

    def close(self) -> None:
        if self.workers is not None:
            self.workers.close()


def start(jobs: dict[str, Callable], n: int | None = None, post: Callable = lambda x: x,
          warm_up: Callable | None = None) -> Pending:
    """Fork workers for ``jobs`` (key -> picklable function) and start them; in line where there are no workers."""
    w = workers(warm_up, min(workers_for() if n is None else n, len(jobs)))
    return w.submit(jobs, post) if w is not None else Pending(jobs, post)
