"""Run one command line with the C nanoBragg and with this port, and compare the results.

The C program runs single-threaded (OMP_NUM_THREADS=1, so its loop order, on which the
phi = 0 and interpolation quirks depend, is fixed) in a scratch folder without
``Fdump.bin``; the port runs in-process (``sim.cli.args.parse_args`` + ``simulate``), so a
line costs no interpreter start-up. Images are compared with ``sim.agreement``'s golden
tolerances (float64) or ``FLOAT32_*`` (float32); traces with ``sim.trace.compare``.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import List, Optional, Sequence, Tuple

import numpy as np

from sim.agreement import image_agreement
from sim.cli.args import parse_args
from sim.errors import InputError
from sim.model.resolved import build_model
from sim.simulator import iterations_per_pixel, roi_rectangle, simulate
from sim.trace.c_log import parse_trace_text
from sim.trace.compare import DIFFER, compare_traces
from sim.trace.tracer import trace_pixel

#: float32 (the viewer's fast mode) against the C's float64 arithmetic: float32 Miller
#: indices and sums keep about 7 digits, so sums over many sub-pixels, sources and
#: orientations drift by up to ~1e-4 and a pixel on the edge of a top-hat spot or of a
#: -dmin cut may flip. Stated tolerance: r >= 0.9999, sum within 1e-4, max |diff| within
#: 1e-3 of the maximum.
FLOAT32_MIN_PEARSON_R = 0.9999
FLOAT32_MAX_SUM_REL_ERROR = 1e-4
FLOAT32_MAX_DIFF_OF_MAX = 1e-3
#: Pearson r is not applied when every pixel agrees to within this fraction of the maximum
#: (a few float32 steps of the C's output): on a nearly flat image (N = 1, say) the C's
#: float32 rounding alone pulls r below 0.99999.
FLAT_MAX_DIFF_OF_MAX = {"float64": 1e-6, "float32": 1e-5}
#: The C program's environment: one thread, so one loop order.
C_ENV = {**os.environ, "OMP_NUM_THREADS": "1"}


@dataclass
class Outcome:
    """What one line gave: ``failures`` (dtype -> reasons) is empty when everything agreed."""

    line: str
    stats: dict = field(default_factory=dict)
    failures: dict = field(default_factory=dict)
    trace_diffs: List[str] = field(default_factory=list)
    skipped: Optional[str] = None
    c_image: Optional[np.ndarray] = None
    shape: Tuple[int, int] = (0, 0)


def cost(argv: Sequence[str], scratch: Path) -> int:
    """Kernel iterations the line needs (pixels in the ROI x samples x orientations)."""
    model = _in(scratch, lambda: build_model(parse_args(full_argv(argv)).config))
    s0, s1, f0, f1 = roi_rectangle(model, (0, model.detector.spixels, 0, model.detector.fpixels))
    return (s1 - s0) * (f1 - f0) * iterations_per_pixel(model)


def run_c(c_binary: str, argv: Sequence[str], scratch: Path, timeout_s: float,
          trace: Optional[Tuple[int, int]] = None) -> Tuple[Optional[np.ndarray], str]:
    """The C's float image (None if it failed) and everything it printed."""
    (scratch / "Fdump.bin").unlink(missing_ok=True)
    (scratch / "c.bin").unlink(missing_ok=True)
    extra = [] if trace is None else ["-trace_pixel", str(trace[0]), str(trace[1])]
    done = subprocess.run([c_binary, *full_argv(argv), *extra],
                          cwd=scratch, env=C_ENV, capture_output=True, text=True, errors="replace",
                          timeout=timeout_s)
    path = scratch / "c.bin"
    if done.returncode != 0 or not path.exists():
        return None, done.stdout + done.stderr
    return np.fromfile(path, "<f4"), done.stdout


def full_argv(argv: Sequence[str]) -> List[str]:
    """The line as both programs get it: with the output options after it, so that an
    option at the end of ``argv`` (which the C skips there) is read the same by both."""
    return [*argv, "-nonoise", "-nopgm", "-floatfile", "c.bin"]


def run_ours(argv: Sequence[str], scratch: Path, dtype: str) -> np.ndarray:
    """Our float image, in-process (InputError when the port rejects the line)."""
    config = _in(scratch, lambda: parse_args(full_argv(argv)).config)
    return _in(scratch, lambda: simulate(config, device="cpu", dtype=dtype).image)


def _in(folder: Path, call):
    """``call()`` with the working directory at ``folder`` (input files are relative)."""
    before = os.getcwd()
    os.chdir(folder)
    try:
        return call()
    finally:
        os.chdir(before)


