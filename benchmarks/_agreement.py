"""The golden tolerances (../shared/golden/README.md), for comparing two images in benchmarks."""

from __future__ import annotations

from typing import Tuple

import numpy as np


def agreement(ours: np.ndarray, ref: np.ndarray) -> Tuple[float, float, float, bool]:
    """(Pearson r, relative sum error, max |diff| / max of ``ref``, whether all three are within
    r >= 0.99999, 1e-5 and 1e-4)."""
    a, b = np.asarray(ours, np.float64).ravel(), np.asarray(ref, np.float64).ravel()
    r = float(np.corrcoef(a, b)[0, 1])
    sum_err = float(abs(a.sum() - b.sum()) / abs(b.sum()))
    max_err = float(np.abs(a - b).max() / b.max())
    return r, sum_err, max_err, r >= 0.99999 and sum_err <= 1e-5 and max_err <= 1e-4
