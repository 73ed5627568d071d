"""The inner stage as a compiled kernel (``sim.kernel.modules``), and when to use it.

The layouts: "orientations" from ``ORIENTATIONS_LAYOUT_MIN`` orientations, else "sources".
Measured on 2 CPU cores per 2^21 iterations (float32; eager stage in cache-sized chunks
about 17 ms): orientations layout 4-5 ms from 8 orientations on (33 ms for one), sources
layout 7 ms for 15 sources x 1 orientation. Building a kernel takes 10-15 s, once per
machine for each key, in a child process (``sim.kernel.build``); loading a stored one
takes milliseconds. ``compile``:

- "auto": on CUDA never (the eager kernels already run at memory speed there,
  ``benchmarks/bench_gpu.py``). On the CPU a stored kernel is used for runs from
  ``STORED_USE_MIN_ITERATIONS`` (pixel x sample x orientation iterations). It takes
  15-25% less time than the eager stage already from a quarter million iterations (one
  thread, float32, golden lines of 0.26, 0.59 and 1 million iterations: 11.6, 19.1 and
  29 ms against 13.7, 23.9 and 39 ms); from about a million on the saving also repays
  loading it (10-15 ms of wall time, once per process) in a short whole process. For runs from
  ``AUTO_BUILD_MIN_ITERATIONS`` (a second or more eagerly) a missing one is built in the
  background while this run goes on eagerly, and later runs (or the viewer's next
  re-simulation) load it. A build that failed is not retried by "auto".
  ``AUTO_USE_MIN_ITERATIONS`` is the frame size from which a long series builds kernels
  (``sim.series.render``).
- "wait": as "auto", but a missing kernel is built first (``--wait-kernel``).
- True: the compiled kernel whatever the run's size, built first when missing.
- False: eager.

Where building or loading fails (no C++ compiler, a full or read-only disk) the run goes
on eagerly with one line (the ``sim`` logger) saying why.
"""

from __future__ import annotations

import logging
from typing import Callable, List, Optional, Union

import torch

from sim.kernel import build as kernel_build, cache as kernel_cache
from sim.kernel.modules import KernelRequest, baked_spec, crystal_scalars
from sim.kernel.lattice import LatticeSpec

ORIENTATIONS_LAYOUT_MIN = 8
AUTO_USE_MIN_ITERATIONS = 4_000_000
STORED_USE_MIN_ITERATIONS = 1 << 20
AUTO_BUILD_MIN_ITERATIONS = 50_000_000

CompileMode = Union[bool, str]
Runner = Callable[[List[torch.Tensor]], List[torch.Tensor]]
log = logging.getLogger(__name__)
_FAILED = set()  # keys that failed to build or load in this process: not tried again


def kernel_request(spec: LatticeSpec, dtype: torch.dtype, has_ok: bool, has_grid: bool,
                   orientations: int) -> KernelRequest:
    layout = "orientations" if orientations >= ORIENTATIONS_LAYOUT_MIN else "sources"
    return KernelRequest(layout, baked_spec(spec), str(dtype).replace("torch.", ""), has_ok, has_grid)


class CompiledStage:
    """A stored kernel called on the kernel's inputs and sample stage: (P, L) sums per pixel."""

    def __init__(self, layout: str, runner: Runner, dtype: torch.dtype):
        self.layout, self.runner, self.dtype = layout, runner, dtype
        self._grid = (None, None)  # (the run's table, that table in the run's dtype)
        self._scalars = (None, None)  # (the run's crystal, its runtime inputs)

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
        inputs.append(self._crystal_scalars(k.spec))
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

    def _crystal_scalars(self, spec: LatticeSpec) -> torch.Tensor:
        if self._scalars[0] != spec:
            self._scalars = (spec, crystal_scalars(spec, self.dtype))
        return self._scalars[1]


def compiled_stage(mode: CompileMode, spec: LatticeSpec, dtype: torch.dtype, device: torch.device,
                   has_ok: bool, has_grid: bool, iterations: int,
                   orientations: int) -> Optional[CompiledStage]:
    """The compiled inner stage to use for a run, or None to run eagerly (see the module doc)."""
    automatic = mode in ("auto", "wait")
    if not mode or (automatic and (device.type != "cpu" or iterations < STORED_USE_MIN_ITERATIONS)):
        return None
    if device.type != "cpu":
        log.warning("compiled kernels are built for the CPU only; running eagerly on %s", device.type)
        return None
    request = kernel_request(spec, dtype, has_ok, has_grid, orientations)
    if request.key in _FAILED:
        return None
    try:
        runner = kernel_cache.load(request.key)
        if runner is None and (not automatic or iterations >= AUTO_BUILD_MIN_ITERATIONS):
            runner = _build(request, wait=mode != "auto")
    except Exception as err:  # noqa: BLE001 - any builder or loader failure means "run eagerly"
        _FAILED.add(request.key)
        reason = str(err) if isinstance(err, kernel_build.BuildFailed) else f"{type(err).__name__}: {err}"
        log.warning("compiled kernel unavailable (%s); running eagerly", " ".join(reason.split())[:300])
        return None
    return None if runner is None else CompiledStage(request.layout, runner, dtype)


def _build(request: KernelRequest, wait: bool) -> Optional[Runner]:
    """Build the missing kernel: waiting for it (then load it), or in the background."""
    package = kernel_cache.package_path(request.key)
    if wait:
        kernel_build.writable_folder(package)
        log.info("building the compiled %s kernel for this crystal once (10-15 s); later runs load it "
                 "from %s", request.layout, package.parent)
        kernel_build.build_and_wait(request)
        return kernel_cache.load(request.key)
    if kernel_build.running(request):
        log.info("the compiled %s kernel is being built in the background; this run is eager",
                 request.layout)
        return None
    failure = kernel_build.previous_failure(package)
    if failure is not None:
        _FAILED.add(request.key)
        log.info("the compiled %s kernel failed to build earlier (%s); running eagerly "
                 "(--wait-kernel or python -m sim warmup tries again)", request.layout, failure)
        return None
    kernel_build.start_background(request)
    log.info("building the compiled %s kernel in the background (10-15 s); this run is eager",
             request.layout)
    return None


def kernel_building() -> bool:
    """Whether a kernel build started by this process is still running: the viewer can say
    so, and its next re-simulation after the build uses the kernel."""
    return kernel_build.any_running()
