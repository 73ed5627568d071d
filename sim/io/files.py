"""Helpers shared by the file readers and writers of ``sim.io``.

Every reader turns an unreadable file into one :class:`~sim.errors.InputError` line, and
every writer goes through :func:`atomic_write`, so that a failed write never leaves a
partial image behind; :func:`file_set` makes the files of one run appear together or not
at all.
"""

from __future__ import annotations

import math
import os
import re
import signal
import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import List, Optional, Tuple, Union

from sim.errors import InputError
from sim.io.file_mode import give_new_file_mode

PathLike = Union[str, "os.PathLike[str]"]

# A decimal number as C's strtod reads it (no hex, no digit-group underscores).
# ASCII digits only: strtod reads no full-width or other Unicode digits.
NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|[+-]?(?:inf|infinity|nan)",
                    re.I | re.ASCII)


def read_bytes(path: PathLike) -> bytes:
    """Whole content of ``path``; InputError 'cannot read: <reason>' when that fails."""
    try:
        return Path(path).read_bytes()
    except OSError as err:
        raise InputError(f"cannot read: {err.strerror or err}", path) from None


def read_lines(path: PathLike) -> list[str]:
    """Lines of a text file (any line ending), decoded leniently as Latin-1."""
    return read_bytes(path).decode("latin-1").splitlines()


def parse_float(token: str) -> Optional[float]:
    """The number ``token`` spells, or None when it is not one number."""
    if NUMBER.fullmatch(token) is None:
        return None
    return float(token)


def parse_finite(token: str) -> Optional[float]:
    """Like :func:`parse_float`, but None for inf and nan as well."""
    value = parse_float(token)
    return value if value is not None and math.isfinite(value) else None


def atomic_write(path: PathLike, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder.

    The rename at the end is atomic, so readers see either the old file or the whole
    new one. Any OS failure becomes InputError 'cannot write: <reason>'. Inside
    :func:`file_set` the rename waits until every file of the set is written.
    """
    batch = _BATCH[-1] if _BATCH else None
    if batch is not None:
        batch.stage(path, data)
        return
    with file_set():
        atomic_write(path, data)


class _Batch:
    """Temporaries written so far, each with its target."""

    def __init__(self) -> None:
        self.staged: List[Tuple[str, Path]] = []

    def stage(self, path: PathLike, data: bytes) -> None:
        target = Path(path)
        try:
            fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp",
                                            dir=target.parent)
            self.staged.append((tmp_name, target))
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            give_new_file_mode(tmp_name)
        except OSError as err:
            raise InputError(f"cannot write: {err.strerror or err}", path) from None

    def commit(self) -> None:
        """Rename every temporary onto its target, with SIGINT and SIGTERM held back so that
        an interrupt cannot split the set."""
        held = _hold_signals()
        try:
            while self.staged:
                tmp_name, target = self.staged[0]
                try:
                    os.replace(tmp_name, target)
                except OSError as err:
                    raise InputError(f"cannot write: {err.strerror or err}", target) from None
                self.staged.pop(0)
        finally:
            _release_signals(held)

    def discard(self) -> None:
        for tmp_name, _ in self.staged:
            if os.path.exists(tmp_name):
                os.unlink(tmp_name)
        self.staged.clear()


_BATCH: List[_Batch] = []


@contextmanager
def file_set():
    """Write files as one set: every :func:`atomic_write` in the block goes to a temporary
    in its target folder, and all are renamed when the block ends normally. On any error
    or interrupt (Ctrl-C, SIGTERM) the temporaries are removed and the files that were
    there before are left as they were."""
    batch = _Batch()
    _BATCH.append(batch)
    try:
        yield
        batch.commit()
    finally:
        _BATCH.pop()
        batch.discard()


def _hold_signals():
    if threading.current_thread() is not threading.main_thread():
        return None
    return signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})


def _release_signals(previous) -> None:
    if previous is not None:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
