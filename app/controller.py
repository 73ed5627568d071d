"""The viewer's actions: simulate, trace, load and export, with the work off the GUI thread.

The controller changes the ``ViewerState`` and runs the background work: a new config is
simulated (``BackgroundTask``), a clicked pixel is traced by us and, when a C binary is
set, by the C program (``LiveCTrace``). Failures are reported through ``error`` as one
line; whatever the user had (image, traces, parameters) is kept. Widgets call these
methods and observe the state; they hold no physics.
"""

from __future__ import annotations

import json
import shlex
from pathlib import Path
from typing import Any, Callable, Optional

from PyQt6.QtCore import PYQT_VERSION_STR, QT_VERSION_STR, QObject, QThreadPool, pyqtSignal

from sim.cli.args import parse_args
from sim.errors import InputError
from sim.export import export_image
from sim.trace.c_log import load_trace_log
from sim.trace.compare import format_table, to_csv

from .display import on_image
from .example import example_c_image, example_config, example_trace_log
from .image_compare import load_reference
from .live_c import LiveCTrace
from .provenance import export_provenance, provenance_lines
from .state import CTrace, RunOptions, ViewerState
from .worker import BackgroundTask, runtime_versions, simulation_job, simulator_notes, trace_job

TRACE_SUFFIXES = (".log", ".txt", ".trace")
#: Configurations remembered so that a failed edit can be undone alone.
HISTORY = 50
#: How long closing waits for background work to stop (a step between two checks).
SHUTDOWN_WAIT_MS = 500
BUILD_CANCEL_NOTE = ("cancelled; the compiled kernel being built cannot be interrupted: it finishes"
                     " in the background (10-15 s) and is kept for later runs")


