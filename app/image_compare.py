"""Our image against the C program's: load the C image, difference, ratio and statistics.

A C image is read as the C writes it: a raw ``-floatfile`` (float32 photons; its shape from a
``<rows>x<cols>`` in the file name, else the current configuration's, else a square) or an
SMV ``-intfile`` (16-bit counts). An SMV image is compared in
counts, with ours scaled the way the C scales its own (``sim.export.smv_counts``); any
other image fabio reads is taken as photons. No Qt, no torch.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.agreement import Agreement, image_agreement
from sim.export import smv_counts
from sim.io.reference import (COUNTS, FLOAT_SUFFIXES, PHOTONS, SMV_SUFFIXES, ReferenceImage,  # noqa: F401
                              load_reference)

# The readers live in sim.io.reference (the command line's `explain` reads the same files);
# the viewer's modules import them from here.


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

    @property
    def agreement(self) -> Agreement:
        """The statistics as ``sim.agreement`` judges them against the golden tolerances."""
        return Agreement(self.pearson_r, self.sum_rel_error, self.max_abs_error, self.max_rel_error)


def compare_images(result, reference: ReferenceImage) -> ImageComparison:
    """Compare ``result`` (a SimResult) with ``reference``; ValueError when shapes differ."""
    ours = np.asarray(result.image, dtype=np.float64)
    if reference.units == COUNTS:
        ours = smv_counts(result.image, result.model, adc_offset=reference.adc_offset).astype(np.float64)
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
