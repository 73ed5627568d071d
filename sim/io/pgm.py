"""8-bit preview images (nanoBragg ``-pgmfile``): binary PGM (P5), as the C writes them."""

from __future__ import annotations

import math
from typing import Optional

import numpy as np

from sim.io.files import PathLike, atomic_write
from sim.io._rows import row_blocks


def pgm_bytes(float_image: np.ndarray, pgm_scale: float,
              roi_mask: Optional[np.ndarray] = None) -> np.ndarray:
    """(S, F) uint8 grey levels: float_image (photons) x pgm_scale, capped at 255.

    Like the C's cast to ``unsigned char`` on x86-64, the value is truncated toward zero
    through a 32-bit integer and keeps its low byte (so -1.5 becomes 255, NaN 0).
    Pixels outside ``roi_mask`` are 0.
    """
    image = np.asarray(float_image)
    mask = None if roi_mask is None else np.asarray(roi_mask, dtype=bool)
    grey = np.zeros(image.shape, dtype=np.uint8)
    for rows in row_blocks(image.shape):
        value = np.minimum(np.asarray(image[rows], dtype=np.float64) * pgm_scale, 255.0)
        as_int = np.trunc(value)
        invalid = ~(np.abs(as_int) < 2.0**31)  # NaN and out-of-range give INT_MIN, low byte 0
        grey[rows] = (np.where(invalid, 0.0, as_int).astype(np.int64) & 0xFF).astype(np.uint8)
        if mask is not None:
            grey[rows][~mask[rows]] = 0
    return grey


def write_pgm(path: PathLike, float_image: np.ndarray, pgm_scale: float,
              roi_mask: Optional[np.ndarray] = None) -> None:
    """Write the C program's PGM: P5 header, a '# pixels scaled by' comment, then the bytes."""
    grey = pgm_bytes(float_image, pgm_scale, roi_mask)
    spixels, fpixels = grey.shape
    header = "P5\n%d %d\n# pixels scaled by %g\n255\n" % (fpixels, spixels, pgm_scale)
    atomic_write(path, header.encode("ascii") + grey.tobytes())


def auto_pgm_scale(float_image: np.ndarray, roi_mask: Optional[np.ndarray],
                   intfile_scale: float, mean_mask: Optional[np.ndarray] = None) -> float:
    """The C's default PGM scale: 250 / (5 x rmsd) of the ROI pixels, else ``intfile_scale``.

    rmsd is the deviation (photons) of the ROI pixels from their mean, with an n - 1
    denominator (fewer than two pixels count as two). The C takes the mean over the pixels
    it simulated, which leaves out those a -mask image excludes: pass them as
    ``mean_mask`` (True = simulated); it defaults to ``roi_mask``.
    """
    image = np.asarray(float_image)
    roi = _as_mask(roi_mask, image.shape)
    simulated = roi if mean_mask is None else _as_mask(mean_mask, image.shape) & roi
    blocks = list(row_blocks(image.shape))
    total = sum(float(np.asarray(image[r][simulated[r]], dtype=np.float64).sum()) for r in blocks)
    mean = total / max(int(simulated.sum()), 1)
    squares = 0.0
    for r in blocks:
        deviations = np.asarray(image[r][roi[r]], dtype=np.float64) - mean
        squares += float(np.sum(deviations * deviations))
    rmsd = math.sqrt(squares / (max(int(roi.sum()), 2) - 1))
    return 250.0 / (5.0 * rmsd) if rmsd > 0.0 else intfile_scale


def _as_mask(mask: Optional[np.ndarray], shape: tuple) -> np.ndarray:
    """Boolean (S, F) mask; None means every pixel."""
    return np.ones(shape, dtype=bool) if mask is None else np.asarray(mask, dtype=bool)
