"""The colour bar beside the image: histogram and levels in the data's units (photons).

A pyqtgraph histogram/levels item whose lookup table is the colour map seen through the
display scale (``app.display.lut_positions``): the image keeps its photon values, so the
axis, the level handles and the hover readout all speak photons under sqrt, log or gamma.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from ..display import Display, lut_positions

LUT_SIZE = 1024
BAR_WIDTH = 110


class _ScaledLevels(pg.HistogramLUTItem):
    def __init__(self, image) -> None:
        self.display = Display()
        super().__init__(image=image)

    def getLookupTable(self, img=None, n=None, alpha=None):
        if self.lut is None:
            linear = self.gradient.getLookupTable(LUT_SIZE, alpha=alpha)
            self.lut = linear[lut_positions(self.display, LUT_SIZE)]
        return self.lut

    def _setImageLookupTable(self) -> None:
        self.imageItem().setLookupTable(self.getLookupTable)  # never "trivial": the scale bends it


class ColourBar(pg.GraphicsView):
    """Levels, histogram and colour map of ``image`` (a pg.ImageItem), in the image's units."""

    def __init__(self, image, parent=None) -> None:
        super().__init__(parent)
        self.item = _ScaledLevels(image)
        self.setCentralItem(self.item)
        self.setFixedWidth(BAR_WIDTH)
        self.gradient = self.item.gradient

    def set_display(self, display: Display) -> None:
        """Bend the lookup table by ``display``'s scale (the levels stay as they are)."""
        self.item.display = display
        self.item.lut = None
        self.item._setImageLookupTable()

    def setLevels(self, low: float, high: float) -> None:
        self.item.setLevels(low, high)

    def getLevels(self):
        return self.item.getLevels()

    def lookup_table(self) -> np.ndarray:
        """The (LUT_SIZE, 3 or 4) uint8 colours from the lower to the upper level."""
        return self.item.getLookupTable()

    def axis_range(self):
        """The photon range the bar's axis shows."""
        return tuple(self.item.vb.viewRange()[1])
