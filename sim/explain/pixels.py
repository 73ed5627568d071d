"""Which pixels the fit looks at: the spots of either image and their surroundings, plus a
sample of the background, at most ``max_pixels`` of them.

Bragg spots cover a small part of a detector, and the difference between two images lives
on and around them; fitting there instead of on every pixel makes each Jacobian pass cheap
without losing what the fit needs. The choice is seeded, so a run is repeatable.
"""

from __future__ import annotations

from typing import Tuple

import numpy as np

#: A pixel above this fraction of its image's maximum is part of a spot.
SPOT_FRACTION = 1e-3
#: Spots are grown by this many pixels, so that a spot that moves stays inside the set.
GROW_PX = 2
#: Background pixels sampled, per spot pixel.
BACKGROUND_PER_SPOT = 0.25
DEFAULT_MAX_PIXELS = 3000


def select_pixels(ours: np.ndarray, theirs: np.ndarray, usable: np.ndarray,
                  max_pixels: int = DEFAULT_MAX_PIXELS, seed: int = 0) -> Tuple[np.ndarray, np.ndarray]:
    """(slow, fast) indices of the pixels to fit, among ``usable`` (a boolean image)."""
    spots = _grow((_spots(ours) | _spots(theirs)) & usable, GROW_PX) & usable
    rng = np.random.default_rng(seed)
    chosen = np.flatnonzero(spots)
    rest = np.flatnonzero(usable & ~spots)
    extra = min(len(rest), max(200, int(BACKGROUND_PER_SPOT * len(chosen))))
    chosen = np.concatenate([chosen, rng.choice(rest, size=extra, replace=False)]) if extra else chosen
    if len(chosen) > max_pixels:
        chosen = rng.choice(chosen, size=max_pixels, replace=False)
    chosen = np.sort(chosen)
    return np.unravel_index(chosen, usable.shape)


def _spots(image: np.ndarray) -> np.ndarray:
    peak = float(np.abs(image).max(initial=0.0))
    return np.abs(image) > SPOT_FRACTION * peak if peak > 0 else np.zeros(image.shape, dtype=bool)


def _grow(mask: np.ndarray, steps: int) -> np.ndarray:
    """``mask`` dilated by ``steps`` pixels (a square neighbourhood)."""
    out = mask.copy()
    for _ in range(steps):
        grown = out.copy()
        grown[1:, :] |= out[:-1, :]
        grown[:-1, :] |= out[1:, :]
        grown[:, 1:] |= out[:, :-1]
        grown[:, :-1] |= out[:, 1:]
        out = grown
    return out
