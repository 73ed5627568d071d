"""The row of controls above the image: view, colour map, scaling, contrast, overlays."""

from __future__ import annotations

from PyQt6.QtCore import pyqtSignal
from PyQt6.QtWidgets import (QCheckBox, QComboBox, QDoubleSpinBox, QLabel, QPushButton,
                             QToolBar, QVBoxLayout, QWidget)

from ..display import OURS, SCALES, THEIRS, VIEWS, DisplaySettings
from .colormaps import IMAGE_MAPS, SIGNED_MAPS


SPIN_WIDTH = 66


class DisplayControls(QWidget):
    """Edits a ``DisplaySettings``; ``auto_contrast_requested`` asks the panel for new levels.

    Two tool bars (view and scaling; contrast, overlays and zoom), so that everything shows
    at the default window size; what still does not fit goes into a bar's overflow menu.

    The C views are enabled only while a C image is compared (``state.image_comparison``).
    """

    auto_contrast_requested = pyqtSignal()
    reset_zoom_requested = pyqtSignal()

    def __init__(self, display: DisplaySettings, state, parent=None) -> None:
        super().__init__(parent)
        self.display, self.state = display, state
        self.view = _combo(VIEWS, "What to show: our image, the C image, their difference or ratio")
        self.colormap = _combo(IMAGE_MAPS, "Colour map")
        self.scale = _combo(SCALES, "Intensity scaling before the colour map")
        self.gamma = _spin(0.05, 5.0, 0.05, 2, "Gamma exponent (scale 'gamma')")
        self.percentile = _spin(50.0, 100.0, 0.1, 2, "Auto-contrast: upper level at this percentile")
        self.auto = QCheckBox("auto")
        self.auto.setToolTip("Re-apply auto-contrast to every new image")
        self.auto_button = QPushButton("Auto-contrast")
        self.auto_button.setToolTip("Set the levels from the percentile now (Ctrl+Shift+A)")
        self.beam = QCheckBox("beam")
        self.beam.setToolTip("Show the direct-beam spot")
        self.rings = QCheckBox("rings")
        self.rings.setToolTip("Show resolution rings (d in \u00c5)")
        self.side_by_side = QCheckBox("side by side")
        self.side_by_side.setToolTip("Ours, C and ours - C side by side with linked zoom, pan and cursor")
        self.blink = QCheckBox("blink")
        self.blink.setToolTip("Alternate ours and the C image, with the same levels")
        self.reset = QPushButton("Fit")
        self.reset.setToolTip("Show the whole detector (Ctrl+0 or A)")
        self._lay_out()
        self._update_from_display(display.value)
        self._update_views()
        self._connect()

    def _lay_out(self) -> None:
        top, bottom = QToolBar(), QToolBar()
        for label, widget in (("", self.view), ("", self.colormap), ("", self.scale),
                              (" \u03b3 ", self.gamma)):
            if label:
                top.addWidget(QLabel(label))
            top.addWidget(widget)
        for group in ((QLabel(" % "), self.percentile, self.auto, self.auto_button),
                      (self.beam, self.rings), (self.side_by_side, self.blink), (self.reset,)):
            for widget in group:
                bottom.addWidget(widget)
            bottom.addSeparator()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(top)
        layout.addWidget(bottom)

    def _connect(self) -> None:
        d = self.display
        self.view.currentTextChanged.connect(lambda text: d.update(view=text))
        self.colormap.currentTextChanged.connect(lambda text: d.update(colormap=text) if text else None)
        self.scale.currentTextChanged.connect(lambda text: d.update(scale=text))
        self.gamma.valueChanged.connect(lambda v: d.update(gamma=v))
        self.percentile.valueChanged.connect(lambda v: d.update(percentile=v))
        self.auto.toggled.connect(lambda on: d.update(auto_levels=on))
        self.beam.toggled.connect(lambda on: d.update(show_beam=on))
        self.rings.toggled.connect(lambda on: d.update(show_rings=on))
        self.auto_button.clicked.connect(self.auto_contrast_requested)
        self.reset.clicked.connect(self.reset_zoom_requested)
        d.display_changed.connect(self._update_from_display)
        self.state.reference_changed.connect(self._update_views)

    def _update_from_display(self, value) -> None:
        maps = SIGNED_MAPS if value.signed else IMAGE_MAPS
        if [self.colormap.itemText(i) for i in range(self.colormap.count())] != list(maps):
            self.colormap.blockSignals(True)
            self.colormap.clear()
            self.colormap.addItems(maps)
            self.colormap.blockSignals(False)
        for combo, text in ((self.view, value.view), (self.colormap, value.active_colormap),
                            (self.scale, value.scale)):
            if combo.currentText() != text:
                combo.setCurrentText(text)
        self.gamma.setValue(value.gamma)
        self.gamma.setEnabled(value.scale == "gamma")
        self.percentile.setValue(value.percentile)
        self.auto.setChecked(value.auto_levels)
        self.beam.setChecked(value.show_beam)
        self.rings.setChecked(value.show_rings)

    def _update_views(self, *_) -> None:
        """Enable the C view while an image is loaded, the difference and ratio while it is
        compared with ours."""
        compared = self.state.image_comparison is not None
        loaded = self.state.reference is not None
        model = self.view.model()
        for row in range(1, self.view.count()):
            model.item(row).setEnabled(loaded if self.view.itemText(row) == THEIRS else compared)
        for box in (self.side_by_side, self.blink):
            box.setEnabled(compared)
            if not compared:
                box.setChecked(False)
        view = self.display.value.view
        if (view == THEIRS and not loaded) or (view not in (OURS, THEIRS) and not compared):
            self.display.update(view=OURS)


def _combo(items, tip: str) -> QComboBox:
    combo = QComboBox()
    combo.addItems(items)
    combo.setToolTip(tip)
    return combo


def _spin(low: float, high: float, step: float, decimals: int, tip: str) -> QDoubleSpinBox:
    spin = QDoubleSpinBox()
    spin.setMaximumWidth(SPIN_WIDTH)
    spin.setRange(low, high)
    spin.setSingleStep(step)
    spin.setDecimals(decimals)
    spin.setToolTip(tip)
    return spin
