"""The trace panel: the traced pixel, the C trace's origin, the banner and the table.

The banner says the one thing that matters (hint, pixel mismatch with a jump button, first
divergence with a button that shows it, or agreement). The panel asks for actions through
signals (load, export, jump, C binary) and the main window wires them to the controller.
Under the C binary, a live C run's progress (time, trace lines read) and its outcome.
"""

from __future__ import annotations

from pathlib import Path

from PyQt6.QtCore import QItemSelectionModel, QSize, Qt, pyqtSignal
from PyQt6.QtWidgets import (QAbstractItemView, QApplication, QCheckBox, QFrame, QHBoxLayout, QHeaderView,
                             QLabel, QLineEdit, QMenu, QProgressBar, QPushButton, QTableView, QToolButton,
                             QVBoxLayout, QWidget)

from ..trace_summary import AGREE, DIVERGENCE, FAILED, FOREIGN, HINT, MISMATCH, ONE_SIDED, PENDING, banner
from .copy_action import add_copy_action
from .elided_label import ElidedLabel
from .trace_table import TraceFilter, TraceTableModel

BANNER_STYLE = {HINT: "#fff6c8", PENDING: "#eeeeee", FAILED: "#ffb3a8", MISMATCH: "#ffcf8a",
                FOREIGN: "#ffcf8a", DIVERGENCE: "#ffb3a8",
                AGREE: "#cdeec7", ONE_SIDED: "#e3ebfb"}
PANEL_WIDTH = 460
MIN_WIDTH = 280
EXPORT_FORMATS = (("Text table\u2026", "txt"), ("CSV\u2026", "csv"), ("JSON\u2026", "json"))


