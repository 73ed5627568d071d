"""A minimal Qt-free signal, so that the viewer's models announce changes without Qt.

Widgets connect small handlers to a model's ``<noun>_changed`` signals; the models can be
built and tested with no QApplication (as napari's ``components`` and silx's plot items).
Signals are emitted on the thread that changes the model: the GUI thread in the viewer.
"""

from __future__ import annotations

from typing import Callable, List


class Signal:
    """A list of callbacks, called in connection order with the emitted arguments."""

    def __init__(self) -> None:
        self._slots: List[Callable] = []

    def connect(self, slot: Callable) -> None:
        if slot not in self._slots:
            self._slots.append(slot)

    def disconnect(self, slot: Callable) -> None:
        self._slots.remove(slot)

    def emit(self, *args) -> None:
        for slot in list(self._slots):
            slot(*args)
