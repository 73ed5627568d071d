"""The view as a figure: a PNG at the data's resolution (one image pixel per detector pixel)
with the colour map, a colour bar labelled in the data's units, rings, beam and a title.

Drawn from the data and the display settings, not grabbed from the screen, so the file
does not depend on the window's size or zoom.
"""

from __future__ import annotations

from typing import Optional, Sequence, Tuple

import numpy as np
from PyQt6.QtCore import QPointF, QRectF, Qt
from PyQt6.QtGui import QColor, QFont, QImage, QPainter, QPen

from ..readout import beam_centre_px, ring_radii, rings_are_exact

MARGIN, TITLE_PX, BAR_PX, BAR_LABELS_PX, TICKS = 12, 34, 24, 90, 5
RING_COLOUR, BEAM_COLOUR = QColor(30, 120, 230), QColor(0, 150, 255)


def colours(values: np.ndarray, levels: Tuple[float, float], lut: np.ndarray) -> np.ndarray:
    """(rows, cols, 3) uint8 colours of ``values`` through ``lut`` spread over ``levels``."""
    low, high = levels
    span = high - low if high > low else 1.0
    fraction = np.clip((np.asarray(values, dtype=np.float64) - low) / span, 0.0, 1.0)
    index = np.rint(fraction * (len(lut) - 1)).astype(np.int64)
    return np.ascontiguousarray(lut[index][..., :3], dtype=np.uint8)


def figure(values: np.ndarray, levels: Tuple[float, float], lut: np.ndarray, title: str, units: str,
           model=None, show_rings: bool = True, show_beam: bool = True) -> QImage:
    """The figure as a QImage: title, image at data resolution with overlays, colour bar."""
    rows, cols = values.shape
    width = MARGIN + cols + MARGIN + BAR_PX + BAR_LABELS_PX
    height = TITLE_PX + rows + MARGIN
    out = QImage(width, height, QImage.Format.Format_RGB32)
    out.fill(QColor("white"))
    rgb = colours(values, levels, lut)
    picture = QImage(rgb.data, cols, rows, 3 * cols, QImage.Format.Format_RGB888).copy()
    painter = QPainter(out)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    _title(painter, title, width)
    painter.drawImage(MARGIN, TITLE_PX, picture)
    if model is not None:
        painter.save()
        painter.setClipRect(QRectF(MARGIN, TITLE_PX, cols, rows))
        painter.translate(MARGIN, TITLE_PX)
        _overlays(painter, model, show_rings, show_beam)
        painter.restore()
    _colour_bar(painter, lut, levels, units, QRectF(MARGIN + cols + MARGIN, TITLE_PX, BAR_PX, rows))
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


def save_figure(path: str, image: QImage) -> Optional[str]:
    """Write ``image`` as a PNG; the problem as one line, or None."""
    return None if image.save(str(path), "PNG") else f"{path}: cannot write the PNG"
