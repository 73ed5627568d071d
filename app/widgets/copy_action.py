"""A Copy action on a table: Ctrl+C while it has focus, and its context menu."""

from __future__ import annotations

from PyQt6.QtCore import Qt
from PyQt6.QtGui import QAction, QKeySequence


def add_copy_action(table, label: str, slot) -> QAction:
    """Give ``table`` a ``label`` action bound to Copy (focus only) and to its context menu."""
    copy = QAction(label, table)
    copy.setShortcut(QKeySequence.StandardKey.Copy)
    copy.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
    copy.triggered.connect(slot)
    table.addAction(copy)
    table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
    return copy
