"""Items drawn over the image: beam spot, resolution rings, traced pixel, the C log's pixel.

Markers are drawn at a fixed screen size, so that a pixel stays findable at any zoom.
Ring positions come from ``app.readout`` (which asks ``sim.kernel.pixel_info``).
"""

from __future__ import annotations

import math
from typing import List, Optional, Tuple

import pyqtgraph as pg
from PyQt6.QtCore import QRectF, Qt
from PyQt6.QtWidgets import QGraphicsEllipseItem, QGraphicsItem, QGraphicsRectItem

from ..readout import beam_centre_px, ring_radii, rings_are_exact

BEAM_PEN = pg.mkPen("#00a8ff", width=2)
RING_COLOUR = "#2f8fff"
RING_PEN = pg.mkPen(RING_COLOUR, width=1.5, style=Qt.PenStyle.DashLine)
SELECTED_PEN = pg.mkPen("#ff2020", width=2.5)
C_PIXEL_PEN = pg.mkPen("#ff9900", width=2, style=Qt.PenStyle.DotLine)


class Overlays:
    """The overlay items of one ViewBox."""

    def __init__(self, view_box: pg.ViewBox) -> None:
        self.view_box = view_box
        self.beam = _marker("+", 22, BEAM_PEN, "direct-beam spot")
        self.selected = _marker("s", 16, SELECTED_PEN, "traced pixel")
        self.c_pixel = _marker("o", 24, C_PIXEL_PEN, "pixel of the loaded C trace")
        self.rings: List[object] = []
        self.detector = QGraphicsRectItem()  # rings are clipped to the detector
        self.detector.setFlag(QGraphicsItem.GraphicsItemFlag.ItemClipsChildrenToShape)
        self.detector.setPen(pg.mkPen(None))
        self.detector.setZValue(10)
        for item in (self.detector, self.beam, self.selected, self.c_pixel):
            view_box.addItem(item, ignoreBounds=True)  # zooming to fit shows the detector

    def set_model(self, model, show_beam: bool, show_rings: bool) -> None:
        """Place the beam marker and rings for ``model`` (a SimModel, or None)."""
        self._clear_rings()
        if model is None:
            self.beam.setData([])
            return
        x0, y0 = beam_centre_px(model)
        self.detector.setRect(QRectF(0, 0, model.detector.fpixels, model.detector.spixels))
        self.beam.setData([x0], [y0])
        self.beam.setVisible(show_beam)
        if show_rings:
            self._add_rings(model, x0, y0)

    def _add_rings(self, model, x0: float, y0: float) -> None:
        approx = "" if rings_are_exact(model) else "\u2248"
        for d, radius in ring_radii(model):
            ring = QGraphicsEllipseItem(QRectF(x0 - radius, y0 - radius, 2 * radius, 2 * radius))
            ring.setPen(RING_PEN)
            label = pg.TextItem(f"{approx}{d:g} \u00c5", color=RING_COLOUR, anchor=(0, 1))
            angle = math.radians(45.0)
            label.setPos(x0 + radius * math.cos(angle), y0 - radius * math.sin(angle))
            for item in (ring, label):
                item.setParentItem(self.detector)
                self.rings.append(item)

    def _clear_rings(self) -> None:
        scene = self.detector.scene()
        for item in self.rings:
            item.setParentItem(None)
            if scene is not None:
                scene.removeItem(item)
        self.rings = []

    def set_selected(self, pixel: Optional[Tuple[int, int]]) -> None:
        _place(self.selected, pixel)

    def set_c_pixel(self, pixel: Optional[Tuple[int, int]]) -> None:
        _place(self.c_pixel, pixel)


def _marker(symbol: str, size: int, pen, name: str) -> pg.ScatterPlotItem:
    item = pg.ScatterPlotItem(symbol=symbol, size=size, pen=pen, brush=None, pxMode=True, name=name)
    item.setZValue(20)
    return item


def _place(marker: pg.ScatterPlotItem, pixel: Optional[Tuple[int, int]]) -> None:
    """Put ``marker`` on the centre of pixel (slow, fast), or hide it."""
    if pixel is None:
        marker.setData([])
    else:
        marker.setData([pixel[1] + 0.5], [pixel[0] + 0.5])
