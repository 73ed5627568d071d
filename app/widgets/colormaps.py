"""Colour maps offered for the image, by name: greys (inverted grey as in ADXV), perceptual
maps for intensities and a diverging map for ours - C and ours / C."""

from __future__ import annotations

import pyqtgraph as pg

IMAGE_MAPS = ("inverted grey", "grey", "viridis", "inferno", "magma", "cividis", "turbo")
SIGNED_MAPS = ("blue-white-red", "inverted grey", "grey", "viridis")
_DIVERGING = "CET-D1"


def colormap(name: str) -> pg.ColorMap:
    """The pyqtgraph ColorMap called ``name`` in the menus."""
    if name == "grey":
        return pg.ColorMap([0.0, 1.0], [(0, 0, 0), (255, 255, 255)])
    if name == "inverted grey":
        return pg.ColorMap([0.0, 1.0], [(255, 255, 255), (0, 0, 0)])
    if name == "blue-white-red":
        return pg.colormap.get(_DIVERGING)
    return pg.colormap.get(name)
