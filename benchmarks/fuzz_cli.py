"""Random mixes of numeric flags on ``python -m sim``: count how each run ends.

Every line is a small base run plus 1-4 random numeric flags with hostile values (the
flags and values of tests/sim/cli_fuzz_flags.py). A run should end in an image (exit 0)
or in one ``error:`` line with exit 2; anything else (a traceback, another exit code, a
signal) is counted as a crash and printed. A run past the time limit is counted apart
and printed too: it is either legitimate long work below the guard's limits or a hang.

    python benchmarks/fuzz_cli.py --runs 500 --seed 1            # in one process (fast)
    python benchmarks/fuzz_cli.py --runs 100 --subprocess        # real processes

Each run is limited to ``--mem-gb`` of address space and ``--timeout`` seconds.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import io
import os
import random
import resource
import signal
import subprocess
import sys
import tempfile
import traceback
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.sim.cli_fuzz_flags import BASE, TAIL, random_flags  # noqa: E402


class _TimedOut(BaseException):
    pass


def _on_alarm(signum, frame):
    raise _TimedOut()


def classify(rc, err: str) -> str:
    """'image', 'error' (one line, exit 2) or 'crash: ...'."""
    errors = [line for line in err.splitlines()
              if line.strip() and not line.startswith(("WARNING:", "note:", "\r["))]
    if "Traceback" in err:
        return "crash: traceback"
    if rc == 0:
        return "image"
    if rc == 2 and len(errors) == 1 and errors[0].startswith("error: "):
        return "error"
    return f"crash: exit {rc}, {len(errors)} error lines"


def run_in_process(argv, timeout_s: float) -> str:
    from sim.cli.main import main

    out, err = io.StringIO(), io.StringIO()
    signal.alarm(int(timeout_s))
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            rc = main(argv)
    except _TimedOut:
        return "timeout"
    except BaseException as exc:  # what escapes main is what a user would see as a traceback
        site = traceback.extract_tb(exc.__traceback__)[-1]
        return f"crash: {type(exc).__name__} at {Path(site.filename).name}:{site.lineno}"
    finally:
        signal.alarm(0)
    return classify(rc, err.getvalue())


def run_subprocess(argv, timeout_s: float, mem_gb: float) -> str:
    limit = int(mem_gb * 2 ** 30)
    env = dict(os.environ, PYTHONPATH=str(REPO))
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "sim", *argv], capture_output=True, text=True, env=env,
            timeout=timeout_s, preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_AS, (limit, limit)))
    except subprocess.TimeoutExpired:
        return "timeout"
    if proc.returncode < 0:
        return f"crash: signal {-proc.returncode}"
    return classify(proc.returncode, proc.stderr)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--subprocess", action="store_true", help="one real process per run")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per run")
    parser.add_argument("--mem-gb", type=float, default=4.0, help="address space per run")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    counts = collections.Counter()
    if not args.subprocess:
        limit = int(args.mem_gb * 2 ** 30)
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        signal.signal(signal.SIGALRM, _on_alarm)
    with tempfile.TemporaryDirectory() as scratch:
        os.chdir(scratch)
        for _ in range(args.runs):
            argv = BASE + random_flags(rng) + TAIL
            if args.subprocess:
                outcome = run_subprocess(argv, args.timeout, args.mem_gb)
            else:
                outcome = run_in_process(argv, args.timeout)
            counts[outcome.split(":")[0]] += 1
            if outcome.startswith(("crash", "timeout")):
                counts[outcome] += 1
                print(f"{outcome}: {' '.join(argv[len(BASE):-len(TAIL)])}", flush=True)
    crashes = counts["crash"]
    print(f"{args.runs} runs: {counts['image']} images, {counts['error']} one-line errors, "
          f"{crashes} crashes ({100.0 * crashes / args.runs:.1f}%), "
          f"{counts['timeout']} past {args.timeout:g} s")
    for outcome, n in sorted(counts.items(), key=lambda kv: -kv[1]):
        if outcome.startswith("crash:"):
            print(f"  {n:4d}  {outcome}")
    return 1 if crashes else 0


if __name__ == "__main__":
    sys.exit(main())
