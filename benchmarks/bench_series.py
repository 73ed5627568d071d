"""Frames per second of ``python -m sim series`` against a loop of the C program and a loop of
``python -m sim`` on one rotation sweep; peak memory for few vs many frames; 1 vs 2 Dask workers.

    python benchmarks/bench_series.py --c-binary /tmp/cnb/nanoBragg [--frames 100] [--loop-frames 10]

Every run is its own process, in a scratch folder. The sweep: a 1024x1024 detector, 0.1
degree per frame in 2 phi steps, float32 on the CPU, noise-free, frame k being the C line
with ``-phi k*0.1 -osc 0.1 -phisteps 2``. The loops may run fewer frames than the series
(``--loop-frames``) on a shared machine; their rate is frames / wall time either way.
Memory: the series' peak resident memory for ``--mem-frames`` (100 and 1000 by default) frames of
a tiny detector. Workers: the same small sweep with ``--workers 1`` and ``--workers 2``
(the rate the run reports, which leaves out the cluster's start, and the wall time).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _runner import measure

REPO = Path(__file__).resolve().parents[1]
LINE = ["-cell", "100", "100", "100", "90", "90", "90", "-default_F", "100", "-N", "5", "-lambda", "1",
        "-distance", "100", "-pixel", "0.1", "-nonoise", "-nopgm"]
OSC_DEG = 0.1
TINY = LINE + ["-detpixels", "16", "-oversample", "1", "-phisteps", "1"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--c-binary", type=Path, help="the plain C nanoBragg (loop left out without it)")
    parser.add_argument("--frames", type=int, default=100, help="frames of the 1024x1024 series")
    parser.add_argument("--loop-frames", type=int, default=10, help="frames of each one-process-per-frame loop")
    parser.add_argument("--detpixels", type=int, default=1024)
    parser.add_argument("--mem-frames", type=int, nargs=2, default=(100, 1000))
    parser.add_argument("--worker-frames", type=int, default=20, help="frames of the 1 vs 2 worker runs")
    parser.add_argument("--worker-detpixels", type=int, default=256)
    args = parser.parse_args()
    env = dict(os.environ, PYTHONPATH=str(REPO))
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        sweep = LINE + ["-detpixels", str(args.detpixels)]
        # a series this long runs the compiled kernel: built here first if not yet stored
        subprocess.run(_series(sweep, 6, scratch / "warm"), env=env, capture_output=True)
        rates = {"series": _series_rate(sweep, args.frames, scratch / "series", env)}
        if args.c_binary:
            rates["C loop"] = _loop_rate([str(args.c_binary)], sweep, args.loop_frames, scratch / "c", env)
        rates["python -m sim loop"] = _loop_rate([sys.executable, "-m", "sim"], sweep + ["--dtype", "float32"],
                                                 args.loop_frames, scratch / "py", env)
        _print_rates(rates, args)
        _memory(args.mem_frames, scratch, env)
        _workers(LINE + ["-detpixels", str(args.worker_detpixels)], args.worker_frames, scratch, env)
    return 0


def _series(line, frames: int, out: Path, *extra):
    return [sys.executable, "-m", "sim", "series", *line, "--dtype", "float32", "--frames", str(frames),
            "--osc", str(OSC_DEG), "-phisteps", "2", "--format", "smv", "--out", str(out), "--no-progress", *extra]


def _series_rate(line, frames: int, out: Path, env) -> tuple:
    run = measure(_series(line, frames, out), env=env)
    assert run.returncode == 0, f"series exited {run.returncode}"
    return frames, run.seconds


def _loop_rate(program, line, frames: int, out: Path, env) -> tuple:
    out.mkdir()
    start = time.perf_counter()
    for k in range(frames):
        frame = ["-phi", repr(k * OSC_DEG), "-osc", str(OSC_DEG), "-phisteps", "2",
                 "-intfile", str(out / f"{k}.img"), "-floatfile", str(out / f"{k}.bin")]
        run = measure([*program, *line, *frame], cwd=str(out), env=env)
        assert run.returncode == 0, f"{program[0]} exited {run.returncode}"
    return frames, time.perf_counter() - start


def _print_rates(rates, args) -> None:
    print(f"sweep of a {args.detpixels}x{args.detpixels} detector, {OSC_DEG} deg per frame in 2 phi steps, float32 CPU")
    print(f"{'how':22s} {'frames':>7s} {'wall s':>8s} {'frames/s':>9s} {'series is':>10s}")
    series_fps = rates["series"][0] / rates["series"][1]
    for name, (frames, seconds) in rates.items():
        fps = frames / seconds
        print(f"{name:22s} {frames:7d} {seconds:8.1f} {fps:9.3f} {series_fps / fps:9.2f}x")


def _memory(counts, scratch: Path, env) -> None:
    print("peak resident memory of the series (16x16 detector)")
    for frames in counts:
        run = measure(_series(TINY, frames, scratch / f"mem{frames}"), env=env)
        print(f"  {frames:6d} frames: {run.peak_mb:7.0f} MB peak, {run.seconds:6.1f} s"
              + ("" if run.returncode == 0 else f" (exit {run.returncode})"))


def _workers(line, frames: int, scratch: Path, env) -> None:
    print(f"Dask LocalCluster, {frames} frames of a {line[-1]}x{line[-1]} detector")
    for workers in (1, 2):
        start = time.perf_counter()
        out = subprocess.run(_series(line, frames, scratch / f"w{workers}", "--workers", str(workers)),
                             env=env, capture_output=True, text=True)
        wall = time.perf_counter() - start
        rate = re.search(r"\(([\d.]+) frames/s\)", out.stdout)
        failed = "" if out.returncode == 0 else f" (exit {out.returncode}: {out.stderr.strip()[-200:]})"
        print(f"  {workers} worker(s): {rate.group(1) if rate else '?'} frames/s once started, "
              f"{wall:.1f} s wall{failed}")


if __name__ == "__main__":
    sys.exit(main())
