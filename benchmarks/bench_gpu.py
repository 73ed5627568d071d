"""CUDA timings of the issue's command lines, against the C program and the CPU image.

    python benchmarks/bench_gpu.py [--c-binary PATH] [--c-threads 2] [--repeat 3]

For each line: the C program's wall time (when given, with OMP_NUM_THREADS=--c-threads,
best of --c-repeat), then simulate() on the GPU in one process (first call, then the best
of --repeat with the model built), peak GPU memory, the ratio C / GPU, the GPU image
against the CPU image of the same process (float32, eager) with the golden tolerances
(``sim.agreement``), the samples per second (pixel x sub-pixel x source x orientation
iterations over the best time; the GPU target is 1e11 in float32 on the heavy line), and
the host synchronisations torch reports inside the chunk loop. Then one whole
`python -m sim --device cuda` process per line.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import warnings

import torch

from sim.agreement import image_agreement
from _runner import best_of
from bench_cli import LINES, OUTPUTS
from sim.cli.args import parse_args
from sim.model.resolved import build_model
from sim import simulator
from sim.simulator import simulate


def gpu_seconds(config, model, dtype, repeat):
    """(first call, best of ``repeat`` later calls, image) on CUDA; simulate() returns host
    numpy, so every timing includes the device finishing and the copy back."""
    start = time.perf_counter()
    result = simulate(config, device="cuda", dtype=dtype, model=model)
    first_s = time.perf_counter() - start
    times = []
    for _ in range(max(1, repeat)):
        start = time.perf_counter()
        result = simulate(config, device="cuda", dtype=dtype, model=model)
        times.append(time.perf_counter() - start)
    return first_s, min(times), result.image


def chunk_loop_syncs(config, model) -> str:
    """Host synchronisations torch reports inside the chunk loop of one float32 run."""
    run_chunks = simulator._run_chunks

    def watched(*args, **kwargs):
        torch.cuda.set_sync_debug_mode("warn")
        try:
            return run_chunks(*args, **kwargs)
        finally:
            torch.cuda.set_sync_debug_mode("default")

    simulator._run_chunks = watched
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            simulate(config, device="cuda", dtype=torch.float32, model=model, compile=False)
    finally:
        simulator._run_chunks = run_chunks
    syncs = [str(w.message).splitlines()[0] for w in caught
             if "synchronizing CUDA operation" in str(w.message)]
    return f"{len(syncs)} host syncs in the chunk loop" + (f" (first: {syncs[0]})" if syncs else "")


def c_seconds(binary, argv, threads, repeat, scratch):
    env = dict(os.environ, OMP_NUM_THREADS=str(threads))
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run([binary] + argv + OUTPUTS, cwd=scratch, env=env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        runs.append(time.perf_counter() - start)
    return min(runs)


def in_process(args, scratch) -> None:
    print(f"GPU: {torch.cuda.get_device_name(0)}; torch {torch.__version__}; "
          f"{os.cpu_count()} CPU cores")
    header = (f"{'line':18s} {'C s':>7s} {'dtype':16s} {'first s':>8s} {'best s':>8s} {'C/GPU':>7s} "
              f"{'GPU MB':>7s} {'samples/s':>9s} {'r':>12s} {'sum err':>9s} {'max err':>9s} ok")
    print(header)
    for name in args.lines:
        config = parse_args(LINES[name]).config
        model = build_model(config)
        fmin, fmax, smin, smax = model.roi
        samples = (fmax - fmin + 1) * (smax - smin + 1) * simulator.iterations_per_pixel(model)
        c_time = c_seconds(args.c_binary, LINES[name], args.c_threads, args.c_repeat, scratch) \
            if args.c_binary else None
        cpu_image = simulate(config, device="cpu", dtype=torch.float32, model=model, compile=False).image
        for dtype in (torch.float32, torch.float64):
            torch.cuda.reset_peak_memory_stats()
            first, best, image = gpu_seconds(config, model, dtype, args.repeat)
            peak_mb = torch.cuda.max_memory_allocated() / 2 ** 20
            a = image_agreement(image, cpu_image)
            r, sum_err, max_err, ok = a.pearson_r, abs(a.sum_rel_error), a.max_rel_error, a.within_golden
            label = str(dtype)[6:]
            ratio = f"{c_time / best:7.1f}" if c_time else f"{'-':>7s}"
            c_col = f"{c_time:7.2f}" if c_time else f"{'-':>7s}"
            print(f"{name:18s} {c_col} {label:16s} {first:8.3f} {best:8.4f} {ratio} {peak_mb:7.0f} "
                  f"{samples / best:9.2e} {r:12.9f} {sum_err:9.2e} {max_err:9.2e} {'yes' if ok else 'NO'}", flush=True)
        print(f"{name:18s} {chunk_loop_syncs(config, model)}", flush=True)


def whole_processes(args, scratch) -> None:
    print(f"{'line':18s} {'whole process (cuda float32)':>30s} {'peak host MB':>13s}")
    for name in args.lines:
        argv = [sys.executable, "-m", "sim"] + LINES[name] + OUTPUTS + ["--device", "cuda", "--dtype", "float32"]
        run = best_of(argv, args.repeat, scratch)
        print(f"{name:18s} {run.seconds:28.2f} s {run.peak_mb:13.0f}"
              + ("" if run.returncode == 0 else f"  (exit {run.returncode})"), flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--c-binary", help="path of a C nanoBragg binary to compare against")
    parser.add_argument("--c-threads", type=int, default=2, help="OpenMP threads for the C program")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--c-repeat", type=int, default=1, help="runs of the C program (best taken)")
    parser.add_argument("--lines", nargs="*", default=list(LINES))
    parser.add_argument("--no-inprocess", action="store_true", help="skip the in-process timings")
    parser.add_argument("--no-whole", action="store_true", help="skip the whole-process runs")
    args = parser.parse_args()
    if not torch.cuda.is_available():
        print("no CUDA device: nothing to measure", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as scratch:
        if not args.no_inprocess:
            in_process(args, scratch)
        if not args.no_whole:
            whole_processes(args, scratch)
    return 0


if __name__ == "__main__":
    sys.exit(main())
