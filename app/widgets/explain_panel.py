"""The "Explain difference" dock: fit our parameters to the loaded comparison image, and the
clicked pixel's sensitivity to every parameter.

Both run in the background (``app.worker``): the fit with progress and cancel, the
sensitivity whenever another pixel is selected. The panel shows what ``sim.explain``
reports; it computes nothing itself.
"""

from __future__ import annotations

from typing import Optional

from PyQt6.QtCore import pyqtSignal
from PyQt6.QtWidgets import (QHBoxLayout, QLabel, QLineEdit, QPlainTextEdit, QProgressBar, QPushButton,
                             QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from sim.io.reference import photons_like

from ..worker import BackgroundTask, explain_job, sensitivity_job

NO_IMAGE = "Load a C image to compare with (File > Open), then explain the difference."


class ExplainPanel(QWidget):
    """``error(message)``: the fit could not start or failed (one line)."""

    error = pyqtSignal(str)

    def __init__(self, state, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.state = state
        self.fit = BackgroundTask(parent=self)
        self.sensitivity = BackgroundTask(parent=self)
        self._sensitivity = None  # (config, PixelSensitivity) last computed
        self._build()
        self.fit.finished.connect(self._on_explained)
        self.fit.failed.connect(self._on_failed)
        self.fit.cancelled.connect(lambda: self.report.setPlainText("cancelled"))
        self.fit.progress.connect(lambda f: self.progress.setValue(int(100 * f)))
        self.fit.busy_changed.connect(self._on_busy)
        self.sensitivity.finished.connect(self._show_sensitivity)
        self.sensitivity.failed.connect(lambda message: self.pixel_label.setText(message))
        state.pixel_changed.connect(self._on_pixel)

    def _build(self) -> None:
        self.explain_button = QPushButton("Explain difference")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setEnabled(False)
        self.groups = QLineEdit()
        self.groups.setPlaceholderText("parameters: all (or e.g. beam,distance,misset,scale)")
        self.groups.setToolTip("beam, distance, wavelength, rotations, twotheta, misset, cell, scale")
        self.progress = QProgressBar()
        self.report = QPlainTextEdit(NO_IMAGE)
        self.report.setReadOnly(True)
        self.pixel_label = QLabel("Sensitivity: click a pixel")
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["parameter", "our value", "d(photons)/d(parameter)"])
        self.table.verticalHeader().setVisible(False)
        buttons = QHBoxLayout()
        buttons.addWidget(self.explain_button)
        buttons.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.groups)
        layout.addLayout(buttons)
        layout.addWidget(self.progress)
        layout.addWidget(self.report, 2)
        layout.addWidget(self.pixel_label)
        layout.addWidget(self.table, 1)
        self.explain_button.clicked.connect(self.explain)
        self.cancel_button.clicked.connect(self.fit.cancel)

    def explain(self) -> None:
        """Fit the current config to the loaded C image in the background."""
        state = self.state
        if state.reference is None:
            self.error.emit(NO_IMAGE)
            return
        theirs, note = photons_like(state.reference, state.config.output.adc_offset)
        self.report.setPlainText("fitting..." + ("" if note is None else f"\nnote: {note}"))
        self.progress.setValue(0)
        self.fit.submit(explain_job(state.config, theirs, self.groups.text().strip(), state.options.device,
                                    state.options.dtype))

    def _on_explained(self, outcome) -> None:
        explained, lines = outcome
        self.progress.setValue(100)
        self.report.setPlainText("\n".join(lines))

    def _on_failed(self, message: str) -> None:
        self.report.setPlainText(message)
        self.error.emit(message)

    def _on_busy(self, busy: bool) -> None:
        self.explain_button.setEnabled(not busy)
        self.cancel_button.setEnabled(busy)

    def _on_pixel(self, *_) -> None:
        pixel = self.state.pixel
        if pixel is None:
            return
        self.pixel_label.setText(f"Sensitivity of pixel (slow {pixel[0]}, fast {pixel[1]}): computing...")
        self.sensitivity.submit(sensitivity_job(self.state.config, pixel[0], pixel[1]))

    def current_sensitivity(self):
        """The shown sensitivity when it is for the current config and pixel, else None."""
        if self._sensitivity is None:
            return None
        config, sensitivity = self._sensitivity
        current = config == self.state.config and sensitivity.pixel == tuple(self.state.pixel or ())
        return sensitivity if current else None

    def _show_sensitivity(self, outcome) -> None:
        self._sensitivity = outcome
        slow, fast = outcome[1].pixel
        self.pixel_label.setText(f"Sensitivity of pixel (slow {slow}, fast {fast})")
        self.table.setRowCount(len(outcome[1].rows))
        for i, r in enumerate(outcome[1].rows):
            cells = (r.flag, f"{r.value:.8g} {r.unit}", f"{r.derivative:+.4e} per {r.unit}")
            for j, text in enumerate(cells):
                self.table.setItem(i, j, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
