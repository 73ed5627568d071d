"""Every golden command line: the C's time, ours in-process and ours as a whole process.

    python benchmarks/bench_golden.py --c-binary PATH [--repeat 3] [--threads 2] [--cases a b]
        [--cpu-time] [--eager] [--in-process-only] [--device cuda]

For each golden case (whole detector, ``-nonoise``), best of ``--repeat`` runs of each:
- C: the C program with OMP_NUM_THREADS=``--threads``;
- in-process: ``simulate()`` in float32 on the CPU in this (warm) process, model built
  each time (what the viewer pays after an edit), after one run not timed;
- whole process: ``python -m sim ... -nonoise --dtype float32`` (what a user replaying a
  C command line pays), files written to a scratch folder. sim/ is byte-compiled first,
  as pip does for an installed copy (with PYTHONDONTWRITEBYTECODE set, as on some CI
  machines, every process would otherwise compile our sources again: about 60 ms).
Prints the ratios to the C (and the whole process's excess over it), their geometric
means, and which path the in-process run took (``SimResult.kernel``). The runs of one
case follow each other, so load from other processes affects them alike; still, on a
shared machine take the figures as best-of, not as exact.

``--cpu-time`` measures CPU seconds (user + system) instead of wall time, everything on
one thread (OMP_NUM_THREADS=1, torch.set_num_threads(1)): the work each side does, which
stays meaningful on a machine that other processes keep busy (wall times there mostly
measure the queue). Each run's CPU seconds are its own: the child's rusage for a
process, this process's for an in-process run (never a background kernel build's).

In-process runs use a stored compiled kernel where ``compile="auto"`` would (the path
column says which); ``--eager`` never does, for the eager kernel's own figures.
``--lines`` is another name for ``--cases``. ``--device cuda`` runs ours on the GPU (in-process
and ``python -m sim --device cuda``): with ``--in-process-only``, the GPU target's check that
every golden line runs faster there than on the CPU (run the script once per device).
"""

from __future__ import annotations

import argparse
import compileall
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

#: The checkout this script belongs to: this process and the whole-process runs import its ``sim``.
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from sim.agreement import image_agreement  # noqa: E402
from sim.cli.args import parse_args  # noqa: E402
from sim.simulator import simulate  # noqa: E402
from tests.golden import golden_root, load_cases  # noqa: E402

OUTPUTS = ["-floatfile", "float.bin", "-intfile", "int.img", "-nopgm", "-nonoise"]


def _cpu_self() -> float:
    """CPU seconds of this process (not of its children: a kernel builder started in the
    background is one, and its minute of work must not land in whichever run reaps it)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    return own.ru_utime + own.ru_stime


def timed_call(run: Callable[[], object], cpu: bool) -> float:
    start = _cpu_self() if cpu else time.perf_counter()
    run()
    return (_cpu_self() if cpu else time.perf_counter()) - start


def best_seconds(run: Callable[[], float], repeat: int) -> float:
    """Best of ``repeat`` calls of ``run``, which returns its own seconds."""
    return min(run() for _ in range(repeat))


def process(argv: List[str], cwd: str, env=None, cpu: bool = False) -> Callable[[], float]:
    """A run of ``argv`` returning its wall time, or with ``cpu`` the CPU seconds of that
    child alone (its own rusage)."""
    def run() -> float:
        start = time.perf_counter()
        child = subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(child.pid, 0)
        if os.waitstatus_to_exitcode(status) != 0:
            raise subprocess.CalledProcessError(os.waitstatus_to_exitcode(status), argv)
        return usage.ru_utime + usage.ru_stime if cpu else time.perf_counter() - start
    return run


def golden_agreement(case, image) -> str:
    """How the in-process float32 image agrees with the C's golden image (its crop, if any)."""
    if case.crop is not None:
        s0, s1, f0, f1 = case.crop
        image = image[s0:s1, f0:f1]
    a = image_agreement(image, case.image())
    return f"{'ok' if a.within_golden else 'FAIL'} {a.max_rel_error:.1e}"


