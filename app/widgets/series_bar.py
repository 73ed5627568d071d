"""The series bar: a frame slider with playback over a series written by ``python -m sim series``.

Opening a manifest (``series_manifest.json``), an NXmx master or one numbered CBF/SMV frame
shows the series' frames one at a time: moving the slider reads that frame's file and shows
it (the C view) with its phi range. With a manifest the frame's own config (its phi range,
or its shot orientation) becomes the current one, so a click traces the pixel in that frame;
frames read from their files alone cannot be re-simulated, and a click says so. Reading and
configs come from ``sim.series.reader``; nothing here computes.
"""

from __future__ import annotations

from PyQt6.QtCore import Qt, QTimer, pyqtSignal
from PyQt6.QtWidgets import QFileDialog, QHBoxLayout, QLabel, QPushButton, QSlider, QWidget

from sim.errors import InputError
from sim.series.manifest import MANIFEST
from sim.series.reader import open_any

from ..display import THEIRS
from ..image_compare import COUNTS, PHOTONS, SMV_SUFFIXES, ReferenceImage

#: Time a frame stays on show during playback.
PLAY_INTERVAL_MS = 300


class SeriesBar(QWidget):
    """Slider, play/pause and the frame's label. ``error(message)``: a series or frame
    could not be read (what was on show stays); ``opened``: a series is open."""

    error = pyqtSignal(str)
    opened = pyqtSignal()

    def __init__(self, state, display, parent=None) -> None:
        super().__init__(parent)
        self.state, self.display = state, display
        self.series = None  # a sim.series.reader series (WrittenSeries, or frames read from files)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.play_button = QPushButton("Play")
        self.play_button.setCheckable(True)
        self.label = QLabel("no series open")
        layout = QHBoxLayout(self)
        layout.addWidget(self.play_button)
        layout.addWidget(self.slider, 1)
        layout.addWidget(self.label)
        self._timer = QTimer(self, interval=PLAY_INTERVAL_MS)
        self._timer.timeout.connect(self._next_frame)
        self.slider.valueChanged.connect(self.show_frame)
        self.play_button.toggled.connect(self.set_playing)
        self.setEnabled(False)

    def open_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Open a series", "",
            f"Series ({MANIFEST} *.h5 *.nxs *.cbf *.img);;All files (*)")
        if path:
            self.open(path)

    def open(self, path: str) -> bool:
        """Open the series ``path`` belongs to (a manifest, an NXmx master, one numbered
        frame) at that frame."""
        try:
            series, index = open_any(path)
        except InputError as err:
            self.error.emit(str(err))
            return False
        self.show_series(series, index)
        return True

    def show_series(self, series, index: int = 0) -> None:
        """Show an opened ``sim.series.reader`` series at frame ``index``."""
        self.set_playing(False)
        self.series = series
        self.setEnabled(True)
        self.slider.blockSignals(True)
        self.slider.setRange(0, series.count - 1)
        self.slider.setValue(index)
        self.slider.blockSignals(False)
        self.show_frame(index)
        self.opened.emit()

    def show_frame(self, index: int) -> None:
        """Show frame ``index`` and make its config the current one (or, for frames alone,
        stop traces, saying why)."""
        series = self.series
        try:
            data = series.read_frame(index)
            label = series.label(index)
        except InputError as err:
            self.set_playing(False)
            self.error.emit(str(err))
            return
        path = series.path(index)
        units = COUNTS if path.suffix in SMV_SUFFIXES else PHOTONS
        self.state.set_reference(ReferenceImage(data, str(path), units))
        self.display.update(view=THEIRS)
        config = series.config(index)
        if config is None:
            self.state.block_traces(series.untraceable)
        else:
            self.state.trace_blocked = None
            self.state.set_config(config)
        self.label.setText(label if config is not None else f"{label} (frames only: no trace)")

    def set_playing(self, playing: bool) -> None:
        self.play_button.blockSignals(True)
        self.play_button.setChecked(playing)
        self.play_button.blockSignals(False)
        self.play_button.setText("Pause" if playing else "Play")
        if playing:
            self._timer.start()
        else:
            self._timer.stop()

    def _next_frame(self) -> None:
        self.slider.setValue((self.slider.value() + 1) % (self.slider.maximum() + 1))
