"""Bar charts of a traced pixel's intensity split by source, phi step, mosaic domain and
sub-pixel (``app.trace_parts``), so that an uneven part (a skipped phi step, one domain
that dominates) shows at a glance."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PyQt6.QtCore import QSize
from PyQt6.QtWidgets import QVBoxLayout, QWidget

from sim.trace.schema import quantity

from ..trace_parts import PARTS, parts

BAR_BRUSH = (60, 120, 200)


class TracePlots(QWidget):
    """One bar chart per part; follows ``state``'s trace of the selected pixel."""

    def __init__(self, state, parent=None) -> None:
        super().__init__(parent)
        self.state = state
        self.graphics = pg.GraphicsLayoutWidget()
        self.plots, self.bars = {}, {}
        for row, (name, title) in enumerate(PARTS):
            plot = self.graphics.addPlot(row=row, col=0, title=title)
            plot.setLabel("left", quantity(name).unit)
            plot.setMouseEnabled(x=False, y=False)
            self.plots[name] = plot
        QVBoxLayout(self).addWidget(self.graphics)
        state.trace_changed.connect(self.update_plots)
        self.update_plots()

    def sizeHint(self) -> QSize:
        return QSize(400, 420)

    def update_plots(self, *_) -> None:
        values = parts(self.state.our_trace)
        for name, plot in self.plots.items():
            plot.clear()
            heights = np.asarray(values[name], dtype=np.float64)
            self.bars[name] = heights
            if heights.size:
                plot.addItem(pg.BarGraphItem(x=np.arange(heights.size), height=heights, width=0.8, brush=BAR_BRUSH))
            plot.setTitle(f"{dict(PARTS)[name]} ({heights.size})" if heights.size else
                          f"{dict(PARTS)[name]}: click a pixel")
