"""Optional ``torch.compile`` of the inner stage (``sim.lattice.lattice_terms``).

Compiling fuses the inner stage into one vectorized loop; it pays on long runs (tens of
millions of pixel x orientation iterations and more) and costs seconds of start-up, so
``compile="auto"`` uses it only on the CPU above ``AUTO_MIN_ITERATIONS``: on CUDA the eager
kernels already run at memory speed and compiling would cost more than it saves
(benchmarks/bench_gpu.py measures both). Compiled code is cached on
disk by torch between processes. Where compiling is impossible (no C++ compiler for the
CPU backend, say) the run falls back to eager execution with a warning.
"""

from __future__ import annotations

import warnings
from typing import Callable, Union

import torch

from .lattice import lattice_terms

#: Pixel x sample x orientation iterations from which "auto" compiles.
AUTO_MIN_ITERATIONS = 150_000_000

CompileMode = Union[bool, str]


def should_compile(mode: CompileMode, iterations: int, device: torch.device) -> bool:
    if mode == "auto":
        return device.type == "cpu" and iterations >= AUTO_MIN_ITERATIONS
    return bool(mode)


class _FallbackToEager:
    """Calls the compiled inner stage; on a compile failure warns once and runs eagerly."""

    def __init__(self):
        import torch._inductor.config as inductor_config

        # Skip inductor's per-process probe of the vector ISAs (it builds and loads test
        # libraries: over a second); a real failure still ends in the eager fallback below.
        inductor_config.cpp.vec_isa_ok = True
        inductor_config.compile_threads = 1  # no worker pool to start for one small kernel
        self.compiled = torch.compile(lattice_terms, dynamic=False)
        self.failed = False

    def __call__(self, *args, **kwargs):
        if not self.failed:
            try:
                return self.compiled(*args, **kwargs)
            except Exception as err:  # noqa: BLE001 - any backend failure means "run eagerly"
                self.failed = True
                warnings.warn(f"torch.compile unavailable ({type(err).__name__}); running eagerly")
        return lattice_terms(*args, **kwargs)


_SHARED = {}


def compiled_lattice_terms() -> Callable:
    """The process-wide compiled inner stage (compiled lazily, on first call)."""
    if "fn" not in _SHARED:
        _SHARED["fn"] = _FallbackToEager()
    return _SHARED["fn"]
