"""A coarse first guess for the beam centre, for shifts beyond the fit's reach.

Bragg spots are a few pixels wide, so a pixel-wise fit only sees a beam centre that is
off by less than about a spot's width. A whole-pattern shift of any size shows as the
peak of the cross-correlation of the two images (FFT, square-root intensities so that a
few strong spots do not decide alone); the shift in pixels is turned into -Xbeam/-Ybeam
changes through how the beam spot moves on the detector per mm of each (two model builds,
so every convention's mapping is the model's own).
"""

from __future__ import annotations

from typing import Optional, Tuple

import numpy as np
import torch

from ..config import SimConfig
from ..model import SimModel, build_model
from ..params import check_params, with_values

#: The shifted correlation must beat the unshifted one by this factor to be used.
MIN_GAIN = 1.2


def pattern_shift_px(ours: np.ndarray, theirs: np.ndarray, usable: np.ndarray) -> Tuple[int, int]:
    """(slow, fast) pixels by which ``theirs`` is ``ours`` shifted; (0, 0) when no shift
    correlates clearly better than none."""
    rows, cols = np.flatnonzero(usable.any(axis=1)), np.flatnonzero(usable.any(axis=0))
    box = np.s_[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]  # a small window, a small FFT
    ours, theirs, usable = ours[box], theirs[box], usable[box]
    a, b = (np.sqrt(np.clip(np.where(usable, im, 0.0), 0.0, None)) for im in (ours, theirs))
    a, b = a - a[usable].mean(), b - b[usable].mean()
    a[~usable], b[~usable] = 0.0, 0.0
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
