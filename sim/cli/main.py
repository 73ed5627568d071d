"""``python -m sim``: replay a nanoBragg command line (images, traces, trace comparison).

``python -m sim explain ...`` fits our parameters to another image (``sim.explain.cli``).

Bad input ends with one line on stderr and exit code 2, never a traceback; a trace that
diverges from ``--compare-trace`` exits 1; every exit code is listed in ``sim.cli.guard``.
"""

from __future__ import annotations

import importlib
import logging
import shlex
import sys
import time
from pathlib import Path
from typing import List, Optional, Sequence

from sim.cli.guard import run_guarded
from sim.errors import InputError
from sim.model.validation import check_config


#: Subcommands: name -> (module, function taking the remaining arguments), imported on use.
SUBCOMMANDS = {
    "compare-trace": ("sim.trace.cli", "compare_trace_main"),
    "warmup": ("sim.kernel.warmup", "warmup_main"),
    "explain": ("sim.explain.cli", "explain_main"),
    "series": ("sim.series.cli", "series_main"),
}


def main(argv: Optional[Sequence[str]] = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    _show_notes()
    if argv and argv[0] in SUBCOMMANDS:
        module, function = SUBCOMMANDS[argv[0]]
        return run_guarded(getattr(importlib.import_module(module), function), argv[1:])
    return run_guarded(_run, argv)


def _show_notes() -> None:
    """The simulator's notes (a kernel being built once, say) as ``note: ...`` on stderr."""
    logger = logging.getLogger("sim")
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(_NoteFormatter())
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False


class _NoteFormatter(logging.Formatter):
    """``note: ...``, and ``warning: ...`` for what went wrong (a kernel that cannot be used)."""

    def format(self, record: logging.LogRecord) -> str:
        return f"{'warning' if record.levelno >= logging.WARNING else 'note'}: {record.getMessage()}"


def _run(argv: List[str]) -> int:
    from sim.cli.args import parse_args

    if not argv:
        raise InputError("usage: python -m sim -cell a b c alpha beta gamma -default_F F "
                         "-N 5 -lambda 1 -distance 100 [nanoBragg options] (no arguments given)")
    parsed = parse_args(argv)
    for warning in parsed.warnings + _fdump_warning(parsed.config):
        print(f"WARNING: {warning}", file=sys.stderr)
    check_config(parsed.config)  # warnings come with the model summary
    _check_device(parsed.device)
    c_trace = _load_c_trace(parsed)
    out = parsed.config.output
    explicit = any((out.floatfile, out.intfile, out.pgmfile, out.noisefile))
    write_image = not parsed.trace_pixels or explicit or bool(parsed.exports)
    if write_image:  # before any long work, and before torch is imported
        from sim.io.outputs import check_writable, output_files

        check_writable(output_files(out, explicit_only=bool(parsed.trace_pixels)))
    from sim.model.work_guard import check_work

    check_work(parsed.config, parsed.device, force=parsed.force,
               pixels=None if write_image else len(parsed.trace_pixels))
    _check_exports(parsed.exports)
    model = _checked_model(parsed)
    traces = _traces(parsed, model, argv)
    if write_image:
        _image(parsed, model, explicit_only=bool(parsed.trace_pixels))
    if c_trace is not None:
        return _compare(c_trace, traces[0])
    return 0


def _checked_model(parsed):
    """Build the model (reading its input files) and check the traced pixels."""
    from sim.model.resolved import build_model
    from sim.cli.summary import model_summary

    model = build_model(parsed.config)
    if parsed.trace_pixels:  # the tracer's modules are imported only for traces
        from sim.trace.tracer import check_pixel_on_detector

        for slow, fast, _ in parsed.trace_pixels:
            check_pixel_on_detector(model, slow, fast)
    print("\n".join(model_summary(model)))
    return model


def _check_device(device: Optional[str]) -> None:
    """InputError for ``--device cuda[:N]`` where torch sees no such GPU."""
    if device is None or not device.startswith("cuda"):
        return
    import torch

    suffix = device.partition(":")[2]
    index = 0 if not suffix else int(suffix) if suffix.isdigit() else None
    count = torch.cuda.device_count() if torch.cuda.is_available() else 0
    if index is None or index >= count:
        raise InputError(f"--device {device}: no such CUDA device (torch sees {count})")


def _fdump_warning(config) -> tuple:
    """The C program silently reads structure factors from ./Fdump.bin (left by an earlier run
    with -hkl) when no -hkl is given; we never do, and say so when such a file is there."""
    if config.crystal.hkl_file is None and Path("Fdump.bin").exists():
        return ("ignoring ./Fdump.bin: the C program would take its structure factors from it "
                "(left by an earlier -hkl run); give -hkl to use a table",)
    return ()


def _load_c_trace(parsed):
    """The ``--compare-trace`` C log, read before any work is done (None without the option)."""
    if not parsed.compare_trace:
        return None
    if not parsed.trace_pixels:
        raise InputError("--compare-trace needs -trace_pixel S F")
    from sim.trace.c_log import load_trace_log

    slow, fast, _ = parsed.trace_pixels[0]
    return load_trace_log(parsed.compare_trace, expected_pixel=(slow, fast))


def _traces(parsed, model, argv: List[str]):
    if not parsed.trace_pixels:
        return []
    from sim.trace.format import format_trace
    from sim.trace.tracer import trace_pixel

    records, sensitivities = [], []
    for slow, fast, _ in parsed.trace_pixels:
        record = trace_pixel(model.config, slow, fast, device=parsed.device, dtype=parsed.dtype, model=model)
        print("\n".join(format_trace(record)))
        if parsed.sensitivity:
            sensitivities.append(_sensitivity(model.config, slow, fast))
        records.append(record)
    if parsed.trace_dir and records:
        from sim.trace.bundle import write_bundle

        write_bundle(parsed.trace_dir, records, [t for _, _, t in parsed.trace_pixels],
                     "python -m sim " + shlex.join(argv), records[0].meta["device"],
                     records[0].meta["dtype"], sensitivities=sensitivities or None)
        print(f"wrote trace bundle to {parsed.trace_dir}")
    return records


def _sensitivity(config, slow: int, fast: int):
    from sim.explain.sensitivity import pixel_sensitivity

    sensitivity = pixel_sensitivity(config, slow, fast)
    print("\n".join(sensitivity.to_text()))
    return sensitivity


def _image(parsed, model, explicit_only: bool) -> None:
    from sim.io.outputs import image_stats, roi_mask, write_outputs
    from sim.simulator import simulate
    from sim.cli.summary import image_summary

    bar = _ProgressBar(enabled=parsed.config.output.progress)
    result = simulate(model.config, device=parsed.device, dtype=parsed.dtype, progress=bar, model=model,
                      compile="wait" if parsed.wait_kernel else "auto")
    bar.close()
    stats = image_stats(result.image.astype("float32"), roi_mask(model))
    _warn_non_finite(result.image)
    print("\n".join(image_summary(stats, result.device, result.dtype, result.elapsed_s, result.kernel)))
    noise_seed = _export_noise_seed(model) if parsed.exports else None
    print("\n".join(write_outputs(model, result.image, explicit_only=explicit_only)))
    _export(parsed.exports, result.image, model, noise_seed)


def _check_exports(paths) -> None:
    """Each ``--export`` path: a known format in a writable folder (checked before the run)."""
    from sim.export import check_export_path

    for path in paths:
        check_export_path(path)


def _export_noise_seed(model) -> Optional[int]:
    """The seed of the noise image the exports hold; None under -nonoise (noiseless exports).
    Without -seed the time seed is fixed here, in the model, so that the noise file and the
    exports hold the same draw."""
    import dataclasses

    out = model.config.output
    if out.nonoise:
        return None
    if out.seed is None:
        out = dataclasses.replace(out, seed=int(time.time()))
        model.config = dataclasses.replace(model.config, output=out)
    return out.seed


def _export(paths, image, model, noise_seed: Optional[int]) -> None:
    from sim.export import export_image

    what = "noiseless" if noise_seed is None else f"noise image, seed {noise_seed}"
    for path in paths:
        fmt = export_image(path, image, model, noise_seed=noise_seed)
        print(f"wrote {path} ({fmt}, {what}, geometry in the imgCIF frame)")


def _warn_non_finite(image) -> None:
    """One line when pixels are NaN or infinite, whatever made them so (the C runs on)."""
    import numpy as np

    bad = int(image.size - np.isfinite(image).sum())
    if bad:
        print(f"WARNING: {bad} of {image.size} pixels are NaN or infinite", file=sys.stderr)


def _compare(theirs, ours) -> int:
    from sim.trace.compare import compare_traces, format_table

    comparison = compare_traces(ours, theirs)
    print(format_table(comparison))
    return 0 if comparison.first_divergence is None else 1


class _ProgressBar:
    """A progress bar on stderr, shown only once a run has lasted more than a second,
    redrawn at most ten times a second (and at the end)."""

    def __init__(self, enabled: bool = True):
        self.enabled = enabled
        self.start = time.perf_counter()
        self.shown = False
        self.drawn_at = 0.0

    def __call__(self, fraction: float) -> None:
        now = time.perf_counter()
        if not self.enabled or now - self.start < 1.0:
            return
        if fraction < 1.0 and now - self.drawn_at < 0.1:
            return
        self.shown, self.drawn_at = True, now
        filled = int(40 * fraction)
        sys.stderr.write(f"\r[{'#' * filled}{'.' * (40 - filled)}] {100 * fraction:5.1f}%")
        sys.stderr.flush()

    def close(self) -> None:
        if self.shown:
            sys.stderr.write("\n")
