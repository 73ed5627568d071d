"""The detector image: zoom and pan, colour map and levels, overlays, hover and click.

Rows are slow and columns fast (``axisOrder='row-major'``), slow increasing downwards as
in ADXV; pixel (s, f) covers x in [f, f + 1), y in [s, s + 1), so a click anywhere inside
it picks exactly (s, f) (``app.display.pixel_at``).
"""

from __future__ import annotations

from typing import Optional, Tuple

import pyqtgraph as pg
from PyQt6.QtCore import QPointF, Qt, QTimer, pyqtSignal
from PyQt6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from sim.cli.args import format_command

from ..display import OURS, RATIO, THEIRS, DisplaySettings, auto_levels, display_values, on_image, pixel_at, view_data
from ..image_compare import summary
from .colour_bar import ColourBar
from .colormaps import colormap
from .display_controls import DisplayControls
from .overlays import Overlays
from .png_export import Figure
from .side_by_side import SideBySide


BLINK_MS = 600
#: Pixels shown on each side of the spot by "zoom to spot".
SPOT_HALF_PX = 12
STALE_BACKGROUND = "#ffcf8a"
STALE_OPACITY = 0.45
STALE_SIMULATING = "Simulating the new parameters\u2026 the image still shows the previous ones."
STALE_IDLE = ("The image shows other parameters than those set (the simulation was cancelled):"
              " press F5 to simulate them.")


