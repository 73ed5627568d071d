"""Live C tracing: run an instrumented nanoBragg binary for one pixel with QProcess.

The binary gets the viewer's configuration as a command line (``format_args``) plus
``-trace_pixel S F`` and a region of interest of a few pixels around it, so that the C
renders 25 pixels instead of the whole detector (its trace of the pixel is the same: a
pixel's value does not depend on the others), in a fresh temporary folder (its image
files land there and are thrown away). Its printed output is read as a C trace log. A
newer run kills an older one, so the C trace on show is always for the pixel last asked for.
While it runs, ``progress`` says every ``PROGRESS_MS`` how long it has run and how many
trace lines it has printed; at the end, how long it took or that it failed.
"""

from __future__ import annotations

import os
import shlex
from dataclasses import replace
from typing import List, Optional, Tuple

from PyQt6.QtCore import QElapsedTimer, QObject, QProcess, QTemporaryDir, QTimer, pyqtSignal

from sim.cli.args import format_args
from sim.model.config import SimConfig
from sim.errors import InputError
from sim.trace.c_log import parse_trace_text

from .state import CTrace


def absolute_paths(config: SimConfig) -> SimConfig:
    """``config`` with its input files as absolute paths, for a run in another folder."""
    def absolute(path: Optional[str]) -> Optional[str]:
        return None if path is None else os.path.abspath(path)

    crystal = replace(config.crystal, hkl_file=absolute(config.crystal.hkl_file),
                      matrix_file=absolute(config.crystal.matrix_file))
    beam = replace(config.beam, source_file=absolute(config.beam.source_file))
    return replace(config, crystal=crystal, beam=beam)


#: Pixels on each side of the traced one that the C renders.
ROI_HALF = 2
#: How often a running C program's progress is reported.
PROGRESS_MS = 100


def trace_arguments(config: SimConfig, slow: int, fast: int) -> List[str]:
    """The C command line (without the program) that traces pixel (slow, fast), rendering
    only the pixels within ``ROI_HALF`` of it (-roi fmin fmax smin smax, inclusive)."""
    roi = (max(0, fast - ROI_HALF), fast + ROI_HALF, max(0, slow - ROI_HALF), slow + ROI_HALF)
    config = replace(config, detector=replace(config.detector, roi=roi))
    return format_args(absolute_paths(config)) + ["-trace_pixel", str(slow), str(fast)]


class LiveCTrace(QObject):
    """Runs the C binary for one pixel at a time; ``finished`` carries a ``CTrace``."""

    finished = pyqtSignal(object)
    failed = pyqtSignal(str)
    busy_changed = pyqtSignal(bool)
    progress = pyqtSignal(str)

    def __init__(self, parent: Optional[QObject] = None) -> None:
        super().__init__(parent)
        self._process: Optional[QProcess] = None
        self._folder: Optional[QTemporaryDir] = None
        self._pixel: Tuple[int, int] = (0, 0)
        self._argv: Tuple[str, ...] = ()
        self._output = bytearray()
        self._clock = QElapsedTimer()
        self._ticker = QTimer(self, interval=PROGRESS_MS)
        self._ticker.timeout.connect(self._report_progress)

    @property
    def busy(self) -> bool:
        return self._process is not None

    def run(self, binary: str, config: SimConfig, slow: int, fast: int) -> None:
        """Start ``binary`` for pixel (slow, fast), stopping any run in progress."""
        self.stop()
        self._folder = QTemporaryDir()
        self._pixel = (slow, fast)
        arguments = trace_arguments(config, slow, fast)
        self._argv = (binary, *arguments)
        process = QProcess(self)
        process.setWorkingDirectory(self._folder.path())
        process.setProcessChannelMode(QProcess.ProcessChannelMode.MergedChannels)
        process.finished.connect(self._on_finished)
        process.errorOccurred.connect(self._on_error)
        process.readyReadStandardOutput.connect(self._read_output)
        self._process = process
        self._output = bytearray()
        self._clock.start()
        process.start(binary, arguments)
        self._ticker.start()
        self.busy_changed.emit(True)
        self._report_progress()

    def _read_output(self) -> None:
        if self._process is not None and self.sender() is self._process:
            self._output += bytes(self._process.readAll())

    def _report_progress(self) -> None:
        lines = self._output.count(b"TRACE_C")
        self.progress.emit(f"C program on pixel ({self._pixel[0]}, {self._pixel[1]}): running"
                           f" {self._clock.elapsed() / 1000:.1f} s, {lines} trace lines so far")

    def stop(self) -> None:
        """Kill the run in progress, if any; it reports nothing."""
        process, self._process = self._process, None
        if process is None:
            return
        process.finished.disconnect(self._on_finished)
        process.errorOccurred.disconnect(self._on_error)
        process.readyReadStandardOutput.disconnect(self._read_output)
        self._ticker.stop()
        if process.state() != QProcess.ProcessState.NotRunning:
            process.kill()
            process.waitForFinished(2000)
        process.deleteLater()
        self.busy_changed.emit(False)

    def _on_finished(self, exit_code: int, exit_status) -> None:
        process = self._process
        if process is None or self.sender() is not process:
            return
        self._output += bytes(process.readAll())
        output = self._output.decode("utf-8", errors="replace")
        origin = f"{process.program()} -trace_pixel {self._pixel[0]} {self._pixel[1]}"
        seconds = self._clock.elapsed() / 1000
        self._finish()
        try:
            record = parse_trace_text(output, origin, expected_pixel=self._pixel)
        except InputError as err:
            tail = f" (exit code {exit_code})" if exit_code else ""
            self.progress.emit(f"C program on pixel {self._pixel} failed after {seconds:.2f} s{tail}")
            self.failed.emit(f"live C trace failed{tail}: {err}")
            return
        self.progress.emit(f"C trace of pixel ({self._pixel[0]}, {self._pixel[1]}) read in {seconds:.2f} s")
        if not record.meta.get("command"):
            record.meta["command"] = shlex.join(self._argv)
        self.finished.emit(CTrace(record, origin, self._argv))

    def _on_error(self, error) -> None:
        process = self._process
        if process is None or error != QProcess.ProcessError.FailedToStart:
            return
        message = f"cannot start the C program {process.program()!r}: {process.errorString()}"
        self._finish()
        self.progress.emit("the C program did not start")
        self.failed.emit(message)

    def _finish(self) -> None:
        self._ticker.stop()
        process, self._process = self._process, None
        if process is not None:
            process.deleteLater()
        self.busy_changed.emit(False)
