"""Poisson noise image (nanoBragg ``-noisefile``), drawn exactly as the C program draws it."""

from __future__ import annotations

import warnings
from typing import Optional, Tuple

import numpy as np

from sim.io.smv import MAX_COUNT
from sim.c_numerics.rng import Ran1, poidev

#: Seeds the compiled loop takes (the C reads ``-seed`` with atoi); others draw in Python.
_NATIVE_SEED_LIMIT = 2**31


def poisson_noise_image(float_image: np.ndarray, seed: int, adc_offset: float,
                        roi_mask: Optional[np.ndarray] = None) -> Tuple[np.ndarray, float, int]:
    """Photon-count image with Poisson noise, for ``-seed seed`` and ``-adc adc_offset``.

    float_image: (S, F) expected photons per pixel (the C's float image, float32 values).
    Pixels are drawn in row-major order from one random stream starting at ``-seed``;
    each gets a Poisson deviate plus ``adc_offset`` counts, capped at 65535 (an overload),
    truncated to uint16. Pixels outside ``roi_mask`` draw nothing and are 0.
    The loop runs compiled (``sim.c_numerics.noise_native``) where a C++ compiler is available.
    Returns (counts (S, F) uint16, total photons drawn, number of overloads).
    """
    from sim.c_numerics.noise_native import poisson_counts, unavailable_reason

    image = np.asarray(float_image, dtype=np.float32)
    means = image.reshape(-1)
    inside = None if roi_mask is None else np.asarray(roi_mask, dtype=bool).reshape(-1).view(np.uint8)
    drawn = None
    if abs(seed) < _NATIVE_SEED_LIMIT:
        drawn = poisson_counts(means, inside, -int(seed), adc_offset)
        if drawn is None:
            warnings.warn(f"noise image drawn in Python, slowly: {unavailable_reason()}")
    if drawn is None:
        drawn = draw_in_python(means, inside, -int(seed), adc_offset)
    counts, total, overloads = drawn
    return counts.reshape(image.shape), total, overloads


def draw_in_python(means: np.ndarray, inside: Optional[np.ndarray], seed_state: int,
                   adc_offset: float) -> Tuple[np.ndarray, float, int]:
    """The noise loop in Python over flat ``means`` (float32) where ``inside`` (or everywhere):
    the reference the compiled loop is checked against, and the fallback without a compiler."""
    rng = Ran1(seed_state)
    values = np.asarray(means, dtype=np.float32).tolist()
    counts = np.zeros(len(values), dtype=np.uint16)
    total = 0.0
    overloads = 0
    indices = range(len(values)) if inside is None else np.flatnonzero(inside).tolist()
    for index in indices:
        photons = poidev(values[index], rng)
        total += photons
        value = photons + adc_offset
        if value > MAX_COUNT:
            value = MAX_COUNT
            overloads += 1
        counts[index] = _to_unsigned_short(value)
    return counts, total, overloads


def _to_unsigned_short(value: float) -> int:
    """C's ``(unsigned short)`` of a double on x86-64: truncate through int32, keep 16 bits."""
    if not abs(value) < 2.0**31:
        return 0
    return int(value) & 0xFFFF
