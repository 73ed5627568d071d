"""Orchestration: build the model, move it to a device, run the kernel in chunks, assemble the image.

``simulate`` is the public entry point for the command line, the viewer and scripts. The
same code runs on CUDA and on the CPU (chosen at run time). Chunks of pixels keep memory
bounded; ``progress`` and ``cancel`` callbacks are honoured between chunks.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable, Optional, Tuple

import numpy as np
import torch

from . import units
from .config import SimConfig
from .errors import SimulationCancelled
from .host_memory import keep_freed_memory
from .compiled import AUTO_USE_MIN_ITERATIONS, CompileMode, compiled_stage, kernel_request as compiled_request
from .interpolation import find_cutoff
from .kernel import KernelInputs, pixel_values
from .kernel_modules import KernelRequest
from .lattice import LatticeSpec
from .model import SimModel, build_model
from .params import Params, requires_grad

Window = Tuple[int, int, int, int]


@dataclass
class SimResult:
    """A simulated image and how it was made.

    ``image``: (rows, cols) numpy array of photons per pixel for ``window`` = (s0, s1, f0, f1)
    (half-open; the whole detector by default); zero outside the ROI, as in the C.
    ``image_tensor``: the same image as a tensor on the run's device, carrying the autograd
    graph when ``simulate`` was given parameters that require grad (``sim.params``).
    """

    image: np.ndarray
    window: Window
    model: SimModel
    device: str
    dtype: str
    elapsed_s: float
    image_tensor: Optional[torch.Tensor] = None
    #: How the inner stage ran: "eager", or "compiled orientations"/"compiled sources" (sim.compiled).
    kernel: str = "eager"

    @property
    def config(self) -> SimConfig:
        return self.model.config


def default_device() -> torch.device:
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def _dtype(dtype) -> torch.dtype:
    if isinstance(dtype, str):
        return {"float64": torch.float64, "float32": torch.float32}[dtype]
    return dtype


def kernel_inputs(model: SimModel, device, dtype) -> KernelInputs:
    """The model's numbers as tensors on ``device``/``dtype`` for the kernel."""
    k = _kernel_inputs(model, device, dtype)
    if k.interpolate and k.hkl_grid is not None:
        slow, fast = roi_pixels(model, (0, model.detector.spixels, 0, model.detector.fpixels), device)
        with torch.no_grad():
            k.interp_cutoff = find_cutoff(k, slow, fast, pixels_per_chunk(model, torch.device(device)))
    return k


def _kernel_inputs(model: SimModel, device, dtype) -> KernelInputs:
    det, cell, sf = model.detector, model.cell, model.structure_factors
    t = lambda x: torch.as_tensor(x, dtype=dtype, device=device)  # noqa: E731
    return KernelInputs(
        pix0=t(det.pix0), fdet=t(det.fdet), sdet=t(det.sdet), odet=t(det.odet), beam=t(det.beam),
        polar_axis=t(det.polar), distance_m=t(det.distance_m), close_distance_m=t(det.close_distance_m),
        pixel_size_m=det.pixel_size_m, oversample=model.oversample, layers=model.sensor.layers,
        layer_step_m=model.sensor.step_m, mu_per_m=model.sensor.mu_per_m,
        sensor_thick_m=model.sensor.thick_m, curved=det.curved, point_pixel=det.point_pixel,
        incident=t(-model.sources.directions), wavelength_m=t(model.sources.wavelengths_m),
        orientations=t(model.orientations), axes=t(model.orientations).permute(2, 1, 0).reshape(3, -1).contiguous(),
        reciprocal_A=t(torch.stack([cell.a_star, cell.b_star, cell.c_star])),
        spec=LatticeSpec(tuple(model.N_cells), model.config.crystal.shape, model.config.crystal.fudge,
                         sf.default_F, model.config.beam.water_um != 0.0),
        hkl_grid=None if sf.grid is None else sf.grid.to(device),
        hkl_mins=t(sf.mins), interpolate=sf.interpolate, kahn=model.config.beam.kahn_polarization,
        nopolar=model.config.beam.nopolar, oversample_thick=model.config.detector.oversample_thick,
        oversample_polar=model.config.detector.oversample_polar,
        oversample_omega=model.config.detector.oversample_omega,
        dmin_m=units.angstrom_to_m(model.config.detector.dmin_A), background_I=model.background_I,
        r_e_sqr=units.R_E_SQR_M2, fluence=model.fluence_per_m2, steps=model.steps)


def iterations_per_pixel(model: SimModel) -> int:
    """Layers x sub-pixels x sources x orientations evaluated for each pixel."""
    return (model.sensor.layers * model.oversample ** 2 * model.sources.count
            * model.orientations.shape[0])


#: Iterations per chunk on the CPU: eager steps stay in cache; a compiled chunk fuses them.
CPU_EAGER_BUDGET = 1 << 17
CPU_COMPILED_BUDGET = 1 << 21
#: Iterations per chunk at most on CUDA (about 9 GB at float64 for the eager kernel).
CUDA_MAX_BUDGET = 1 << 26


