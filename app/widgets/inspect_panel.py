"""The Inspect panel: the 7 x 7 values around the cursor (copyable), and a line or box
profile drawn on the image with its statistics (sum, mean, max, centroid).

It reads the values the image panel shows (ours, the C image, their difference or ratio,
in their units) and does its arithmetic in ``app.inspect``.
"""

from __future__ import annotations

from typing import Optional

import numpy as np
import pyqtgraph as pg
from PyQt6.QtCore import QSize, Qt
from PyQt6.QtWidgets import (QAbstractItemView, QApplication, QHBoxLayout, QHeaderView, QLabel, QPushButton,
                             QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from sim.kernel.pixel_info import resolution_map_A

from ..inspect import box, line, neighbourhood, radial_profile
from .copy_action import add_copy_action
from .elided_label import ElidedLabel

HALF = 3
ROI_PEN = pg.mkPen((255, 140, 0), width=2)


class InspectPanel(QWidget):
    """Values around a pixel and profiles of the image shown in ``image_panel``."""

    def __init__(self, image_panel, parent=None) -> None:
        super().__init__(parent)
        self.image_panel = image_panel
        self.centre: Optional[tuple] = None
        self.roi = None
        self.table = _pixel_table()
        self.line_button = QPushButton("Line profile")
        self.box_button = QPushButton("Box profile")
        self.radial_button = QPushButton("Radial")
        self.radial_button.setToolTip("Mean value against resolution, in shells of 1/d")
        self.clear_button = QPushButton("Clear")
        self._resolution = (None, None)  # (model, its d map)
        self.plot = pg.PlotWidget()
        self.plot.setLabel("left", "value")
        self.plot.setMinimumHeight(120)
        self.curve = self.plot.plot(pen=pg.mkPen((20, 90, 200), width=1.5))
        self.stats = ElidedLabel("Draw a line or a box on the image.")
        self._lay_out()
        add_copy_action(self.table, "Copy values", self.copy_values)
        self.line_button.clicked.connect(self.start_line)
        self.box_button.clicked.connect(self.start_box)
        self.clear_button.clicked.connect(self.clear_roi)
        self.radial_button.clicked.connect(self.show_radial)
        image_panel.pixel_hovered.connect(self.show_around)
        image_panel.state.pixel_changed.connect(lambda pixel: pixel and self.show_around(*pixel))
        image_panel.item.sigImageChanged.connect(self._refresh)

    def sizeHint(self) -> QSize:
        return QSize(400, 420)  # the plot's own hint is larger than any window's dock

    def _lay_out(self) -> None:
        buttons = QHBoxLayout()
        for button in (self.line_button, self.box_button, self.radial_button, self.clear_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(QLabel("Values around the cursor (Ctrl+C copies)"))
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        layout.addWidget(self.plot, 1)
        layout.addWidget(self.stats)

    def data(self) -> Optional[np.ndarray]:
        return self.image_panel.values()

    def show_around(self, slow: int, fast: int) -> None:
        """Fill the table with the values around pixel (slow, fast)."""
        data = self.data()
        if data is None:
            return
        self.centre = (slow, fast)
        values = neighbourhood(data, slow, fast, HALF)
        self.table.setVerticalHeaderLabels([str(slow - HALF + i) for i in range(2 * HALF + 1)])
        self.table.setHorizontalHeaderLabels([str(fast - HALF + j) for j in range(2 * HALF + 1)])
        for i, j in np.ndindex(values.shape):
            item = QTableWidgetItem("" if np.isnan(values[i, j]) else f"{values[i, j]:.5g}")
            item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if (i, j) == (HALF, HALF):
                font = item.font()
                font.setBold(True)
                item.setFont(font)
            self.table.setItem(i, j, item)

    def copy_values(self) -> None:
        """The table as tab-separated text with slow/fast headers, full precision."""
        if self.centre is None:
            return
        slow, fast = self.centre
        values = neighbourhood(self.data(), slow, fast, HALF)
        lines = ["slow\\fast\t" + "\t".join(str(fast - HALF + j) for j in range(2 * HALF + 1))]
        lines += [f"{slow - HALF + i}\t" + "\t".join("" if np.isnan(v) else repr(float(v)) for v in row)
                  for i, row in enumerate(values)]
        QApplication.clipboard().setText("\n".join(lines))

    def start_line(self) -> None:
        """A line across the middle of the view, to drag by its ends."""
        (x0, x1), (y0, y1) = self.image_panel.view_box.viewRange()
        ym = (y0 + y1) / 2
        self._set_roi(pg.LineSegmentROI([(x0 + 0.25 * (x1 - x0), ym), (x0 + 0.75 * (x1 - x0), ym)], pen=ROI_PEN))

    def start_box(self) -> None:
        """A box in the middle of the view, to move and resize."""
        (x0, x1), (y0, y1) = self.image_panel.view_box.viewRange()
        w, h = (x1 - x0) / 5, (y1 - y0) / 5
        self._set_roi(pg.RectROI([(x0 + x1 - w) / 2, (y0 + y1 - h) / 2], [w, h], pen=ROI_PEN, snapSize=1.0,
                                 translateSnap=True, scaleSnap=True))

    def show_radial(self) -> None:
        """The radial (azimuthal) profile of the view's values against resolution."""
        self.clear_roi()
        data, model = self.data(), self.image_panel.state.model
        if data is None or model is None:
            return
        if self._resolution[0] is not model:
            self._resolution = (model, resolution_map_A(model).numpy())
        d_map = self._resolution[1]
        if d_map.shape != data.shape:
            self.stats.setText("the image on show is not the detector's size: no resolution for it")
            return
        inverse_d, mean, counts = radial_profile(data, d_map)
        self.curve.setData(inverse_d, mean)
        self.plot.setLabel("bottom", "1/d (1/\u00c5)")
        self.radial = (inverse_d, mean, counts)
        self.stats.setText(f"{len(mean)} shells from {1 / inverse_d[-1]:.3g} to {1 / inverse_d[0]:.3g} \u00c5;"
                           f" mean {self.image_panel.units()} per pixel in each")

    def line_ends(self):
        """The ends ((x0, y0), (x1, y1)) in view coordinates of the line profile's line; None
        when no line is drawn."""
        if not isinstance(self.roi, pg.LineSegmentROI):
            return None
        start, end = (self.roi.mapToParent(h.pos()) for h in self.roi.getHandles())
        return (start.x(), start.y()), (end.x(), end.y())

    def clear_roi(self) -> None:
        if self.roi is not None:
            self.image_panel.view_box.removeItem(self.roi)
            self.roi = None
        self.curve.setData([], [])
        self.stats.setText("Draw a line or a box on the image.")

    def _set_roi(self, roi) -> None:
        self.clear_roi()
        self.roi = roi
        self.image_panel.view_box.addItem(roi)
        roi.sigRegionChanged.connect(self._refresh)
        self._refresh()

    def _refresh(self, *_) -> None:
        data, roi = self.data(), self.roi
        if data is None or roi is None:
            return
        try:
            if isinstance(roi, pg.LineSegmentROI):
                x, values, stats = line(data, *self.line_ends())
                self.plot.setLabel("bottom", "along the line (pixels)")
            else:
                pos, size = roi.pos(), roi.size()
                s0, f0 = int(round(pos.y())), int(round(pos.x()))
                values, stats = box(data, s0, s0 + int(round(size.y())), f0, f0 + int(round(size.x())))
                x = np.arange(max(0, f0), max(0, f0) + len(values))
                self.plot.setLabel("bottom", "fast (pixels); column sums over the box")
        except ValueError as err:
            self.curve.setData([], [])
            self.stats.setText(str(err))
            return
        self.curve.setData(x, values)
        self.stats.setText(stats.text(self.image_panel.units()))
        self.last_stats = stats


def _pixel_table() -> QTableWidget:
    size = 2 * HALF + 1
    table = QTableWidget(size, size)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
    table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    table.verticalHeader().setDefaultSectionSize(20)
    table.setFixedHeight(20 * size + table.horizontalHeader().sizeHint().height() + 4)
    return table
