"""Nothing the user typed executes, nothing escapes the output folder, nothing half-written is left behind.

- `text_cell`: a text as a workbook cell may hold it: control characters shown as ``\\x01`` escapes, text over
  Excel's 32,767 characters cut *visibly* (the cell ends with a note giving the full length).
- `text_only`: every cell of an openpyxl workbook that openpyxl would write as a formula is written as text: the
  project never writes formulas, so a name such as ``=HYPERLINK(...)`` stays the text it is.
- `csv_text`: a text for a CSV that Excel will open: a leading ``= + - @`` is quoted with ``'`` (OWASP).
- `file_name`: a case name turned into a plain file name (no folders, no leading dot, never empty).
- `atomic`: write a file through a temporary in the same folder and rename it into place; an interrupt (see
  `install_signal_handlers`) removes the temporary and leaves any earlier file untouched.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
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


def file_name(name: str, suffix: str = "") -> str:
    """A plain file name from a case name: letters, digits, ``_ . -`` and CJK kept, anything else ``_``."""
    stem = re.sub(r"[^\w.\-]", "_", name, flags=re.UNICODE).lstrip(".") or "case"
    return stem[:120] + suffix


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
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)
        _pending.pop(tmp, None)


def _remove_own_temporaries() -> None:
    me = os.getpid()
    for tmp, pid in list(_pending.items()):
        if pid == me:  # a worker never removes its parent's temporaries, nor the parent a worker's
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
        os.write(2, f"Interrupted ({name}); no file was half-written, earlier workbooks are untouched.\n".encode())
    os._exit(EXIT_SIGINT if signum == signal.SIGINT else EXIT_SIGTERM)


def install_signal_handlers() -> None:
    """SIGINT and SIGTERM end the command cleanly (see `_on_signal`). Called first thing by the command line."""
    _owner[0] = os.getpid()
    signal.signal(signal.SIGINT, _on_signal)
    signal.signal(signal.SIGTERM, _on_signal)
