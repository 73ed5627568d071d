"""The inner stage as a compiled kernel (``sim.kernel_cache``), and when to use it.

Two layouts of the same physics (``sim.lattice.lattice_contributions``), both one fused,
vectorized loop:

- "orientations" (from ``ORIENTATIONS_LAYOUT_MIN`` orientations): Miller indices from the
  (Q, 3) x (3, 3M) product, the loop runs along the orientations of each sample;
- "sources" (fewer orientations, as with divergence and dispersion): the scattering
  vector of every source is formed inside the kernel and the loop runs along the
  sub-pixels, summing sources and orientations in registers.

Measured on 2 CPU cores per 2^21 iterations (float32; eager stage in cache-sized chunks
about 17 ms): orientations layout 4-5 ms from 8 orientations on (33 ms for one), sources
layout 7 ms for 15 sources x 1 orientation. Building a kernel takes 10-15 s, once per
machine for each key; loading a stored one takes milliseconds. ``compile="auto"``:

- on CUDA, never (nor with ``compile=True``): the eager kernels already run at memory
  speed there (``benchmarks/bench_gpu.py``: the heavy lines in 14-50 ms on an H200), and a
  CUDA package built with torch 2.11 crashed its loader;
- on the CPU, a stored kernel is used for runs from ``AUTO_USE_MIN_ITERATIONS``
  (pixel x sample x orientation iterations), and a missing one is built for runs from
  ``AUTO_BUILD_MIN_ITERATIONS`` (a second or more eagerly), which later runs then load.

``compile=True`` builds whenever needed. Where building or loading fails (no C++ compiler,
say) the run goes on eagerly with a warning.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import time
import warnings
from pathlib import Path
from typing import Callable, List, Optional, Union

import torch

from . import kernel_cache, lattice, physics
from .lattice import LatticeSpec, cos_pi_polynomial, lattice_contributions, lattice_terms

ORIENTATIONS_LAYOUT_MIN = 8
AUTO_USE_MIN_ITERATIONS = 4_000_000
AUTO_BUILD_MIN_ITERATIONS = 50_000_000

CompileMode = Union[bool, str]
Runner = Callable[[List[torch.Tensor]], List[torch.Tensor]]
log = logging.getLogger(__name__)
_FAILED = set()  # keys that failed to build or load in this process: not tried again


@functools.lru_cache(maxsize=None)
def _source_digest() -> str:
    """Changes whenever the code a stored kernel was built from changes."""
    text = b"".join(Path(m.__file__).read_bytes() for m in (lattice, physics)) + Path(__file__).read_bytes()
    return hashlib.sha256(text).hexdigest()[:12]


def kernel_key(layout: str, spec: LatticeSpec, dtype: torch.dtype, device: torch.device, has_ok: bool,
               has_grid: bool) -> str:
    return f"{layout} {_source_digest()} {dtype} {device.type} {spec!r} ok={has_ok} grid={has_grid}"


def _optional(rest, has_ok: bool, has_grid: bool):
    rest = list(rest)
    ok = rest.pop(0) if has_ok else None
    grid = rest.pop(0) if has_grid else None
    return ok, grid


class _OrientationsModule(torch.nn.Module):
    """Sums per sample: scattering (Q, 3), axes (3, 3M) [, ok (Q,), grid] -> (Q,)."""

    def __init__(self, spec: LatticeSpec, has_ok: bool, has_grid: bool):
        super().__init__()
        self.spec, self.has_ok, self.has_grid = spec, has_ok, has_grid

    def forward(self, scattering, axes, reciprocal_A, mins, *optional):
        ok, grid = _optional(optional, self.has_ok, self.has_grid)
        return lattice_terms(self.spec, scattering, axes, ok, reciprocal_A, grid, mins, cos=cos_pi_polynomial)


class _SourcesModule(torch.nn.Module):
    """Sums per sub-pixel: diffracted (3, R), incident (S, 3), wavelength (S,), axes (3, 3M)
    [, ok (S, 1, R), grid] -> (R,), summed over sources and orientations."""

    def __init__(self, spec: LatticeSpec, has_ok: bool, has_grid: bool):
        super().__init__()
        self.spec, self.has_ok, self.has_grid = spec, has_ok, has_grid

    def forward(self, diffracted, incident, wavelength, axes, reciprocal_A, mins, *optional):
        ok, grid = _optional(optional, self.has_ok, self.has_grid)
        # The scattering vector as sim.kernel.sample_stage forms it, laid out (S, 3, R).
        s = (diffracted[None] - incident[:, :, None]) / wavelength[:, None, None]
        h = (s[:, 0:1] * axes[0][None, :, None] + s[:, 1:2] * axes[1][None, :, None]
             + s[:, 2:3] * axes[2][None, :, None])
        return lattice_contributions(self.spec, h, ok, reciprocal_A, grid, mins,
                                     cos=cos_pi_polynomial).sum((0, 1))


def _build(key: str, layout: str, spec: LatticeSpec, dtype, device, has_ok: bool, has_grid: bool) -> Runner:
    """Export and compile a kernel on small example inputs, every size dynamic."""
    from torch.export import Dim

    def rand(*shape):
        return torch.rand(*shape, dtype=dtype, device=device)

    rows, sources, m = Dim("rows"), Dim("sources"), Dim("M")
    if layout == "orientations":
        module = _OrientationsModule(spec, has_ok, has_grid)
        example = [rand(64, 3), rand(3, 15), torch.eye(3, dtype=dtype, device=device), rand(3)]
        dynamic = [{0: rows}, {1: 3 * m}, None, None]
        ok_example, ok_dims = torch.ones(64, dtype=torch.bool, device=device), {0: rows}
    else:
        module = _SourcesModule(spec, has_ok, has_grid)
        example = [rand(3, 64), rand(5, 3), rand(5) + 1, rand(3, 6), torch.eye(3, dtype=dtype, device=device),
                   rand(3)]
        dynamic = [{1: rows}, {0: sources}, {0: sources}, {1: 3 * m}, None, None]
        ok_example, ok_dims = torch.ones(5, 1, 64, dtype=torch.bool, device=device), {0: sources, 2: rows}
    optional = []  # the structure of forward's *optional
    if has_ok:
        example.append(ok_example)
        optional.append(ok_dims)
    if has_grid:
        example.append(rand(4, 5, 6))
        optional.append({0: Dim("H"), 1: Dim("K"), 2: Dim("L")})
    dynamic = tuple(dynamic) + ((tuple(optional),) if optional else ())
    log.info("building the compiled %s kernel for this crystal once (10-15 s); later runs load it "
             "from %s", layout, kernel_cache.cache_dir())
    start = time.perf_counter()
    runner = kernel_cache.build(key, module, example, dynamic)
    log.info("built in %.1f s", time.perf_counter() - start)
    return runner


class CompiledStage:
    """A stored kernel called on the kernel's inputs and sample stage: (P, L) sums per pixel."""

    def __init__(self, layout: str, runner: Runner, dtype: torch.dtype):
        self.layout, self.runner, self.dtype = layout, runner, dtype
        self._grid = (None, None)  # (the run's table, that table in the run's dtype)

    @property
    def needs_scattering(self) -> bool:
        """The sources layout forms scattering vectors itself: the sample stage can skip them."""
        return self.layout == "orientations"

    def __call__(self, k, samples: dict) -> torch.Tensor:
        ok = samples["source_ok"]
        if self.layout == "orientations":
            scattering = samples["scattering_vec_A_inv"]
            p = scattering.shape[0]
            inputs = [scattering.reshape(-1, 3), k.axes, k.reciprocal_A, k.hkl_mins]
            ok = None if ok is None else ok.reshape(-1)
        else:
            diffracted = samples["diffracted_vec"]
            p = diffracted.shape[0]
            inputs = [diffracted.reshape(-1, 3).T, k.incident, k.wavelength_m, k.axes, k.reciprocal_A,
                      k.hkl_mins]
            ok = None if ok is None else ok.reshape(-1, ok.shape[-1]).T[:, None, :]
        if ok is not None:
            inputs.append(ok)
        if k.hkl_grid is not None:
            inputs.append(self._grid_in_dtype(k.hkl_grid))
        return self.runner([t.contiguous() for t in inputs])[0].reshape(p, -1)


    def _grid_in_dtype(self, grid: torch.Tensor) -> torch.Tensor:
        """The structure factor table in the run's dtype, converted once per run, not per chunk."""
        if self._grid[0] is not grid:
            self._grid = (grid, grid.to(self.dtype).contiguous())
        return self._grid[1]


