"""Viewer interaction latency on the built-in example, measured through the real window.

    QT_QPA_PLATFORM=offscreen python benchmarks/bench_viewer.py [--repeat 5] [--c-binary PATH]

Prints the median of ``--repeat`` runs of:
- click to trace shown: ``controller.trace`` until the trace panel shows our trace of that pixel;
- parameter change to new image (warm: the window has simulated the example once): a new
  wavelength set until the image of it is on show;
- live C per click (with ``--c-binary``, an instrumented nanoBragg): until the C trace of the
  clicked pixel is loaded.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PyQt6.QtCore import QSettings  # noqa: E402
from PyQt6.QtWidgets import QApplication  # noqa: E402

from app.controller import Controller  # noqa: E402
from app.example import example_config  # noqa: E402
from app.script import wait_until  # noqa: E402
from app.settings import Settings  # noqa: E402
from app.state import ViewerState  # noqa: E402
from app.widgets.main_window import MainWindow  # noqa: E402

PIXELS = ((368, 262), (256, 256), (10, 500), (300, 200), (400, 100), (120, 330), (480, 40))


def _window(folder: str) -> MainWindow:
    state = ViewerState(example_config())
    controller = Controller(state)
    window = MainWindow(state, controller, Settings(QSettings(f"{folder}/bench.ini", QSettings.Format.IniFormat)),
                        ["cpu"])
    window.resize(1600, 1000)
    window.show()
    controller.simulate()
    wait_until(lambda: not controller.busy)
    return window


def _timed(start_action, done) -> float:
    start = time.perf_counter()
    start_action()
    wait_until(done)
    return time.perf_counter() - start


def click_to_trace(window, repeat: int) -> float:
    times = []
    for slow, fast in PIXELS[:repeat]:
        times.append(_timed(lambda: window.controller.trace(slow, fast),
                            lambda: window.trace_panel.title.text().endswith(f"(slow {slow}, fast {fast})")
                            and window.state.our_trace is not None and window.state.our_trace.pixel == (slow, fast)))
    return statistics.median(times)


def change_to_image(window, repeat: int) -> float:
    times = []
    for i in range(repeat):
        config = window.state.config
        new = replace(config, beam=replace(config.beam, wavelength_A=1.0 + 1e-3 * (i + 1)))
        times.append(_timed(lambda: window.state.set_config(new),
                            lambda: window.state.result.model.config == new and not window.controller.busy))
    return statistics.median(times)


def live_c_per_click(window, binary: str, repeat: int) -> float:
    window.set_c_binary(binary)
    times = []
    for slow, fast in PIXELS[:repeat]:
        times.append(_timed(lambda: window.controller.trace(slow, fast),
                            lambda: window.state.c_trace is not None and window.state.c_trace.live
                            and window.state.c_trace.pixel == (slow, fast) and not window.controller.live_c.busy))
    window.set_c_binary("")
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--c-binary", help="instrumented nanoBragg for the live C timing")
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as folder:
        window = _window(folder)
        print(f"click to trace shown:            {click_to_trace(window, args.repeat) * 1000:8.1f} ms (median)")
        print(f"parameter change to new image:   {change_to_image(window, args.repeat) * 1000:8.1f} ms (median)")
        if args.c_binary:
            print(f"live C per click (-roi 5 x 5):   {live_c_per_click(window, args.c_binary, args.repeat) * 1000:8.1f}"
                  " ms (median)")
        window.close()
    app.processEvents()


if __name__ == "__main__":
    main()
