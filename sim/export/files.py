"""Every export goes through a temporary file beside its target, renamed when complete.

A failed write (missing folder, no permission, disk full) leaves neither a partial file nor
the temporary behind, and becomes one ``InputError`` line naming the target.
"""

from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, List

from sim.errors import InputError
from sim.io.file_mode import give_new_file_mode


@contextmanager
def written_beside(path) -> Iterator[str]:
    """Yield a temporary path in ``path``'s folder; rename it to ``path`` on success."""
    target = Path(path)
    tmp_name = None
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        os.close(fd)
        yield tmp_name
        give_new_file_mode(tmp_name)
        os.replace(tmp_name, target)
        tmp_name = None
    except OSError as err:
        raise InputError(f"cannot write: {_reason(err)}", str(path)) from None
    finally:
        if tmp_name is not None and os.path.exists(tmp_name):
            os.unlink(tmp_name)


def frame_paths(path, count: int) -> List[Path]:
    """``stem_00001.cbf``... beside ``path``, the numbering dials.import reads as a sweep."""
    path = Path(path)
    return [path.with_name(f"{path.stem}_{i + 1:05d}{path.suffix}") for i in range(count)]


def write_bytes(path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file."""
    with written_beside(path) as tmp, open(tmp, "wb") as handle:
        handle.write(data)


def _reason(err: OSError) -> str:
    """The system's one-line reason (h5py's messages run over several lines)."""
    if err.errno:
        return os.strerror(err.errno)
    return (err.strerror or str(err)).splitlines()[0]
