"""Small C++ functions built at run time with the system compiler and loaded with ctypes.

For loops that are sequential by nature (a random stream drawn pixel after pixel), where
Python is about 100x slower than compiled code and torch offers nothing to vectorize.
A library is built once per machine (well under a second: no torch headers) and stored
beside the compiled kernels (``sim.kernel.cache.cache_dir()/native``), named by a digest
of its source, flags and compiler. A digest of the finished file is written next to it
and checked before every load, so a truncated or damaged file is rebuilt, never loaded.
Without a compiler, or when building fails, :func:`load_library` returns None and the
caller keeps its pure-Python path.
"""

from __future__ import annotations

import ctypes
import hashlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Dict, Optional, Tuple

from sim.integrity import is_trusted, trust

#: No fused multiply-adds and no fast-math: float results must equal the C program's.
CXX_FLAGS = ("-O2", "-shared", "-fPIC", "-ffp-contract=off", "-fno-fast-math")
BUILD_TIMEOUT_S = 60

_LOADED: Dict[str, Tuple[Optional[ctypes.CDLL], str]] = {}


def compiler() -> Optional[str]:
    """The C++ compiler: ``$CXX``, else the first of c++, g++, clang++ on the PATH."""
    named = os.environ.get("CXX")
    if named:
        return shutil.which(named)
    return next((found for found in map(shutil.which, ("c++", "g++", "clang++")) if found), None)


def library_folder() -> Path:
    from sim.kernel.cache import cache_dir

    return cache_dir() / "native"


def load_library(name: str, source: str) -> Tuple[Optional[ctypes.CDLL], str]:
    """(library, "") for ``source`` built as ``name``; (None, reason) when it cannot be built.

    Loaded once per process; a failure is remembered too, so it is reported once.
    """
    cxx = compiler()
    key = f"{name}|{cxx}|{' '.join(CXX_FLAGS)}|{source}"
    if key not in _LOADED:
        _LOADED[key] = _load(name, source, cxx)
    return _LOADED[key]


def _load(name: str, source: str, cxx: Optional[str]) -> Tuple[Optional[ctypes.CDLL], str]:
    if cxx is None:
        return None, "no C++ compiler found (set $CXX)"
    digest = hashlib.sha256(f"{cxx}|{CXX_FLAGS}|{source}".encode()).hexdigest()[:16]
    path = library_folder() / f"{name}-{digest}.so"
    try:
        if not is_trusted(path):
            _build(cxx, source, path)
        return ctypes.CDLL(str(path)), ""
    except (OSError, subprocess.SubprocessError) as err:
        return None, f"building {name} failed: {_first_line(err)}"


def _build(cxx: str, source: str, path: Path) -> None:
    """Compile ``source`` into ``path``: built beside it under a temporary name, digest
    recorded, then renamed, so a concurrent process never loads half a library."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=path.parent, prefix=".build-") as scratch:
        cpp, built = Path(scratch) / "source.cpp", Path(scratch) / path.name
        cpp.write_text(source)
        done = subprocess.run([cxx, *CXX_FLAGS, "-o", str(built), str(cpp)], capture_output=True,
                              text=True, timeout=BUILD_TIMEOUT_S)
        if done.returncode != 0:
            raise OSError(done.stderr.strip() or f"{cxx} exited with {done.returncode}")
        os.replace(built, path)
        trust(path)


def _first_line(err: BaseException) -> str:
    lines = str(err).strip().splitlines()
    return lines[0] if lines else type(err).__name__
