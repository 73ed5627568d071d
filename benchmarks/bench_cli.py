"""Whole-process timings of `python -m sim` against the C nanoBragg on the same command lines.

    python benchmarks/bench_cli.py [--c-binary PATH] [--repeat 3] [--dtype float32]

Runs every line with the C program (when given) and with ours, in the same benchmark
run and the same scratch folder, and prints wall time, peak memory and the ratio
ours / C. Our first run of each line is shown apart ("first s"): with an empty kernel
cache it runs eagerly while the compiled kernel (sim.kernel.compiled) is built in the background;
the benchmark then waits for that build (``python -m sim warmup``) before the timed runs.
With the C program, our float image is also checked against its image with the golden
tolerances of ``sim.agreement`` ("agrees").
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile

import numpy as np

from sim.agreement import image_agreement
from _runner import best_of

BASE = "-cell 100 100 100 90 90 90 -default_F 100 -N 5 -lambda 6.2 -distance 100".split()
LINES = {
    "light": BASE + "-detpixels 1024 -pixel 0.1".split(),
    "heavy_mosaic_phi": BASE + ("-detpixels 1024 -pixel 0.1 -mosaic 0.5 -mosaic_dom 20 -phi 0 -osc 0.5 "
                                "-phisteps 5 -oversample 2").split(),
    "heavy_sources": BASE + ("-detpixels 2048 -pixel 0.05 -dispersion 0.2 -dispsteps 3 -hdivrange 0.1 "
                             "-vdivrange 0.1 -divsteps 3").split(),
}
OUTPUTS = "-floatfile float.bin -intfile int.img -nonoise -nopgm".split()


def agrees(ours_file: str, c_file: str) -> str:
    a = image_agreement(*(np.fromfile(f, dtype="<f4") for f in (ours_file, c_file)))
    return f"{'yes' if a.within_golden else 'NO'} (max |diff| {a.max_rel_error:.1e} of max)"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--c-binary", help="path of a C nanoBragg binary to compare against")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--dtype", action="append", choices=["float32", "float64"])
    parser.add_argument("--lines", nargs="*", default=list(LINES))
    args = parser.parse_args()
    dtypes = args.dtype or ["float32", "float64"]
    print(f"{'line':18s} {'program':14s} {'wall s':>8s} {'peak MB':>8s} {'ours/C':>7s} {'first s':>8s}  agrees")
    with tempfile.TemporaryDirectory() as scratch:
        for name in args.lines:
            c_time = None
            if args.c_binary:
                c = best_of([args.c_binary] + LINES[name] + OUTPUTS, args.repeat, scratch)
                c_time = c.seconds
                os.replace(os.path.join(scratch, "float.bin"), os.path.join(scratch, "c_float.bin"))
                print(f"{name:18s} {'C':14s} {c.seconds:8.2f} {c.peak_mb:8.0f} {'':>7s}")
            for dtype in dtypes:
                ours_argv = [sys.executable, "-m", "sim"] + LINES[name] + OUTPUTS + ["--dtype", dtype]
                first = best_of(ours_argv, 1, scratch)
                subprocess.run(ours_argv[:3] + ["warmup"] + LINES[name] + ["--dtype", dtype], cwd=scratch,
                               stdout=subprocess.DEVNULL, check=True)
                ours = best_of(ours_argv, args.repeat, scratch)
                ratio = f"{ours.seconds / c_time:7.2f}" if c_time else f"{'-':>7s}"
                check = agrees(os.path.join(scratch, "float.bin"), os.path.join(scratch, "c_float.bin")) \
                    if c_time else "-"
                print(f"{name:18s} {'ours ' + dtype:14s} {ours.seconds:8.2f} {ours.peak_mb:8.0f} {ratio} "
                      f"{first.seconds:8.2f}  {check}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