def image_failures(ours: np.ndarray, c_image: np.ndarray, dtype: str) -> Tuple[List[str], dict]:
    """Tolerances that do not hold (empty list when the images agree) and the statistics."""
    if ours.size != c_image.size:
        return [f"image sizes differ: ours {ours.size}, C {c_image.size} pixels"], {}
    # compared as both programs write -floatfile: float32 (tiny values flush to 0, huge ones to inf)
    with np.errstate(over="ignore"):
        ours = ours.reshape(-1).astype(np.float32)
    finite = np.isfinite(c_image)
    if not finite.all():  # an overflow: the same pixels must overflow
        same = np.array_equal(ours[~finite], c_image[~finite], equal_nan=True)
        if not same or not finite.any():
            return ([] if same else ["non-finite pixels differ"]), {}
        ours, c_image = ours[finite], c_image[finite]
    a = image_agreement(ours, c_image)
    stats = {"r": a.pearson_r, "sum": a.sum_rel_error, "max": a.max_rel_error}
    flat = a.max_rel_error <= FLAT_MAX_DIFF_OF_MAX[dtype]
    if dtype == "float64":
        return [f for f in a.failures() if not (flat and f.startswith("Pearson"))], stats
    bad = []
    if not a.pearson_r >= FLOAT32_MIN_PEARSON_R and not flat:
        bad.append(f"Pearson r {a.pearson_r:.9f} < {FLOAT32_MIN_PEARSON_R}")
    if not abs(a.sum_rel_error) <= FLOAT32_MAX_SUM_REL_ERROR:
        bad.append(f"sum error {a.sum_rel_error:+.3e} beyond {FLOAT32_MAX_SUM_REL_ERROR:g}")
    if not a.max_rel_error <= FLOAT32_MAX_DIFF_OF_MAX:
        bad.append(f"max |diff| {a.max_rel_error:.3e} of max beyond {FLOAT32_MAX_DIFF_OF_MAX:g}")
    return bad, stats


def check_line(c_binary: str, argv: Sequence[str], scratch: Path, dtypes: Sequence[str],
               timeout_s: float) -> Outcome:
    """Run the C once and ours in each dtype; compare."""
    out = Outcome(" ".join(argv))
    c_image, printed = run_c(c_binary, argv, scratch, timeout_s)
    if c_image is None:
        out.skipped = "C failed: " + printed.strip().splitlines()[-1][:120] if printed.strip() else "C failed"
        return out
    for dtype in dtypes:
        try:
            ours = run_ours(argv, scratch, dtype)
        except InputError as err:
            out.failures[dtype] = [f"ours rejected the line: {err}"]
            continue
        except Exception as err:  # noqa: BLE001 - a crash of the port is a finding, not the end of the run
            out.failures[dtype] = [f"ours raised {type(err).__name__}: {err}"]
            continue
        out.c_image, out.shape = c_image, ours.shape
        bad, stats = image_failures(ours, c_image, dtype)
        out.stats[dtype] = stats
        if bad:
            out.failures[dtype] = bad
    return out


def trace_differences(c_binary: str, argv: Sequence[str], scratch: Path, pixel: Tuple[int, int],
                      timeout_s: float) -> List[str]:
    """Shared trace quantities of ``pixel`` (slow, fast) that differ beyond the golden trace
    tolerances (``compare_traces``' defaults, from ``sim.agreement``)."""
    _, printed = run_c(c_binary, argv, scratch, timeout_s, trace=pixel)
    theirs = parse_trace_text(printed, "C", expected_pixel=pixel)
    config = _in(scratch, lambda: parse_args(full_argv(argv)).config)
    ours = _in(scratch, lambda: trace_pixel(config, pixel[0], pixel[1], device="cpu"))
    rows = [r for r in compare_traces(ours, theirs).rows if r.status == DIFFER]
    return [f"{r.name}#{r.occurrence} rel {r.rel_diff:.2e}" if r.rel_diff is not None else
            f"{r.name}#{r.occurrence} {r.ours} vs {r.theirs}" for r in rows]


def trace_pixels(c_image: np.ndarray, shape: Tuple[int, int], rng) -> List[Tuple[int, int]]:
    """Up to two pixels to trace: the C image's brightest and a random lit one."""
    image = c_image.reshape(shape)
    lit = np.argwhere(image > 0)
    if not len(lit):
        return []
    brightest = tuple(int(i) for i in np.unravel_index(int(image.argmax()), shape))
    return [brightest, tuple(int(i) for i in lit[rng.randrange(len(lit))])]