class TracePanel(QWidget):
    """Shows ``state``'s trace comparison."""

    load_requested = pyqtSignal()
    export_requested = pyqtSignal(str)
    jump_requested = pyqtSignal(int, int)
    c_binary_changed = pyqtSignal(str)
    browse_c_binary_requested = pyqtSignal()

    def __init__(self, state, parent=None) -> None:
        super().__init__(parent)
        self.state = state
        self.table_model = TraceTableModel(self)
        self.filter = TraceFilter(self)
        self.filter.setSourceModel(self.table_model)
        self._banner = None
        self._build()
        self._connect()
        self._update_all()

    def _build(self) -> None:
        self.title = QLabel()
        self.title.setStyleSheet("font-size: 15px; font-weight: bold;")
        self.source = ElidedLabel(mode=Qt.TextElideMode.ElideMiddle)
        self.command = ElidedLabel()
        self.banner_frame, self.banner_text, self.banner_button = _banner_widgets()
        self.load_button = QPushButton("Load C trace\u2026")
        self.export_button = _export_button(self.export_requested)
        self.c_binary = QLineEdit()
        self.c_binary.setPlaceholderText("instrumented nanoBragg binary (optional): live C trace on click")
        self.browse_button = QPushButton("Browse\u2026")
        self.live_c_status = QLabel()
        self.live_c_status.hide()  # shown once a live C run has something to say
        self.live_c_busy = QProgressBar()
        self.live_c_busy.setRange(0, 0)  # the C program does not say how far it is: a busy bar
        self.live_c_busy.setMaximumWidth(80)
        self.live_c_busy.setMaximumHeight(12)
        self.live_c_busy.hide()
        self.search = QLineEdit()
        self.search.setPlaceholderText("Filter quantities (name, unit, meaning)")
        self.search.setClearButtonEnabled(True)
        self.differences_only = QCheckBox("differences only")
        self.rtol = QLineEdit()
        self.rtol.setMaximumWidth(70)
        self.rtol.setToolTip("Relative tolerance of the comparison")
        self.table = _table(self.filter)
        add_copy_action(self.table, "Copy rows", self.copy_selected_rows)
        self._lay_out()

    def _lay_out(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.title)
        layout.addWidget(self.banner_frame)
        layout.addLayout(_row(QLabel("C trace:"), (self.source, 1), self.load_button, self.export_button))
        layout.addWidget(self.command)
        layout.addLayout(_row(QLabel("C binary:"), (self.c_binary, 1), self.browse_button))
        layout.addLayout(_row(self.live_c_busy, (self.live_c_status, 1)))
        layout.addLayout(_row((self.search, 1), self.differences_only, QLabel("rtol"), self.rtol))
        layout.addWidget(self.table, 1)

    def _connect(self) -> None:
        self.state.comparison_changed.connect(self._update_all)
        self.load_button.clicked.connect(self.load_requested)
        self.banner_button.clicked.connect(self._on_banner_button)
        self.browse_button.clicked.connect(self.browse_c_binary_requested)
        self.c_binary.editingFinished.connect(lambda: self.c_binary_changed.emit(self.c_binary.text().strip()))
        self.search.textChanged.connect(self.filter.set_text)
        self.differences_only.toggled.connect(self.filter.set_differences_only)
        self.rtol.editingFinished.connect(self._on_rtol_edited)

    def copy_selected_rows(self) -> None:
        """Put the selected rows on the clipboard, tab-separated, with full-precision values."""
        rows = sorted({self.filter.mapToSource(i).row() for i in self.table.selectionModel().selectedRows()})
        model = self.table_model
        lines = ["\t".join(model.copy_text(r, c) for c in range(model.columnCount())) for r in rows]
        QApplication.clipboard().setText("\n".join(lines))

    def sizeHint(self) -> QSize:
        return QSize(PANEL_WIDTH, 600)

    def minimumSizeHint(self) -> QSize:
        return QSize(MIN_WIDTH, 300)

    def set_c_binary(self, path: str) -> None:
        self.c_binary.setText(path)
        self.set_live_c_status("")

    def set_live_c_status(self, text: str) -> None:
        """The live C run's progress or outcome (``app.live_c.LiveCTrace.progress``)."""
        self.live_c_status.setText(text)
        self.live_c_status.setVisible(bool(text))

    def set_live_c_running(self, running: bool) -> None:
        self.live_c_busy.setVisible(running)

    def show_row(self, row) -> None:
        """Select and scroll to ``row`` of the comparison (clearing a filter that hides it)."""
        source_row = self.table_model.rows.index(row)
        index = self.filter.mapFromSource(self.table_model.index(source_row, 0))
        if not index.isValid():
            self.search.clear()
            self.differences_only.setChecked(False)
            index = self.filter.mapFromSource(self.table_model.index(source_row, 0))
        self.table.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)
        self.table.clearSelection()  # a selection would hide the row's red
        self.table.selectionModel().setCurrentIndex(index, QItemSelectionModel.SelectionFlag.NoUpdate)

    def _update_all(self, *_) -> None:
        self.table_model.set_comparison(self.state.comparison)
        self.table.resizeColumnsToContents()
        self._fit_value_columns()
        self.table.resizeRowsToContents()
        self._update_title()
        self._update_source()
        self._update_banner()
        self.rtol.setText(f"{self.state.rtol:g}")

    def _fit_value_columns(self) -> None:
        """Ours and C as wide as a number, so both show beside each other; a longer text value
        (a convention mapping, say) is elided in its cell and whole in its tool tip."""
        number = self.table.fontMetrics().horizontalAdvance("-0.000000000e+00") + 16
        for column in (2, 3):
            self.table.setColumnWidth(column, min(self.table.columnWidth(column), number))

    def _update_title(self) -> None:
        pixel = self.state.pixel
        self.title.setText("Trace" if pixel is None else f"Trace of pixel (slow {pixel[0]}, fast {pixel[1]})")

    def _update_source(self) -> None:
        c = self.state.c_trace
        if c is None:
            self.source.setText("none loaded")
            self.command.setText("")
            self.command.hide()
            return
        pixel = "unknown pixel" if c.pixel is None else f"pixel ({c.pixel[0]}, {c.pixel[1]})"
        name = c.source if c.live else Path(c.source).name
        self.source.setText(f"{name}  \u2014  {pixel}")
        self.source.setToolTip(c.source)
        self.command.setText(c.command or "(the log records no command line)")
        self.command.show()

    @property
    def banner_kind(self):
        """The kind of banner on show (HINT, AGREE, DIVERGENCE...; None before the first)."""
        return None if self._banner is None else self._banner.kind

    def _update_banner(self) -> None:
        self._banner = b = banner(self.state)
        self.banner_text.setText(b.text)
        self.banner_frame.setStyleSheet(f"QFrame#banner {{ background: {BANNER_STYLE[b.kind]};"
                                        " border-radius: 4px; } QLabel { color: #1a1a1a; }")
        self.banner_button.setText(b.button)
        self.banner_button.setVisible(bool(b.button))
        if b.kind == DIVERGENCE:
            self.show_row(b.row)

    def _on_banner_button(self) -> None:
        b = self._banner
        if b is not None and b.jump_to is not None:
            self.jump_requested.emit(*b.jump_to)
        elif b is not None and b.row is not None:
            self.show_row(b.row)

    def _on_rtol_edited(self) -> None:
        try:
            rtol = float(self.rtol.text())
        except ValueError:
            rtol = -1.0
        if rtol > 0:
            self.state.set_rtol(rtol)
        self.rtol.setText(f"{self.state.rtol:g}")


def _banner_widgets():
    frame = QFrame()
    frame.setObjectName("banner")
    text = QLabel()
    text.setWordWrap(True)
    text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    button = QPushButton()
    layout = QHBoxLayout(frame)
    layout.setContentsMargins(8, 6, 8, 6)
    layout.addWidget(text, 1)
    layout.addWidget(button)
    return frame, text, button


def _export_button(export_requested) -> QToolButton:
    button = QToolButton()
    button.setText("Export")
    button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
    menu = QMenu(button)
    for label, fmt in EXPORT_FORMATS:
        menu.addAction(label, lambda fmt=fmt: export_requested.emit(fmt))
    button.setMenu(menu)
    return button


def _table(model) -> QTableView:
    table = QTableView()
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setAlternatingRowColors(False)
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setDefaultSectionSize(20)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    table.horizontalHeader().setStretchLastSection(False)
    table.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
    table.setWordWrap(False)
    return table


def _row(*items) -> QHBoxLayout:
    layout = QHBoxLayout()
    for item in items:
        widget, stretch = item if isinstance(item, tuple) else (item, 0)
        layout.addWidget(widget, stretch)
    return layout
