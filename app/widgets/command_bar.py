"""The command-line bar: the current state as a nanoBragg command line, editable.

It always shows ``format_command(config)``; paste or type a command line and press Enter
(or Apply) to set everything at once; Copy puts the current one on the clipboard.
"""

from __future__ import annotations

from PyQt6.QtCore import pyqtSignal
from PyQt6.QtWidgets import QApplication, QHBoxLayout, QLabel, QLineEdit, QPushButton, QWidget

from sim.cli.args import format_command


class CommandBar(QWidget):
    """Shows and edits ``state.config`` as a command line; ``command_entered`` carries the text."""

    command_entered = pyqtSignal(str)

    def __init__(self, state, parent=None) -> None:
        super().__init__(parent)
        self.state = state
        self.edit = QLineEdit()
        self.edit.setToolTip("The current parameters as a nanoBragg command line. Paste a command "
                             "line here and press Enter to set everything at once.")
        self.apply = QPushButton("Apply")
        self.copy = QPushButton("Copy")
        self.copy.setToolTip("Copy the current command line (Ctrl+Shift+C)")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.addWidget(QLabel("Command line"))
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.apply)
        layout.addWidget(self.copy)
        self.edit.returnPressed.connect(self._on_apply)
        self.apply.clicked.connect(self._on_apply)
        self.copy.clicked.connect(self.copy_command)
        state.config_changed.connect(self.refresh)
        self.refresh()

    def command(self) -> str:
        return format_command(self.state.config)

    def copy_command(self) -> None:
        QApplication.clipboard().setText(self.command())

    def _on_apply(self) -> None:
        text = self.edit.text().strip()
        if text and text != self.command():
            self.command_entered.emit(text)

    def refresh(self, *_) -> None:
        """Show the current config again (after an edit that changed nothing)."""
        self.edit.setText(self.command())
        self.edit.setCursorPosition(0)
