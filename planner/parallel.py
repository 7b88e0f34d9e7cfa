"""Write an output in a forked child process, beside the main process (`planner run` writes the workbook so while it
writes the IAMC table and the report: two cores, two writers). `write_file` makes the temporary file in the parent,
has the child fill it and renames it when the parent collects the result: the file appears only when the command says
so ("Workbook: ..."), and an interrupt at any moment leaves the earlier file untouched.

`fork(fn)` forks now: the child already holds every table the parent holds (copy-on-write; nothing is pickled on the
way in), runs ``fn`` and sends back its return value, or its exception, through a pipe; `Forked.result` waits for it
and returns it, or raises that exception in the parent, as if ``fn`` had run in line.

- ``PLANNER_WORKERS=0`` or ``1``, or a system other than Linux (Windows has no ``fork``; on macOS forking a process
  that has loaded system frameworks is unsafe): ``fn`` runs in line, when its result is asked for.
- The child ignores SIGINT (Ctrl-C reaches the whole process group: the parent alone answers it) and on SIGTERM
  removes the temporary files it made and exits (`planner.safe`). The parent ends its children when it is
  interrupted (`planner.safe` tracks them) and waits for them, so no temporary outlives the command.
- A child that dies without an answer (killed, out of memory) is an error in the parent naming its exit status.
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import signal
import sys
from collections.abc import Callable
from functools import partial
from pathlib import Path

from . import safe


def can_fork() -> bool:
    """Whether outputs may be written in forked children: on Linux, where ``PLANNER_WORKERS`` is not 0 or 1."""
    env = os.environ.get("PLANNER_WORKERS", "").strip()
    if env:
        try:
            if int(env) <= 1:
                return False
        except ValueError:
            return False
    # Linux only: on macOS a forked child of a process that has loaded system frameworks (Accelerate under numpy, for
    # one) may crash, which is why Python's own multiprocessing spawns there
    return hasattr(os, "fork") and sys.platform.startswith("linux")


def _child(fn: Callable, w: int) -> None:
    """In the child: run ``fn``, write the pickled ("ok", value) or ("error", exception), exit without clean-up (the
    parent's exit handlers, open files and buffers are the parent's)."""
    code = 0
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        safe.become_child()
        try:
            answer = ("ok", fn())
        except BaseException as e:  # noqa: BLE001 - every failure goes back to the parent
            answer = ("error", e)
        try:
            payload = pickle.dumps(answer)
        except Exception:  # noqa: BLE001 - an exception or value that cannot be pickled: its text
            payload = pickle.dumps(("error", RuntimeError(f"{answer[0]}: {answer[1]!r}")))
        with os.fdopen(w, "wb") as pipe:
            pipe.write(payload)
    except BaseException:  # noqa: BLE001 - the parent reports a child that gave no answer
        code = 1
    finally:
        os._exit(code)


class Forked:
    """``fn`` under way in a forked child (or waiting to run in line)."""

    def __init__(self, fn: Callable):
        self.fn, self.pid, self.fd = fn, None, None
        if not can_fork():
            return
        r, w = os.pipe()
        gc.freeze()  # the objects so far out of the collector's reach: no collection in either process touches
        pid = os.fork()  # (and so copies) the pages the two share
        if pid == 0:  # pragma: no cover - the child (covered by the tests through the parent)
            os.close(r)
            _child(fn, w)
        gc.unfreeze()
        os.close(w)
        self.pid, self.fd = pid, r
        safe.track_child(pid)

    def result(self):
        """Wait for the child and return what ``fn`` returned (or raise what it raised)."""
        if self.pid is None:
            return self.fn()
        with os.fdopen(self.fd, "rb") as pipe:
            payload = pipe.read()
        _, status = os.waitpid(self.pid, 0)
        safe.untrack_child(self.pid)
        self.pid = -1
        if not payload:
            name = getattr(getattr(self.fn, "func", self.fn), "__name__", "an output")
            raise RuntimeError(f"the process running {name} ended without an answer (exit status "
                               f"{os.waitstatus_to_exitcode(status)})")
        kind, value = pickle.loads(payload)
        if kind == "error":
            raise value
        return value


    def cancel(self) -> None:
        """End the child (it removes its temporaries) and wait for it; nothing if it is done or ran in line."""
        if self.pid is None or self.pid < 0:
            return
        try:
            os.kill(self.pid, signal.SIGTERM)
            os.waitpid(self.pid, 0)
        except (OSError, ChildProcessError):
            pass
        os.close(self.fd)
        safe.untrack_child(self.pid)
        self.pid = -1


class ForkedFile(Forked):
    """A file written by a forked child: the parent makes the temporary (`planner.safe.atomic`: its own to remove if
    interrupted), the child writes into it, and `result` renames it into place, so the file appears only when the
    parent says so, and never half-written."""

    def __init__(self, path: str | Path, write: Callable[[Path], object]):
        self.path, self._stack = Path(path), contextlib.ExitStack()
        self.tmp = self._stack.enter_context(safe.atomic(self.path))
        super().__init__(partial(write, self.tmp))

    def result(self) -> Path:
        """Wait for the child, rename its file into place and return the path (the child's exception, if any, is
        raised here and the temporary removed)."""
        try:
            super().result()
        except BaseException as e:
            self._stack.__exit__(type(e), e, e.__traceback__)
            raise
        self._stack.close()
        return self.path

    def cancel(self) -> None:
        super().cancel()
        err = RuntimeError("cancelled")
        self._stack.__exit__(RuntimeError, err, None)  # removes the temporary, renames nothing


def fork(fn: Callable) -> Forked:
    """Start ``fn`` (no arguments: bind them with `functools.partial`) in a forked child; `Forked.result` waits."""
    return Forked(fn)


def write_file(path: str | Path, write: Callable[[Path], object]) -> ForkedFile:
    """Start ``write(tmp)`` in a forked child; `ForkedFile.result` renames ``tmp`` onto ``path`` and returns it."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    return ForkedFile(path, write)
