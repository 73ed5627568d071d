"""Helpers shared by the file readers and writers of ``sim.io``.

Every reader turns an unreadable file into one :class:`~sim.errors.InputError` line, and
every writer goes through :func:`atomic_write`, so that a failed write never leaves a
partial image behind.
"""

from __future__ import annotations

import math
import os
import re
import tempfile
from pathlib import Path
from typing import Optional, Union

from sim.errors import InputError

PathLike = Union[str, "os.PathLike[str]"]

# A decimal number as C's strtod reads it (no hex, no digit-group underscores).
# ASCII digits only: strtod reads no full-width or other Unicode digits.
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|[+-]?(?:inf|infinity|nan)",
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
    if _NUMBER.fullmatch(token) is None:
        return None
    return float(token)


def parse_finite(token: str) -> Optional[float]:
    """Like :func:`parse_float`, but None for inf and nan as well."""
    value = parse_float(token)
    return value if value is not None and math.isfinite(value) else None


def atomic_write(path: PathLike, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder.

    The rename at the end is atomic, so readers see either the old file or the whole
    new one. Any OS failure becomes InputError 'cannot write: <reason>'.
    """
    target = Path(path)
    tmp_name = None
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp",
                                        dir=target.parent)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp_name, 0o666 & ~_UMASK)
        os.replace(tmp_name, target)
        tmp_name = None
    except OSError as err:
        raise InputError(f"cannot write: {err.strerror or err}", path) from None
    finally:
        if tmp_name is not None and os.path.exists(tmp_name):
            os.unlink(tmp_name)


def _read_umask() -> int:
    """The process umask (read once, by setting and restoring it)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


#: Permission bits a new output file gets are 0o666 less this mask, as with open().
_UMASK = _read_umask()
