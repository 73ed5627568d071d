"""Start nanoBragg Studio: the interactive viewer, or a scripted run with --quit.

With no arguments the window opens on the built-in example (with its C trace log loaded),
or on the last parameters when the user chose File > Start on the last parameters, and
simulates at once. ``--args`` opens a nanoBragg command line;
``--c-trace``, ``--c-image``, ``--trace``, ``--screenshot``, ``--export-trace`` and
``--export-image`` script the rest; ``--series`` opens a series (manifest, NXmx master or
one numbered frame) in the series bar; ``--quit`` exits when they are done (0 on success,
non-zero with one line on stderr otherwise).
"""

from __future__ import annotations

import argparse
import shlex
import sys
from dataclasses import replace
from typing import List, Optional

from PyQt6.QtCore import QtMsgType, qInstallMessageHandler
from PyQt6.QtWidgets import QApplication

from sim.cli.args import parse_args
from sim.model.config import OutputConfig
from sim.errors import InputError

from .example import example_args, example_config, example_trace_log
from .interrupt import INTERRUPTED_EXIT, Interrupts
from .qt_check import qt_start_problem
from .script import Script, run_script
from .settings import APPLICATION, ORGANIZATION, Settings, scratch_settings

PROGRAM = "nanobragg-studio"
#: Qt messages that say nothing to a user (the offscreen platform of scripted runs).
QUIET_QT_MESSAGES = ("does not support propagateSizeHints",)
#: Window sizes accepted by --window-size, pixels (larger ones exhaust the window system).
MIN_WINDOW, MAX_WINDOW = 200, 8192


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):
        self.exit(2, f"{PROGRAM}: {message}\n")


def parse_cli(argv: List[str]) -> argparse.Namespace:
    parser = _Parser(prog=PROGRAM, description="nanoBragg Studio: simulated diffraction images "
                     "and per-pixel traces compared with the C nanoBragg.")
    parser.add_argument("--args", help="nanoBragg command-line flags to open (one quoted string)")
    parser.add_argument("--c-trace", metavar="LOG", help="C trace log to compare with")
    parser.add_argument("--c-image", metavar="FILE", help="C image to compare with (float file or SMV)")
    parser.add_argument("--c-binary", metavar="PATH", help="instrumented nanoBragg for live C traces")
    parser.add_argument("--trace", nargs=2, type=int, metavar=("S", "F"), help="trace pixel (slow, fast)")
    parser.add_argument("--screenshot", metavar="PNG", help="save a PNG of the window")
    parser.add_argument("--export-trace", metavar="FILE", help="save the comparison (.json, .csv, .txt)")
    parser.add_argument("--export-image", metavar="FILE", help="save the image (.img .cbf .edf .tif .bin .png)")
    parser.add_argument("--window-size", metavar="WxH", type=_size, help="window size, e.g. 1800x1000")
    parser.add_argument("--series", metavar="PATH",
                        help="series to open: series_manifest.json, an NXmx master, or one numbered frame")
    parser.add_argument("--quit", action="store_true", help="exit when the scripted steps are done")
    return parser.parse_args(argv)


def _size(text: str):
    try:
        width, height = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected WIDTHxHEIGHT, got {text!r}") from None
    if not (MIN_WINDOW <= width <= MAX_WINDOW and MIN_WINDOW <= height <= MAX_WINDOW):
        raise argparse.ArgumentTypeError(f"{text}: width and height must be {MIN_WINDOW} to "
                                         f"{MAX_WINDOW} pixels")
    return width, height


def _qt_message(kind, context, message: str) -> None:
    if kind != QtMsgType.QtDebugMsg and not any(q in message for q in QUIET_QT_MESSAGES):
        print(message, file=sys.stderr)


def main(argv: Optional[List[str]] = None) -> int:
    """Run the viewer; the exit code (130 after Ctrl-C)."""
    options = parse_cli(sys.argv[1:] if argv is None else argv)
    try:
        return _main(options)
    except KeyboardInterrupt:  # while starting: loading the libraries, opening the window
        return _interrupted()


