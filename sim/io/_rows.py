"""Row blocks of an image, so that per-pixel conversions and statistics of a large detector
work on a few megabytes at a time instead of several full-size temporaries."""

from __future__ import annotations

import math
from typing import Iterator, Sequence

#: Pixels per block: about 8 MB of float64 temporaries.
BLOCK_PIXELS = 1 << 20


def row_blocks(shape: Sequence[int]) -> Iterator[slice]:
    """Slices of the first axis of an array of ``shape``, each about BLOCK_PIXELS pixels."""
    rows = shape[0] if shape else 1
    per_row = max(1, math.prod(shape[1:]))
    step = max(1, BLOCK_PIXELS // per_row)
    for start in range(0, rows, step):
        yield slice(start, min(start + step, rows))
