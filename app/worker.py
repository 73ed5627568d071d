"""Running the simulator off the GUI thread: the only module of the viewer that touches torch.

``BackgroundTask`` runs one kind of job at a time on Qt's thread pool. Every ``submit``
starts a new generation and asks the older job to stop; results, errors and progress of an
older generation are dropped, so the newest request always wins and the window never
waits. Jobs are plain functions ``job(progress, cancel) -> result``; ``simulation_job`` and
``trace_job`` build them from a config.
"""

from __future__ import annotations

import logging
import threading
from typing import Callable, List, Optional

import torch
from PyQt6.QtCore import QObject, QRunnable, QThreadPool, pyqtSignal

from sim.errors import InputError, SimulationCancelled
from sim.simulator import SimResult, simulate
from sim.trace.tracer import trace_pixel

Job = Callable[[Callable[[float], None], Callable[[], bool]], object]


def available_devices() -> List[str]:
    """Devices the simulator can run on here: cpu, and cuda when torch sees a GPU."""
    return ["cpu", "cuda"] if torch.cuda.is_available() else ["cpu"]


def runtime_versions() -> dict:
    """What the simulator runs on, for Help > About: torch's version and the devices."""
    devices = ["cpu"] + [f"cuda:{i} {torch.cuda.get_device_name(i)}" for i in range(torch.cuda.device_count())]
    return {"torch": torch.__version__, "CUDA": torch.version.cuda or "none",
            "CPU threads": str(torch.get_num_threads()), "devices": ", ".join(devices)}


class _NoteRelay(QObject):
    """``note``: a line for the status bar; ``building``: a compiled kernel build started
    (True) or ended (False). A build cannot be interrupted, so cancel must say so."""

    note = pyqtSignal(str)
    building = pyqtSignal(bool)


class _NoteHandler(logging.Handler):
    def __init__(self, relay: _NoteRelay) -> None:
        super().__init__(logging.INFO)
        self.relay = relay

    def emit(self, record: logging.LogRecord) -> None:
        self.relay.note.emit(record.getMessage())
        if record.name == "sim.kernel.compiled" and str(record.msg).startswith(("building", "built")):
            self.relay.building.emit(str(record.msg).startswith("building"))


_NOTES: List[_NoteRelay] = []


def simulator_notes() -> _NoteRelay:
    """The simulator's notes (the ``sim`` logger: a compiled kernel being built once, say)
    as a Qt signal, delivered in the thread that first asked for it (the GUI thread)."""
    if not _NOTES:
        relay = _NoteRelay()
        logger = logging.getLogger("sim")
        logger.setLevel(logging.INFO)
        logger.addHandler(_NoteHandler(relay))
        _NOTES.append(relay)
    return _NOTES[0]


class _Relay(QObject):
    """Carries a job's reports from the pool thread to the task's (GUI) thread."""

    done = pyqtSignal(int, object)
    failed = pyqtSignal(int, str)
    progress = pyqtSignal(int, float)
    ended = pyqtSignal()


class _Runnable(QRunnable):
    def __init__(self, generation: int, job: Job, relay: _Relay, stop: threading.Event) -> None:
        super().__init__()
        self.generation, self.job, self.relay, self.stop = generation, job, relay, stop

    def run(self) -> None:
        gen = self.generation
        try:
            result = self.job(lambda fraction: self._report("progress", gen, fraction), self.stop.is_set)
        except SimulationCancelled:
            pass  # asked to stop: cancel() or a newer submit has already moved on
        except InputError as err:
            self._report("failed", gen, str(err))
        except Exception as err:  # a bug must reach the user, not kill the thread silently
            self._report("failed", gen, f"{type(err).__name__}: {err}")
        else:
            self._report("done", gen, result)
        finally:
            self._report("ended")

    def _report(self, signal: str, *args) -> None:
        try:
            getattr(self.relay, signal).emit(*args)
        except RuntimeError:  # the relay is gone with the application: nobody is listening
            self.stop.set()