def compiled_stage(mode: CompileMode, spec: LatticeSpec, dtype: torch.dtype, device: torch.device,
                   has_ok: bool, has_grid: bool, iterations: int,
                   orientations: int) -> Optional[CompiledStage]:
    """The compiled inner stage to use for a run, or None to run eagerly (see the module doc)."""
    if not mode or (mode == "auto" and (device.type != "cpu" or iterations < AUTO_USE_MIN_ITERATIONS)):
        return None
    if device.type != "cpu":
        warnings.warn(f"compiled kernels are built for the CPU only; running eagerly on {device.type}")
        return None
    layout = "orientations" if orientations >= ORIENTATIONS_LAYOUT_MIN else "sources"
    key = kernel_key(layout, spec, dtype, device, has_ok, has_grid)
    if key in _FAILED:
        return None
    try:
        runner = kernel_cache.load(key)
        if runner is None and (mode is True or iterations >= AUTO_BUILD_MIN_ITERATIONS):
            runner = _build(key, layout, spec, dtype, device, has_ok, has_grid)
    except Exception as err:  # noqa: BLE001 - any compiler or loader failure means "run eagerly"
        _FAILED.add(key)
        reason = f"{type(err).__name__}: {str(err)[:200]}"
        warnings.warn(f"compiled kernel unavailable ({reason}); running eagerly")
        return None
    return None if runner is None else CompiledStage(layout, runner, dtype)
