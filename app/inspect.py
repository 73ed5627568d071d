"""Numbers for inspecting an image: the values around a pixel, line and box profiles with
their statistics. Plain numpy on the (slow, fast) array shown; no Qt, no torch.

Pixel (s, f) covers [f, f + 1) x [s, s + 1) in view coordinates (x = fast, y = slow), so a
line from view point (x0, y0) to (x1, y1) samples the pixels under evenly spaced points.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Tuple

import numpy as np


@dataclass(frozen=True)
class Stats:
    """Sum, mean and maximum of a set of pixels, the maximum's pixel, and the
    intensity-weighted centroid (slow, fast) in pixel-centre coordinates."""

    count: int
    sum: float
    mean: float
    max: float
    max_at: Tuple[int, int]
    centroid: Tuple[float, float]

    def text(self, units: str) -> str:
        s, f = self.centroid
        return (f"{self.count} px   sum {self.sum:.6g}   mean {self.mean:.6g}   max {self.max:.6g} {units}"
                f" at ({self.max_at[0]}, {self.max_at[1]})   centroid ({s:.2f}, {f:.2f})")


def neighbourhood(data: np.ndarray, slow: int, fast: int, half: int = 3) -> np.ndarray:
    """The (2 half + 1)^2 values centred on (slow, fast); NaN off the image."""
    size = 2 * half + 1
    out = np.full((size, size), np.nan)
    rows, cols = data.shape
    for i in range(size):
        s = slow - half + i
        if 0 <= s < rows:
            f0, f1 = max(0, fast - half), min(cols, fast + half + 1)
            out[i, f0 - (fast - half):f1 - (fast - half)] = data[s, f0:f1]
    return out


def stats_of(values: np.ndarray, slows: np.ndarray, fasts: np.ndarray) -> Stats:
    """Statistics of ``values`` at pixels (slows, fasts) (1-D arrays of the same length)."""
    values = np.asarray(values, dtype=np.float64)
    total = float(values.sum())
    k = int(np.argmax(values))
    if total != 0.0:
        centroid = (float((values * (slows + 0.5)).sum() / total), float((values * (fasts + 0.5)).sum() / total))
    else:
        centroid = (math.nan, math.nan)
    return Stats(len(values), total, total / len(values), float(values[k]), (int(slows[k]), int(fasts[k])),
                 centroid)


def box(data: np.ndarray, s0: int, s1: int, f0: int, f1: int) -> Tuple[np.ndarray, Stats]:
    """Pixels with s0 <= slow < s1 and f0 <= fast < f1 (clipped to the image): the column
    sums along fast (the box's profile) and the box's statistics."""
    rows, cols = data.shape
    s0, s1 = max(0, s0), min(rows, s1)
    f0, f1 = max(0, f0), min(cols, f1)
    if s1 <= s0 or f1 <= f0:
        raise ValueError("the box lies off the image")
    part = np.asarray(data[s0:s1, f0:f1], dtype=np.float64)
    slows, fasts = np.meshgrid(np.arange(s0, s1), np.arange(f0, f1), indexing="ij")
    return part.sum(axis=0), stats_of(part.ravel(), slows.ravel(), fasts.ravel())


def line_pixels(start: Tuple[float, float], end: Tuple[float, float],
                shape: Tuple[int, int]) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The pixels under evenly spaced points, one per pixel length, along the line from view
    point ``start`` to ``end`` (x = fast, y = slow), kept where they lie on an image of
    ``shape``: (distances from the start in pixels, slows, fasts)."""
    (x0, y0), (x1, y1) = start, end
    length = math.hypot(x1 - x0, y1 - y0)
    t = np.linspace(0.0, 1.0, max(2, int(math.ceil(length)) + 1))
    fasts = np.floor(x0 + t * (x1 - x0)).astype(np.int64)
    slows = np.floor(y0 + t * (y1 - y0)).astype(np.int64)
    inside = (slows >= 0) & (slows < shape[0]) & (fasts >= 0) & (fasts < shape[1])
    if not inside.any():
        raise ValueError("the line lies off the image")
    return t[inside] * length, slows[inside], fasts[inside]


def line(data: np.ndarray, start: Tuple[float, float], end: Tuple[float, float]) -> Tuple[np.ndarray, np.ndarray, Stats]:
    """Samples along the line from view point ``start`` to ``end`` (``line_pixels``):
    distances from the start (pixels), the values, and their statistics."""
    distance, slows, fasts = line_pixels(start, end, data.shape)
    values = np.asarray(data, dtype=np.float64)[slows, fasts]
    return distance, values, stats_of(values, slows, fasts)


def radial_profile(values: np.ndarray, resolution_A: np.ndarray, bins: int = 100) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean value in ``bins`` shells evenly spaced in 1/d, over pixels with a finite d:
    (1/d at the shell centres in 1/Angstrom, mean value, pixel count); empty shells dropped."""
    inverse = 1.0 / np.asarray(resolution_A, dtype=np.float64)
    values = np.asarray(values, dtype=np.float64)
    keep = np.isfinite(inverse) & (inverse > 0) & np.isfinite(values)
    inverse, values = inverse[keep], values[keep]
    edges = np.linspace(inverse.min(), inverse.max(), bins + 1)
    shell = np.clip(np.searchsorted(edges, inverse, side="right") - 1, 0, bins - 1)
    counts = np.bincount(shell, minlength=bins)
    sums = np.bincount(shell, weights=values, minlength=bins)
    filled = counts > 0
    centres = (edges[:-1] + edges[1:]) / 2
    return centres[filled], sums[filled] / counts[filled], counts[filled]