class BackgroundTask(QObject):
    """One kind of background job; a newer ``submit`` supersedes the running one.

    ``busy``: a job's result is awaited. ``running``: jobs still on a thread, including
    abandoned ones finishing a step that cannot be interrupted (their reports are dropped).
    """

    finished = pyqtSignal(object)
    failed = pyqtSignal(str)
    cancelled = pyqtSignal()
    progress = pyqtSignal(float)
    busy_changed = pyqtSignal(bool)

    def __init__(self, pool: Optional[QThreadPool] = None, parent: Optional[QObject] = None) -> None:
        super().__init__(parent)
        self._pool = pool or QThreadPool.globalInstance()
        self._generation = 0
        self._stop: Optional[threading.Event] = None
        self._busy = False
        self._running = 0
        self._relay = _Relay()  # unparented: a job still running keeps it alive
        self._relay.done.connect(self._on_done)
        self._relay.failed.connect(self._on_failed)
        self._relay.progress.connect(self._on_progress)
        self._relay.ended.connect(self._on_ended)

    @property
    def busy(self) -> bool:
        return self._busy

    @property
    def running(self) -> int:
        return self._running

    def submit(self, job: Job) -> int:
        """Start ``job``; return its generation. The previous job is asked to stop."""
        if self._stop is not None:
            self._stop.set()
        self._generation += 1
        self._stop = threading.Event()
        self._running += 1
        self._pool.start(_Runnable(self._generation, job, self._relay, self._stop))
        self._set_busy(True)
        return self._generation

    def cancel(self) -> None:
        """Stop waiting for the running job: ``cancelled`` is emitted at once. The job stops
        at its next check (between chunks) and whatever it still reports is dropped."""
        was_busy = self._busy
        self.stop()
        if was_busy:
            self.cancelled.emit()

    def stop(self) -> None:
        """Ask the running job to stop and drop anything it still reports."""
        if self._stop is not None:
            self._stop.set()
        self._generation += 1
        self._set_busy(False)

    def _current(self, generation: int) -> bool:
        return generation == self._generation

    def _on_done(self, generation: int, result: object) -> None:
        if self._current(generation):
            self._set_busy(False)
            self.finished.emit(result)

    def _on_failed(self, generation: int, message: str) -> None:
        if self._current(generation):
            self._set_busy(False)
            self.failed.emit(message)

    def _on_ended(self) -> None:
        self._running -= 1

    def _on_progress(self, generation: int, fraction: float) -> None:
        if self._current(generation):
            self.progress.emit(fraction)

    def _set_busy(self, busy: bool) -> None:
        if busy != self._busy:
            self._busy = busy
            self.busy_changed.emit(busy)


def simulation_job(config, device: str, dtype: str) -> Job:
    """A job that simulates ``config``'s whole image into a SimResult.

    The simulator works in chunks of pixels and calls ``progress`` and ``cancel`` between
    them, so a long run reports often and stops soon after it is asked to.
    """
    def job(progress, cancel) -> SimResult:
        return simulate(config, device, dtype, progress=progress, cancel=cancel)
    return job


def trace_job(config, slow: int, fast: int, device: str, dtype: str, model=None) -> Job:
    """A job that traces pixel (slow, fast); ``model`` is reused when it is ``config``'s."""
    if model is not None and model.config != config:
        model = None

    def job(progress, cancel):
        return trace_pixel(config, slow, fast, device=device, dtype=dtype, model=model)
    return job


def explain_job(config, theirs, groups: str, device: str, dtype: str) -> Job:
    """A job that fits ``config``'s parameter ``groups`` ("beam,distance,...", empty for all)
    to ``theirs`` (``sim.explain``) and returns (explained, report lines)."""
    def job(progress, cancel):
        from sim.explain.explain import explain
        from sim.explain.groups import parse_groups
        from sim.explain.report import format_report

        result = explain(config, theirs, parse_groups(groups or None), device=device, dtype=dtype,
                         progress=progress, cancel=cancel)
        return result.explained, format_report(result)
    return job


def sensitivity_job(config, slow: int, fast: int) -> Job:
    """A job that returns (config, ``sim.explain.sensitivity.PixelSensitivity``)."""
    def job(progress, cancel):
        from sim.explain.sensitivity import pixel_sensitivity

        return config, pixel_sensitivity(config, slow, fast)
    return job


def line_trace_job(config, pixels, device: str, dtype: str, model=None) -> Job:
    """A job that traces each of ``pixels`` [(slow, fast), ...] in turn and returns their
    trace records; it reports progress and stops at ``cancel`` between pixels."""
    if model is not None and model.config != config:
        model = None

    def job(progress, cancel):
        from sim.model.resolved import build_model

        built = model if model is not None else build_model(config)
        records = []
        for i, (slow, fast) in enumerate(pixels):
            if cancel():
                raise SimulationCancelled("line trace cancelled")
            records.append(trace_pixel(config, slow, fast, device=device, dtype=dtype, model=built))
            progress((i + 1) / len(pixels))
        return records
    return job
