"""``python -m sim warmup [<nanoBragg flags>]``: build compiled kernels ahead of time.

With a command line: the kernel that line would use (in its ``--dtype``), built now, so
its first run is already fast. Without one: the common kernels (both layouts, float32 and
float64, the parallelepiped crystal of ``COMMON_N`` cells, with and without an -hkl table).
Kernels already stored are only checked; failed builds are tried again.
"""

from __future__ import annotations

import time
from typing import List, Sequence

#: Cells per axis of the parallelepiped kernels built without a command line (the
#: recurrence of its lattice factor is unrolled N - 2 times, so N is compiled in).
COMMON_N = (5.0, 5.0, 5.0)


def common_requests() -> List:
    from sim.model.config import CrystalShape
    from sim.kernel.modules import LAYOUTS, KernelRequest
    from sim.kernel.lattice import LatticeSpec

    spec = LatticeSpec(COMMON_N, CrystalShape.SQUARE, None, None, False)
    return [KernelRequest(layout, spec, dtype, False, grid)
            for dtype in ("float32", "float64") for layout in LAYOUTS for grid in (False, True)]


def line_requests(argv: Sequence[str]) -> List:
    from sim.cli.args import parse_args
    from sim.model.resolved import build_model
    from sim.simulator import kernel_request

    parsed = parse_args(argv)
    request = kernel_request(build_model(parsed.config), parsed.dtype)
    if request is None:
        print("this command line runs eagerly (a short run, interpolated structure factors or "
              "-oversample_thick/polar/omega): no kernel to build")
    return [] if request is None else [request]


def warmup_main(argv: Sequence[str]) -> int:
    """Build each kernel (one line each); exit 1 when any failed."""
    from sim.integrity import is_trusted
    from sim.kernel import build as kernel_build, cache as kernel_cache

    requests = line_requests(argv) if argv else common_requests()
    failed = 0
    for request in requests:
        package = kernel_cache.package_path(request.key)
        name = f"{request.layout} kernel, {request.dtype}{', -hkl table' if request.has_grid else ''}"
        if is_trusted(package):
            print(f"{name}: stored ({package})")
            continue
        start = time.perf_counter()
        try:
            kernel_build.build_and_wait(request)
        except kernel_build.BuildFailed as err:
            failed += 1
            print(f"{name}: FAILED ({err})")
            continue
        print(f"{name}: built in {time.perf_counter() - start:.1f} s ({package})")
    return 1 if failed else 0
