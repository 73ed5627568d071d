"""Coarse first guesses for the beam centre and the distance, for changes beyond the fit's reach.

Bragg spots are a few pixels wide, so a pixel-wise fit only sees a beam centre that is
off by less than about a spot's width. A whole-pattern shift of any size shows as the
peak of the cross-correlation of the two images (FFT, square-root intensities so that a
few strong spots do not decide alone); the shift in pixels is turned into -Xbeam/-Ybeam
changes through how the beam spot moves on the detector per mm of each (two model builds,
so every convention's mapping is the model's own).

A distance change scales the pattern about the direct beam (a spot's distance from it is
the detector distance times tan 2-theta), so a large one shows as the factor k by which
ours, stretched about that point, correlates best with theirs; the change is then
distance x (k - 1) (exact for a detector facing the beam, a start for the fit otherwise).
"""

from __future__ import annotations

from typing import Optional, Tuple

import numpy as np
import torch

from sim.model.config import SimConfig
from sim.model.resolved import SimModel, build_model
from sim.model.params import check_params, with_values

#: The shifted correlation must beat the unshifted one by this factor to be used.
MIN_GAIN = 1.2
#: Stretch factors tried for the distance: +-``STRETCH_RANGE``, a coarse then a fine grid.
STRETCH_RANGE = 0.2
COARSE_STEP, FINE_STEP = 0.005, 0.0005


def pattern_shift_px(ours: np.ndarray, theirs: np.ndarray, usable: np.ndarray) -> Tuple[int, int]:
    """(slow, fast) pixels by which ``theirs`` is ``ours`` shifted; (0, 0) when no shift
    correlates clearly better than none."""
    rows, cols = np.flatnonzero(usable.any(axis=1)), np.flatnonzero(usable.any(axis=0))
    box = np.s_[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]  # a small window, a small FFT
    ours, theirs, usable = ours[box], theirs[box], usable[box]
    a, b = (_centred_root(im, usable) for im in (ours, theirs))
    shape = [2 * n for n in a.shape]  # zero padding: no wrap-around
    corr = np.fft.irfft2(np.fft.rfft2(b, shape) * np.conj(np.fft.rfft2(a, shape)), shape)
    peak = np.unravel_index(int(np.argmax(corr)), corr.shape)
    if not corr[peak] > MIN_GAIN * max(corr[0, 0], 0.0):
        return 0, 0
    return tuple(int(p) if p < n // 2 else int(p - n) for p, n in zip(peak, shape))


def beam_guess_mm(config: SimConfig, model: SimModel, shift_px: Tuple[int, int],
                  start_mm: Tuple[float, float]) -> Optional[Tuple[float, float]]:
    """Changes of (-Xbeam, -Ybeam) in mm that move the pattern by ``shift_px``, or None
    when the beam centre does not move the pattern (an -ORGX/-ORGY setting, say)."""
    if shift_px == (0, 0):
        return None
    pixel_m = model.detector.pixel_size_m
    base = np.array([model.detector.Sbeam_m, model.detector.Fbeam_m])
    columns = []
    for field, start in zip(("beam_x_mm", "beam_y_mm"), start_mm):
        moved = with_values(config, check_params(config, {field: torch.tensor(start + 1.0)}))
        spot = build_model(moved).detector
        columns.append((np.array([spot.Sbeam_m, spot.Fbeam_m]) - base) / pixel_m)
    per_mm = np.stack(columns, axis=1)  # pixels (slow, fast) per mm of (X, Y)
    if abs(np.linalg.det(per_mm)) < 1e-6:
        return None
    dx, dy = np.linalg.solve(per_mm, np.array(shift_px, dtype=float))
    return float(dx), float(dy)


def _centred_root(image: np.ndarray, usable: np.ndarray) -> np.ndarray:
    """sqrt of the intensities (so a few strong spots do not decide alone), less their mean
    over ``usable``; 0 outside it."""
    root = np.sqrt(np.clip(np.where(usable, image, 0.0), 0.0, None))
    root = root - root[usable].mean()
    root[~usable] = 0.0
    return root


def pattern_stretch(ours: np.ndarray, theirs: np.ndarray, usable: np.ndarray,
                    centre_px: Tuple[float, float], shift_px: Tuple[int, int] = (0, 0)) -> float:
    """The factor k by which ``theirs`` is ``ours``, shifted by ``shift_px``, stretched
    about ``centre_px`` (slow, fast, in theirs); 1 when no factor correlates clearly
    better than none. Only the ``usable`` pixels are compared."""
    b = _centred_root(theirs, usable)
    a = np.sqrt(np.clip(ours, 0.0, None))
    slow, fast = np.nonzero(usable)
    rel = np.stack([slow - centre_px[0], fast - centre_px[1]])
    origin = (centre_px[0] - shift_px[0], centre_px[1] - shift_px[1])

    def score(k: float) -> float:
        stretched = _bilinear(a, origin[0] + rel[0] / k, origin[1] + rel[1] / k)
        stretched = stretched - stretched.mean()
        return float(stretched @ b[slow, fast]) / max(float(np.linalg.norm(stretched)), 1e-300)

    coarse = np.arange(1.0 - STRETCH_RANGE, 1.0 + STRETCH_RANGE + COARSE_STEP / 2, COARSE_STEP)
    best = max(coarse, key=score)
    fine = best + np.arange(-COARSE_STEP, COARSE_STEP + FINE_STEP / 2, FINE_STEP)
    best = float(max(fine, key=score))
    return best if score(best) > MIN_GAIN * max(score(1.0), 0.0) else 1.0


def _bilinear(image: np.ndarray, slow: np.ndarray, fast: np.ndarray) -> np.ndarray:
    """``image`` at fractional (slow, fast) positions, 0 outside it."""
    s0, f0 = np.floor(slow).astype(int), np.floor(fast).astype(int)
    ts, tf = slow - s0, fast - f0
    out = np.zeros(slow.shape)
    for ds, df, weight in ((0, 0, (1 - ts) * (1 - tf)), (0, 1, (1 - ts) * tf),
                           (1, 0, ts * (1 - tf)), (1, 1, ts * tf)):
        s, f = s0 + ds, f0 + df
        inside = (s >= 0) & (s < image.shape[0]) & (f >= 0) & (f < image.shape[1])
        out[inside] += weight[inside] * image[s[inside], f[inside]]
    return out
