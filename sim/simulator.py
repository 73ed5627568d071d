"""Orchestration: build the model, move it to a device, run the kernel in chunks, assemble the image.

``simulate`` is the public entry point for the command line, the viewer and scripts. The
same code runs on CUDA and on the CPU (chosen at run time). Chunks of pixels keep memory
bounded; ``progress`` and ``cancel`` callbacks are honoured between chunks.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Callable, Iterator, Optional, Tuple

import numpy as np
import torch

from sim import units
from sim.model.config import SimConfig
from sim.errors import SimulationCancelled
from sim.model.first_sample import first_sample_value
from sim.kernel.host_memory import keep_freed_memory
from sim.kernel.compiled import STORED_USE_MIN_ITERATIONS, CompileMode, compiled_stage, kernel_request as compiled_request
from sim.kernel.interpolation import find_cutoff
from sim.kernel.intensity import KernelInputs, orientation_axes, pixel_values
from sim.kernel.pixel_geometry import PixelGeometry, pixel_geometry
from sim.kernel.modules import KernelRequest
from sim.kernel.lattice import LatticeSpec
from sim.model.resolved import SimModel, build_model
from sim.model.params import Params, requires_grad
from sim.kernel.structure_factors import l_neighbours

Window = Tuple[int, int, int, int]


@dataclass
class SimResult:
    """A simulated image and how it was made.

    ``image``: (rows, cols) numpy array of photons per pixel for ``window`` = (s0, s1, f0, f1)
    (half-open; the whole detector by default); zero outside the ROI, as in the C.
    ``image_tensor``: the same image as a tensor on the run's device, carrying the autograd
    graph when ``simulate`` was given parameters that require grad (``sim.model.params``).
    """

    image: np.ndarray
    window: Window
    model: SimModel
    device: str
    dtype: str
    elapsed_s: float
    image_tensor: Optional[torch.Tensor] = None
    #: How the inner stage ran: "eager", or "compiled orientations"/"compiled sources" (sim.kernel.compiled).
    kernel: str = "eager"

    @property
    def config(self) -> SimConfig:
        return self.model.config


def default_device() -> torch.device:
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def torch_dtype(dtype) -> torch.dtype:
    """A torch dtype from a torch dtype or its name ("float32", "float64")."""
    if isinstance(dtype, str):
        return {"float64": torch.float64, "float32": torch.float32}[dtype]
    return dtype


def kernel_inputs(model: SimModel, device, dtype, compile: CompileMode = False, iterations: int = 0) -> KernelInputs:
    """The model's numbers as tensors on ``device``/``dtype`` for the kernel, built once.

    With -interpolate, the C's switch-off point is found first (``sim.kernel.interpolation``);
    ``compile``/``iterations`` (pixel x sample x orientation iterations of the run) choose
    the compiled inner stage (``sim.kernel.compiled``), eager with the default False.
    """
    geometry = pixel_geometry(model, device, dtype)
    t = lambda x: torch.as_tensor(x, dtype=dtype, device=device)  # noqa: E731
    cell, sf = model.cell, model.structure_factors
    orientations = t(model.orientations)
    crystal = dict(orientations=orientations, axes=orientation_axes(orientations),
                   reciprocal_A=t(torch.stack([cell.a_star, cell.b_star, cell.c_star])), spec=lattice_spec(model),
                   hkl_grid=None if sf.grid is None else sf.grid.to(device), hkl_mins=t(sf.mins))
    interpolate, cutoff, rows = sf.interpolate, None, None
    if interpolate and sf.grid is not None:
        rect = roi_rectangle(model, whole_detector(model))
        cutoff = _interpolation_cutoff(model, rect, geometry, crystal, device)
        if cutoff == (rect[0], rect[2], 0):  # the ROI's first evaluation
            # Switched off at the first evaluation (the usual case): every value is the
            # nearest neighbour's, the table lookup of an uninterpolated run.
            interpolate, cutoff = False, None
        else:
            rows = l_neighbours(crystal["hkl_grid"], dtype)
    compiled = None
    if compile and _compilable(geometry, interpolate, crystal["hkl_grid"]):
        compiled = compiled_stage(compile, crystal["spec"], dtype, torch.device(device), has_ok=geometry.dmin_m > 0.0,
                                  has_grid=crystal["hkl_grid"] is not None, iterations=iterations,
                                  orientations=model.orientations.shape[0])
    return KernelInputs(**geometry.geometry_fields(), **crystal, interpolate=interpolate,
                        background_I=model.background_I, r_e_sqr=units.R_E_SQR_M2, fluence=model.fluence_per_m2,
                        steps=model.steps, interp_cutoff=cutoff, interp_rows=rows, compiled=compiled)


def lattice_spec(model: SimModel) -> LatticeSpec:
    """The crystal as the inner stage reads it."""
    crystal = model.config.crystal
    return LatticeSpec(tuple(model.N_cells), crystal.shape, crystal.fudge, model.structure_factors.default_F,
                       model.config.beam.water_um != 0.0)


def whole_detector(model: SimModel) -> Window:
    """(s0, s1, f0, f1) of every pixel of the detector."""
    return 0, model.detector.spixels, 0, model.detector.fpixels


def _interpolation_cutoff(model: SimModel, rect: Window, geometry, crystal: dict, device):
    """(slow, fast, iteration) where the C switches interpolation off, over the ROI ``rect``."""
    with torch.no_grad():
        return find_cutoff(geometry, crystal["spec"], crystal["axes"], crystal["reciprocal_A"], crystal["hkl_grid"],
                           crystal["hkl_mins"], lambda begin, end: rectangle_pixels(rect, begin, end, device),
                           (rect[1] - rect[0]) * (rect[3] - rect[2]), pixels_per_chunk(model, torch.device(device)))


def iterations_per_pixel(model: SimModel) -> int:
    """Layers x sub-pixels x sources x orientations evaluated for each pixel."""
    return (model.sensor.layers * model.oversample ** 2 * model.sources.count
            * model.orientations.shape[0])


#: Iterations per chunk on the CPU: eager chunks of 2^18 ran 2-5% faster than 2^17 (fewer
#: calls, each split over the threads) and add about 40 MB; a compiled chunk fuses its steps.
CPU_EAGER_BUDGET = 1 << 18
CPU_COMPILED_BUDGET = 1 << 21
#: Iterations per chunk at most on CUDA (about 9 GB at float64 for the eager kernel).
CUDA_MAX_BUDGET = 1 << 26


def pixels_per_chunk(model: SimModel, device: torch.device, budget_elements: Optional[int] = None,
                     compiled: bool = False) -> int:
    """Pixels per kernel call so that the largest (pixels x iterations) tensor stays bounded.

    On CUDA the budget follows the free device memory (about 40 live tensors of 8 bytes),
    up to ``CUDA_MAX_BUDGET``: larger chunks no longer run faster, only take more memory.
    """
    per_pixel = max(1, iterations_per_pixel(model))  # 0 when no source is left
    if budget_elements is None:
        budget_elements = CPU_COMPILED_BUDGET if compiled else CPU_EAGER_BUDGET
        if device.type == "cuda":
            free, _ = torch.cuda.mem_get_info(device)
            budget_elements = max(budget_elements, min(free // 8 // 40, CUDA_MAX_BUDGET))
        elif compiled:
            # The sample stage before a compiled kernel is eager: its (pixels x samples)
            # tensors keep the eager chunk's size (curved_point_pixel's 81 sub-pixels in
            # float64: 820 -> 300 MB at the same speed or better).
            samples = max(1, per_pixel // model.orientations.shape[0])
            return max(1, min(budget_elements // per_pixel, CPU_EAGER_BUDGET // samples))
    return max(1, budget_elements // per_pixel)


def roi_rectangle(model: SimModel, window: Window) -> Window:
    """(s0, s1, f0, f1), half-open: the window's pixels inside the C's inclusive ROI."""
    s0, s1, f0, f1 = window
    fmin, fmax, smin, smax = model.roi
    slow0, fast0 = max(s0, smin), max(f0, fmin)
    return slow0, max(slow0, min(s1, smax + 1)), fast0, max(fast0, min(f1, fmax + 1))


def rectangle_pixels(rect: Window, begin: int, end: int, device) -> Tuple[torch.Tensor, torch.Tensor]:
    """(slow, fast) of the pixels ``begin:end`` of ``rect`` in row-major order: a chunk's
    indices are made when it runs, never held for the whole detector."""
    s0, _, f0, f1 = rect
    width = f1 - f0
    if end <= begin:
        empty = torch.arange(0, device=device)
        return empty, empty
    # whole rows repeated and cut, not a division per pixel (20x faster for a megapixel)
    first, last = begin // width, (end - 1) // width
    cut = slice(begin - first * width, end - first * width)
    fast = torch.arange(f0, f1, device=device).repeat(last - first + 1)[cut]
    slow = torch.arange(s0 + first, s0 + last + 1, device=device).repeat_interleave(width)[cut]
    return slow, fast


def _compilable(geometry: PixelGeometry, interpolate: bool, grid) -> bool:
    """Interpolated structure factors and -oversample_thick/polar/omega need the eager stage."""
    return not geometry.chained and not (interpolate and grid is not None)


def kernel_request(model: SimModel, dtype=torch.float64) -> Optional[KernelRequest]:
    """The compiled kernel a CPU run of ``model`` would use ("auto"), or None when it runs
    eagerly (too short, or needing the eager stage)."""
    geometry, sf = pixel_geometry(model, "cpu", torch_dtype(dtype)), model.structure_factors
    fmin, fmax, smin, smax = model.roi
    pixels = max(0, fmax - fmin + 1) * max(0, smax - smin + 1)
    if (not _compilable(geometry, sf.interpolate, sf.grid)
            or pixels * iterations_per_pixel(model) < STORED_USE_MIN_ITERATIONS):
        return None
    return compiled_request(lattice_spec(model), torch_dtype(dtype), has_ok=geometry.dmin_m > 0.0,
                            has_grid=sf.grid is not None, orientations=model.orientations.shape[0])


def roi_row_chunks(model: SimModel, device="cpu", rows: int = 64) -> Iterator[Tuple[torch.Tensor, torch.Tensor]]:
    """The ROI's (slow, fast) pixels in the C's order, ``rows`` detector rows at a time."""
    spixels, fpixels = model.detector.spixels, model.detector.fpixels
    for s0 in range(0, spixels, rows):
        rect = roi_rectangle(model, (s0, min(s0 + rows, spixels), 0, fpixels))
        yield rectangle_pixels(rect, 0, (rect[1] - rect[0]) * (rect[3] - rect[2]), device)


def simulate(config: SimConfig, device=None, dtype=torch.float64, window: Optional[Window] = None,
             progress: Optional[Callable[[float], None]] = None,
             cancel: Optional[Callable[[], bool]] = None, model: Optional[SimModel] = None,
             params: Optional[Params] = None, compile: CompileMode = "auto") -> SimResult:
    """Simulate ``config``'s image (or a window of it) and return it with its model.

    ``params``: tensors for config fields named in ``sim.model.params.DIFFERENTIABLE`` (cell,
    misset, distance, beam centre, wavelength, detector rotations, two-theta), applied when
    the model is built, so not together with ``model``. When one requires grad, the kernel runs with autograd on and
    ``result.image_tensor`` is differentiable in it (see ``sim.model.params`` for an example).
    ``compile``: "auto" (long CPU runs only; a missing kernel is built in the background
    while this run is eager), "wait" (the same, but waiting for the build), True or False
    (see ``sim.kernel.compiled``).
    """
    if model is not None and params:
        raise ValueError("params are applied when the model is built: give params or model, not both")
    start = time.perf_counter()
    keep_freed_memory()
    model = build_model(config, params) if model is None else model
    device = default_device() if device is None else torch.device(device)
    dtype = torch_dtype(dtype)
    window = whole_detector(model) if window is None else window
    rect = roi_rectangle(model, window)
    pixels = (rect[1] - rect[0]) * (rect[3] - rect[2])
    k = kernel_inputs(model, device, dtype, compile=False if requires_grad(params) else compile,
                      iterations=pixels * iterations_per_pixel(model))
    compiled = k.compiled
    chunk = pixels_per_chunk(model, device, compiled=compiled is not None)
    s0, s1, f0, f1 = window
    image = torch.zeros((s1 - s0, f1 - f0), dtype=dtype, device=device)
    if model.sources.count == 0:  # the C divides a sum over no source by 0 steps: -nan
        image[rect[0] - s0:rect[1] - s0, rect[2] - f0:rect[3] - f0] = -math.nan
    else:
        _run_chunks(k, image, window, rect, chunk, progress, cancel, requires_grad(params))
        _first_sample(model, k, image, window, device, dtype)
    return SimResult(image.detach().cpu().numpy(), window, model, str(device),
                     str(dtype).replace("torch.", ""), time.perf_counter() - start, image,
                     "eager" if compiled is None else f"compiled {compiled.layout}")


def _first_sample(model: SimModel, k: KernelInputs, image: torch.Tensor, window: Window, device, dtype) -> None:
    """Give the pixel of the C's first sample its own value (``sim.model.first_sample``), in place."""
    first = model.first_sample_orientations
    if first is None:
        return
    with torch.set_grad_enabled(image.requires_grad):
        found = first_sample_value(k, first.to(device=device, dtype=dtype), roi_row_chunks(model, device))
    s0, s1, f0, f1 = window
    if found is not None and s0 <= found[0] < s1 and f0 <= found[1] < f1:
        image[found[0] - s0, found[1] - f0] = found[2][0]


def _run_chunks(k, image, window, rect, chunk, progress, cancel, grad=False) -> None:
    """Pixel values of ``rect`` in chunks, written into ``image`` (which covers ``window``) as
    they come. Nothing here waits for the device, so CUDA queues every chunk's kernels back
    to back."""
    s0, _, f0, _ = window
    total = (rect[1] - rect[0]) * (rect[3] - rect[2])
    with torch.set_grad_enabled(grad):
        for begin in range(0, total, chunk):
            if cancel is not None and cancel():
                raise SimulationCancelled("simulation cancelled")
            end = min(begin + chunk, total)
            slow, fast = rectangle_pixels(rect, begin, end, image.device)
            image.index_put_((slow - s0, fast - f0), pixel_values(k, slow, fast))
            if progress is not None:
                progress(end / total)