class ImagePanel(QWidget):
    """Shows ``state``'s image as ``display`` says. Emits the pixel clicked or hovered."""

    pixel_clicked = pyqtSignal(int, int)
    pixel_hovered = pyqtSignal(int, int)
    hover_left = pyqtSignal()

    def __init__(self, state, display: DisplaySettings, parent=None) -> None:
        super().__init__(parent)
        self.state, self.display = state, display
        self.hovered: Optional[Tuple[int, int]] = None
        self._shown_shape = None
        self.controls = DisplayControls(display, state)
        self.graphics = pg.GraphicsLayoutWidget()
        self.plot = self.graphics.addPlot()
        self.view_box = self.plot.getViewBox()
        self.item = pg.ImageItem(axisOrder="row-major")
        self.histogram = ColourBar(self.item)
        self._levels_kind = None
        self.overlays = Overlays(self.view_box)
        self.stats = QLabel()
        self.stale = QLabel()
        self.side = SideBySide(state)
        self.blink_timer = QTimer(self, interval=BLINK_MS)
        self._simulating = False
        self._set_up_plot()
        self._lay_out()
        self._connect()
        self._update_colormap()
        self.overlays.set_selected(state.pixel)
        self._on_c_trace_changed(state.c_trace)

    def _set_up_plot(self) -> None:
        self.plot.addItem(self.item)
        self.plot.setLabel("bottom", "fast (pixels)")
        self.plot.setLabel("left", "slow (pixels)")
        self.plot.setAspectLocked(True)
        self.plot.hideButtons()
        self.view_box.invertY(True)
        self.view_box.setMenuEnabled(False)
        self.graphics.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # single-key shortcuts need it
        self.stats.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.stats.setWordWrap(True)
        self.stats.hide()
        self.stale.setStyleSheet(f"QLabel {{ background: {STALE_BACKGROUND}; color: #1a1a1a; padding: 3px; }}")
        self.stale.setWordWrap(True)
        self.stale.hide()

    def _lay_out(self) -> None:
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.graphics, 1)
        row.addWidget(self.side, 1)
        row.addWidget(self.histogram)
        self.side.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.controls)
        layout.addWidget(self.stats)
        layout.addWidget(self.stale)
        layout.addLayout(row, 1)

    def _connect(self) -> None:
        self.state.image_changed.connect(self._on_image_changed)
        self.state.reference_changed.connect(self._on_reference_changed)
        self.state.pixel_changed.connect(self.overlays.set_selected)
        self.state.c_trace_changed.connect(self._on_c_trace_changed)
        for signal in (self.state.config_changed, self.state.options_changed, self.state.image_changed):
            signal.connect(self._update_stale)
        self.display.display_changed.connect(self._on_display_changed)
        self.controls.auto_contrast_requested.connect(self.auto_contrast)
        self.controls.reset_zoom_requested.connect(self.reset_zoom)
        self.controls.side_by_side.toggled.connect(self.set_side_by_side)
        self.controls.blink.toggled.connect(self.set_blink)
        self.blink_timer.timeout.connect(self._blink)
        self.side.pixel_clicked.connect(self.pixel_clicked)
        self.side.pixel_hovered.connect(self.pixel_hovered)
        self.graphics.scene().sigMouseMoved.connect(self._on_mouse_moved)
        self.graphics.scene().sigMouseClicked.connect(self._on_mouse_clicked)

    def set_side_by_side(self, on: bool) -> None:
        """Ours, C and ours - C side by side (linked), instead of the single view."""
        self.graphics.setVisible(not on)
        self.histogram.setVisible(not on)
        self.side.setVisible(on)
        self._update_side()

    def set_blink(self, on: bool) -> None:
        """Alternate ours and the C image every ``BLINK_MS``, with the same levels."""
        if on and self.state.image_comparison is not None:
            self.blink_timer.start()
        else:
            self.blink_timer.stop()

    def _blink(self) -> None:
        if self.state.image_comparison is None:
            self.controls.blink.setChecked(False)
            return
        self.display.update(view=THEIRS if self.display.value.view == OURS else OURS)

    def _update_side(self) -> None:
        if self.side.isVisible():
            unsigned = not self.display.value.signed and self.item.image is not None
            self.side.show_views(self.display.value, tuple(self.histogram.getLevels()) if unsigned else None)

    def set_simulating(self, busy: bool) -> None:
        """Whether the parameters set are being simulated (the stale note says so)."""
        self._simulating = busy
        self._update_stale()

    def _update_stale(self, *_) -> None:
        """Mark the image (dimmed, with a note) whenever it shows other parameters than those set."""
        stale = self.state.image_stale
        self.stale.setVisible(stale)
        self.item.setOpacity(STALE_OPACITY if stale else 1.0)
        self.stale.setText(STALE_SIMULATING if self._simulating else STALE_IDLE)

    def reset_zoom(self) -> None:
        """Show the whole detector, and keep it whole as the panel resizes until the user zooms."""
        self.view_box.enableAutoRange()
        self.view_box.autoRange(padding=0.02)

    def zoom_to_spot(self, pixel: Optional[Tuple[int, int]] = None, half: int = SPOT_HALF_PX) -> None:
        """Centre the view on ``pixel`` (the traced one by default), ``2 half + 1`` pixels wide."""
        pixel = pixel or self.state.pixel
        if pixel is None:
            return
        x, y = pixel[1] + 0.5, pixel[0] + 0.5
        self.view_box.setRange(xRange=(x - half - 0.5, x + half + 0.5), yRange=(y - half - 0.5, y + half + 0.5),
                               padding=0)

    def auto_contrast(self) -> None:
        """Levels from the display's percentile, for the data on show."""
        data = self.item.image
        if data is not None:
            self.histogram.setLevels(*auto_levels(data, self.display.value))

    def figure(self):
        """The view as a figure at data resolution (``app.widgets.png_export``), or None."""
        if self.item.image is None:
            return None
        value = self.display.value
        title = f"{value.view} ({value.scale}): {format_command(self.state.config)}"
        return Figure(self.item.image, tuple(self.histogram.getLevels()), self.histogram.lookup_table(),
                      title, self.units(), self.state.model, value.show_rings, value.show_beam)

    def values(self):
        """The raw (slow, fast) values of the view on show, full precision; None before any."""
        return view_data(self.state, self.display.value.view)

    def units(self) -> str:
        """Units of the values on show: photons, SMV counts (against an SMV C image) or a ratio."""
        view, comparison = self.display.value.view, self.state.image_comparison
        if view == RATIO:
            return "ours / C"
        return "photons" if view == OURS or comparison is None else comparison.units

    def view_point(self, pixel: Tuple[float, float]) -> QPointF:
        """Scene position of view point (x = fast, y = slow), for tests and markers."""
        return self.view_box.mapViewToScene(QPointF(pixel[1], pixel[0]))

    def _on_image_changed(self, result) -> None:
        self._update_image()
        self._update_overlays()

    def _on_reference_changed(self, *_) -> None:
        comparison = self.state.image_comparison
        problem = self.state.reference_problem
        self.stats.setVisible(comparison is not None or problem is not None)
        foreign = self.state.reference_foreign
        if comparison is not None:
            flag = f"   (recorded for another command line: {foreign})" if foreign else ""
            self.stats.setText(f"C image {self.state.reference.source}:   {summary(comparison)}{flag}")
        elif problem:
            self.stats.setText(f"C image not compared: {problem}")
        if self.display.value.view != OURS:
            self._update_image()

    def _on_c_trace_changed(self, c_trace) -> None:
        self.overlays.set_c_pixel(None if c_trace is None else c_trace.pixel)

    def _on_display_changed(self, value) -> None:
        self._update_colormap()
        self._update_image()
        self._update_overlays()

    def _update_image(self) -> None:
        """Show the view's values in their units; new levels when asked for, or when the view
        or the image size changed (ours' levels mean nothing for ours / C)."""
        value = self.display.value
        data = view_data(self.state, value.view)
        if data is None:
            return
        shown = display_values(data, value.view)
        levels = self.item.getLevels() if self.item.image is not None else None
        kind = (value.signed, value.view == RATIO)  # ours and C share levels (blink compares them)
        if (value.auto_levels or levels is None or shown.shape != self.item.image.shape
                or self._levels_kind != kind):
            levels = auto_levels(shown, value)
        self._levels_kind = kind
        self.item.setImage(shown, autoLevels=False, levels=levels)
        self.histogram.setLevels(*levels)
        if shown.shape != self._shown_shape:  # a new detector, or an image of another size
            self._shown_shape = shown.shape
            self.reset_zoom()
        self._update_side()

    def _update_colormap(self) -> None:
        self.histogram.set_display(self.display.value)
        self.histogram.gradient.setColorMap(colormap(self.display.value.active_colormap))

    def _update_overlays(self) -> None:
        value = self.display.value
        self.overlays.set_model(self.state.model, value.show_beam, value.show_rings)

    def _pixel_under(self, scene_pos) -> Optional[Tuple[int, int]]:
        if not self.view_box.sceneBoundingRect().contains(scene_pos):
            return None
        point = self.view_box.mapSceneToView(scene_pos)
        pixel = pixel_at(point.x(), point.y())
        shown = self.state.shape if self.item.image is None else self.item.image.shape  # any image viewed
        return pixel if on_image(pixel, shown) else None

    def _on_mouse_moved(self, scene_pos) -> None:
        pixel = self._pixel_under(scene_pos)
        if pixel == self.hovered:
            return
        self.hovered = pixel
        if pixel is None:
            self.hover_left.emit()
        else:
            self.pixel_hovered.emit(*pixel)

    def _on_mouse_clicked(self, event) -> None:
        self.graphics.setFocus()
        if event.button() != Qt.MouseButton.LeftButton:
            return
        pixel = self._pixel_under(event.scenePos())
        if pixel is not None:
            event.accept()
            self.pixel_clicked.emit(*pixel)
