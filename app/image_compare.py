"""Our image against the C program's: load the C image, difference, ratio and statistics.

A C image is read as the C writes it: a raw ``-floatfile`` (float32 photons; its shape from a
``<rows>x<cols>`` in the file name, else the current configuration's, else a square) or an
SMV ``-intfile`` (16-bit counts). An SMV image is compared in
counts, with ours scaled the way the C scales its own (``sim.export.smv_counts``); any
other image fabio reads is taken as photons. No Qt, no torch.
"""

from __future__ import annotations

from dataclasses import dataclass
import math
import os
import re
from pathlib import Path
from typing import Optional, Tuple

import numpy as np

from sim.agreement import image_agreement
from sim.errors import InputError
from sim.export import smv_counts
from sim.io.floatfile import read_float32
from sim.io.smv import read_smv

PHOTONS = "photons"
COUNTS = "SMV counts"
FLOAT_SUFFIXES = (".bin", ".f32", ".raw", ".flt", ".float")
SMV_SUFFIXES = (".img", ".smv")


@dataclass(frozen=True)
class ReferenceImage:
    """A C image: ``data`` (slow, fast) in ``units``, read from ``source``."""

    data: np.ndarray
    source: str
    units: str = PHOTONS


@dataclass(frozen=True)
class ImageComparison:
    """Ours and theirs on the same scale, their difference (ours - theirs) and ratio.

    ``ratio`` is 1 where both are 0 and NaN where only theirs is 0. ``sum_rel_error`` is
    (sum ours - sum theirs) / sum theirs; ``max_rel_error`` is max |diff| / max |theirs|.
    """

    ours: np.ndarray
    theirs: np.ndarray
    units: str
    difference: np.ndarray
    ratio: np.ndarray
    pearson_r: float
    sum_rel_error: float
    max_abs_error: float
    max_rel_error: float


def load_reference(path: str, shape: Tuple[int, int]) -> ReferenceImage:
    """Read a C image; ``shape`` = (slow, fast) is needed for headerless float files."""
    suffix = Path(path).suffix.lower()
    if suffix in SMV_SUFFIXES:
        _, counts = read_smv(path)
        return ReferenceImage(counts.astype(np.float64), str(path), COUNTS)
    if suffix in FLOAT_SUFFIXES:
        return ReferenceImage(read_float32(path, raw_shape(path, shape)), str(path), PHOTONS)
    return ReferenceImage(_read_with_fabio(path), str(path), PHOTONS)


_SHAPE_IN_NAME = re.compile(r"(\d+)x(\d+)")


def raw_shape(path: str, shape: Optional[Tuple[int, int]]) -> Tuple[int, int]:
    """(slow, fast) of a raw float32 file: from ``<rows>x<cols>`` in its name, else ``shape``
    when the size fits it, else the square the size fits; else ``shape`` (the reader then
    says what the size needed is)."""
    named = _SHAPE_IN_NAME.findall(Path(path).stem)
    if named:
        return int(named[-1][0]), int(named[-1][1])
    try:
        pixels = os.path.getsize(path) // 4
    except OSError:
        return tuple(shape)  # the reader names the missing file
    if shape is not None and pixels == shape[0] * shape[1]:
        return tuple(shape)
    side = math.isqrt(pixels)
    return (side, side) if side * side == pixels and side > 0 else tuple(shape)


def _read_with_fabio(path: str) -> np.ndarray:
    import fabio

    try:
        return np.asarray(fabio.open(str(path)).data, dtype=np.float64)
    except FileNotFoundError:
        raise InputError("no such file", path) from None
    except Exception as err:  # fabio raises many kinds for files it cannot read
        raise InputError(f"not an image fabio can read ({type(err).__name__}: {err})", path) from None


def compare_images(result, reference: ReferenceImage) -> ImageComparison:
    """Compare ``result`` (a SimResult) with ``reference``; ValueError when shapes differ."""
    ours = np.asarray(result.image, dtype=np.float64)
    if reference.units == COUNTS:
        ours = smv_counts(result.image, result.model).astype(np.float64)
    theirs = np.asarray(reference.data, dtype=np.float64)
    if ours.shape != theirs.shape:
        raise ValueError(f"the C image is {theirs.shape[0]} x {theirs.shape[1]} pixels (slow x fast)"
                         f" but ours is {ours.shape[0]} x {ours.shape[1]}")
    difference = ours - theirs
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(theirs != 0, ours / theirs, np.where(ours == 0, 1.0, np.nan))
    a = image_agreement(ours, theirs)
    return ImageComparison(ours, theirs, reference.units, difference, ratio, a.pearson_r,
                           a.sum_rel_error, a.max_abs_error, a.max_rel_error)


def summary(c: ImageComparison) -> str:
    """One line of statistics for the status of the comparison."""
    return (f"Pearson r {c.pearson_r:.9f}   sum error {c.sum_rel_error:+.2e} (relative)   "
            f"max |diff| {c.max_abs_error:.3g} {c.units} ({c.max_rel_error:.2e} of max)")
