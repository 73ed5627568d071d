"""How well two images agree, and the golden tolerances that say when they agree enough.

The tolerances are those of ``../shared/golden/README.md``: Pearson r >= 0.99999, the sum
within 1e-5 relative, max |diff| <= 1e-4 of the reference's maximum (images); 1e-9 relative
or 1e-12 absolute (trace values). Tests, benchmarks, the fuzzer and the viewer all read them
from here. No torch, no Qt.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MIN_PEARSON_R = 0.99999
MAX_SUM_REL_ERROR = 1e-5
MAX_DIFF_OF_MAX = 1e-4
TRACE_RTOL = 1e-9
TRACE_ATOL = 1e-12


@dataclass(frozen=True)
class Agreement:
    """Statistics of ``ours`` against a reference image.

    ``sum_rel_error`` is signed: (sum ours - sum ref) / sum ref. ``max_rel_error`` is
    max |ours - ref| / max |ref|; ``max_abs_error`` is max |ours - ref| in the images' units.
    """

    pearson_r: float
    sum_rel_error: float
    max_abs_error: float
    max_rel_error: float

    @property
    def within_golden(self) -> bool:
        """Whether all three golden tolerances hold."""
        return (self.pearson_r >= MIN_PEARSON_R and abs(self.sum_rel_error) <= MAX_SUM_REL_ERROR
                and self.max_rel_error <= MAX_DIFF_OF_MAX)

    def failures(self) -> list:
        """The tolerances that do not hold, one phrase each (empty when all hold)."""
        out = []
        if not self.pearson_r >= MIN_PEARSON_R:
            out.append(f"Pearson r {self.pearson_r:.9f} < {MIN_PEARSON_R}")
        if not abs(self.sum_rel_error) <= MAX_SUM_REL_ERROR:
            out.append(f"sum error {self.sum_rel_error:+.3e} beyond {MAX_SUM_REL_ERROR:g}")
        if not self.max_rel_error <= MAX_DIFF_OF_MAX:
            out.append(f"max |diff| {self.max_rel_error:.3e} of max beyond {MAX_DIFF_OF_MAX:g}")
        return out


def image_agreement(ours: np.ndarray, ref: np.ndarray) -> Agreement:
    """Compare two images of the same shape (any dtype; computed in float64)."""
    a = np.asarray(ours, dtype=np.float64)
    b = np.asarray(ref, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"images differ in shape: {a.shape} and {b.shape}")
    difference = np.abs(a - b)
    worst = float(difference.max(initial=0.0))
    return Agreement(pearson_r(a, b), _sum_rel_error(a, b), worst, _relative(worst, b))


def pearson_r(a: np.ndarray, b: np.ndarray) -> float:
    """Pearson correlation of two images; 1 when both are the same constant, NaN when one is."""
    a = np.asarray(a, dtype=np.float64).ravel()
    b = np.asarray(b, dtype=np.float64).ravel()
    da, db = a - a.mean(), b - b.mean()
    norm = float(np.sqrt((da * da).sum() * (db * db).sum()))
    if norm > 0:
        return float((da * db).sum() / norm)
    return 1.0 if np.array_equal(a, b) else float("nan")


def _sum_rel_error(ours: np.ndarray, ref: np.ndarray) -> float:
    total = float(ref.sum())
    diff = float(ours.sum()) - total
    return diff / total if total != 0 else (0.0 if diff == 0 else float("inf"))


def _relative(worst: float, ref: np.ndarray) -> float:
    peak = float(np.abs(ref).max(initial=0.0))
    return worst / peak if peak > 0 else (0.0 if worst == 0 else float("inf"))
