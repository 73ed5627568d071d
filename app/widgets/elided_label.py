"""A one-line label that elides what does not fit and shows the whole text on hover.

Long texts (a C command line, a file path) take one line at any panel width instead of
wrapping into many; the full text stays one hover (tooltip) or one copy (context menu) away.
"""

from __future__ import annotations

from PyQt6.QtCore import QSize, Qt
from PyQt6.QtGui import QAction, QPainter
from PyQt6.QtWidgets import QApplication, QSizePolicy, QWidget


class ElidedLabel(QWidget):
    """Shows ``text()`` on one line, elided at ``mode``; the tooltip is the whole text."""

    def __init__(self, text: str = "", mode: Qt.TextElideMode = Qt.TextElideMode.ElideRight,
                 parent=None) -> None:
        super().__init__(parent)
        self._text, self.mode = "", mode
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        copy = QAction("Copy", self)
        copy.triggered.connect(lambda: QApplication.clipboard().setText(self._text))
        self.addAction(copy)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.setText(text)

    def text(self) -> str:
        return self._text

    def setText(self, text: str) -> None:
        self._text = " ".join(text.split())  # one line, whatever the source
        self.setToolTip(self._text)
        self.update()

    def shown_text(self) -> str:
        """What fits in the current width."""
        return self.fontMetrics().elidedText(self._text, self.mode, self.width())

    def sizeHint(self) -> QSize:
        return QSize(min(self.fontMetrics().horizontalAdvance(self._text), 400), self.fontMetrics().height())

    def minimumSizeHint(self) -> QSize:
        return QSize(20, self.fontMetrics().height())

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.drawText(self.rect(), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, self.shown_text())
