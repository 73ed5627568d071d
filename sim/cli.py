"""``python -m sim``: replay a nanoBragg command line (images, traces, trace comparison).

Bad input ends with one line on stderr and exit code 2, never a traceback; a trace that
diverges from ``--compare-trace`` exits 1.
"""

from __future__ import annotations

import shlex
import sys
import time
from typing import List, Optional, Sequence

from .errors import InputError, SimulationCancelled


def main(argv: Optional[Sequence[str]] = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "compare-trace":
        from .trace.cli import compare_trace_main

        return compare_trace_main(argv[1:])
    try:
        return _run(argv)
    except InputError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except (SimulationCancelled, KeyboardInterrupt):
        print("error: interrupted", file=sys.stderr)
        return 130


def _run(argv: List[str]) -> int:
    from .cli_args import parse_args
    from .model import build_model
    from .summary import model_summary

    if not argv:
        raise InputError("no arguments: give a nanoBragg command line, e.g. "
                         "-cell 100 100 100 90 90 90 -default_F 100 -N 5 -lambda 1 -distance 100")
    parsed = parse_args(argv)
    for warning in parsed.warnings:
        print(f"WARNING: {warning}", file=sys.stderr)
    model = build_model(parsed.config)
    print("\n".join(model_summary(model)))
    traces = _traces(parsed, model)
    out = parsed.config.output
    explicit = any((out.floatfile, out.intfile, out.pgmfile, out.noisefile))
    if not parsed.trace_pixels or explicit:
        _image(parsed, model, explicit_only=bool(parsed.trace_pixels))
    if parsed.compare_trace:
        return _compare(parsed.compare_trace, traces[0] if traces else None)
    return 0


def _traces(parsed, model):
    from .trace.format import format_trace
    from .trace.tracer import check_pixel_on_detector, trace_pixel

    for slow, fast, _ in parsed.trace_pixels:
        check_pixel_on_detector(model, slow, fast)
    records = []
    for slow, fast, _ in parsed.trace_pixels:
        record = trace_pixel(model.config, slow, fast, device=parsed.device, dtype=parsed.dtype, model=model)
        print("\n".join(format_trace(record)))
        records.append(record)
    if parsed.trace_dir and records:
        from .trace.bundle import write_bundle

        write_bundle(parsed.trace_dir, records, [t for _, _, t in parsed.trace_pixels],
                     "python -m sim " + shlex.join(parsed.argv), records[0].meta["device"],
                     records[0].meta["dtype"])
        print(f"wrote trace bundle to {parsed.trace_dir}")
    return records


def _image(parsed, model, explicit_only: bool) -> None:
    from .outputs import image_stats, roi_mask, write_outputs
    from .simulator import simulate
    from .summary import image_summary

    bar = _ProgressBar(enabled=parsed.config.output.progress)
    result = simulate(model.config, device=parsed.device, dtype=parsed.dtype, progress=bar, model=model)
    bar.close()
    stats = image_stats(result.image.astype("float32"), roi_mask(model))
    print("\n".join(image_summary(stats, result.device, result.dtype, result.elapsed_s)))
    print("\n".join(write_outputs(model, result.image, explicit_only=explicit_only)))


def _compare(c_log: str, ours) -> int:
    from .trace.c_log import load_trace_log
    from .trace.compare import compare_traces, format_table

    if ours is None:
        raise InputError("--compare-trace needs -trace_pixel S F")
    theirs = load_trace_log(c_log, expected_pixel=ours.pixel)
    comparison = compare_traces(ours, theirs)
    print(format_table(comparison))
    return 0 if comparison.first_divergence is None else 1


class _ProgressBar:
    """A progress bar on stderr, shown only once a run has lasted more than a second."""

    def __init__(self, enabled: bool = True):
        self.enabled = enabled
        self.start = time.perf_counter()
        self.shown = False

    def __call__(self, fraction: float) -> None:
        if not self.enabled or time.perf_counter() - self.start < 1.0:
            return
        self.shown = True
        filled = int(40 * fraction)
        sys.stderr.write(f"\r[{'#' * filled}{'.' * (40 - filled)}] {100 * fraction:5.1f}%")
        sys.stderr.flush()

    def close(self) -> None:
        if self.shown:
            sys.stderr.write("\n")