def geometric_mean(values: List[float]) -> float:
    return math.exp(sum(math.log(v) for v in values) / len(values)) if values else float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--golden", type=Path, default=golden_root())
    parser.add_argument("--c-binary", required=True, help="path of a C nanoBragg binary")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2, help="OMP_NUM_THREADS for the C")
    parser.add_argument("--cases", "--lines", nargs="*", help="golden case names (default: all)")
    parser.add_argument("--in-process-only", action="store_true", help="skip the whole-process runs")
    parser.add_argument("--eager", action="store_true",
                        help="in-process runs never use a stored compiled kernel (compile=False)")
    parser.add_argument("--cpu-time", action="store_true", help="CPU seconds on one thread, not wall time")
    parser.add_argument("--device", default="cpu", help="where ours runs: cpu (default) or cuda")
    args = parser.parse_args()
    if args.device == "cuda" and not torch.cuda.is_available():
        print("no CUDA device: nothing to measure on cuda", file=sys.stderr)
        return 2
    threads = 1 if args.cpu_time else args.threads
    if args.cpu_time:
        torch.set_num_threads(1)
    golden, c_binary = args.golden.resolve(), str(Path(args.c_binary).resolve())
    c_env = dict(os.environ, OMP_NUM_THREADS=str(threads))
    python_path = os.pathsep.join(p for p in (str(REPO), os.environ.get("PYTHONPATH")) if p)
    py_env = dict(c_env if args.cpu_time else os.environ, PYTHONPATH=python_path)
    compile = False if args.eager else "auto"
    print(f"{'CPU seconds, one thread' if args.cpu_time else f'wall seconds, C on {threads} threads'}; "
          f"best of {args.repeat}; ours on {args.device}")
    compileall.compile_dir(str(REPO / "sim"), quiet=1)
    cases = [case for case in load_cases(golden) if not args.cases or case.name in args.cases]
    print(f"{'case':22s} {'C s':>7s} {'in-proc s':>9s} {'ratio':>6s} {'whole s':>8s} {'ratio':>6s} "
          f"{'excess s':>8s}  {'path':16s} float32 vs golden (max diff / max)")
    inproc, whole, excess = [], [], []
    with tempfile.TemporaryDirectory() as scratch:
        for case in cases:
            c_args = case.resolved_args()
            c_s = best_seconds(process([c_binary, *c_args, *OUTPUTS], scratch, c_env, args.cpu_time), args.repeat)
            config = parse_args(c_args).config
            ours = lambda: simulate(config, device=args.device, dtype=torch.float32, compile=compile)  # noqa: E731
            result = ours()
            ours_s = best_seconds(lambda: timed_call(ours, args.cpu_time), args.repeat)
            argv = [sys.executable, "-m", "sim", *c_args, *OUTPUTS, "--dtype", "float32", "--device", args.device]
            whole_s = (float("nan") if args.in_process_only
                       else best_seconds(process(argv, scratch, py_env, args.cpu_time), args.repeat))
            inproc.append(ours_s / c_s)
            whole.append(whole_s / c_s)
            excess.append(whole_s - c_s)
            print(f"{case.name:22s} {c_s:7.3f} {ours_s:9.3f} {ours_s / c_s:6.2f} {whole_s:8.3f} "
                  f"{whole_s / c_s:6.2f} {whole_s - c_s:8.3f}  {result.kernel:16s} "
                  f"{golden_agreement(case, result.image)}", flush=True)
    print(f"{'geometric mean':22s} {'':7s} {'':9s} {geometric_mean(inproc):6.2f} {'':8s} "
          f"{geometric_mean(whole):6.2f}")
    print(f"worst: in-process {max(inproc):.2f}x the C, whole process {max(excess):.2f} s above the C")
    return 0


if __name__ == "__main__":
    sys.exit(main())
