"""Nothing the user typed executes, nothing escapes the output folder, nothing half-written is left behind.

- `text_cell`: a text as a workbook cell may hold it: control characters shown as ``\\x01`` escapes, text over
  Excel's 32,767 characters cut *visibly* (the cell ends with a note giving the full length).
- `text_only`: every cell of an openpyxl workbook that openpyxl would write as a formula is written as text: the
  project never writes formulas, so a name such as ``=HYPERLINK(...)`` stays the text it is.
- `csv_text`: a text for a CSV that Excel will open: a leading ``= + - @`` is quoted with ``'`` (OWASP).
- `file_name`: a case name turned into a plain file name (no folders, no leading dot, never empty).
- `atomic`: write a file through a temporary in the same folder and rename it into place; an interrupt (see
  `install_signal_handlers`) removes the temporary and leaves any earlier file untouched.
- `staged`: write a command's outputs into a temporary folder and move them into the output folder together when
  all of them are written: a failure or an interrupt before that leaves the earlier outputs exactly as they were
  (never one new file beside two old ones); the move itself runs with SIGINT and SIGTERM held back, and undoes
  itself if a rename fails.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import signal
import sys
from collections.abc import Iterator
from pathlib import Path

EXCEL_MAX = 32_767
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
EXIT_SIGINT, EXIT_SIGTERM = 130, 143

_pending: dict[str, int] = {}  # temporaries to remove if the process is interrupted -> the process that made them
_owner = [os.getpid()]  # the process that installed the handlers (a study's worker processes inherit them)
_landed: list[str] = []  # outputs moved into place by this process (the interrupt message says so)
_stages: set[str] = set()  # staging folders being written (a file renamed inside one has not landed yet)
SIGNALS = (signal.SIGINT, signal.SIGTERM)


def text_cell(s: str) -> str:
    """``s`` as a cell can hold it: control characters escaped, over-long text cut with a visible note."""
    s = CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", s)
    if len(s) > EXCEL_MAX:
        note = f" [... cut: {len(s):,} characters in full, a cell holds {EXCEL_MAX:,}]"
        s = s[: EXCEL_MAX - len(note)] + note
    return s


def text_only(book) -> None:
    """Make every text cell of an openpyxl workbook text: never a formula, never an illegal character."""
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    value = text_cell(cell.value)
                    if value != cell.value:
                        cell.value = value
                    cell.data_type = "s"


def frame_text(df):
    """A copy of a DataFrame whose text cells pass `text_cell` (openpyxl refuses control characters)."""
    df = df.copy()
    for col in _text_columns(df):
        df[col] = df[col].map(lambda v: text_cell(v) if isinstance(v, str) else v)
    return df


def _text_columns(df) -> list:
    from pandas.api.types import is_bool_dtype, is_numeric_dtype

    return [c for c in df.columns if not is_numeric_dtype(df[c]) or is_bool_dtype(df[c])]


def csv_text(df):
    """A copy of a DataFrame safe to open in Excel as CSV: text starting with = + - @ is quoted with '."""
    df = df.copy()
    for col in _text_columns(df):
        df[col] = df[col].map(lambda v: "'" + v if isinstance(v, str) and v.startswith(FORMULA_START) else v)
    return df


NAME_BYTES = 150  # of a file name's stem in UTF-8: with any suffix, well inside the 255 bytes file systems allow


def file_name(name: str, suffix: str = "") -> str:
    """A plain file name from a case name: letters, digits, ``_ . -`` and CJK kept, anything else ``_``; a stem longer
    than `NAME_BYTES` bytes (a 100-character Chinese name is 300) is cut and ends with a short hash of the whole
    name, so two long names stay two files."""
    stem = re.sub(r"[^\w.\-]", "_", name, flags=re.UNICODE).lstrip(".") or "case"
    if len(stem.encode("utf-8")) > NAME_BYTES:
        import hashlib

        tag = "~" + hashlib.sha256(name.encode("utf-8")).hexdigest()[:8]
        cut = stem.encode("utf-8")[: NAME_BYTES - len(tag)].decode("utf-8", errors="ignore")
        stem = cut + tag
    return stem + suffix


@contextlib.contextmanager
def atomic(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; rename it onto ``path`` when the block ends without error."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    umask = os.umask(0)
    os.umask(umask)
    while True:  # the name is registered before the file exists: an interrupt at any moment removes it
        tmp = str(path.parent / f".{path.stem}.{secrets.token_hex(4)}.tmp{path.suffix}")
        _pending[tmp] = os.getpid()
        try:
            os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666 & ~umask))
            break
        except FileExistsError:
            _pending.pop(tmp, None)
        except BaseException:
            _pending.pop(tmp, None)
            raise
    try:
        yield Path(tmp)
        if str(path.parent.resolve()) in _stages:
            os.replace(tmp, path)
        else:
            with _held():  # the rename and the note that it happened, never one without the other
                os.replace(tmp, path)
                _landed.append(str(path))
    finally:
        Path(tmp).unlink(missing_ok=True)
        _pending.pop(tmp, None)


