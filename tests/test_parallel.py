"""planner.parallel: the report's charts drawn in worker processes give what drawing them in line gives, errors come
back to the main process, and an interrupted `planner run` leaves no worker behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from functools import partial
from pathlib import Path

import pytest

from planner import parallel

ROOT = Path(__file__).resolve().parents[1]


def _job(k: int) -> tuple[int, int]:
    return k, os.getpid()


def _boom(message: str):
    raise ValueError(message)


def _jobs():
    return {f"job{k}": partial(_job, k) for k in range(5)}


def test_workers_run_the_jobs_in_other_processes_and_keep_their_order():
    got = parallel.start(_jobs(), n=2, post=lambda v: v).result()
    assert list(got) == [f"job{k}" for k in range(5)]
    assert [v[0] for v in got.values()] == list(range(5))
    assert os.getpid() not in {v[1] for v in got.values()}


def test_one_worker_or_none_runs_the_jobs_in_line(monkeypatch):
    monkeypatch.setenv("PLANNER_WORKERS", "1")
    pending = parallel.start(_jobs(), post=lambda v: v[0])
    assert pending.workers is None
    assert pending.result() == {f"job{k}": k for k in range(5)}


def test_a_failing_job_raises_in_the_main_process():
    pending = parallel.start({"a": partial(int, 1), "b": partial(_boom, "chart failed")}, n=2)
    with pytest.raises(ValueError, match="chart failed"):
        pending.result()
    assert pending.workers.pool is None  # the workers are stopped


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(x) for x in path.read_text().split()] if path.exists() else []


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state not in ("Z", "X")  # a zombie is dead (nobody reaped it yet)


@pytest.mark.skipif(not Path("/proc/self/task").exists() or "fork" not in __import__("multiprocessing")
                    .get_all_start_methods(), reason="needs Linux /proc and fork")
def test_sigterm_while_the_charts_are_drawn_ends_the_workers(tmp_path):
    """The workers start before the case is solved; SIGTERM once the summary is printed (the charts under way) ends
    the run (143) and every worker."""
    p = subprocess.Popen([sys.executable, "-m", "planner", "run", str(ROOT / "cases" / "baseline.toml"), "--out",
                          "out"], cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         env={**os.environ, "PYTHONUNBUFFERED": "1", "PLANNER_WORKERS": "2"})
    workers: list[int] = []
    for line in p.stdout:
        if line.startswith("Case "):  # the first line of the summary: the charts are under way
            workers = _children(p.pid)
            p.send_signal(signal.SIGTERM)
            break
    rest, err = p.communicate(timeout=60)
    assert len(workers) == 2
    assert p.returncode == 143 and err.startswith("Interrupted (SIGTERM)"), err
    deadline = time.monotonic() + 1.0
    while any(_alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not any(_alive(w) for w in workers)
    assert not (tmp_path / "out" / "report.html").exists()


def test_the_signal_handler_ends_workers_busy_with_a_long_job(tmp_path):
    """Workers in the middle of a long job die with the main process (planner.safe ends them), not when it is done."""
    script = (
        "import os, signal, sys, time\n"
        "from planner import parallel\n"
        "from planner.safe import install_signal_handlers\n"
        "install_signal_handlers()\n"
        "from functools import partial\n"
        "pending = parallel.start({'a': partial(time.sleep, 30), 'b': partial(time.sleep, 30)}, n=2)\n"
        "print(' '.join(map(str, pending.workers.pids)), flush=True)\n"
        "time.sleep(0.3)\n"
        "os.kill(os.getpid(), signal.SIGTERM)\n"
        "time.sleep(30)\n"
    )
    # a worker left alive would hold the pipes open for 30 s: the run would time out
    p = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=15,
                       env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert p.returncode == 143 and p.stderr.startswith("Interrupted (SIGTERM)"), p.stderr
    workers = [int(x) for x in p.stdout.split()]
    assert len(workers) == 2
    deadline = time.monotonic() + 2.0
    while any(_alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not any(_alive(w) for w in workers)
