"""The inner stage (``sim.lattice.lattice_terms``) as a compiled kernel, and when to use it.

The kernel is an AOTInductor package (``sim.kernel_cache``): one fused, vectorized loop
over the orientations of each sample, loaded in milliseconds once built. Building takes
about 10 s, once per machine for each kernel key. Measured on 2 CPU cores per 2^21
iterations, against the eager stage in cache-sized chunks: 3-4x faster from 8
orientations on, even at 2-3, slower for one (the sum over orientations is then empty
and the per-sample work dominates). ``compile="auto"``:

- on CUDA, never: the eager kernels already run at memory speed there
  (``benchmarks/bench_gpu.py`` measures both);
- on the CPU, with at least ``AUTO_MIN_ORIENTATIONS`` orientations (phi steps x mosaic
  domains): a stored kernel is used for runs from ``AUTO_USE_MIN_ITERATIONS`` (pixel x
  sample x orientation iterations); a missing one is built only for runs from
  ``AUTO_BUILD_MIN_ITERATIONS``, where the first run's own saving repays much of the build.

``compile=True`` builds whenever needed. Where building or loading fails (no C++ compiler,
say) the run goes on eagerly with a warning.
"""

from __future__ import annotations

import hashlib
import logging
import time
import warnings
from pathlib import Path
from typing import Callable, List, Optional, Union

import torch

from . import kernel_cache, lattice, physics
from .lattice import LatticeSpec, lattice_terms

AUTO_MIN_ORIENTATIONS = 4
AUTO_USE_MIN_ITERATIONS = 4_000_000
AUTO_BUILD_MIN_ITERATIONS = 150_000_000

CompileMode = Union[bool, str]
log = logging.getLogger(__name__)
_FAILED = set()  # keys that failed to build or load in this process: not tried again


def _source_digest() -> str:
    """Changes whenever the code a stored kernel was built from changes."""
    text = b"".join(Path(m.__file__).read_bytes() for m in (lattice, physics))
    return hashlib.sha256(text).hexdigest()[:12]


def kernel_key(spec: LatticeSpec, dtype: torch.dtype, device: torch.device, has_ok: bool,
               has_grid: bool) -> str:
    target = device.type
    if device.type == "cuda":
        target += "-sm%d%d" % torch.cuda.get_device_capability(device)
    return f"lattice_terms {_source_digest()} {dtype} {target} {spec!r} ok={has_ok} grid={has_grid}"


class _LatticeModule(torch.nn.Module):
    """``lattice_terms`` for one spec, with its optional inputs as trailing positions."""

    def __init__(self, spec: LatticeSpec, has_ok: bool, has_grid: bool):
        super().__init__()
        self.spec, self.has_ok, self.has_grid = spec, has_ok, has_grid

    def forward(self, scattering, axes, reciprocal_A, mins, *optional):
        rest = list(optional)
        ok = rest.pop(0) if self.has_ok else None
        grid = rest.pop(0) if self.has_grid else None
        return lattice_terms(self.spec, scattering, axes, ok, reciprocal_A, grid, mins)


def _build(key: str, spec: LatticeSpec, dtype, device, has_ok: bool, has_grid: bool):
    """Export and compile the kernel on small example inputs with dynamic sizes."""
    from torch.export import Dim

    q, m = Dim("Q"), Dim("M")
    example = [torch.rand(64, 3, dtype=dtype, device=device), torch.rand(3, 15, dtype=dtype, device=device),
               torch.eye(3, dtype=dtype, device=device), torch.zeros(3, dtype=dtype, device=device)]
    optional = []  # the structure of forward's *optional
    if has_ok:
        example.append(torch.ones(64, dtype=torch.bool, device=device))
        optional.append({0: q})
    if has_grid:
        example.append(torch.rand(4, 5, 6, dtype=dtype, device=device))
        optional.append({0: Dim("H"), 1: Dim("K"), 2: Dim("L")})
    dynamic = ({0: q}, {1: 3 * m}, None, None) + ((tuple(optional),) if optional else ())
    log.info("building the compiled inner kernel for this crystal once (about 10 s); "
             "later runs load it from %s", kernel_cache.cache_dir())
    start = time.perf_counter()
    runner = kernel_cache.build(key, _LatticeModule(spec, has_ok, has_grid), example, dynamic)
    log.info("built in %.1f s", time.perf_counter() - start)
    return runner


class CompiledLattice:
    """Calls a stored kernel with ``lattice_terms``' signature."""

    def __init__(self, runner: Callable[[List[torch.Tensor]], List[torch.Tensor]], dtype: torch.dtype):
        self.runner, self.dtype = runner, dtype

    def __call__(self, spec, scattering, axes, ok, reciprocal_A, grid, mins, cell_factor=None, keep=False):
        if cell_factor is not None or keep:
            return lattice_terms(spec, scattering, axes, ok, reciprocal_A, grid, mins, cell_factor, keep)
        inputs = [scattering.contiguous(), axes.contiguous(), reciprocal_A.contiguous(), mins.contiguous()]
        if ok is not None:
            inputs.append(ok.contiguous())
        if grid is not None:
            inputs.append(grid.to(self.dtype).contiguous())
        return self.runner(inputs)[0]


def compiled_lattice(mode: CompileMode, spec: LatticeSpec, dtype: torch.dtype, device: torch.device,
                     has_ok: bool, has_grid: bool, iterations: int,
                     orientations: int) -> Optional[CompiledLattice]:
    """The compiled inner stage to use for a run, or None to run eagerly (see the module doc)."""
    if not mode:
        return None
    if mode == "auto" and (device.type != "cpu" or orientations < AUTO_MIN_ORIENTATIONS
                           or iterations < AUTO_USE_MIN_ITERATIONS):
        return None
    key = kernel_key(spec, dtype, device, has_ok, has_grid)
    if key in _FAILED:
        return None
    try:
        runner = kernel_cache.load(key)
        if runner is None and (mode is True or iterations >= AUTO_BUILD_MIN_ITERATIONS):
            runner = _build(key, spec, dtype, device, has_ok, has_grid)
    except Exception as err:  # noqa: BLE001 - any compiler or loader failure means "run eagerly"
        _FAILED.add(key)
        warnings.warn(f"compiled kernel unavailable ({type(err).__name__}: {str(err)[:200]}); running eagerly")
        return None
    return None if runner is None else CompiledLattice(runner, dtype)
