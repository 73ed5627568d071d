"""Ahead-of-time compiled inner stages, stored on disk and loaded in milliseconds.

``torch.compile`` costs about two seconds in every process, even with its cache warm
(importing dynamo and inductor, tracing, guards). An AOTInductor package is built once
per machine for a kernel's ``key`` (``sim.kernel.modules.KernelRequest``; the folder also
names the torch version and the CPU). Its sizes are dynamic, so one package serves every
detector size, chunk and orientation count. Loading one imports neither dynamo nor inductor.

A stored package is trusted only with its digest file (``<name>.pt2.sha256``), written by
the builder after the package was complete and had run correctly in the builder's own
process (``sim.kernel.build``). A package whose bytes no longer match (a crash or power
loss in the middle of a write, a truncated copy) or that has no digest (a foreign file)
is moved aside, never loaded: loading a damaged package can kill the process (SIGILL).

The loader unpacks a package into a temporary folder; here that folder is private to the
load and removed as soon as the kernel is in memory, so no exit path leaves it in /tmp.

Packages live in ``$NANOBRAGG_KERNEL_CACHE``, else ``$XDG_CACHE_HOME/nanobragg-studio/kernels``
(``~/.cache/...``), in a folder per torch version; deleting it is always safe.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import platform
import shutil
import tempfile
import time
from pathlib import Path
from typing import Callable, Dict, List

import torch

from sim.integrity import digest_path, is_trusted

Runner = Callable[[List[torch.Tensor]], List[torch.Tensor]]
log = logging.getLogger(__name__)


def cache_root() -> Path:
    root = os.environ.get("NANOBRAGG_KERNEL_CACHE")
    if root is None:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        root = os.path.join(base, "nanobragg-studio", "kernels")
    return Path(root)


def cache_dir() -> Path:
    """The folder of this torch version and CPU in ``cache_root()``."""
    return cache_root() / f"torch-{torch.__version__}-{platform.machine()}-{_cpu_signature()}"


@functools.lru_cache(maxsize=None)
def _cpu_signature() -> str:
    """Short digest of the CPU's instruction-set flags: a kernel built with AVX-512 must not
    be loaded on an older CPU sharing the same home folder."""
    try:
        with open("/proc/cpuinfo") as info:
            flags = next((line for line in info if line.startswith("flags")), "")
    except OSError:
        flags = platform.processor()
    return hashlib.sha256(flags.encode()).hexdigest()[:8]


def package_path(key: str) -> Path:
    """Where the package for ``key`` (a readable description of the kernel) is stored."""
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    return cache_dir() / f"{digest}.pt2"


def move_aside(path: Path) -> Path:
    """Rename an untrusted package (and its digest) out of the way, for inspection."""
    aside = path.with_name(f"{path.name}.bad-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}")
    os.replace(path, aside)
    try:
        os.unlink(digest_path(path))
    except FileNotFoundError:
        pass
    return aside


_LOADED: Dict[str, Runner] = {}


def load(key: str) -> Runner | None:
    """The stored kernel for ``key``, loaded once per process; None when none is stored or
    the stored one is untrusted (then it is moved aside, with a warning)."""
    if key in _LOADED:
        return _LOADED[key]
    path = package_path(key)
    if not path.exists():
        return None
    if not is_trusted(path):
        _set_aside(path)
        return None
    _LOADED[key] = open_package(path)
    return _LOADED[key]


def _set_aside(path: Path) -> None:
    try:
        aside = move_aside(path)
        where = f"moved aside to {aside.name}"
    except OSError as err:
        where = f"could not be moved aside ({err.strerror})"
    log.warning("compiled kernel %s is damaged, incomplete or foreign (no matching digest); %s, "
                "not loaded", path, where)


def open_package(path: Path) -> Runner:
    """Load a package, unpacking it into a private folder removed right after loading."""
    private = tempfile.mkdtemp(prefix="nanobragg-load-")
    previous = os.environ.get("TMPDIR")
    os.environ["TMPDIR"] = private  # where the loader's std::filesystem::temp_directory_path points
    try:
        try:
            # The loader behind torch._inductor.aoti_load_package, without importing inductor.
            run = torch._C._aoti.AOTIModelPackageLoader(str(path), "model", False, 1, -1).run
        except (AttributeError, TypeError):  # an older torch
            from torch._inductor import aoti_load_package

            package = aoti_load_package(str(path))
            run = lambda inputs: package.loader.run(inputs)  # noqa: E731
    finally:
        if previous is None:
            os.environ.pop("TMPDIR", None)
        else:
            os.environ["TMPDIR"] = previous
        shutil.rmtree(private, ignore_errors=True)  # the kernel's library stays mapped
    return run
