"""The view as a figure at the data's resolution (one image pixel per detector pixel) with
the colour map, a colour bar labelled in the data's units, rings, beam and a title; saved
as PNG or TIFF (8-bit RGB), or SVG (title, rings, beam and colour-bar labels as vectors, the
image embedded at data resolution).

Drawn from the data and the display settings, not grabbed from the screen, so the file
does not depend on the window's size or zoom.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Sequence, Tuple

import numpy as np
from PyQt6.QtCore import QPointF, QRectF, QSize, Qt
from PyQt6.QtGui import QColor, QFont, QImage, QPainter, QPen
from PyQt6.QtSvg import QSvgGenerator

from ..readout import beam_centre_px, ring_radii, rings_are_exact

MARGIN, TITLE_PX, BAR_PX, BAR_LABELS_PX, TICKS = 12, 34, 24, 90, 5
RING_COLOUR, BEAM_COLOUR = QColor(30, 120, 230), QColor(0, 150, 255)
#: Figure file formats by suffix (Qt's writer names; SVG through QSvgGenerator).
FIGURE_FORMATS = {".png": "PNG", ".tif": "TIFF", ".tiff": "TIFF", ".svg": "SVG"}


def colours(values: np.ndarray, levels: Tuple[float, float], lut: np.ndarray) -> np.ndarray:
    """(rows, cols, 3) uint8 colours of ``values`` through ``lut`` spread over ``levels``."""
    low, high = levels
    span = high - low if high > low else 1.0
    fraction = np.clip((np.asarray(values, dtype=np.float64) - low) / span, 0.0, 1.0)
    index = np.rint(fraction * (len(lut) - 1)).astype(np.int64)
    return np.ascontiguousarray(lut[index][..., :3], dtype=np.uint8)


@dataclass(frozen=True)
class Figure:
    """What a figure shows: ``values`` (slow, fast) through ``lut`` over ``levels``, in ``units``."""

    values: np.ndarray
    levels: Tuple[float, float]
    lut: np.ndarray
    title: str
    units: str
    model: object = None
    show_rings: bool = True
    show_beam: bool = True

    def size(self) -> QSize:
        rows, cols = self.values.shape
        return QSize(MARGIN + cols + MARGIN + BAR_PX + BAR_LABELS_PX, TITLE_PX + rows + MARGIN)

    def paint(self, painter: QPainter) -> None:
        """Title, image at data resolution with overlays, colour bar."""
        rows, cols = self.values.shape
        width = self.size().width()
        painter.fillRect(QRectF(0, 0, width, self.size().height()), QColor("white"))
        rgb = colours(self.values, self.levels, self.lut)
        picture = QImage(rgb.data, cols, rows, 3 * cols, QImage.Format.Format_RGB888).copy()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        _title(painter, self.title, width)
        painter.drawImage(MARGIN, TITLE_PX, picture)
        if self.model is not None:
            painter.save()
            painter.setClipRect(QRectF(MARGIN, TITLE_PX, cols, rows))
            painter.translate(MARGIN, TITLE_PX)
            _overlays(painter, self.model, self.show_rings, self.show_beam)
            painter.restore()
        _colour_bar(painter, self.lut, self.levels, self.units,
                    QRectF(MARGIN + cols + MARGIN, TITLE_PX, BAR_PX, rows))

    def image(self) -> QImage:
        out = QImage(self.size(), QImage.Format.Format_RGB32)
        painter = QPainter(out)
        self.paint(painter)
        painter.end()
        return out


def _title(painter: QPainter, title: str, width: int) -> None:
    font = QFont()
    font.setPixelSize(14)
    painter.setFont(font)
    painter.setPen(QColor("black"))
    text = painter.fontMetrics().elidedText(title, Qt.TextElideMode.ElideRight, width - 2 * MARGIN)
    painter.drawText(QRectF(MARGIN, 0, width - 2 * MARGIN, TITLE_PX), Qt.AlignmentFlag.AlignVCenter, text)


def _overlays(painter: QPainter, model, show_rings: bool, show_beam: bool) -> None:
    x0, y0 = beam_centre_px(model)
    if show_rings:
        approx = "" if rings_are_exact(model) else "\u2248"
        painter.setPen(QPen(RING_COLOUR, 1.5, Qt.PenStyle.DashLine))
        for d, radius in ring_radii(model):
            painter.drawEllipse(QPointF(x0, y0), radius, radius)
            painter.drawText(QPointF(x0 + radius * 0.71 + 3, y0 - radius * 0.71 - 3), f"{approx}{d:g} \u00c5")
    if show_beam:
        painter.setPen(QPen(BEAM_COLOUR, 2.0))
        painter.drawLine(QPointF(x0 - 8, y0), QPointF(x0 + 8, y0))
        painter.drawLine(QPointF(x0, y0 - 8), QPointF(x0, y0 + 8))


def _colour_bar(painter: QPainter, lut: np.ndarray, levels: Sequence[float], units: str, rect: QRectF) -> None:
    """The bar: upper level at the top; tick labels in ``units``, evenly spaced in value."""
    steps = int(rect.height())
    column = colours(np.linspace(levels[1], levels[0], steps)[:, None], tuple(levels), lut)
    bar = np.ascontiguousarray(np.repeat(column, int(rect.width()), axis=1))
    painter.drawImage(rect.topLeft(), QImage(bar.data, bar.shape[1], bar.shape[0], 3 * bar.shape[1],
                                             QImage.Format.Format_RGB888).copy())
    painter.setPen(QColor("black"))
    painter.drawRect(rect)
    font = QFont()
    font.setPixelSize(11)
    painter.setFont(font)
    for i in range(TICKS):
        fraction = i / (TICKS - 1)
        y = rect.bottom() - fraction * rect.height()
        value = levels[0] + fraction * (levels[1] - levels[0])
        painter.drawLine(QPointF(rect.right(), y), QPointF(rect.right() + 4, y))
        painter.drawText(QPointF(rect.right() + 6, y + 4), f"{value:.4g}")
    painter.drawText(QPointF(rect.right() + 6, rect.top() - 6), units)


def save_figure(path: str, fig: Figure) -> Optional[str]:
    """Write ``fig`` as PNG, TIFF or SVG, chosen by the suffix; the problem as one line, or None."""
    fmt = FIGURE_FORMATS.get(Path(path).suffix.lower())
    if fmt is None:
        return f"{path}: a figure is written as {', '.join(FIGURE_FORMATS)}"
    if fmt != "SVG":
        return None if fig.image().save(str(path), fmt) else f"{path}: cannot write the {fmt} figure"
    generator = QSvgGenerator()
    generator.setFileName(str(path))
    generator.setSize(fig.size())
    generator.setViewBox(QRectF(0, 0, fig.size().width(), fig.size().height()))
    generator.setTitle(fig.title)
    painter = QPainter()
    if not painter.begin(generator):
        return f"{path}: cannot write the SVG figure"
    fig.paint(painter)
    painter.end()
    return None if Path(path).is_file() else f"{path}: cannot write the SVG figure"
