"""How the image is shown, as a Qt-free model: view, colour map, scaling, levels, overlays.

``DisplaySettings`` holds a frozen ``Display`` and emits ``display_changed`` with the new
value; the image panel draws from it and the display controls edit it. The functions
below turn the state's arrays into what an ``ImageItem`` shows, and map view coordinates
to pixels: pixel (slow, fast) covers x in [fast, fast + 1) and y in [slow, slow + 1).
The image keeps its units (photons): a non-linear scale (sqrt, log, gamma) bends the colour
lookup table instead of the data, so levels and the colour bar read in photons.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Optional, Tuple

import numpy as np

from .signals import Signal

OURS, THEIRS, DIFFERENCE, RATIO = "ours", "C", "ours - C", "ours / C"
VIEWS = (OURS, THEIRS, DIFFERENCE, RATIO)
SCALES = ("linear", "sqrt", "log", "gamma")
#: Decades shown by the log scale below the largest magnitude.
LOG_DECADES = 4.0
#: Auto-contrast looks at no more pixels than this (an even sample of larger images).
LEVEL_SAMPLES = 1 << 20


@dataclass(frozen=True)
class Display:
    """What the image panel shows and how. ``signed_colormap`` is used for ours - C and
    ours / C; ``percentile`` is the auto-contrast upper percentile."""

    view: str = OURS
    colormap: str = "inverted grey"
    signed_colormap: str = "blue-white-red"
    scale: str = "sqrt"
    gamma: float = 0.5
    percentile: float = 99.9
    auto_levels: bool = True
    show_beam: bool = True
    show_rings: bool = True

    @property
    def signed(self) -> bool:
        return self.view in (DIFFERENCE, RATIO)

    @property
    def active_colormap(self) -> str:
        return self.signed_colormap if self.signed else self.colormap


class DisplaySettings:
    """The current ``Display``; ``update(**fields)`` changes it and emits display_changed."""

    def __init__(self, display: Display = Display()) -> None:
        self.display_changed = Signal()
        self.value = display

    def update(self, **fields) -> None:
        """Change ``fields``; ``colormap`` sets the map of the kind of view shown after the change."""
        colormap = fields.pop("colormap", None)
        new = replace(self.value, **fields)
        if colormap is not None:
            new = replace(new, **{"signed_colormap" if new.signed else "colormap": colormap})
        if new != self.value:
            self.value = new
            self.display_changed.emit(new)


def view_data(state, view: str) -> Optional[np.ndarray]:
    """The raw (slow, fast) values of ``view`` from a ViewerState; None when not available."""
    if view == OURS:
        return None if state.result is None else state.result.image
    c = state.image_comparison
    if c is None:  # a loaded image that cannot be compared can still be looked at
        return state.reference.data if view == THEIRS and state.reference is not None else None
    return {THEIRS: c.theirs, DIFFERENCE: c.difference, RATIO: c.ratio}[view]


def display_values(data: np.ndarray, view: str) -> np.ndarray:
    """``data`` as the image item shows it: float32 in the data's own units (photons), NaN
    and infinities replaced by the view's neutral value (1 for ours / C, else 0). The scale
    is applied by the colour lookup table (``lut_positions``), so levels stay in photons."""
    neutral = 1.0 if view == RATIO else 0.0
    data = np.asarray(data, dtype=np.float64)
    return np.nan_to_num(data, nan=neutral, posinf=neutral, neginf=neutral).astype(np.float32)


def scale_fraction(x: np.ndarray, display: Display) -> np.ndarray:
    """The display scale on fractions ``x`` in [0, 1] of the level range: 0 -> 0, 1 -> 1.

    Signed views scale symmetrically about the middle (0 for ours - C); ours / C is always
    linear. Log shows ``LOG_DECADES`` decades below the upper level.
    """
    x = np.clip(np.asarray(x, dtype=np.float64), 0.0, 1.0)
    if display.view == RATIO or display.scale == "linear":
        return x
    if display.signed:
        t = 2.0 * x - 1.0
        return (np.sign(t) * scale_fraction(np.abs(t), replace(display, view=OURS)) + 1.0) / 2.0
    if display.scale == "sqrt":
        return np.sqrt(x)
    if display.scale == "gamma":
        return x ** display.gamma
    return np.log10(1.0 + x * (10.0 ** LOG_DECADES - 1.0)) / LOG_DECADES


def lut_positions(display: Display, size: int) -> np.ndarray:
    """For a lookup table of ``size`` entries spread linearly over the levels, the entry of a
    colour map's linear table to use: the colour map seen through the display scale."""
    fractions = scale_fraction(np.linspace(0.0, 1.0, size), display)
    return np.rint(fractions * (size - 1)).astype(np.int64)


def auto_levels(scaled: np.ndarray, display: Display) -> Tuple[float, float]:
    """Levels (in the data's units) that clip the brightest (100 - percentile)% of pixels.

    Images go from their minimum up (the percentile taken over non-zero pixels, so that an
    image simulated in a region of interest is not all saturated); signed views are
    symmetric about 0, ours / C about 1.
    """
    if scaled.size == 0:
        return 0.0, 1.0
    scaled = scaled.ravel()[::max(1, scaled.size // LEVEL_SAMPLES)]
    if display.signed:
        centre = 1.0 if display.view == RATIO else 0.0
        half = float(np.percentile(np.abs(scaled - centre), display.percentile))
        half = half if half > 0 else 1.0
        return centre - half, centre + half
    low = float(scaled.min())
    signal = scaled[scaled != 0.0]  # zeros: pixels outside a region of interest
    high = float(np.percentile(signal if signal.size else scaled, display.percentile))
    if high <= low:
        high = float(scaled.max())
    return low, (high if high > low else low + 1.0)


def pixel_at(x: float, y: float) -> Tuple[int, int]:
    """(slow, fast) of the pixel under view point (x = fast, y = slow)."""
    return int(math.floor(y)), int(math.floor(x))


def on_image(pixel: Tuple[int, int], shape: Optional[Tuple[int, int]]) -> bool:
    """True when ``pixel`` = (slow, fast) lies inside an image of ``shape`` (slow, fast)."""
    return shape is not None and 0 <= pixel[0] < shape[0] and 0 <= pixel[1] < shape[1]
