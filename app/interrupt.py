"""Ctrl-C (SIGINT) and SIGTERM end the viewer cleanly, in scripted and interactive runs.

Qt's event loop runs in C++, where Python never sees a signal; a timer wakes the
interpreter a few times a second so that the handler runs. The handler only records the
interrupt and asks the window to close (``on_interrupt``); the scripted steps see
``interrupted`` and stop. Whatever cannot be interrupted (a compiled kernel being built)
is waited for with one line on stderr, and a second Ctrl-C leaves at once.
"""

from __future__ import annotations

import os
import signal
import sys
from typing import Callable, Optional

from PyQt6.QtCore import QThreadPool, QTimer

#: Exit code of a run ended by a signal, as shells report SIGINT.
INTERRUPTED_EXIT = 130
WAKE_MS = 200
#: Background work still running this long after the window closed is announced.
NOTICE_MS = 1000


class Interrupts:
    """Handles SIGINT and SIGTERM while installed (``with Interrupts(...)``)."""

    def __init__(self, on_interrupt: Optional[Callable[[], None]] = None) -> None:
        self.on_interrupt = on_interrupt
        self.interrupted = False
        #: True until the window is up: an interrupt then raises KeyboardInterrupt at once.
        self.starting = True
        self._previous = {}
        self._timer: Optional[QTimer] = None

    def __enter__(self) -> "Interrupts":
        for signum in (signal.SIGINT, signal.SIGTERM):
            self._previous[signum] = signal.signal(signum, self._handle)
        self._timer = QTimer()
        self._timer.timeout.connect(lambda: None)  # gives Python a moment to run the handler
        self._timer.start(WAKE_MS)
        return self

    def __exit__(self, *exc) -> None:
        self._timer.stop()
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)

    def _handle(self, signum, frame) -> None:
        if self.starting:  # plain Python is running (imports, set-up): stop it right here
            raise KeyboardInterrupt
        if self.interrupted:  # the second time: the user does not want to wait
            sys.stderr.flush()
            os._exit(INTERRUPTED_EXIT)
        self.interrupted = True
        if self.on_interrupt is not None:
            QTimer.singleShot(0, self.on_interrupt)

    def wait_for_background(self, program: str) -> None:
        """Wait for work still on the thread pool: a step that cannot be interrupted (a
        compiled kernel build). Said on stderr when it takes more than a moment."""
        pool = QThreadPool.globalInstance()
        if pool.waitForDone(NOTICE_MS):
            return
        print(f"{program}: waiting for a step that cannot be interrupted (a compiled kernel build);"
              " press Ctrl-C again to quit at once", file=sys.stderr)
        while not pool.waitForDone(WAKE_MS):
            pass