@contextlib.contextmanager
def _held() -> Iterator[None]:
    """SIGINT and SIGTERM held back in this block and delivered after it."""
    try:
        old = signal.pthread_sigmask(signal.SIG_BLOCK, SIGNALS)
    except (AttributeError, ValueError, OSError):  # no signal masks here: nothing to hold
        yield
        return
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


@contextlib.contextmanager
def staged(folder: str | Path) -> Iterator[Path]:
    """Yield a temporary folder for a command's outputs; when the block ends without error, move every file in it
    into ``folder`` together (replacing files of the same names), then remove it.

    A new ``folder`` is the temporary folder renamed (one step); into an existing one, the files are moved with the
    signals held back, each earlier file first set aside, and everything put back if a rename fails (a folder in
    the way of a file, say): the folder then holds exactly what it held before. An error or an interrupt while
    the block runs removes the temporary folder and changes nothing in ``folder``."""
    folder = Path(folder)
    fresh = not folder.exists()
    home = folder.parent if fresh else folder
    home.mkdir(parents=True, exist_ok=True)
    while True:  # registered before it exists, as in `atomic`
        stage = home / f".{folder.name}.{secrets.token_hex(4)}.tmp"
        _pending[str(stage)] = os.getpid()
        try:
            stage.mkdir()
            break
        except FileExistsError:
            _pending.pop(str(stage), None)
        except BaseException:
            _pending.pop(str(stage), None)
            raise
    _stages.add(str(stage.resolve()))
    try:
        yield stage
        names = sorted(p.name for p in stage.iterdir())
        if fresh and not folder.exists():
            with _held():
                os.rename(stage, folder)
                _landed.extend(str(folder / n) for n in names)
        else:
            _move_in(stage, folder, names)
    finally:
        _stages.discard(str(stage.resolve()))
        if stage.exists():
            shutil.rmtree(stage, ignore_errors=True)
        _pending.pop(str(stage), None)


def _move_in(stage: Path, folder: Path, names: list[str]) -> None:
    """Move ``names`` from ``stage`` into ``folder`` all or none (see `staged`)."""
    blocked = [n for n in names if (folder / n).is_dir() and not (folder / n).is_symlink()]
    if blocked:
        raise IsADirectoryError(f"{folder / blocked[0]} is a folder, in the way of an output of the same name; "
                                f"nothing in {folder} was changed")
    with _held():
        aside, moved = [], []
        try:
            for n in names:
                if (folder / n).exists() or (folder / n).is_symlink():
                    os.replace(folder / n, stage / f".earlier.{n}")
                    aside.append(n)
            for n in names:
                os.replace(stage / n, folder / n)
                moved.append(n)
        except BaseException:
            for n in moved:
                with contextlib.suppress(OSError):
                    os.replace(folder / n, stage / n)
            for n in aside:
                with contextlib.suppress(OSError):
                    os.replace(stage / f".earlier.{n}", folder / n)
            raise
        _landed.extend(str(folder / n) for n in names)


def _remove_own_temporaries() -> None:
    me = os.getpid()
    for tmp, pid in list(_pending.items()):
        if pid == me:  # a worker never removes its parent's temporaries, nor the parent a worker's
            if os.path.isdir(tmp) and not os.path.islink(tmp):
                shutil.rmtree(tmp, ignore_errors=True)
            else:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)


def _on_signal(signum, frame) -> None:  # noqa: ARG001
    """Remove temporaries, print one line, exit 130 (SIGINT) or 143 (SIGTERM) at once, whatever was running. In a
    worker process of a study: remove the temporaries it made and exit quietly."""
    if os.getpid() != _owner[0]:
        _remove_own_temporaries()
        os._exit(128 + signum)
    _remove_own_temporaries()
    name = "SIGINT" if signum == signal.SIGINT else "SIGTERM"
    with contextlib.suppress(Exception):
        sys.stdout.flush()
    with contextlib.suppress(Exception):
        os.write(2, interrupt_message(name).encode())
    os._exit(EXIT_SIGINT if signum == signal.SIGINT else EXIT_SIGTERM)


def interrupt_message(name: str) -> str:
    """What an interrupt left: the earlier outputs untouched, or (after the outputs were moved into place) the new
    ones, whole."""
    if _landed:
        return f"Interrupted ({name}) after the outputs were written; they are whole, nothing half-written is left.\n"
    return f"Interrupted ({name}); no file was half-written, earlier outputs are untouched.\n"


def install_signal_handlers() -> None:
    """SIGINT and SIGTERM end the command cleanly (see `_on_signal`). Called first thing by the command line."""
    _owner[0] = os.getpid()
    signal.signal(signal.SIGINT, _on_signal)
    signal.signal(signal.SIGTERM, _on_signal)
