"""Explain a difference: fit our parameters until our image matches another one.

``explain(config, theirs)`` simulates our image, fits the chosen parameter groups on the
pixels around the spots (``pixels``), then simulates the whole image again with the
fitted values and compares both with theirs using ``sim.agreement``. A change counts as an
explanation when it is at least ``MIN_Z`` standard errors from zero and moves some pixel
by at least the golden max-difference tolerance; the rest is reported but not offered as
an explanation.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Callable, List, Optional, Sequence, Tuple

import numpy as np
import torch

from sim.agreement import MAX_DIFF_OF_MAX, Agreement, image_agreement
from sim.model.config import SimConfig
from sim.errors import InputError
from sim.model.resolved import build_model
from sim.model.params import check_params, with_values
from sim.simulator import simulate
from sim.explain.fit import FitOutcome, fit
from sim.explain.coarse import beam_guess_mm, pattern_shift_px, pattern_stretch
from sim.explain.forward import PixelModel
from sim.explain.groups import GROUPS, FitParameter, fit_parameters
from sim.explain.pixels import DEFAULT_MAX_PIXELS, select_pixels

#: Standard errors a change must be from zero to count as an explanation.
MIN_Z = 3.0
#: |correlation| above which two fitted parameters are called degenerate.
DEGENERATE_CORRELATION = 0.99

Window = Tuple[int, int, int, int]


@dataclass(frozen=True)
class FittedChange:
    """One parameter's fitted change (theirs minus ours) in its unit, with its 1-sigma
    error; for the scale, the factor theirs/ours and its error. ``effect``: the largest
    pixel change the change makes, as a fraction of their maximum."""

    param: FitParameter
    change: float
    uncertainty: float
    z: float
    effect: float
    significant: bool
    no_effect: bool

    @property
    def fitted_value(self) -> float:
        return self.param.start * self.change if self.param.is_scale else self.param.start + self.change


@dataclass
class Explanation:
    """The fit's outcome: every change, agreement before and after, and notes."""

    changes: List[FittedChange]
    before: Agreement
    after: Agreement
    fitted_config: SimConfig
    scale: float
    pixels: int
    iterations: int
    elapsed_s: float
    pixel_mm: float
    notes: List[str] = field(default_factory=list)

    @property
    def explained(self) -> bool:
        """Whether the fitted image agrees with theirs to the golden tolerances."""
        return self.after.within_golden

    @property
    def explanations(self) -> List[FittedChange]:
        """Significant changes, largest effect on the image first."""
        return sorted((c for c in self.changes if c.significant), key=lambda c: -c.effect)


def explain(config: SimConfig, theirs: np.ndarray, groups: Sequence[str] = GROUPS,
            window: Optional[Window] = None, mask: Optional[np.ndarray] = None, device=None,
            dtype=torch.float64, max_pixels: int = DEFAULT_MAX_PIXELS, max_iter: int = 30,
            progress: Optional[Callable[[float], None]] = None,
            cancel: Optional[Callable[[], bool]] = None) -> Explanation:
    """Fit ``groups`` of ``config``'s parameters so that our image matches ``theirs``.

    ``theirs``: (slow, fast) photons, the detector's shape. ``window`` (s0, s1, f0, f1,
    half-open) and ``mask`` (True = leave the pixel out) restrict the pixels fitted and
    compared. ``progress`` gets fractions in [0, 1]; ``cancel`` returning True stops the
    fit with ``SimulationCancelled``. InputError when the shapes do not fit.
    """
    start = time.perf_counter()
    device = torch.device("cpu") if device is None else torch.device(device)
    dtype = {"float64": torch.float64, "float32": torch.float32}.get(dtype, dtype)
    model = build_model(config)
    theirs = np.asarray(theirs, dtype=np.float64)
    usable = _usable(model, theirs.shape, window, mask)
    box = _bounding_box(usable)
    ours = _image(config, box, usable.shape, device, dtype, cancel, model=model)
    params, notes = fit_parameters(config, model, groups)
    slow, fast = select_pixels(ours, theirs, usable, max_pixels)
    pm = PixelModel(config, model, params, torch.as_tensor(slow), torch.as_tensor(fast), device, dtype)
    report = (lambda f: progress(0.05 + 0.85 * f)) if progress is not None else None
    x0 = _coarse_start(config, model, params, ours, theirs, usable, (slow, fast))
    outcome = fit(pm, torch.as_tensor(theirs[slow, fast]), max_iter, report, cancel, x0)
    fitted, scale = _fitted_config(config, pm, outcome)
    after = _image(fitted, box, usable.shape, device, dtype, cancel) * scale
    if progress is not None:
        progress(1.0)
    changes = _changes(params, outcome)
    notes += [f"{p.flag} has no effect on this image (another setting fixes it)"
              for p, frozen in zip(params, outcome.no_effect) if frozen]
    notes += _degenerate_pairs(params, outcome)
    return Explanation(changes, image_agreement(ours[usable], theirs[usable]),
                       image_agreement(after[usable], theirs[usable]), fitted, scale, len(slow),
                       outcome.iterations, time.perf_counter() - start, config.detector.pixel_mm, notes)


