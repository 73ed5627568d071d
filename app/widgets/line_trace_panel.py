"""Trace along a line: one trace quantity (F_latt, omega_pixel_sr, polar, I_pixel_final...)
plotted against the position along the Inspect panel's line-profile line.

The pixels along the line are traced off the GUI thread (``app.worker.line_trace_job``),
with progress and Cancel; the records are kept, so choosing another quantity re-plots at
once without tracing again.
"""

from __future__ import annotations

from typing import List, Optional

import numpy as np
import pyqtgraph as pg
from PyQt6.QtCore import QSize
from PyQt6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget

from sim.trace.schema import quantity

from ..line_trace import DEFAULT_QUANTITY, line_quantities, traced_pixels, value_of
from ..worker import BackgroundTask, line_trace_job
from .elided_label import ElidedLabel

CURVE_PEN = pg.mkPen((200, 80, 20), width=1.5)
NO_LINE = "Draw a line in the Inspect panel (Line profile), then trace along it."


class LineTracePanel(QWidget):
    """Traces the pixels under ``inspect_panel``'s line for ``state``'s parameters."""

    def __init__(self, state, inspect_panel, parent=None) -> None:
        super().__init__(parent)
        self.state, self.inspect_panel = state, inspect_panel
        self.task = BackgroundTask(parent=self)
        self.pixels: List[tuple] = []
        self.distance = np.zeros(0)
        self.records: Optional[list] = None
        self.quantity = QComboBox()
        self.quantity.addItems(line_quantities())
        self.quantity.setCurrentText(DEFAULT_QUANTITY)
        self.quantity.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.quantity.setMinimumContentsLength(12)  # the dock's tab group must stay narrow
        self.quantity.setToolTip("Trace quantity to plot (first sub-pixel for per-sub-pixel ones)")
        self.trace_button = QPushButton("Trace line")
        self.trace_button.setToolTip("Trace every pixel under the Inspect panel's line")
        self.cancel_button = QPushButton("Cancel")
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.plot = pg.PlotWidget()
        self.plot.setLabel("bottom", "along the line (pixels)")
        self.plot.setMinimumHeight(120)
        self.curve = self.plot.plot(pen=CURVE_PEN, symbol="o", symbolSize=4)
        self.note = ElidedLabel(NO_LINE)
        self._lay_out()
        self._connect()
        self._set_busy(False)

    def sizeHint(self) -> QSize:
        return QSize(400, 420)

    def _lay_out(self) -> None:
        choice, run = QHBoxLayout(), QHBoxLayout()
        choice.addWidget(QLabel("Quantity:"))
        choice.addWidget(self.quantity, 1)
        for widget in (self.trace_button, self.cancel_button):
            run.addWidget(widget)
        run.addWidget(self.progress, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(choice)
        layout.addLayout(run)
        layout.addWidget(self.plot, 1)
        layout.addWidget(self.note)

    def _connect(self) -> None:
        self.trace_button.clicked.connect(self.trace_line)
        self.cancel_button.clicked.connect(self.task.cancel)
        self.quantity.currentTextChanged.connect(self._plot)
        self.task.progress.connect(lambda f: self.progress.setValue(int(f * 1000)))
        self.task.busy_changed.connect(self._set_busy)
        self.task.finished.connect(self._on_traced)
        self.task.failed.connect(lambda message: self.note.setText(f"trace along the line failed: {message}"))
        self.task.cancelled.connect(lambda: self.note.setText("trace along the line cancelled"))

    def trace_line(self) -> bool:
        """Trace every pixel the line crosses on the detector; False (and why) if none."""
        ends = self.inspect_panel.line_ends()
        if ends is None or self.state.shape is None:
            self.note.setText(NO_LINE)
            return False
        try:
            self.distance, self.pixels = traced_pixels(*ends, self.state.shape)
        except ValueError:
            self.note.setText("the line lies off the simulated detector")
            return False
        options = self.state.options
        self.records = None
        self.task.submit(line_trace_job(self.state.config, self.pixels, options.device, options.dtype,
                                        self.state.model))
        self.note.setText(f"tracing {len(self.pixels)} pixels\u2026")
        return True

    def values(self) -> np.ndarray:
        """The plotted quantity's value at each traced pixel (NaN where a trace has none)."""
        name = self.quantity.currentText()
        return np.array([value_of(r, name) for r in self.records or []], dtype=np.float64)

    def _on_traced(self, records) -> None:
        self.records = records
        s0, f0 = self.pixels[0]
        s1, f1 = self.pixels[-1]
        self.note.setText(f"{len(records)} pixels from ({s0}, {f0}) to ({s1}, {f1})")
        self._plot()

    def _plot(self, *_) -> None:
        if self.records is None:
            return
        name = self.quantity.currentText()
        unit = quantity(name).unit
        self.plot.setLabel("left", f"{name} ({unit})" if unit else name)
        self.curve.setData(self.distance, self.values())

    def _set_busy(self, busy: bool) -> None:
        self.progress.setEnabled(busy)
        self.progress.setTextVisible(busy)
        self.cancel_button.setEnabled(busy)
        self.trace_button.setEnabled(not busy)
        self.progress.setValue(0)
