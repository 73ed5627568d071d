"""Scripted mode: run the viewer's steps in order, save their outputs, report an exit code.

``python main.py --args "<flags>" --c-trace LOG --trace S F --screenshot OUT.png
--export-trace OUT.json --quit`` simulates, loads the log, traces the pixel, then writes
the files. Each step waits for the background work before the next begins; a failure
prints one line on stderr (through the window's error report) and ends with exit code 1.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable, Optional, Tuple

from PyQt6.QtCore import QEventLoop, QTimer
from PyQt6.QtWidgets import QApplication

from .display import on_image

#: Longest wait for one step (simulation or trace), seconds.
STEP_TIMEOUT_S = 3600.0


@dataclass(frozen=True)
class Script:
    """What a scripted run does after the window has opened its configuration."""

    c_image: Optional[str] = None
    trace: Optional[Tuple[int, int]] = None
    screenshot: Optional[str] = None
    export_trace: Optional[str] = None
    export_image: Optional[str] = None

    @property
    def empty(self) -> bool:
        return not any((self.c_image, self.trace, self.screenshot, self.export_trace, self.export_image))


def wait_until(predicate: Callable[[], bool], timeout_s: float = STEP_TIMEOUT_S) -> bool:
    """Run the event loop until ``predicate()`` holds; False on time-out."""
    deadline = time.monotonic() + timeout_s
    loop = QEventLoop()
    while not predicate():
        if time.monotonic() > deadline:
            return False
        QTimer.singleShot(20, loop.quit)
        loop.exec()
    return True


def run_script(window, script: Script) -> int:
    """Do ``script``'s steps in ``window``; 0 when every step succeeded."""
    failures = []
    window.controller.error.connect(failures.append)
    steps = (_wait_for_image, _load_c_image, _trace, _export_image, _export_trace, _screenshot)
    for step in steps:
        if not step(window, script) or failures:
            return 1
    return 0


def _wait_for_image(window, script: Script) -> bool:
    if not wait_until(lambda: not window.controller.simulations.busy):
        window.show_error("the simulation did not finish in time")
        return False
    return window.state.result is not None


def _load_c_image(window, script: Script) -> bool:
    return script.c_image is None or window.controller.load_c_image(script.c_image)


def _trace(window, script: Script) -> bool:
    if script.trace is None:
        return True
    if not on_image(script.trace, window.state.shape):
        shape = window.state.shape
        window.show_error(f"--trace {script.trace[0]} {script.trace[1]}: off the detector "
                          f"({shape[0]} x {shape[1]} pixels, slow x fast)")
        return False
    window.controller.trace(*script.trace)
    done = wait_until(lambda: not window.controller.busy)
    return done and window.state.our_trace is not None


def _export_image(window, script: Script) -> bool:
    return script.export_image is None or window.export_image(script.export_image)


def _export_trace(window, script: Script) -> bool:
    return script.export_trace is None or window.controller.export_comparison(script.export_trace)


def _screenshot(window, script: Script) -> bool:
    if script.screenshot is None:
        return True
    for _ in range(5):  # let the layout and the plots settle
        QApplication.processEvents()
    if not window.grab().save(script.screenshot):
        window.show_error(f"{script.screenshot}: cannot write the screenshot")
        return False
    return True
