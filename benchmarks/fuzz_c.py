"""Differential fuzzing against the C nanoBragg: random valid command lines, both programs.

    nice python benchmarks/fuzz_c.py --c-binary PATH [--lines 2000] [--dtype both]
        [--seed 1] [--trace-every 10] [--corpus benchmarks/fuzz_corpus.txt] [--log run.jsonl]

First replays every line of the corpus (failures found before), then draws ``--lines``
new lines (``fuzz_lines``), runs the C once per line (single-threaded) and the port
in-process in each dtype, and compares the float images (``fuzz_run``: golden tolerances
in float64, ``FLOAT32_MAX_DIFF_OF_MAX`` in float32). A failing line is shrunk to a
minimal one (``fuzz_shrink``) and, if its set of options is new, appended to the corpus.
Every ``--trace-every``-th line also traces two pixels with both programs and reports
each shared quantity that differs beyond the golden trace tolerance. Lines that would cost more than
``--max-iterations`` kernel iterations are redrawn, so each run takes well under a second.
Exit code 1 when anything failed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]  # this checkout's sim, then the fuzz modules

from fuzz_lines import ESSENTIAL, INPUT_FILES, argv_of, draw_line, parse_line, text_of  # noqa: E402
from fuzz_run import check_line, cost, trace_differences, trace_pixels  # noqa: E402
from fuzz_shrink import shrink  # noqa: E402

from sim.agreement import TRACE_RTOL  # noqa: E402
from sim.errors import InputError  # noqa: E402
from tests.golden import golden_root  # noqa: E402

DEFAULT_INPUTS = golden_root() / "inputs"


def _options(args) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--c-binary", required=True, help="the (instrumented) C nanoBragg")
    p.add_argument("--lines", type=int, default=200, help="new lines to draw (default 200)")
    p.add_argument("--dtype", choices=("float64", "float32", "both"), default="both")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--trace-every", type=int, default=10, help="trace two pixels every N lines (0: never)")
    p.add_argument("--corpus", type=Path, default=HERE / "fuzz_corpus.txt")
    p.add_argument("--inputs", type=Path, default=DEFAULT_INPUTS, help="folder with " + ", ".join(INPUT_FILES))
    p.add_argument("--max-iterations", type=float, default=3e5, help="cost bound per line")
    p.add_argument("--timeout", type=float, default=120.0, help="seconds per C run")
    p.add_argument("--log", type=Path, help="write every line's outcome here (JSON lines)")
    p.add_argument("--no-shrink", action="store_true")
    return p.parse_args(args)


class Fuzzer:
    def __init__(self, opts: argparse.Namespace, scratch: Path):
        self.opts, self.scratch = opts, scratch
        self.c_binary = os.path.abspath(opts.c_binary)
        self.dtypes = ("float64", "float32") if opts.dtype == "both" else (opts.dtype,)
        self.counts = {"lines": 0, "skipped": 0, "traces": 0, "trace_failures": 0}
        self.failed = {d: 0 for d in self.dtypes}
        self.causes: dict = {}
        self.corpus = _read_corpus(opts.corpus)
        self.log = open(opts.log, "w") if opts.log else None

    def check(self, line, trace_rng=None):
        argv = argv_of(line)
        out = check_line(self.c_binary, argv, self.scratch, self.dtypes, self.opts.timeout)
        if out.skipped is None and trace_rng is not None and out.c_image is not None:
            for pixel in trace_pixels(out.c_image, out.shape, trace_rng):
                self.counts["traces"] += 1
                try:
                    diffs = trace_differences(self.c_binary, argv, self.scratch, pixel, self.opts.timeout)
                except InputError as err:
                    diffs = [f"trace not comparable: {err}"]
                if diffs:
                    self.counts["trace_failures"] += 1
                    out.trace_diffs.append(f"pixel {pixel}: " + "; ".join(diffs[:6]))
        return out

    def record(self, out, origin: str) -> None:
        if out.skipped:
            self.counts["skipped"] += 1
        else:
            self.counts["lines"] += 1
            for dtype in out.failures:
                self.failed[dtype] += 1
        if self.log:
            self.log.write(json.dumps({"origin": origin, "line": out.line, "stats": out.stats,
                                       "failures": out.failures, "trace": out.trace_diffs,
                                       "skipped": out.skipped}) + "\n")
            self.log.flush()
        for dtype, reasons in out.failures.items():
            print(f"FAIL {dtype} [{origin}] {out.line}\n     " + "; ".join(reasons), flush=True)
        for diff in out.trace_diffs:
            print(f"TRACE [{origin}] {out.line}\n     {diff}", flush=True)

    def learn(self, line, out) -> None:
        """Shrink a failure and keep it in the corpus when its option set is new. A line
        holding every option of a cause already found is taken for that cause (not shrunk)."""
        dtype = next(iter(out.failures))
        options = {g[0] for g in line}
        known = next((k for k, (d, _) in self.causes.items() if d == dtype and k and set(k.split()) <= options), None)
        if known is not None:
            self.causes[known][1].append(out.line)
            print(f"     probably the known cause [{known}]", flush=True)
            return
        small = line if self.opts.no_shrink else shrink(line, lambda cand: self._still_fails(cand, dtype))
        key = " ".join(sorted({g[0] for g in small if g[0] not in ESSENTIAL}))
        text = text_of(small)
        self.causes.setdefault(key, (dtype, [text]))
        print(f"     shrunk: {text}", flush=True)
        if text not in self.corpus:
            self.corpus.append(text)
            with open(self.opts.corpus, "a") as f:
                f.write(text + "\n")

    def _still_fails(self, line, dtype) -> bool:
        try:
            if cost(argv_of(line), self.scratch) > self.opts.max_iterations:
                return False
        except InputError:
            return False
        except Exception:  # noqa: BLE001 - the port crashes on this candidate: it still fails
            return True
        out = check_line(self.c_binary, argv_of(line), self.scratch, (dtype,), self.opts.timeout)
        return bool(out.failures) and not any("rejected" in r for r in out.failures[dtype])

    def affordable(self, line) -> bool:
        try:
            return cost(argv_of(line), self.scratch) <= self.opts.max_iterations
        except InputError as err:
            print(f"REJECTED by ours: {text_of(line)}\n     {err}", flush=True)
            return False
        except Exception:  # noqa: BLE001 - run it, so that the crash is recorded and shrunk
            return True


def _read_corpus(path: Path) -> list:
    if not path.exists():
        return []
    return [s.strip() for s in path.read_text().splitlines() if s.strip() and not s.startswith("#")]


def run(opts: argparse.Namespace, scratch: Path) -> int:
    fuzz = Fuzzer(opts, scratch)
    start = time.perf_counter()
    for text in list(fuzz.corpus):
        out = fuzz.check(parse_line(text))
        fuzz.record(out, "corpus")
        for dtype in out.failures:  # a cause already known: later lines with its options are not shrunk
            key = " ".join(sorted({g[0] for g in parse_line(text) if g[0] not in ESSENTIAL}))
            fuzz.causes.setdefault(key, (dtype, [text]))
    rng, trace_rng = random.Random(opts.seed), random.Random(opts.seed + 1)
    drawn = 0
    while drawn < opts.lines:
        line = draw_line(rng)
        if not fuzz.affordable(line):
            continue
        drawn += 1
        trace = opts.trace_every and drawn % opts.trace_every == 0
        out = fuzz.check(line, trace_rng if trace else None)
        fuzz.record(out, f"#{drawn}")
        if out.failures and not any("rejected" in r for rs in out.failures.values() for r in rs):
            fuzz.learn(line, out)
        if drawn % 50 == 0:
            print(f"... {drawn} lines, {time.perf_counter() - start:.0f} s, failures {fuzz.failed}", flush=True)
    return _summary(fuzz, time.perf_counter() - start)


def _summary(fuzz: Fuzzer, seconds: float) -> int:
    c = fuzz.counts
    print(f"\nlines run: {c['lines']} (each in {', '.join(fuzz.dtypes)}), skipped (C failed): "
          f"{c['skipped']}, {seconds:.0f} s")
    for dtype in fuzz.dtypes:
        print(f"  {dtype}: {fuzz.failed[dtype]} failing lines")
    print(f"traced pixels: {c['traces']}, with a shared quantity beyond rtol {TRACE_RTOL:g}: "
          f"{c['trace_failures']}")
    for key, (dtype, lines) in fuzz.causes.items():
        print(f"  {dtype} failure [{key}] ({len(lines)} lines): {lines[0]}")
    bad = any(fuzz.failed.values()) or c["trace_failures"]
    return 1 if bad else 0


def main(args=None) -> int:
    opts = _options(args)
    scratch = Path(tempfile.mkdtemp(prefix="nb_fuzz_", dir="/tmp"))
    try:
        for name in INPUT_FILES:
            shutil.copy(opts.inputs / name, scratch)
        return run(opts, scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
