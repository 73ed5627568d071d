"""How the image is shown, as a Qt-free model: view, colour map, scaling, levels, overlays.

``DisplaySettings`` holds a frozen ``Display`` and emits ``display_changed`` with the new
value; the image panel draws from it and the display controls edit it. The functions
below turn the state's arrays into what an ``ImageItem`` shows, and map view coordinates
to pixels: pixel (slow, fast) covers x in [fast, fast + 1) and y in [slow, slow + 1).
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
    if c is None:
        return None
    return {THEIRS: c.theirs, DIFFERENCE: c.difference, RATIO: c.ratio}[view]


def scale_image(data: np.ndarray, display: Display) -> np.ndarray:
    """``data`` through the display's scale, as float32; NaN becomes the neutral value.

    Signed views are scaled symmetrically, sign(x) f(|x|), about 0 (ours - C) or 1
    (ours / C, always linear).
    """
    data = np.asarray(data, dtype=np.float64)
    if display.view == RATIO:
        return np.nan_to_num(data, nan=1.0, posinf=1.0, neginf=1.0).astype(np.float32)
    data = np.nan_to_num(data, nan=0.0, posinf=0.0, neginf=0.0)
    magnitude, sign = np.abs(data), np.sign(data)
    if display.scale == "sqrt":
        magnitude = np.sqrt(magnitude)
    elif display.scale == "gamma":
        magnitude = magnitude ** display.gamma
    elif display.scale == "log":
        floor = float(magnitude.max(initial=0.0)) * 10.0 ** -LOG_DECADES
        magnitude = np.log10(1.0 + magnitude / floor) if floor > 0 else magnitude
    return (sign * magnitude).astype(np.float32)


def auto_levels(scaled: np.ndarray, display: Display) -> Tuple[float, float]:
    """Levels that clip the brightest (100 - percentile)% of pixels.

    Images go from their minimum up; signed views are symmetric about 0 or 1.
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
    high = float(np.percentile(scaled, display.percentile))
    if high <= low:
        high = float(scaled.max())
    return low, (high if high > low else low + 1.0)


def pixel_at(x: float, y: float) -> Tuple[int, int]:
    """(slow, fast) of the pixel under view point (x = fast, y = slow)."""
    return int(math.floor(y)), int(math.floor(x))


def on_image(pixel: Tuple[int, int], shape: Optional[Tuple[int, int]]) -> bool:
    """True when ``pixel`` = (slow, fast) lies inside an image of ``shape`` (slow, fast)."""
    return shape is not None and 0 <= pixel[0] < shape[0] and 0 <= pixel[1] < shape[1]
