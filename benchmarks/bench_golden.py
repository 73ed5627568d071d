"""Every golden command line: the C's time, ours in-process and ours as a whole process.

    python benchmarks/bench_golden.py --c-binary PATH [--repeat 3] [--threads 2] [--cases a b]

For each golden case (whole detector, ``-nonoise``), best of ``--repeat`` runs of each:
- C: the C program with OMP_NUM_THREADS=``--threads``;
- in-process: ``simulate()`` in float32 on the CPU in this (warm) process, model built
  each time (what the viewer pays after an edit), after one run not timed;
- whole process: ``python -m sim ... -nonoise --dtype float32`` (what a user replaying a
  C command line pays), files written to a scratch folder.
Prints the ratios to the C (and the whole process's excess over it), their geometric
means, and which path the in-process run took (``SimResult.kernel``). The runs of one
case follow each other, so load from other processes affects them alike; still, on a
shared machine take the figures as best-of, not as exact.

``--cpu-time`` measures CPU seconds (user + system) instead of wall time, everything on
one thread (OMP_NUM_THREADS=1, torch.set_num_threads(1)): the work each side does, which
stays meaningful on a machine that other processes keep busy (wall times there mostly
measure the queue).
"""

from __future__ import annotations

import argparse
import math
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable, List

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # this checkout: sim and tests.golden

from sim.cli.args import parse_args  # noqa: E402
from sim.simulator import simulate  # noqa: E402
from tests.golden import golden_root, load_cases  # noqa: E402

OUTPUTS = ["-floatfile", "float.bin", "-intfile", "int.img", "-nopgm", "-nonoise"]


def _wall() -> float:
    return time.perf_counter()


def _cpu() -> float:
    """CPU seconds of this process and its finished children."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


CLOCK = {"wall": _wall, "cpu": _cpu}
clock = _wall


def best_seconds(run: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = clock()
        run()
        times.append(clock() - start)
    return min(times)


def process(argv: List[str], cwd: str, env=None) -> Callable[[], None]:
    def run():
        subprocess.run(argv, cwd=cwd, env=env, check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
    return run


def geometric_mean(values: List[float]) -> float:
    return math.exp(sum(math.log(v) for v in values) / len(values)) if values else float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--golden", type=Path, default=golden_root())
    parser.add_argument("--c-binary", required=True, help="path of a C nanoBragg binary")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2, help="OMP_NUM_THREADS for the C")
    parser.add_argument("--cases", nargs="*", help="golden case names (default: all)")
    parser.add_argument("--cpu-time", action="store_true", help="CPU seconds on one thread, not wall time")
    args = parser.parse_args()
    global clock
    clock = CLOCK["cpu" if args.cpu_time else "wall"]
    threads = 1 if args.cpu_time else args.threads
    if args.cpu_time:
        torch.set_num_threads(1)
    golden, c_binary = args.golden.resolve(), str(Path(args.c_binary).resolve())
    c_env = dict(os.environ, OMP_NUM_THREADS=str(threads))
    print(f"{'CPU seconds, one thread' if args.cpu_time else f'wall seconds, C on {threads} threads'}; "
          f"best of {args.repeat}")
    cases = [case for case in load_cases(golden) if not args.cases or case.name in args.cases]
    print(f"{'case':22s} {'C s':>7s} {'in-proc s':>9s} {'ratio':>6s} {'whole s':>8s} {'ratio':>6s} "
          f"{'excess s':>8s}  path")
    inproc, whole, excess = [], [], []
    with tempfile.TemporaryDirectory() as scratch:
        for case in cases:
            c_args = case.resolved_args()
            c_s = best_seconds(process([c_binary, *c_args, *OUTPUTS], scratch, c_env), args.repeat)
            config = parse_args(c_args).config
            result = simulate(config, device="cpu", dtype=torch.float32)
            ours_s = best_seconds(lambda: simulate(config, device="cpu", dtype=torch.float32), args.repeat)
            argv = [sys.executable, "-m", "sim", *c_args, *OUTPUTS, "--dtype", "float32"]
            whole_s = best_seconds(process(argv, scratch, c_env if args.cpu_time else None), args.repeat)
            inproc.append(ours_s / c_s)
            whole.append(whole_s / c_s)
            excess.append(whole_s - c_s)
            print(f"{case.name:22s} {c_s:7.3f} {ours_s:9.3f} {ours_s / c_s:6.2f} {whole_s:8.3f} "
                  f"{whole_s / c_s:6.2f} {whole_s - c_s:8.3f}  {result.kernel}", flush=True)
    print(f"{'geometric mean':22s} {'':7s} {'':9s} {geometric_mean(inproc):6.2f} {'':8s} "
          f"{geometric_mean(whole):6.2f}")
    print(f"worst: in-process {max(inproc):.2f}x the C, whole process {max(excess):.2f} s above the C")
    return 0


if __name__ == "__main__":
    sys.exit(main())
