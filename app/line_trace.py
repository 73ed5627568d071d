"""A trace quantity along a line of pixels: which quantities can be plotted, which pixels a
line crosses, and the value a trace record gives for a quantity. No Qt, no torch.

Pixel-block quantities occur once per sub-pixel and sensor layer; the first occurrence
(first sub-pixel, source 0, phi step 0, mosaic domain 0) is the one plotted, as the C
program prints it first.
"""

from __future__ import annotations

import math
from typing import List, Tuple

import numpy as np

from sim.trace.schema import FINAL, INT, PIXEL, QUANTITIES, SCALAR

from .inspect import line_pixels

#: The quantity shown first: the pixel's value.
DEFAULT_QUANTITY = "I_pixel_final"


def line_quantities() -> Tuple[str, ...]:
    """Names of the per-pixel numeric quantities of the trace schema (one number each)."""
    return tuple(q.name for q in QUANTITIES if q.kind in (SCALAR, INT) and q.block in (PIXEL, FINAL))


def traced_pixels(start, end, shape) -> Tuple[np.ndarray, List[Tuple[int, int]]]:
    """The distinct pixels along the line (``app.inspect.line_pixels``), in order, each with
    its distance from the start: (distances, [(slow, fast), ...])."""
    distance, slows, fasts = line_pixels(start, end, shape)
    keep = np.ones(len(slows), dtype=bool)
    keep[1:] = (slows[1:] != slows[:-1]) | (fasts[1:] != fasts[:-1])
    return distance[keep], list(zip(slows[keep].tolist(), fasts[keep].tolist()))


def value_of(record, name: str) -> float:
    """The first value of ``name`` in a trace record; NaN when the record has none."""
    value = record.first(name)
    return math.nan if value is None or isinstance(value, str) else float(value[0])
