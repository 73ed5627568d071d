"""The C program's noise loop in plain Python: the reference the compiled loop
(``sim.c_numerics.noise_native``) is checked against, and the fallback without a compiler."""

from __future__ import annotations

from typing import Optional, Tuple

import numpy as np

from sim.io.smv import MAX_COUNT
from sim.c_numerics.rng import Ran1, poidev


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
