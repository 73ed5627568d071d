"""Poisson noise image (nanoBragg ``-noisefile``), drawn exactly as the C program draws it."""

from __future__ import annotations

from typing import Optional, Tuple

import numpy as np

from sim.io.smv import MAX_COUNT
from sim.rng import Ran1, poidev


def poisson_noise_image(float_image: np.ndarray, seed: int, adc_offset: float,
                        roi_mask: Optional[np.ndarray] = None) -> Tuple[np.ndarray, float, int]:
    """Photon-count image with Poisson noise, for ``-seed seed`` and ``-adc adc_offset``.

    float_image: (S, F) expected photons per pixel (the C's float image, float32 values).
    Pixels are drawn in row-major order from one random stream starting at ``-seed``;
    each gets a Poisson deviate plus ``adc_offset`` counts, capped at 65535 (an overload),
    truncated to uint16. Pixels outside ``roi_mask`` draw nothing and are 0.
    Returns (counts (S, F) uint16, total photons drawn, number of overloads).
    """
    image = np.asarray(float_image, dtype=np.float32)
    inside = np.ones(image.shape, dtype=bool) if roi_mask is None else np.asarray(roi_mask, bool)
    rng = Ran1(-seed)
    means = image.ravel().tolist()
    counts = np.zeros(image.size, dtype=np.uint16)
    total = 0.0
    overloads = 0
    for index in np.flatnonzero(inside.ravel()).tolist():
        photons = poidev(means[index], rng)
        total += photons
        value = photons + adc_offset
        if value > MAX_COUNT:
            value = MAX_COUNT
            overloads += 1
        counts[index] = _to_unsigned_short(value)
    return counts.reshape(image.shape), total, overloads


def _to_unsigned_short(value: float) -> int:
    """C's ``(unsigned short)`` of a double on x86-64: truncate through int32, keep 16 bits."""
    if not abs(value) < 2.0**31:
        return 0
    return int(value) & 0xFFFF
