"""Replay extra command lines with a C nanoBragg and with `python -m sim`, compare the images.

    python benchmarks/crosscheck_c.py --c-binary PATH [--inputs ../shared/golden/inputs]

Covers options beyond the golden cases (conventions with rotations, custom vectors, curved
detector with -oversample_omega, divergence and dispersion grids, crystal shapes, a thick
sensor with -oversample_thick, -dmin with water, -energy with -close_distance, rectangular
detectors, -roi, a MOSFLM matrix with a spindle axis, a source file). Prints Pearson r,
sum error and max error per line against the golden tolerances. Each C run starts without
./Fdump.bin, which the C program would otherwise read silently.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # this checkout: sim and tests.golden

from sim.agreement import image_agreement  # noqa: E402
from tests.golden import golden_root  # noqa: E402

BASE = ("-cell 70 80 90 80 95 100 -default_F 50 -N 4 -lambda 1.1 -distance 80 -detpixels 96 "
        "-pixel 0.3 -misset 11 -22 33 -nonoise -nopgm -intfile i.img").split()
EXTRAS = [
    "-xds -twotheta 15", "-dials -detector_rotz 7 -detector_roty -3",
    "-adxv -twotheta 10 -Xbeam 12 -Ybeam 16", "-denzo -detector_rotx 4",
    "-curved_det -oversample 3 -oversample_omega",
    "-fdet_vector 0 0 1 -sdet_vector 0 -1 0 -odet_vector 1 0 0 -beam_vector 1 0 0 "
    "-twotheta_axis 0 1 0 -pivot sample",
    "-mosaic 1.5 -mosaic_dom 7 -mosaic_seed 3 -phi 10 -osc 2 -phisteps 3",
    "-hkl P1_random.hkl -interpolate",
    "-dispersion 1 -dispsteps 4 -hdivrange 0.5 -vdivrange 0.2 -hdivsteps 3 -vdivsteps 2",
    "-square_div -divergence 0.4 -divsteps 3", "-round_xtal -fudge 1.5 -xtal_size 0.002",
    "-detector_thick 200 -detector_abs 100 -thicksteps 4 -oversample_thick -polar 0.7",
    "-dmin 2.5 -water 100 -nopolar", "-energy 9000 -close_distance 70 -detpixels_f 80 -detpixels_s 100",
    "-roi 10 50 20 70 -oversample 2", "-mat A_triclinic.mat -spindle_axis 0 1 0 -phi 0 -osc 1 -phisteps 2",
    "-sourcefile three_sources.txt -polar 0.9", "-gauss_xtal -Na 6 -Nb 3 -Nc 8", "-tophat_spots -N 3",
]


def compare(c_image: np.ndarray, ours: np.ndarray) -> str:
    if c_image.shape != ours.shape:
        return f"shapes differ: C {c_image.shape}, ours {ours.shape}"
    if c_image.max() == 0:
        return f"C image is all zero; ours max {ours.max():.3g}"
    a = image_agreement(ours, c_image)
    return (f"r={a.pearson_r:.9f} sum={abs(a.sum_rel_error):.1e} max={a.max_rel_error:.1e} "
            f"{'ok' if a.within_golden else 'FAIL'}")


def run_line(c_binary: str, args, scratch: Path) -> str:
    (scratch / "Fdump.bin").unlink(missing_ok=True)
    c = subprocess.run([c_binary, *args, "-floatfile", "c.bin"], cwd=scratch, capture_output=True, text=True)
    ours = subprocess.run([sys.executable, "-m", "sim", *args, "-floatfile", "p.bin"], cwd=scratch,
                          capture_output=True, text=True)
    if c.returncode or ours.returncode:
        return f"exit codes C {c.returncode}, ours {ours.returncode}: {ours.stderr.strip()[-120:]}"
    return compare(np.fromfile(scratch / "c.bin", "<f4"), np.fromfile(scratch / "p.bin", "<f4"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--c-binary", required=True)
    parser.add_argument("--inputs", type=Path, default=golden_root() / "inputs")
    args = parser.parse_args()
    c_binary = os.path.abspath(args.c_binary)
    with tempfile.TemporaryDirectory() as scratch:
        for name in ("P1_random.hkl", "A_triclinic.mat", "three_sources.txt"):
            shutil.copy(args.inputs / name, scratch)
        for extra in EXTRAS:
            print(f"{extra[:70]:72s} {run_line(c_binary, BASE + extra.split(), Path(scratch))}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