def report_internal_error(kind, value, traceback) -> None:
    """The viewer's last resort (sys.excepthook): a bug in a slot becomes one line on stderr
    and one dialog asking for a report, never a traceback or an abort."""
    if issubclass(kind, KeyboardInterrupt):
        return
    message = f"internal error, please report it with the command line: {kind.__name__}: {value}"
    print(f"{PROGRAM}: {message}", file=sys.stderr)
    from .widgets.main_window import MainWindow

    window = next((w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)), None)
    if window is not None and window.dialogs:
        window.show_error(message)


def _main(options) -> int:
    qInstallMessageHandler(_qt_message)
    sys.excepthook = report_internal_error
    problem = None if QApplication.instance() else qt_start_problem()
    if problem:
        print(f"{PROGRAM}: {problem}", file=sys.stderr)
        return 2
    app = QApplication.instance() or QApplication([sys.argv[0]])
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    script = Script(options.c_image, tuple(options.trace) if options.trace else None,
                    options.screenshot, options.export_trace, options.export_image)
    settings = scratch_settings() if options.quit else Settings()
    interrupts = Interrupts(None if options.quit else app.closeAllWindows)
    try:
        with interrupts:
            code = _run(app, options, settings, script, interrupts)
            interrupts.wait_for_background(PROGRAM)
    finally:
        settings.close()
    return _interrupted() if interrupts.interrupted else code


def _interrupted() -> int:
    print(f"{PROGRAM}: interrupted", file=sys.stderr)
    return INTERRUPTED_EXIT


def _run(app, options, settings: Settings, script: Script, interrupts: Interrupts) -> int:
    try:
        window = open_window(options, settings, batch=options.quit)
    except InputError as err:
        print(f"{PROGRAM}: {err}", file=sys.stderr)
        return 2
    interrupts.starting = False
    if options.window_size:
        window.resize(*options.window_size)
    window.show()
    if options.quit or not script.empty:
        code = run_script(window, script, lambda: interrupts.interrupted)
        if options.quit or interrupts.interrupted:
            window.close()
            return code
    return app.exec()


def open_window(options, settings: Settings, batch: bool = False):
    """The main window on the configuration the options (or the settings) ask for.

    In a ``batch`` run (--quit) errors go to stderr instead of dialogs.
    Raises InputError for a bad --args line or --c-trace log, before any work starts.
    """
    from sim.trace.c_log import load_trace_log

    parsed = _initial_args(options, settings)  # first: bad input is told before torch loads (2 s)
    c_trace = options.c_trace
    if c_trace is None and parsed.config == example_config():
        c_trace = str(example_trace_log())
    record = None if c_trace is None else load_trace_log(c_trace)
    series = None if options.series is None else _open_series(options.series)
    from .controller import Controller
    from .state import CTrace, RunOptions, ViewerState
    from .widgets.main_window import MainWindow
    from .worker import available_devices

    state = ViewerState(parsed.config, RunOptions(parsed.device or available_devices()[-1], parsed.dtype))
    controller = Controller(state)
    if record is not None:
        state.set_c_trace(CTrace(record, c_trace))
    window = MainWindow(state, controller, settings, available_devices())
    window.dialogs = not batch
    if options.c_binary is not None:
        window.set_c_binary(options.c_binary)
    controller.simulate()
    if series is not None:
        window.series_bar.show_series(*series)
    return window


def _open_series(path: str):
    from sim.series.reader import open_any

    try:
        return open_any(path)
    except InputError as err:
        raise InputError(f"--series: {err}") from None


def _initial_args(options, settings: Settings):
    """Parsed --args, else the last parameters (only when the user chose that, and without
    output flags), else the built-in example."""
    if options.args is not None:
        return _parse(options.args, "--args")
    last = settings.last_command() if settings.restore_session() else None
    if last:
        try:
            parsed = _parse(last, "last parameters")
            return replace(parsed, config=replace(parsed.config, output=OutputConfig()))
        except InputError:
            pass  # e.g. an input file that has gone: start on the example instead
    return parse_args(example_args())


def _parse(text: str, what: str):
    try:
        argv = shlex.split(text)
    except ValueError as err:
        raise InputError(f"{what}: {err}") from None
    if argv and not argv[0].startswith("-"):
        argv = argv[1:]
    try:
        return parse_args(argv)
    except InputError as err:
        raise InputError(f"{what}: {err}") from None
