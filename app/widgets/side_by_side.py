"""Ours, the C image and their difference side by side, with linked zoom, pan and cursor.

Three plots share their x and y ranges (pan or zoom one, all follow) and a cross-hair that
follows the mouse in any of them; a click in any traces that pixel. Ours and C use the same
levels and colour map (the main view's), the difference a symmetric signed map.
"""

from __future__ import annotations

from typing import Dict, Optional, Tuple

import pyqtgraph as pg
from PyQt6.QtCore import Qt, pyqtSignal

from ..display import (DIFFERENCE, OURS, THEIRS, Display, auto_levels, display_values, lut_positions, on_image,
                       pixel_at, view_data)
from .colormaps import colormap
from .colour_bar import LUT_SIZE

PANES = (OURS, THEIRS, DIFFERENCE)
CURSOR_PEN = pg.mkPen((255, 120, 0), width=1)


class SideBySide(pg.GraphicsLayoutWidget):
    """The three panes for ``state``; ``pixel_clicked`` and ``pixel_hovered`` carry (slow, fast)."""

    pixel_clicked = pyqtSignal(int, int)
    pixel_hovered = pyqtSignal(int, int)

    def __init__(self, state, parent=None) -> None:
        super().__init__(parent)
        self.state = state
        self.plots: Dict[str, pg.PlotItem] = {}
        self.images: Dict[str, pg.ImageItem] = {}
        self.cursors: Dict[str, Tuple[pg.InfiniteLine, pg.InfiniteLine]] = {}
        for column, view in enumerate(PANES):
            self._add_pane(column, view)
        first = self.plots[OURS]
        for view in PANES[1:]:
            self.plots[view].setXLink(first)
            self.plots[view].setYLink(first)
        self.scene().sigMouseMoved.connect(self._on_mouse_moved)
        self.scene().sigMouseClicked.connect(self._on_mouse_clicked)
        self.set_cursor(None)

    def _add_pane(self, column: int, view: str) -> None:
        plot = self.addPlot(row=0, col=column, title=view)
        plot.setAspectLocked(True)
        plot.hideButtons()
        plot.getViewBox().invertY(True)
        plot.getViewBox().setMenuEnabled(False)
        image = pg.ImageItem(axisOrder="row-major")
        plot.addItem(image)
        lines = (pg.InfiniteLine(angle=90, pen=CURSOR_PEN), pg.InfiniteLine(angle=0, pen=CURSOR_PEN))
        for line in lines:
            plot.addItem(line, ignoreBounds=True)
        self.plots[view], self.images[view], self.cursors[view] = plot, image, lines

    def show_views(self, display: Display, levels: Optional[Tuple[float, float]]) -> None:
        """Fill the panes from the state; ours and C with ``levels`` (or their own auto levels)."""
        for view in PANES:
            data = view_data(self.state, view)
            if data is None:
                self.images[view].clear()
                continue
            pane = Display(view=view, colormap=display.colormap, scale=display.scale, gamma=display.gamma,
                           percentile=display.percentile)
            shown = display_values(data, view)
            pane_levels = levels if levels is not None and view != DIFFERENCE else auto_levels(shown, pane)
            self.images[view].setImage(shown, autoLevels=False, levels=pane_levels)
            linear = colormap(pane.active_colormap).getLookupTable(nPts=LUT_SIZE)
            self.images[view].setLookupTable(linear[lut_positions(pane, LUT_SIZE)])
        self.plots[OURS].getViewBox().autoRange(padding=0.02)

    def set_cursor(self, pixel: Optional[Tuple[int, int]]) -> None:
        for vertical, horizontal in self.cursors.values():
            for line, value in ((vertical, None if pixel is None else pixel[1] + 0.5),
                                (horizontal, None if pixel is None else pixel[0] + 0.5)):
                line.setVisible(value is not None)
                if value is not None:
                    line.setValue(value)

    def _pixel_under(self, scene_pos) -> Optional[Tuple[int, int]]:
        for plot in self.plots.values():
            box = plot.getViewBox()
            if box.sceneBoundingRect().contains(scene_pos):
                point = box.mapSceneToView(scene_pos)
                pixel = pixel_at(point.x(), point.y())
                return pixel if on_image(pixel, self.state.shape) else None
        return None

    def _on_mouse_moved(self, scene_pos) -> None:
        pixel = self._pixel_under(scene_pos)
        self.set_cursor(pixel)
        if pixel is not None:
            self.pixel_hovered.emit(*pixel)

    def _on_mouse_clicked(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            pixel = self._pixel_under(event.scenePos())
            if pixel is not None:
                event.accept()
                self.pixel_clicked.emit(*pixel)
