"""Time to explain a difference on a 512 x 512 golden case, and what the fit recovered.

Our parameters for ``triclinic_misset`` (512 x 512, 2x oversampling) are perturbed by known
amounts (beam centre +0.5 pixel, distance +0.5%, misset 0.1 degree about y, scale x1e9)
and fitted back to the C program's image over the whole detector:

    python benchmarks/bench_explain.py [--device cpu|cuda] [--groups beam,distance,misset,scale]

Prints each planted change against the fitted one (with its error), the agreement before
and after, and the time. Needs ../shared/golden (or $NANOBRAGG_GOLDEN).
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import os
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sim.cli.args import parse_args  # noqa: E402
from sim.explain.explain import explain  # noqa: E402
from sim.explain.groups import start_vector  # noqa: E402
from sim.explain.report import format_report  # noqa: E402
from sim.model.resolved import build_model  # noqa: E402
from sim.model.params import check_params, with_values  # noqa: E402
from tests.golden import load_case  # noqa: E402

PLANTS = {"beam_x_mm": (None, 0.05, "-Xbeam"), "distance_mm": (None, 0.5, "-distance"),
          "misset_deg": (1, 0.1, "-misset y")}
SCALE = 1e9


def perturbed(config):
    model = build_model(config)
    fields = {}
    for field, (index, change, _) in PLANTS.items():
        values = start_vector(config, model, field)
        values[0 if index is None else index] += change
        fields[field] = torch.tensor(values if len(values) > 1 else values[0], dtype=torch.float64)
    config = with_values(config, check_params(config, fields))
    beam = dataclasses.replace(config.beam, fluence_per_m2=model.fluence_per_m2 * SCALE)
    return dataclasses.replace(config, beam=beam)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--groups", default="beam,distance,misset,scale")
    args = parser.parse_args()
    case = load_case("triclinic_misset")
    config = parse_args(case.c_args).config
    theirs = case.image().astype(np.float64)
    start, cpu = time.perf_counter(), time.process_time()
    result = explain(perturbed(config), theirs, args.groups.split(","), device=args.device)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    print("\n".join(format_report(result)))
    print("\nplanted -> fitted (theirs - ours):")
    for field, (_, change, flag) in PLANTS.items():
        c = next(c for c in result.changes if c.param.flag == flag)
        print(f"  {flag:<10} planted {change:+.6g}  fitted {-c.change:+.9g} +/- {c.uncertainty:.2g}"
              f"  error {abs(-c.change - change) / change:.1e} of the plant")
    c = next(c for c in result.changes if c.param.is_scale)
    print(f"  -fluence   planted x{SCALE:.0e}  fitted x{1 / c.change:.9g}  "
          f"error {abs(math.log(c.change) + math.log(SCALE)) / math.log(SCALE):.1e} of ln(plant)")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"\nexplain, 512 x 512 pixels, device {args.device}, {torch.get_num_threads()} threads: "
          f"{elapsed:.1f} s wall, {cpu:.1f} s CPU (load average {load:.1f} while it ran)")


if __name__ == "__main__":
    main()
