"""planner.parallel: an output written in a forked child gives what writing it in line gives, its errors come back to
the main process, and an interrupted `planner run` leaves no child and no temporary behind."""

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
needs_fork = pytest.mark.skipif(not hasattr(os, "fork") or not Path("/proc/self/task").exists(),
                                reason="needs fork and Linux /proc")


def _where(k: int) -> tuple[int, int]:
    return k, os.getpid()


def _boom(message: str, *_):
    raise ValueError(message)


@needs_fork
def test_the_child_runs_the_job_in_another_process_with_the_parents_data(monkeypatch):
    monkeypatch.delenv("PLANNER_WORKERS", raising=False)
    big = list(range(100_000))  # in the child without pickling: it was there before the fork
    job = parallel.fork(lambda: (sum(big), os.getpid()))
    total, pid = job.result()
    assert total == sum(big) and pid != os.getpid()


@pytest.mark.parametrize("env", ["0", "1"])
def test_one_worker_or_none_runs_the_job_in_line(monkeypatch, env):
    monkeypatch.setenv("PLANNER_WORKERS", env)
    job = parallel.fork(partial(_where, 3))
    assert job.pid is None
    assert job.result() == (3, os.getpid())


@pytest.mark.parametrize("platform", ["darwin", "win32"])
def test_outside_linux_the_job_runs_in_line(monkeypatch, platform):
    """macOS forks unsafely once system frameworks are loaded, Windows has no fork: the job runs in the process."""
    monkeypatch.delenv("PLANNER_WORKERS", raising=False)
    monkeypatch.setattr(sys, "platform", platform)
    job = parallel.fork(partial(_where, 4))
    assert job.pid is None and job.result() == (4, os.getpid())


@needs_fork
def test_a_failing_job_raises_its_exception_in_the_main_process(monkeypatch):
    monkeypatch.delenv("PLANNER_WORKERS", raising=False)
    with pytest.raises(ValueError, match="workbook failed"):
        parallel.fork(partial(_boom, "workbook failed")).result()


@needs_fork
def test_a_child_that_dies_is_an_error_naming_its_exit_status(monkeypatch):
    monkeypatch.delenv("PLANNER_WORKERS", raising=False)
    with pytest.raises(RuntimeError, match=r"the process running _exit ended without an answer \(exit status 3\)"):
        parallel.fork(partial(os._exit, 3)).result()


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(x) for x in path.read_text().split()] if path.exists() else []


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state not in ("Z", "X")  # a zombie is dead (nobody reaped it yet)


@needs_fork
def test_sigterm_while_the_child_writes_removes_its_temporary_and_ends_it(tmp_path):
    """The child has made its temporary file and is writing; SIGTERM to the main process ends both (143), the
    child's temporary is gone and the earlier file is untouched."""
    script = (
        "import os, sys, time\n"
        "from planner import parallel\n"
        "from planner.safe import atomic, install_signal_handlers\n"
        "install_signal_handlers()\n"
        "def write():\n"
        "    with atomic('out/book.xlsx') as tmp:\n"
        "        tmp.write_bytes(b'half')\n"
        "        time.sleep(30)\n"
        "job = parallel.fork(write)\n"
        "print(job.pid, flush=True)\n"
        "job.result()\n"
    )
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "book.xlsx").write_bytes(b"earlier")
    p = subprocess.Popen([sys.executable, "-c", script], cwd=tmp_path, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(ROOT),
                                                                 "PLANNER_WORKERS": "2"})
    child = int(p.stdout.readline())
    deadline = time.monotonic() + 10
    while not list((tmp_path / "out").glob(".book.*")) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert len(list((tmp_path / "out").glob(".book.*"))) == 1  # the child's temporary, being written
    p.send_signal(signal.SIGTERM)
    _, err = p.communicate(timeout=15)
    assert p.returncode == 143 and err.startswith("Interrupted (SIGTERM)"), err
    assert not _alive(child)
    assert sorted(x.name for x in (tmp_path / "out").iterdir()) == ["book.xlsx"]
    assert (tmp_path / "out" / "book.xlsx").read_bytes() == b"earlier"


@needs_fork
def test_sigterm_during_planner_run_ends_the_workbook_writer(tmp_path):
    """SIGTERM once the summary is printed (the workbook is being written by the child) ends the run (143) and the
    child; no temporary and no report are left."""
    p = subprocess.Popen([sys.executable, "-m", "planner", "run", str(ROOT / "cases" / "baseline.toml"), "--out",
                          "out"], cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         env={**os.environ, "PYTHONUNBUFFERED": "1", "PLANNER_WORKERS": "2"})
    children: list[int] = []
    for line in p.stdout:
        if line.startswith("Case "):  # the first line of the summary: the workbook is under way in the child
            children = _children(p.pid)
            p.send_signal(signal.SIGTERM)
            break
    _, err = p.communicate(timeout=60)
    assert len(children) == 1
    assert p.returncode == 143 and err.startswith("Interrupted (SIGTERM)"), err
    deadline = time.monotonic() + 1.0
    while any(_alive(c) for c in children) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not any(_alive(c) for c in children)
    left = sorted(x.name for x in (tmp_path / "out").iterdir()) if (tmp_path / "out").exists() else []
    assert not [n for n in left if n.startswith(".")], left
    assert "baseline.xlsx" not in left and "report.html" not in left


def _fill(text: str, tmp: Path) -> int:
    tmp.write_text(text, encoding="utf-8")
    return os.getpid()


@needs_fork
def test_write_file_renames_the_childs_file_into_place_only_when_collected(tmp_path, monkeypatch):
    """The parent makes the temporary, the child fills it, the rename waits for `result`; a failing writer leaves
    the earlier file and no temporary."""
    monkeypatch.delenv("PLANNER_WORKERS", raising=False)
    path = tmp_path / "out" / "book.txt"
    path.parent.mkdir()
    path.write_text("earlier", encoding="utf-8")
    job = parallel.write_file(path, partial(_fill, "new"))
    time.sleep(0.3)  # the child is done well before the parent asks
    assert path.read_text(encoding="utf-8") == "earlier"  # not renamed yet
    assert job.result() == path and path.read_text(encoding="utf-8") == "new"
    assert sorted(x.name for x in path.parent.iterdir()) == ["book.txt"]

    failing = parallel.write_file(path, partial(_boom, "disk full"))
    with pytest.raises(ValueError, match="disk full"):
        failing.result()
    assert path.read_text(encoding="utf-8") == "new" and sorted(x.name for x in path.parent.iterdir()) == ["book.txt"]

    cancelled = parallel.write_file(path, lambda tmp: time.sleep(30))
    cancelled.cancel()
    assert sorted(x.name for x in path.parent.iterdir()) == ["book.txt"]
