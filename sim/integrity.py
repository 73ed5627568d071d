"""Files trusted only when complete: a sha256 digest recorded beside a file once it is whole,
checked before the file is used (compiled kernels, run-time built libraries, series frames)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path


def file_digest(path: Path) -> str:
    """sha256 of the file's bytes, read in blocks."""
    sha = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            sha.update(block)
    return sha.hexdigest()


def digest_path(path: Path) -> Path:
    """Where the digest of ``path`` is recorded: ``<name>.sha256`` beside it."""
    path = Path(path)
    return path.with_name(path.name + ".sha256")


def is_trusted(path: Path) -> bool:
    """The file is there and equals the digest recorded after it was complete."""
    try:
        return digest_path(path).read_text().strip() == file_digest(path)
    except OSError:
        return False


def trust(path: Path) -> None:
    """Record the file's digest (atomically: a reader sees no digest or the whole one)."""
    record = digest_path(path)
    partial = record.with_name(f".{record.name}.{os.getpid()}")
    partial.write_text(file_digest(path) + "\n")
    os.replace(partial, record)
