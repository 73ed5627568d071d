"""Structure factors F_cell(h, k, l): a constant, an HKL table lookup, or tricubic interpolation.

Lookups follow nanoBragg: the nearest whole (h, k, l) inside the table's index range takes
the table value (``default_F`` where the file has no entry), outside it ``default_F``.
Interpolation uses the 4x4x4 neighbours around floor(h, k, l) with Lagrange polynomials,
as the C's polin3, and falls back to ``default_F`` when a neighbour would be outside.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Tuple

import torch

from .config import CrystalConfig


@dataclass
class StructureFactors:
    """``grid``: (h_range, k_range, l_range) float64 or None; ``mins``: (h_min, k_min, l_min)."""

    default_F: float
    grid: Optional[torch.Tensor]
    mins: Tuple[int, int, int]
    interpolate: bool
    count: int

    @property
    def maxs(self) -> Tuple[int, int, int]:
        if self.grid is None:
            return self.mins
        return tuple(m + n - 1 for m, n in zip(self.mins, self.grid.shape))


def load_structure_factors(crystal: CrystalConfig, N_from_flags) -> StructureFactors:
    """Read the HKL file (if any) and decide interpolation (the C's auto rule uses the -N values)."""
    if crystal.interpolate is None:
        interpolate = any(n <= 2 for n in N_from_flags)
    else:
        interpolate = crystal.interpolate
    if crystal.hkl_file is None:
        return StructureFactors(crystal.default_F, None, (0, 0, 0), False, 0)
    from .io.hkl import read_hkl

    table = read_hkl(crystal.hkl_file)
    grid = torch.as_tensor(table.filled(crystal.default_F), dtype=torch.float64)
    return StructureFactors(crystal.default_F, grid, (table.h_min, table.k_min, table.l_min),
                            interpolate and table.count > 0, table.count)


def nearest_F(hkl0: torch.Tensor, grid: torch.Tensor, mins: torch.Tensor, default_F: float) -> torch.Tensor:
    """F at whole indices ``hkl0`` (..., 3) (integer-valued floats); default_F outside the table."""
    shape = torch.as_tensor(grid.shape, device=hkl0.device, dtype=hkl0.dtype)
    idx = hkl0 - mins
    inside = ((idx >= 0) & (idx < shape)).all(-1)
    idx = torch.where(inside.unsqueeze(-1), idx, torch.zeros_like(idx)).long()
    flat = (idx[..., 0] * grid.shape[1] + idx[..., 1]) * grid.shape[2] + idx[..., 2]
    values = grid.reshape(-1).to(hkl0.dtype)[flat]
    return torch.where(inside, values, torch.full_like(values, default_F))


def interpolation_in_range(hkl: torch.Tensor, mins: torch.Tensor, grid_shape) -> torch.Tensor:
    """The C's safety test for 4-point interpolation (on fractional indices), (...,) bool."""
    ranges = torch.as_tensor(grid_shape, device=hkl.device, dtype=hkl.dtype)
    return ((hkl - mins + 3 <= ranges) & (hkl - 2 >= mins)).all(-1)


def _lagrange_weights(x: torch.Tensor, base: torch.Tensor) -> torch.Tensor:
    """Weights of the 4 nodes base-1 .. base+2 for evaluating at x: (..., 4)."""
    nodes = [base - 1, base, base + 1, base + 2]
    weights = []
    for i, xi in enumerate(nodes):
        w = torch.ones_like(x)
        for j, xj in enumerate(nodes):
            if j != i:
                w = w * (x - xj) / (xi - xj)
        weights.append(w)
    return torch.stack(weights, dim=-1)


def interpolated_F(hkl: torch.Tensor, grid: torch.Tensor, mins: torch.Tensor) -> torch.Tensor:
    """Tricubic (4x4x4 Lagrange) interpolation of F at fractional ``hkl`` (..., 3).

    Callers must mask points that fail ``interpolation_in_range``; they are clamped here.
    """
    base = torch.floor(hkl)
    wh, wk, wl = (_lagrange_weights(hkl[..., i], base[..., i]) for i in range(3))
    offsets = torch.arange(-1, 3, device=hkl.device, dtype=hkl.dtype)
    idx = base.unsqueeze(-1) + offsets - mins.unsqueeze(-1)  # (..., 3, 4)
    limits = torch.as_tensor(grid.shape, device=hkl.device).unsqueeze(-1) - 1
    idx = torch.minimum(torch.clamp(idx, min=0).long(), limits)
    flat_grid = grid.reshape(-1).to(hkl.dtype)
    hi = idx[..., 0, :, None, None] * grid.shape[1]
    ki = idx[..., 1, None, :, None]
    li = idx[..., 2, None, None, :]
    values = flat_grid[(hi + ki) * grid.shape[2] + li]  # (..., 4, 4, 4)
    return torch.einsum("...i,...j,...k,...ijk->...", wh, wk, wl, values)
