"""Poisson noise image (nanoBragg ``-noisefile``), drawn exactly as the C program draws it."""

from __future__ import annotations

import warnings
from typing import Optional, Tuple

import numpy as np

from sim.c_numerics.noise_reference import draw_in_python

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