def pixels_per_chunk(model: SimModel, device: torch.device, budget_elements: Optional[int] = None,
                     compiled: bool = False) -> int:
    """Pixels per kernel call so that the largest (pixels x iterations) tensor stays bounded.

    On CUDA the budget follows the free device memory (about 40 live tensors of 8 bytes),
    up to ``CUDA_MAX_BUDGET``: larger chunks no longer run faster, only take more memory.
    """
    per_pixel = iterations_per_pixel(model)
    if budget_elements is None:
        budget_elements = CPU_COMPILED_BUDGET if compiled else CPU_EAGER_BUDGET
        if device.type == "cuda":
            free, _ = torch.cuda.mem_get_info(device)
            budget_elements = max(budget_elements, min(free // 8 // 40, CUDA_MAX_BUDGET))
    return max(1, budget_elements // per_pixel)


def roi_pixels(model: SimModel, window: Window, device="cpu") -> Tuple[torch.Tensor, torch.Tensor]:
    """(slow, fast) indices of the window's pixels inside the C's inclusive ROI, row-major."""
    s0, s1, f0, f1 = window
    fmin, fmax, smin, smax = model.roi
    slow = torch.arange(max(s0, smin), min(s1, smax + 1), device=device)
    fast = torch.arange(max(f0, fmin), min(f1, fmax + 1), device=device)
    return slow.repeat_interleave(len(fast)), fast.repeat(len(slow))


def compilable(k: KernelInputs) -> bool:
    """Interpolated structure factors and -oversample_thick/polar/omega need the eager stage."""
    return not k.chained and not (k.interpolate and k.hkl_grid is not None)


def kernel_request(model: SimModel, dtype=torch.float64) -> Optional[KernelRequest]:
    """The compiled kernel a CPU run of ``model`` would use ("auto"), or None when it runs
    eagerly (too short, or needing the eager stage)."""
    k = _kernel_inputs(model, "cpu", _dtype(dtype))
    fmin, fmax, smin, smax = model.roi
    pixels = max(0, fmax - fmin + 1) * max(0, smax - smin + 1)
    if not compilable(k) or pixels * iterations_per_pixel(model) < AUTO_USE_MIN_ITERATIONS:
        return None
    return compiled_request(k.spec, _dtype(dtype), has_ok=k.dmin_m > 0.0, has_grid=k.hkl_grid is not None,
                            orientations=model.orientations.shape[0])


def simulate(config: SimConfig, device=None, dtype=torch.float64, window: Optional[Window] = None,
             progress: Optional[Callable[[float], None]] = None,
             cancel: Optional[Callable[[], bool]] = None, model: Optional[SimModel] = None,
             params: Optional[Params] = None, compile: CompileMode = "auto") -> SimResult:
    """Simulate ``config``'s image (or a window of it) and return it with its model.

    ``params``: tensors for config fields named in ``sim.params.DIFFERENTIABLE`` (cell,
    misset, distance, beam centre, wavelength), applied when the model is built, so not
    together with ``model``. When one requires grad, the kernel runs with autograd on and
    ``result.image_tensor`` is differentiable in it (see ``sim.params`` for an example).
    ``compile``: "auto" (long CPU runs only; a missing kernel is built in the background
    while this run is eager), "wait" (the same, but waiting for the build), True or False
    (see ``sim.compiled``).
    """
    if model is not None and params:
        raise ValueError("params are applied when the model is built: give params or model, not both")
    start = time.perf_counter()
    keep_freed_memory()
    model = build_model(config, params) if model is None else model
    device = default_device() if device is None else torch.device(device)
    dtype = _dtype(dtype)
    window = (0, model.detector.spixels, 0, model.detector.fpixels) if window is None else window
    k = kernel_inputs(model, device, dtype)
    slow_t, fast_t = roi_pixels(model, window, device)
    compiled = None
    if not requires_grad(params) and compilable(k):
        compiled = compiled_stage(compile, k.spec, dtype, device, has_ok=k.dmin_m > 0.0,
                                  has_grid=k.hkl_grid is not None,
                                  iterations=len(slow_t) * iterations_per_pixel(model),
                                  orientations=model.orientations.shape[0])
    k.compiled = compiled
    chunk = pixels_per_chunk(model, device, compiled=compiled is not None)
    values = _run_chunks(k, slow_t, fast_t, chunk, progress, cancel, dtype, requires_grad(params))
    s0, s1, f0, f1 = window
    image = torch.zeros((s1 - s0, f1 - f0), dtype=dtype, device=device).index_put(
        (slow_t - s0, fast_t - f0), values)
    return SimResult(image.detach().cpu().numpy(), window, model, str(device),
                     str(dtype).replace("torch.", ""), time.perf_counter() - start, image,
                     "eager" if compiled is None else f"compiled {compiled.layout}")


def _run_chunks(k, slow_t, fast_t, chunk, progress, cancel, dtype, grad=False) -> torch.Tensor:
    """Pixel values in chunks. Nothing here waits for the device, so CUDA queues every
    chunk's kernels back to back."""
    total, device = len(slow_t), slow_t.device
    out = torch.empty(total, dtype=dtype, device=device)
    with torch.set_grad_enabled(grad):
        for begin in range(0, total, chunk):
            if cancel is not None and cancel():
                raise SimulationCancelled("simulation cancelled")
            end = min(begin + chunk, total)
            out[begin:end] = pixel_values(k, slow_t[begin:end], fast_t[begin:end])
            if progress is not None:
                progress(end / total)
    return out
