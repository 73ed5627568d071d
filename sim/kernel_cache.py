"""Ahead-of-time compiled inner stages, stored on disk and loaded in milliseconds.

``torch.compile`` costs about two seconds in every process, even with its cache warm
(importing dynamo and inductor, tracing, guards). An AOTInductor package is built once
per machine for a kernel's ``key`` (dtype, device, the crystal's static description and
which optional inputs it takes; the folder also names the torch version and the CPU).
Its sizes are dynamic, so one package serves every detector size, chunk and orientation
count. Loading one imports neither dynamo nor inductor.

Packages live in ``$NANOBRAGG_KERNEL_CACHE``, else ``$XDG_CACHE_HOME/nanobragg-studio/kernels``
(``~/.cache/...``), in a folder per torch version; deleting it is always safe.
"""

from __future__ import annotations

import functools
import hashlib
import os
import platform
import tempfile
import warnings
from pathlib import Path
from typing import Callable, Dict, List, Sequence

import torch

Runner = Callable[[List[torch.Tensor]], List[torch.Tensor]]


def cache_dir() -> Path:
    root = os.environ.get("NANOBRAGG_KERNEL_CACHE")
    if root is None:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        root = os.path.join(base, "nanobragg-studio", "kernels")
    return Path(root) / f"torch-{torch.__version__}-{platform.machine()}-{_cpu_signature()}"


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


_LOADED: Dict[str, Runner] = {}


def load(key: str) -> Runner | None:
    """The stored kernel for ``key``, loaded once per process; None when none is stored."""
    if key in _LOADED:
        return _LOADED[key]
    path = package_path(key)
    if not path.exists():
        return None
    _LOADED[key] = _open(path)
    return _LOADED[key]


def _open(path: Path) -> Runner:
    try:
        # The loader behind torch._inductor.aoti_load_package, without importing inductor.
        loader = torch._C._aoti.AOTIModelPackageLoader(str(path), "model", False, 1, -1)
        return loader.run
    except (AttributeError, TypeError):
        from torch._inductor import aoti_load_package

        package = aoti_load_package(str(path))
        return lambda inputs: package.loader.run(inputs)


def build(key: str, module: torch.nn.Module, example: Sequence[torch.Tensor], dynamic_shapes) -> Runner:
    """Export ``module`` on ``example`` inputs, compile it ahead of time, store and load it."""
    path = package_path(key)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Build beside the target and rename: a concurrent process never sees half a package.
    fd, partial = tempfile.mkstemp(suffix=".pt2", dir=path.parent)
    os.close(fd)
    try:
        with warnings.catch_warnings():
            for category in (FutureWarning, DeprecationWarning):  # torch's own, not ours to act on
                warnings.simplefilter("ignore", category)
            import torch._inductor
            import torch._inductor.config as inductor_config

            inductor_config.compile_threads = 1  # no worker pool to start for one kernel
            exported = torch.export.export(module, tuple(example), dynamic_shapes=dynamic_shapes)
            torch._inductor.aoti_compile_and_package(exported, package_path=partial)
        os.chmod(partial, 0o644)
        with open(path.parent / "keys.txt", "a") as index:
            index.write(f"{path.name} {key}\n")
        os.replace(partial, path)
    finally:
        if os.path.exists(partial):
            os.unlink(partial)
    _LOADED[key] = _open(path)
    return _LOADED[key]
