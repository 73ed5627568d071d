"""What the viewer shows, as a Qt-free model: the configuration, its image, the traces.

``ViewerState`` holds the current ``SimConfig`` and run options, the last simulated image
(a ``SimResult``), the traced pixel, our trace and the C trace of it, their comparison, and
a C image to compare ours with. Each change is announced by a ``<noun>_changed`` signal;
widgets observe it and the controller (``app.controller``) changes it. No Qt, no torch.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Optional, Tuple

from sim.agreement import TRACE_RTOL
from sim.model.config import SimConfig
from sim.trace.compare import Comparison, compare_traces
from sim.trace.record import TraceRecord

from .image_compare import ImageComparison, ReferenceImage, compare_images
from .provenance import command_difference, recorded_command
from .signals import Signal

Pixel = Tuple[int, int]

#: Relative tolerance of the trace comparison per precision: float64 must match the C to
#: 1e-9; float32 carries ~7 digits.
DEFAULT_RTOL = {"float64": TRACE_RTOL, "float32": 1e-5}


@dataclass(frozen=True)
class RunOptions:
    """Where and in which precision the simulator runs (float64 for parity, float32 for speed)."""

    device: str = "cpu"
    dtype: str = "float64"


@dataclass(frozen=True)
class CTrace:
    """A C trace and where it came from: a log file, or a live run of the C binary
    (``argv``: the program and arguments the viewer ran; empty for a log file)."""

    record: TraceRecord
    source: str
    argv: Tuple[str, ...] = ()

    @property
    def live(self) -> bool:
        return bool(self.argv)

    @property
    def pixel(self) -> Optional[Pixel]:
        return self.record.pixel

    @cached_property
    def command(self) -> Optional[str]:
        """The nanoBragg command line the log records (or its case folder does), if any."""
        return recorded_command(self.record.meta.get("command"), None if self.live else self.source)


class ViewerState:
    """The viewer's data. Signals: config_changed, options_changed, image_changed,
    pixel_changed, trace_changed, c_trace_changed, comparison_changed, reference_changed."""

    def __init__(self, config: SimConfig, options: RunOptions = RunOptions()) -> None:
        self.config_changed = Signal()
        self.options_changed = Signal()
        self.image_changed = Signal()
        self.pixel_changed = Signal()
        self.trace_changed = Signal()
        self.c_trace_changed = Signal()
        self.comparison_changed = Signal()
        self.reference_changed = Signal()
        self.config = config
        self.options = options
        self.rtol = DEFAULT_RTOL[options.dtype]
        self.result = None
        self.pixel: Optional[Pixel] = None
        self.our_trace: Optional[TraceRecord] = None
        self.trace_problem: Optional[str] = None
        #: Why the image on show cannot be traced (a series without its nanoBragg line).
        self.trace_blocked: Optional[str] = None
        self.c_trace: Optional[CTrace] = None
        self.comparison: Optional[Comparison] = None
        self.reference: Optional[ReferenceImage] = None
        self.image_comparison: Optional[ImageComparison] = None
        self.reference_problem: Optional[str] = None

    @property
    def model(self):
        """The ``SimModel`` of the image on show, or None before the first image."""
        return None if self.result is None else self.result.model

    @property
    def shape(self) -> Optional[Pixel]:
        """(slow, fast) of the image on show."""
        return None if self.result is None else self.result.image.shape

    @property
    def image_stale(self) -> bool:
        """True when the image on show was made from other parameters than those set."""
        result = self.result
        return result is not None and (result.model.config != self.config or
                                       (result.device, result.dtype) != (self.options.device, self.options.dtype))

    @property
    def pixel_mismatch(self) -> bool:
        """True when our traced pixel and the C trace's pixel are both known and differ."""
        c_pixel = None if self.c_trace is None else self.c_trace.pixel
        return None not in (self.pixel, c_pixel) and tuple(self.pixel) != tuple(c_pixel)

    @property
    def c_trace_foreign(self) -> Optional[str]:
        """How the C trace's recorded command line differs from ours; None when it matches
        or records none. A foreign C trace is shown but never compared."""
        return None if self.c_trace is None else command_difference(self.c_trace.command, self.config)

    @property
    def reference_foreign(self) -> Optional[str]:
        """How the C image's recorded command line differs from ours (as ``c_trace_foreign``)."""
        if self.reference is None:
            return None
        return command_difference(recorded_command(None, self.reference.source), self.config)

    def set_config(self, config: SimConfig) -> None:
        if config != self.config:
            self.trace_blocked = None
            self.config = config
            self.config_changed.emit(config)
            self._update_comparison()

    def set_options(self, options: RunOptions) -> None:
        if options == self.options:
            return
        if self.rtol == DEFAULT_RTOL[self.options.dtype]:
            self.rtol = DEFAULT_RTOL[options.dtype]
        self.options = options
        self.options_changed.emit(options)
        self._update_comparison()

    def set_rtol(self, rtol: float) -> None:
        if rtol != self.rtol:
            self.rtol = rtol
            self._update_comparison()

    def set_result(self, result) -> None:
        """Show a new ``SimResult`` (image, model, timing)."""
        self.result = result
        self._compare_images()
        self.image_changed.emit(result)
        if self.reference is not None:
            self.reference_changed.emit(self.reference)

    def select_pixel(self, pixel: Optional[Pixel]) -> None:
        """The pixel being traced; our old trace is dropped when the pixel changes."""
        pixel = None if pixel is None else (int(pixel[0]), int(pixel[1]))
        if pixel == self.pixel:
            return
        self.pixel = pixel
        self.our_trace = None
        self.trace_problem = None
        self.pixel_changed.emit(pixel)
        self.trace_changed.emit(None)
        self._update_comparison()

    def set_our_trace(self, record: Optional[TraceRecord]) -> None:
        self.our_trace = record
        self.trace_problem = None
        if record is not None and record.pixel != self.pixel:
            self.pixel = record.pixel
            self.pixel_changed.emit(self.pixel)
        self.trace_changed.emit(record)
        self._update_comparison()

    def block_traces(self, reason: str) -> None:
        """Nothing on show can be traced until a config is set: drop our trace, say why."""
        self.trace_blocked = reason
        self.our_trace = None
        self.trace_problem = reason if self.pixel is not None else None
        self.trace_changed.emit(None)
        self._update_comparison()

    def set_trace_problem(self, message: str) -> None:
        """Our trace of the selected pixel failed (the last good trace, if any, is kept)."""
        self.trace_problem = message
        self._update_comparison()

    def set_c_trace(self, c_trace: Optional[CTrace]) -> None:
        self.c_trace = c_trace
        self.c_trace_changed.emit(c_trace)
        self._update_comparison()

    def set_reference(self, reference: Optional[ReferenceImage]) -> None:
        """The C image to compare ours with (None to stop comparing)."""
        self.reference = reference
        self._update_image_comparison()

    def _update_comparison(self) -> None:
        ours = self.our_trace or TraceRecord(pixel=self.pixel, origin="ours")
        theirs = None if self.c_trace is None else self.c_trace.record
        if self.pixel_mismatch or self.c_trace_foreign or theirs is None:
            theirs = TraceRecord(pixel=ours.pixel, origin="none")
        if not ours.entries and not theirs.entries:
            self.comparison = None
        else:
            self.comparison = compare_traces(ours, theirs, rtol=self.rtol)
        self.comparison_changed.emit(self.comparison)

    def _update_image_comparison(self) -> None:
        self._compare_images()
        self.reference_changed.emit(self.reference)

    def _compare_images(self) -> None:
        self.image_comparison, self.reference_problem = None, None
        if self.reference is not None and self.result is not None:
            try:
                self.image_comparison = compare_images(self.result, self.reference)
            except ValueError as err:
                self.reference_problem = str(err)