class Controller(QObject):
    """Actions on a ``ViewerState``. ``error(message)``: something the user asked failed;
    ``status(message)``: a short note for the status bar."""

    error = pyqtSignal(str)
    status = pyqtSignal(str)

    def __init__(self, state: ViewerState, parent: Optional[QObject] = None) -> None:
        super().__init__(parent)
        self.state = state
        self.c_binary = ""
        self._traced = None
        self._history = []  # (config, options) asked for, newest last; none known to fail
        self.building_kernel = False
        self.simulations = BackgroundTask(parent=self)
        self.traces = BackgroundTask(parent=self)
        self.live_c = LiveCTrace(self)
        self.simulations.finished.connect(self._on_simulated)
        self.simulations.failed.connect(self._on_simulation_failed)
        simulator_notes().note.connect(self.status)
        simulator_notes().building.connect(self._on_building)
        self.traces.finished.connect(state.set_our_trace)
        self.traces.failed.connect(self._on_trace_failed)
        self.live_c.finished.connect(state.set_c_trace)
        self.live_c.failed.connect(self.error)
        state.config_changed.connect(self._on_config_changed)
        state.options_changed.connect(self._on_config_changed)

    @property
    def busy(self) -> bool:
        return self.simulations.busy or self.traces.busy or self.live_c.busy

    def shutdown(self, wait_ms: int = SHUTDOWN_WAIT_MS) -> bool:
        """Stop all background work, drop its late reports and wait up to ``wait_ms`` for it
        to stop; False when a step that cannot be interrupted (a kernel build) still runs."""
        self.simulations.stop()
        self.traces.stop()
        self.live_c.stop()
        return QThreadPool.globalInstance().waitForDone(wait_ms)

    def simulate(self) -> None:
        """Simulate the current config in the background (superseding a running one)."""
        options = self.state.options
        key = self._run_key()
        if not self._history or self._history[-1] != key:
            self._history = self._history[1 - HISTORY:] + [key]
        self.simulations.submit(simulation_job(self.state.config, options.device, options.dtype))

    def cancel(self) -> None:
        """Stop the simulation at once; the image on show stays (marked stale)."""
        if not self.simulations.busy:
            return
        self.simulations.cancel()
        self.status.emit(BUILD_CANCEL_NOTE if self.building_kernel else "simulation cancelled")

    def _on_building(self, building: bool) -> None:
        self.building_kernel = building

    def trace(self, slow: int, fast: int) -> None:
        """Trace pixel (slow, fast): ours always, the C program's too when a binary is set."""
        if self._image_is_current() and not on_image((slow, fast), self.state.shape):
            rows, cols = self.state.shape
            self.status.emit(f"pixel ({slow}, {fast}) is off the detector: the simulated detector has"
                             f" {rows} x {cols} pixels (slow x fast); nothing traced")
            return
        self.state.select_pixel((slow, fast))
        self._follow_example_logs(slow, fast)
        self._trace_selected()

    def _follow_example_logs(self, slow: int, fast: int) -> None:
        """On the built-in example, switch to its C log of the clicked pixel where it has one."""
        c_trace, path = self.state.c_trace, example_trace_log((slow, fast))
        if (c_trace is not None and not c_trace.live and path.is_file() and c_trace.pixel != (slow, fast)
                and Path(c_trace.source).parent == path.parent
                and self.state.config == example_config()):
            self.load_c_trace(str(path))

    def _trace_selected(self) -> None:
        """Trace the selected pixel for the current config, ours and (if set) the C binary's."""
        if self.state.trace_blocked:
            self.state.set_trace_problem(self.state.trace_blocked)
            return
        slow, fast = self.state.pixel
        options = self.state.options
        self._traced = self._run_key()
        self.traces.submit(trace_job(self.state.config, slow, fast, options.device, options.dtype,
                                     self.state.model))
        if self.c_binary:
            self.live_c.run(self.c_binary, self.state.config, slow, fast)

    def _run_key(self):
        return self.state.config, self.state.options

    def apply_command(self, text: str) -> bool:
        """Set everything from a pasted nanoBragg command line; False (and error) if bad."""
        try:
            argv = shlex.split(text)
            if argv and not argv[0].startswith("-"):
                argv = argv[1:]  # the program name
            parsed = parse_args(argv)
        except (ValueError, InputError) as err:
            self.error.emit(f"command line: {err}")
            return False
        current = self.state.options
        dtype = parsed.dtype if any(a.startswith("--dtype") for a in argv) else current.dtype
        self.state.set_options(RunOptions(parsed.device or current.device, dtype))
        self.state.set_config(parsed.config)
        for warning in parsed.warnings:
            self.status.emit(warning)
        if parsed.trace_pixels:
            self.trace(*parsed.trace_pixels[0][:2])
        return True

    def open_example(self) -> None:
        """The built-in example, with its C trace log (and C image, once ours is ready)."""
        self.state.set_config(example_config())
        self.load_c_trace(str(example_trace_log()))

    def compare_with_example_image(self) -> bool:
        """Load the example's C image, if the image on show is the example's."""
        path = example_c_image()
        if path is None or self.state.model is None or self.state.model.config != example_config():
            return False
        return self.load_c_image(str(path))

    def open_file(self, path: str) -> bool:
        """Open a C trace log or a C image, chosen by the file name."""
        if Path(path).suffix.lower() in TRACE_SUFFIXES:
            return self.load_c_trace(path)
        return self.load_c_image(path)

    def _or_message(self, read: Callable[..., Any], *args) -> Any:
        """``read(*args)``, or None once its InputError is shown as one message."""
        try:
            return read(*args)
        except InputError as err:
            self.error.emit(str(err))
            return None

    def load_c_trace(self, path: str) -> bool:
        record = self._or_message(load_trace_log, path)
        if record is None:
            return False
        self.state.set_c_trace(CTrace(record, str(path)))
        return True

    def load_c_image(self, path: str) -> bool:
        if self.state.result is None:
            self.error.emit("wait for our image before loading a C image to compare with")
            return False
        reference = self._or_message(load_reference, path, self.state.shape)
        if reference is None:
            return False
        previous = self.state.reference
        self.state.set_reference(reference)
        if self.state.reference_problem:  # not comparable: keep the previous one (viewing is view_image)
            problem = self.state.reference_problem
            self.state.set_reference(previous)
            self.error.emit(f"{path}: {problem}")
            return False
        return True

    def view_image(self, path: str) -> bool:
        """Load any image (fabio formats, raw float32) to look at it; it is compared with
        ours too when the sizes agree."""
        reference = self._or_message(load_reference, path, self.state.shape)
        if reference is None:
            return False
        self.state.set_reference(reference)
        if self.state.reference_problem:
            self.status.emit(f"shown, not compared: {self.state.reference_problem}")
        return True

    def export_image(self, path: str) -> bool:
        if self.state.result is None:
            self.error.emit("no image to export yet")
            return False
        fmt = self._or_message(export_image, path, self.state.result.image, self.state.model)
        if fmt is None:
            return False
        self.status.emit(f"wrote {path} ({fmt})")
        return True

    def export_comparison(self, path: str, sensitivity=None) -> bool:
        """Write the trace comparison as text (.txt), CSV (.csv) or JSON (.json), with the
        pixel's ``sensitivity`` (``sim.explain.sensitivity.PixelSensitivity``) when given:
        a "sensitivity" entry in JSON, lines after the table in text, and beside a CSV
        file ``NAME_sensitivity.csv`` (a second table would break the first's columns).
        Its provenance (``export_provenance``) goes the same way: a "provenance" entry,
        '# ' lines before the table, ``NAME_provenance.json`` beside a CSV file."""
        comparison = self.state.comparison
        if comparison is None:
            self.error.emit("no trace to export: click a pixel first")
            return False
        files = _comparison_files(Path(path), comparison, sensitivity, self._provenance())
        try:
            for target, text in files.items():
                target.write_text(text, encoding="utf-8")
        except OSError as err:
            self.error.emit(f"{path}: cannot write: {err.strerror or err}")
            return False
        self.status.emit("wrote " + ", ".join(str(p) for p in files))
        return True

    def _provenance(self) -> dict:
        options = self.state.options
        runtime = {"torch": runtime_versions()["torch"], "PyQt6": PYQT_VERSION_STR, "Qt": QT_VERSION_STR,
                   "device": options.device, "dtype": options.dtype}
        return export_provenance(self.state.config, self.state.c_trace, runtime)

    def _on_config_changed(self, *_) -> None:
        """Simulate the new config (unless a failed change was undone) and re-trace at once."""
        if not self._image_is_current():
            self.simulate()
        if self.state.pixel is not None and self._traced != self._run_key():
            self._trace_selected()

    def _on_simulated(self, result) -> None:
        if result.model.config != self.state.config:
            return  # a newer config is on its way
        self.state.set_result(result)
        self.status.emit(f"simulated {result.image.shape[0]} x {result.image.shape[1]} pixels in"
                         f" {result.elapsed_s:.2f} s ({result.device}, {result.dtype}"
                         + ("" if result.kernel == "eager" else f", {result.kernel} kernel") + ")")
        pixel = self.state.pixel
        if pixel is not None and not on_image(pixel, self.state.shape):
            self.state.select_pixel(None)  # the detector has shrunk under it
        elif pixel is not None and self._traced != self._run_key():
            self._trace_selected()

    def _on_simulation_failed(self, message: str) -> None:
        """Say why, and undo the failed change alone: back to the configuration asked for
        just before it (the good edits before it are kept; that one is simulated again)."""
        self.building_kernel = False
        self.error.emit(message)
        if self._history and self._history[-1] == self._run_key():
            self._history.pop()
        if self._history:
            config, options = self._history[-1]
            self.state.set_options(options)
            self.state.set_config(config)

    def _image_is_current(self) -> bool:
        result, options = self.state.result, self.state.options
        return (result is not None and result.model.config == self.state.config
                and (result.device, result.dtype) == (options.device, options.dtype)
                and not self.simulations.busy)

    def _on_trace_failed(self, message: str) -> None:
        self.state.set_trace_problem(message)
        message = f"trace of pixel {self.state.pixel}: {message}"
        if self.simulations.busy:  # the simulation of this config will say what is wrong
            self.status.emit(message)
        else:
            self.error.emit(message)


def _comparison_files(path: Path, comparison, sensitivity, provenance: dict) -> dict:
    """{file: text} of a trace-comparison export to ``path`` (its suffix picks the format)."""
    suffix = path.suffix.lower()
    if suffix == ".json":
        data = {**comparison.to_json(), "provenance": provenance}
        if sensitivity is not None:
            data["sensitivity"] = sensitivity.to_json()
        return {path: json.dumps(data, indent=1) + "\n"}
    if suffix == ".csv":
        files = {path: to_csv(comparison),
                 path.with_name(f"{path.stem}_provenance.json"): json.dumps(provenance, indent=1) + "\n"}
        if sensitivity is not None:
            files[path.with_name(f"{path.stem}_sensitivity.csv")] = sensitivity.to_csv()
        return files
    text = "\n".join(provenance_lines(provenance)) + "\n" + format_table(comparison)
    if sensitivity is not None:
        text += "\n" + "\n".join(sensitivity.to_text()) + "\n"
    return {path: text}
