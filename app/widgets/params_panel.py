"""The parameters panel: one editor per simulation parameter, grouped, plus device and precision.

Editors are built from ``app.params.PARAMS``. A finished edit becomes a new config in the
state (which re-simulates); an entry that does not parse, or that the command line would
refuse ("abc" and "-1" alike), turns red, its reason shows above the fields and as its
tooltip, and nothing changes. Empty optional fields mean "auto" and show what auto chose.
"""

from __future__ import annotations

from typing import Dict, List

from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import (QComboBox, QFileDialog, QFormLayout, QGridLayout, QGroupBox,
                             QHBoxLayout, QLabel, QLineEdit, QPushButton, QScrollArea, QVBoxLayout,
                             QWidget)

from ..params import CHOICE, FILE, PARAMS, Param, config_problem, parse, resolved_text, texts, with_value
from ..state import RunOptions

ERROR_STYLE = "QLineEdit { background: #ffd6d1; }"
PROBLEM_STYLE = "QLabel { color: #a01000; font-weight: bold; }"
PANEL_WIDTH = 230
EDIT_WIDTH = 40


class ParamsPanel(QScrollArea):
    """Edits ``state.config`` and ``state.options``; ``devices`` lists the choices of device."""

    def __init__(self, state, devices: List[str], parent=None) -> None:
        super().__init__(parent)
        self.state = state
        self.editors: Dict[str, list] = {}
        self.problems: Dict[str, str] = {}
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet(PROBLEM_STYLE)
        self.problem.hide()
        self.device = QComboBox()
        self.device.addItems(devices)
        self.dtype = QComboBox()
        self.dtype.addItems(["float64", "float32"])
        self.dtype.setToolTip("float64 for parity with the C program, float32 for speed")
        body = self._build()
        self.setWidget(body)
        self.setWidgetResizable(True)
        self.setMinimumWidth(PANEL_WIDTH)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._update_from_config()
        self._update_from_options(state.options)
        state.config_changed.connect(self._update_from_config)
        state.image_changed.connect(self._update_placeholders)
        state.options_changed.connect(self._update_from_options)
        self.device.currentTextChanged.connect(self._on_options_edited)
        self.dtype.currentTextChanged.connect(self._on_options_edited)

    def _build(self) -> QWidget:
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.addWidget(self.problem)
        groups: Dict[str, QFormLayout] = {}
        for param in PARAMS:
            if param.group not in groups:
                box = QGroupBox(param.group)
                groups[param.group] = QFormLayout(box)
                layout.addWidget(box)
            groups[param.group].addRow(param.label, self._editor(param))
        run = QGroupBox("Run")
        form = QFormLayout(run)
        form.addRow("Device", self.device)
        form.addRow("Precision", self.dtype)
        layout.addWidget(run)
        layout.addStretch(1)
        return body

    def _editor(self, param: Param) -> QWidget:
        if param.kind == CHOICE:
            combo = QComboBox()
            combo.addItems([member.name for member in param.choices])
            combo.setToolTip(param.tip)
            combo.currentTextChanged.connect(lambda _, p=param: self._on_edited(p))
            self.editors[param.key] = [combo]
            return combo
        edits = [QLineEdit() for _ in range(param.size)]
        for edit in edits:
            edit.setMinimumWidth(EDIT_WIDTH)
            edit.setToolTip(param.tip)
            edit.editingFinished.connect(lambda p=param: self._on_edited(p))
        self.editors[param.key] = edits
        return _file_row(edits[0], param) if param.kind == FILE else _grid(edits)

    def _entries(self, param: Param):
        widgets = self.editors[param.key]
        if param.kind == CHOICE:
            return (widgets[0].currentText(),)
        return tuple(edit.text() for edit in widgets)

    def _on_edited(self, param: Param) -> None:
        try:
            config = with_value(self.state.config, param, parse(param, self._entries(param)))
        except ValueError as err:
            self._mark(param, str(err))
            return
        problem = config_problem(config)
        self._mark(param, problem and f"{param.label}: {problem}")
        if problem is None:
            self.state.set_config(config)

    def _mark(self, param: Param, problem) -> None:
        """Show ``problem`` (or clear it) on the param's fields and above them."""
        for widget in self.editors[param.key]:
            widget.setStyleSheet(ERROR_STYLE if problem else "")
            widget.setToolTip(problem or param.tip)
        if problem:
            self.problems[param.key] = problem
        else:
            self.problems.pop(param.key, None)
        self.problem.setText("\n".join(self.problems.values()))
        self.problem.setVisible(bool(self.problems))

    def _on_options_edited(self, *_) -> None:
        self.state.set_options(RunOptions(self.device.currentText(), self.dtype.currentText()))

    def _update_from_config(self, *_) -> None:
        for param in PARAMS:
            self._mark(param, None)
            widgets = self.editors[param.key]
            for widget, text in zip(widgets, texts(self.state.config, param)):
                widget.blockSignals(True)
                if param.kind == CHOICE:
                    widget.setCurrentText(text)
                else:
                    widget.setText(text)
                    widget.setCursorPosition(0)  # a narrow field shows the number's start
                widget.blockSignals(False)
        self._update_placeholders()

    def _update_placeholders(self, *_) -> None:
        for param in PARAMS:
            if param.optional and param.kind != CHOICE:
                text = resolved_text(self.state.model, param)
                for edit in self.editors[param.key]:
                    edit.setPlaceholderText(text if param.size == 1 else "auto")

    def _update_from_options(self, options) -> None:
        for combo, text in ((self.device, options.device), (self.dtype, options.dtype)):
            combo.blockSignals(True)
            if combo.findText(text) < 0:
                combo.addItem(text)
            combo.setCurrentText(text)
            combo.blockSignals(False)


def _grid(edits) -> QWidget:
    box = QWidget()
    grid = QGridLayout(box)
    grid.setContentsMargins(0, 0, 0, 0)
    grid.setHorizontalSpacing(3)
    for i, edit in enumerate(edits):
        grid.addWidget(edit, i // 3, i % 3)
    return box


def _file_row(edit: QLineEdit, param: Param) -> QWidget:
    box = QWidget()
    row = QHBoxLayout(box)
    row.setContentsMargins(0, 0, 0, 0)
    button = QPushButton("\u2026")
    button.setMaximumWidth(28)
    button.setToolTip(f"Choose the {param.label}")

    def choose() -> None:
        path, _ = QFileDialog.getOpenFileName(box, f"Choose the {param.label}")
        if path:
            edit.setText(path)
            edit.editingFinished.emit()
    button.clicked.connect(choose)
    row.addWidget(edit, 1)
    row.addWidget(button)
    return box
