"""Export and compile one kernel package, then check it: run only in the builder process
(``sim.kernel.build``), so inductor and the C++ compiler never load into a user's process."""

from __future__ import annotations

import warnings
from pathlib import Path

from sim.kernel import cache as kernel_cache
from sim.kernel.modules import KernelRequest, module_and_examples

#: Largest difference allowed between the package and the eager module on the examples,
#: relative to the largest value (fused code may sum in another order).
CHECK_TOLERANCE = {"float32": 1e-4, "float64": 1e-10}


class KernelMismatch(Exception):
    """The package computes something other than the eager module."""


def compile_package(request: KernelRequest, path: Path) -> None:
    """Build the package for ``request`` at ``path`` (ending .pt2) and check it there."""
    module, example, dynamic = module_and_examples(request)
    with warnings.catch_warnings():
        for category in (FutureWarning, DeprecationWarning, UserWarning):  # torch's own
            warnings.simplefilter("ignore", category)
        import torch._inductor
        import torch._inductor.config as inductor_config

        inductor_config.compile_threads = 1  # no worker pool to start for one kernel
        exported = torch.export.export(module, tuple(example), dynamic_shapes=dynamic)
        torch._inductor.aoti_compile_and_package(exported, package_path=str(path))
    check_package(request, path)


def check_package(request: KernelRequest, path: Path) -> None:
    """Load the package and compare it with the eager module on the example inputs."""
    module, example, _ = module_and_examples(request)
    expected = module(*example)
    got = kernel_cache.open_package(path)([t.contiguous() for t in example])[0]
    scale = float(expected.abs().max()) or 1.0
    error = float((got - expected).abs().max()) / scale
    if got.shape != expected.shape or not error <= CHECK_TOLERANCE[request.dtype]:
        raise KernelMismatch(f"the built kernel differs from the eager code by {error:.1e} of the maximum")
