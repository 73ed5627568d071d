"""The permissions of a new output file.

Outputs are written to a temporary file (mkstemp makes it private to the user) and renamed
into place; before the rename they get the mode open() would give a new file: 0o666 less
the process umask.
"""

from __future__ import annotations

import os
from typing import Union

PathLike = Union[str, "os.PathLike[str]"]


def _read_umask() -> int:
    """The process umask (read once, at import, by setting and restoring it)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


_UMASK = _read_umask()


def give_new_file_mode(path: PathLike) -> None:
    """Give the finished temporary ``path`` the permissions of a newly opened file."""
    os.chmod(path, 0o666 & ~_UMASK)
