"""The trace comparison as a Qt table: one row per quantity, coloured by agreement.

Columns: quantity, unit, ours, C, abs diff, rel diff, agree. Real numbers show in one fixed
scientific format (10 significant digits, enough to see a 1e-9 relative difference), so
that columns line up and nothing is cut; copied rows carry the C's own %.15g text. The first
divergence is bold on a stronger red; one-side-only rows say which side has them.
``TraceFilter`` narrows rows by text (name, unit or description) and can keep only rows
that differ.
"""

from __future__ import annotations

from collections import Counter
from typing import Optional

from PyQt6.QtCore import QAbstractTableModel, QModelIndex, QSortFilterProxyModel, Qt
from PyQt6.QtGui import QBrush, QColor, QFont

from sim.trace.compare import AGREE, DIFFER, OURS_ONLY, THEIRS_ONLY
from sim.trace.schema import SCALAR, VEC3, quantity

from ..trace_summary import value_text

COLUMNS = ("quantity", "unit", "ours", "C", "abs diff", "rel diff", "agree")
AGREE_TEXT = {AGREE: "\u2713", DIFFER: "\u2717", OURS_ONLY: "ours only", THEIRS_ONLY: "C only"}
BACKGROUND = {AGREE: "#e4f4e1", DIFFER: "#ffd6d1", OURS_ONLY: "#ececec", THEIRS_ONLY: "#e3ebfb"}
FIRST_BACKGROUND = "#ff8f80"
TEXT_COLOUR = "#1a1a1a"
SCIENTIFIC = "{:.9e}"


def table_text(name: str, value) -> str:
    """A traced value as the table shows it: real scalars and vectors in ``SCIENTIFIC``, a
    vector's components one per line (so ours and C fit side by side in a narrow dock)."""
    if value is None:
        return ""
    if quantity(name).kind in (SCALAR, VEC3) and isinstance(value, tuple):
        try:
            return "\n".join(SCIENTIFIC.format(float(v)) for v in value)
        except (TypeError, ValueError):
            pass
    return value_text(name, value)


class TraceTableModel(QAbstractTableModel):
    """Rows of a ``Comparison`` (or none)."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.rows = ()
        self.first: Optional[int] = None
        self._repeated = Counter()

    def set_comparison(self, comparison) -> None:
        self.beginResetModel()
        self.rows = () if comparison is None else comparison.rows
        first = None if comparison is None else comparison.first_divergence
        self.first = None if first is None else self.rows.index(first)
        self._repeated = Counter(r.name for r in self.rows)
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        row = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, index.column())
        if role == Qt.ItemDataRole.BackgroundRole:
            first = index.row() == self.first
            return QBrush(QColor(FIRST_BACKGROUND if first else BACKGROUND[row.status]))
        if role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(QColor(TEXT_COLOUR))
        if role == Qt.ItemDataRole.FontRole and index.row() == self.first:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row)
        return None

    def label(self, row) -> str:
        """The quantity column: the name, with its occurrence when it repeats."""
        return f"{row.name} [{row.occurrence}]" if self._repeated[row.name] > 1 else row.name

    def copy_text(self, row_index: int, column: int) -> str:
        """A cell as copied: values in the C's own full-precision text."""
        row = self.rows[row_index]
        if column in (2, 3):
            return value_text(row.name, row.ours if column == 2 else row.theirs)
        return self._text(row, column)

    def _text(self, row, column: int) -> str:
        if column == 0:
            return self.label(row)
        if column == 1:
            return row.unit
        if column in (2, 3):
            return table_text(row.name, row.ours if column == 2 else row.theirs)
        if column in (4, 5):
            value = row.abs_diff if column == 4 else row.rel_diff
            return "" if value is None else f"{value:.3g}"
        return AGREE_TEXT[row.status]

    def _tooltip(self, row) -> str:
        q = quantity(row.name)
        unit = f" [{q.unit}]" if q.unit else ""
        return (f"<b>{row.name}</b>{unit}: {q.description}<br>ours: {value_text(row.name, row.ours)}"
                f"<br>C: {value_text(row.name, row.theirs)}<br>{row.status}")


class TraceFilter(QSortFilterProxyModel):
    """Keeps rows whose name, unit or description contains the text (any case)."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.text = ""
        self.differences_only = False

    def set_text(self, text: str) -> None:
        self.text = text.strip().lower()
        self.invalidateFilter()

    def set_differences_only(self, on: bool) -> None:
        self.differences_only = on
        self.invalidateFilter()

    def filterAcceptsRow(self, source_row: int, source_parent) -> bool:
        row = self.sourceModel().rows[source_row]
        if self.differences_only and row.status == AGREE:
            return False
        if not self.text:
            return True
        q = quantity(row.name)
        return any(self.text in field.lower() for field in (row.name, q.unit, q.description))
