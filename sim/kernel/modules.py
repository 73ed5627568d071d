"""What a compiled kernel computes: the two layouts of the inner stage as modules, the
description a kernel is built for (``KernelRequest``), and example inputs to export them on.

Two layouts of the same physics (``sim.kernel.lattice.lattice_contributions``), both one fused,
vectorized loop:

- "orientations": Miller indices from the (Q, 3) x (3, 3M) product, the loop runs along
  the orientations of each sample;
- "sources": the scattering vector of every source is formed inside the kernel and the
  loop runs along the sub-pixels, summing sources and orientations in registers.

Only what changes the generated code is baked into a kernel: the layout, dtype, crystal
shape, water, which optional inputs it takes and, for the parallelepiped (whose
sin(N x)/sin(x) is an unrolled recurrence of N - 2 steps), N. ``default_F``, ``fudge``
and, for the other shapes, N are runtime inputs (``crystal_scalars``); every size (pixels,
sources, orientations, structure factor table) is dynamic. So one kernel serves every
crystal of the same shape.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional, Tuple

import torch

from sim.kernel import lattice, pixel_geometry
from sim.model.config import CrystalShape
from sim.kernel.lattice import LatticeSpec, cos_pi_polynomial, lattice_contributions, lattice_terms
from sim.kernel.pixel_geometry import scattering_vector

LAYOUTS = ("orientations", "sources")
_DTYPES = {"float32": torch.float32, "float64": torch.float64}


@functools.lru_cache(maxsize=None)
def source_digest() -> str:
    """Changes whenever the code a stored kernel was built from changes."""
    text = b"".join(Path(m.__file__).read_bytes() for m in (lattice, pixel_geometry)) + Path(__file__).read_bytes()
    return hashlib.sha256(text).hexdigest()[:12]


def baked_spec(spec: LatticeSpec) -> LatticeSpec:
    """The part of ``spec`` compiled into a kernel; the rest (None here) is a runtime input."""
    N = spec.N if spec.shape is CrystalShape.SQUARE else None
    return LatticeSpec(N, spec.shape, None, None, spec.water)


def crystal_scalars(spec: LatticeSpec, dtype: torch.dtype) -> torch.Tensor:
    """The runtime crystal inputs of a kernel: default_F, fudge, Na, Nb, Nc."""
    return torch.tensor([spec.default_F, spec.fudge, *spec.N], dtype=dtype)


def _runtime_spec(baked: LatticeSpec, scalars: torch.Tensor) -> LatticeSpec:
    N = baked.N if baked.N is not None else (scalars[2], scalars[3], scalars[4])
    return dataclasses.replace(baked, N=N, default_F=scalars[0], fudge=scalars[1])


@dataclass(frozen=True)
class KernelRequest:
    """One kernel to build or load: ``spec`` is a ``baked_spec``; dtype "float32"/"float64"."""

    layout: str
    spec: LatticeSpec
    dtype: str
    has_ok: bool
    has_grid: bool

    @property
    def key(self) -> str:
        """A readable description, unique per generated code (stored beside the kernels)."""
        return (f"{self.layout} {source_digest()} torch.{self.dtype} cpu {self.spec!r} "
                f"ok={self.has_ok} grid={self.has_grid}")

    @property
    def torch_dtype(self) -> torch.dtype:
        return _DTYPES[self.dtype]

    def to_json(self) -> str:
        spec = dataclasses.asdict(self.spec)
        spec["shape"] = self.spec.shape.name
        return json.dumps({"layout": self.layout, "spec": spec, "dtype": self.dtype,
                           "has_ok": self.has_ok, "has_grid": self.has_grid})

    @classmethod
    def from_json(cls, text: str) -> "KernelRequest":
        data = json.loads(text)
        spec = data["spec"]
        N = None if spec["N"] is None else tuple(float(n) for n in spec["N"])
        baked = LatticeSpec(N, CrystalShape[spec["shape"]], None, None, bool(spec["water"]))
        if data["layout"] not in LAYOUTS or data["dtype"] not in _DTYPES:
            raise ValueError(f"not a kernel request: {text}")
        return cls(data["layout"], baked, data["dtype"], bool(data["has_ok"]), bool(data["has_grid"]))


def _optional(rest, has_ok: bool, has_grid: bool):
    rest = list(rest)
    ok = rest.pop(0) if has_ok else None
    grid = rest.pop(0) if has_grid else None
    return ok, grid


class OrientationsModule(torch.nn.Module):
    """Sums per sample: scattering (Q, 3), axes (3, 3M), reciprocal (3, 3), mins (3,),
    crystal scalars (5,) [, ok (Q,), grid] -> (Q,)."""

    def __init__(self, request: KernelRequest):
        super().__init__()
        self.request = request

    def forward(self, scattering, axes, reciprocal_A, mins, scalars, *optional):
        r = self.request
        ok, grid = _optional(optional, r.has_ok, r.has_grid)
        return lattice_terms(_runtime_spec(r.spec, scalars), scattering, axes, ok, reciprocal_A, grid, mins,
                             cos=cos_pi_polynomial, samples_last=False)


class SourcesModule(torch.nn.Module):
    """Sums per sub-pixel: diffracted (3, R), incident (S, 3), wavelength (S,), axes (3, 3M),
    reciprocal, mins, crystal scalars [, ok (S, 1, R), grid] -> (R,), summed over sources
    and orientations."""

    def __init__(self, request: KernelRequest):
        super().__init__()
        self.request = request

    def forward(self, diffracted, incident, wavelength, axes, reciprocal_A, mins, scalars, *optional):
        r = self.request
        ok, grid = _optional(optional, r.has_ok, r.has_grid)
        s = scattering_vector(diffracted[None], incident[:, :, None], wavelength[:, None, None])  # (S, 3, R)
        h = (s[:, 0:1] * axes[0][None, :, None] + s[:, 1:2] * axes[1][None, :, None]
             + s[:, 2:3] * axes[2][None, :, None])
        return lattice_contributions(_runtime_spec(r.spec, scalars), h, ok, reciprocal_A, grid, mins,
                                     cos=cos_pi_polynomial).sum((0, 1))


def module_and_examples(request: KernelRequest) -> Tuple[torch.nn.Module, List[torch.Tensor], tuple]:
    """The module, small example inputs (a crystal like the C's default: N 5, F 100) and
    their dynamic dimensions, every size dynamic."""
    from torch.export import Dim

    dtype = request.torch_dtype
    gen = torch.Generator().manual_seed(0)

    def rand(*shape):
        return torch.rand(*shape, dtype=dtype, generator=gen)

    N = request.spec.N or (5.0, 5.0, 5.0)
    scalars = torch.tensor([100.0, 1.0, *N], dtype=dtype)
    # Miller indices of a few units, partly inside the table; whole table indices; a small
    # reciprocal cell so that the smooth shapes' factors are not all zero.
    mins = torch.tensor([-2.0, -3.0, -1.0], dtype=dtype)
    reciprocal = 0.01 * torch.eye(3, dtype=dtype)
    rows, sources, m = Dim("rows"), Dim("sources"), Dim("M")
    if request.layout == "orientations":
        module = OrientationsModule(request)
        example = [rand(64, 3) * 2 - 1, rand(3, 15) * 3, reciprocal, mins, scalars]
        dynamic = [{0: rows}, {1: 3 * m}, None, None, None]
        ok_example, ok_dims = torch.rand(64, generator=gen) > 0.2, {0: rows}
    else:
        module = SourcesModule(request)
        example = [rand(3, 64), rand(5, 3), rand(5) + 1, rand(3, 6) * 6 - 3, reciprocal, mins, scalars]
        dynamic = [{1: rows}, {0: sources}, {0: sources}, {1: 3 * m}, None, None, None]
        ok_example, ok_dims = torch.rand(5, 1, 64, generator=gen) > 0.2, {0: sources, 2: rows}
    optional: List[Optional[dict]] = []  # the structure of forward's *optional
    if request.has_ok:
        example.append(ok_example)
        optional.append(ok_dims)
    if request.has_grid:
        example.append(rand(4, 5, 6) * 10)
        optional.append({0: Dim("H"), 1: Dim("K"), 2: Dim("L")})
    return module, example, tuple(dynamic) + ((tuple(optional),) if optional else ())