def _usable(model, shape, window, mask) -> np.ndarray:
    """Pixels to fit and compare: inside the window and the C's ROI, not masked."""
    if tuple(shape) != tuple(model.shape):
        raise InputError(f"the other image is {shape[0]} x {shape[1]} pixels (slow x fast) but this "
                         f"command line makes {model.shape[0]} x {model.shape[1]}")
    usable = np.zeros(shape, dtype=bool)
    fmin, fmax, smin, smax = model.roi
    usable[smin:smax + 1, fmin:fmax + 1] = True
    if window is not None:
        inside = np.zeros(shape, dtype=bool)
        s0, s1, f0, f1 = window
        inside[s0:s1, f0:f1] = True
        usable &= inside
    if mask is not None:
        if tuple(mask.shape) != tuple(shape):
            raise InputError(f"the mask is {mask.shape[0]} x {mask.shape[1]} pixels but the image "
                             f"{shape[0]} x {shape[1]}")
        usable &= ~mask.astype(bool)
    if not usable.any():
        raise InputError("no pixel left to fit (window, ROI and mask exclude them all)")
    return usable


def _coarse_start(config, model, params: List[FitParameter], ours, theirs, usable, chosen) -> np.ndarray:
    """Starting changes: zero, except a beam centre moved by the whole-pattern shift and a
    distance changed by the pattern's stretch about the direct beam (on the ``chosen``
    pixels, which hold both images' spots)."""
    x0 = np.zeros(len(params))
    fields = [p.field for p in params]
    shift = (0, 0)
    if "beam_x_mm" in fields and "beam_y_mm" in fields:
        ix, iy = fields.index("beam_x_mm"), fields.index("beam_y_mm")
        shift = pattern_shift_px(ours, theirs, usable)
        guess = beam_guess_mm(config, model, shift, (params[ix].start, params[iy].start))
        if guess is not None:
            x0[ix], x0[iy] = guess
        else:
            shift = (0, 0)
    if "distance_mm" in fields:
        det = model.detector
        centre = tuple(b / det.pixel_size_m - 0.5 + d for b, d in zip((det.Sbeam_m, det.Fbeam_m), shift))
        on = np.zeros(usable.shape, dtype=bool)
        on[chosen] = True
        j = fields.index("distance_mm")
        x0[j] = params[j].start * (pattern_stretch(ours, theirs, on, centre, shift) - 1.0)
    return x0


def _bounding_box(usable: np.ndarray) -> Window:
    rows, cols = np.flatnonzero(usable.any(axis=1)), np.flatnonzero(usable.any(axis=0))
    return int(rows[0]), int(rows[-1]) + 1, int(cols[0]), int(cols[-1]) + 1


def _image(config, box: Window, shape, device, dtype, cancel, model=None) -> np.ndarray:
    """Our image in ``box`` (the rest 0), so a small window costs a small simulation."""
    image = np.zeros(shape)
    s0, s1, f0, f1 = box
    image[s0:s1, f0:f1] = simulate(config, device=device, dtype=dtype, window=box, model=model,
                                   cancel=cancel).image
    return image


def _fitted_config(config: SimConfig, pm: PixelModel, outcome: FitOutcome) -> Tuple[SimConfig, float]:
    fields = pm.fields(torch.as_tensor(outcome.changes))
    scale = 1.0
    for p, change in zip(pm.params, outcome.changes):
        if p.is_scale:
            scale = math.exp(change)
    return with_values(config, check_params(config, fields)), scale


def _changes(params: List[FitParameter], outcome: FitOutcome) -> List[FittedChange]:
    out = []
    for j, p in enumerate(params):
        change, sigma = float(outcome.changes[j]), float(outcome.sigma[j])
        z = abs(change) / sigma if sigma > 0 else (math.inf if change else 0.0)
        effect = float(outcome.effect[j])
        frozen = bool(outcome.no_effect[j])
        significant = not frozen and z >= MIN_Z and effect >= MAX_DIFF_OF_MAX
        if p.is_scale:  # ln s and its error, as the factor s and its error
            change, sigma = math.exp(change), math.exp(change) * sigma
        out.append(FittedChange(p, change, sigma, z, effect, significant, frozen))
    return out


def _degenerate_pairs(params: List[FitParameter], outcome: FitOutcome) -> List[str]:
    c = outcome.covariance
    d = np.sqrt(np.clip(np.diag(c), 0.0, None))
    notes = []
    for i in range(len(params)):
        for j in range(i + 1, len(params)):
            if d[i] > 0 and d[j] > 0 and abs(c[i, j] / (d[i] * d[j])) > DEGENERATE_CORRELATION:
                notes.append(f"{params[i].flag} and {params[j].flag} are nearly degenerate here "
                             f"(correlation {c[i, j] / (d[i] * d[j]):+.3f}): only their combination "
                             "is well determined")
    return notes
