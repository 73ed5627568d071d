"""Scripted mode: run the viewer's steps in order, save their outputs, report an exit code.

``python main.py --args "<flags>" --c-trace LOG --trace S F --screenshot OUT.png
--export-trace OUT.json --quit`` simulates, loads the log, traces the pixel, then writes
the files. Each step waits for the background work before the next begins; a failure
prints one line on stderr (through the window's error report) and ends with exit code 1,
as does a traced pixel with a C trace of which nothing could be compared (a log of another
pixel or another command line). An interrupt (Ctrl-C) ends the steps with exit code 130.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable, Optional, Tuple

from PyQt6.QtCore import QEventLoop, QTimer
from PyQt6.QtWidgets import QApplication

from .display import on_image
from .interrupt import INTERRUPTED_EXIT
from .trace_summary import nothing_compared

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


def wait_until(predicate: Callable[[], bool], timeout_s: float = STEP_TIMEOUT_S,
               interrupted: Callable[[], bool] = lambda: False) -> bool:
    """Run the event loop until ``predicate()`` holds; False on time-out or interrupt."""
    deadline = time.monotonic() + timeout_s
    loop = QEventLoop()
    while not predicate():
        if time.monotonic() > deadline or interrupted():
            return False
        QTimer.singleShot(20, loop.quit)
        loop.exec()
    return True


def run_script(window, script: Script, interrupted: Callable[[], bool] = lambda: False) -> int:
    """Do ``script``'s steps in ``window``; 0 when every step succeeded, 130 on interrupt."""
    failures = []
    window.controller.error.connect(failures.append)
    window.script_interrupted = interrupted
    steps = (_wait_for_image, _load_c_image, _trace, _check_compared, _export_image, _export_trace,
             _screenshot)
    for step in steps:
        ok = step(window, script)
        if interrupted():
            return INTERRUPTED_EXIT
        if not ok or failures:
            return 1
    return 0


def _wait_for_image(window, script: Script) -> bool:
    if not wait_until(lambda: not window.controller.simulations.busy,
                      interrupted=window.script_interrupted):
        if not window.script_interrupted():
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
    done = wait_until(lambda: not window.controller.busy, interrupted=window.script_interrupted)
    return done and window.state.our_trace is not None


def _check_compared(window, script: Script) -> bool:
    """A traced pixel with a C trace must have been compared with it."""
    why = nothing_compared(window.state) if script.trace is not None else None
    if why:
        window.show_error(f"nothing compared: {why}")
    return not why


def _export_image(window, script: Script) -> bool:
    return script.export_image is None or window.export_image(script.export_image)


def _export_trace(window, script: Script) -> bool:
    """Export the comparison, with the pixel's sensitivity once it is computed."""
    if script.export_trace is None:
        return True
    wait_until(lambda: not window.explain_panel.sensitivity.busy, interrupted=window.script_interrupted)
    return window.controller.export_comparison(script.export_trace, window.explain_panel.current_sensitivity())


def _screenshot(window, script: Script) -> bool:
    if script.screenshot is None:
        return True
    for _ in range(5):  # let the layout and the plots settle
        QApplication.processEvents()
    if not window.grab().save(script.screenshot):
        window.show_error(f"{script.screenshot}: cannot write the screenshot")
        return False
    return True
