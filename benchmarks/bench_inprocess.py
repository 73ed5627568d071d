"""In-process timings: re-simulation (what the viewer does after a change) and pixel traces.

    python benchmarks/bench_inprocess.py [--golden ../shared/golden]

For the light line it prints the first simulate() of the process and the median of the
following ones (model already built), float32 and float64; for the viewer's built-in
example, the median re-simulation after a change (model rebuilt, as the viewer does). For every
golden case it prints the median time to trace one pixel and the ratio to simulating
that case's whole image in the same process.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # this checkout: sim and tests.golden

from sim.cli.args import parse_args  # noqa: E402
from sim.model.resolved import build_model  # noqa: E402
from sim.simulator import simulate  # noqa: E402
from sim.trace.tracer import trace_pixel  # noqa: E402
from tests.golden import golden_root, load_cases  # noqa: E402

LIGHT = ("-cell 100 100 100 90 90 90 -default_F 100 -N 5 -lambda 6.2 -distance 100 "
         "-detpixels 1024 -pixel 0.1").split()


def timed(fn, repeat: int):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def resimulation() -> None:
    config = parse_args(LIGHT).config
    model = build_model(config)
    for dtype in (torch.float32, torch.float64):
        first = timed(lambda: simulate(config, device="cpu", dtype=dtype, model=model), 1)[0]
        again = statistics.median(timed(lambda: simulate(config, device="cpu", dtype=dtype, model=model), 5))
        print(f"light line {str(dtype)[6:]}: first {first:.3f} s, re-simulation {again:.3f} s "
              f"(ratio {again / first:.2f})")


def example_resimulation() -> None:
    from app.example import example_config  # the example's config; imports no Qt

    config = example_config()
    for dtype in (torch.float32, torch.float64):
        simulate(config, device="cpu", dtype=dtype)
        again = statistics.median(timed(lambda: simulate(config, device="cpu", dtype=dtype), 5))
        print(f"built-in example {str(dtype)[6:]}: re-simulation after a change {again:.3f} s")


def traces(golden: Path) -> None:
    print(f"{'case':22s} {'trace ms':>9s} {'image s':>8s} {'trace/image':>12s}")
    for case in load_cases(golden):
        os.chdir(case.inputs)
        config = parse_args(case.c_args).config
        model = build_model(config)
        slow, fast = case.info["traced_pixels"][0]
        trace_pixel(config, slow, fast, device="cpu", model=model)
        t = statistics.median(timed(lambda: trace_pixel(config, slow, fast, device="cpu", model=model), 5))
        window = case.crop
        image = timed(lambda: simulate(config, device="cpu", window=window, model=model), 1)[0]
        print(f"{case.name:22s} {1000 * t:9.1f} {image:8.2f} {t / image:12.4f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--golden", type=Path, default=golden_root())
    args = parser.parse_args()
    resimulation()
    example_resimulation()
    if args.golden.exists():
        traces(args.golden.resolve())
    return 0


if __name__ == "__main__":
    sys.exit(main())
