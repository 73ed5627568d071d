"""Structure factors F_cell(h, k, l): a constant, an HKL table lookup, or tricubic interpolation.

Lookups follow nanoBragg: the nearest whole (h, k, l) inside the table's index range takes
the table value (``default_F`` where the file has no entry), outside it ``default_F``.
Interpolation uses the 4x4x4 neighbours around floor(h, k, l) with Lagrange polynomials,
as the C's polin3, and falls back to ``default_F`` when a neighbour would be outside.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from typing import Optional, Tuple

import torch

from sim.model.config import CrystalConfig


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
    table = _read_table(crystal.hkl_file)
    grid = torch.as_tensor(table.filled(crystal.default_F), dtype=torch.float64)
    return StructureFactors(crystal.default_F, grid, (table.h_min, table.k_min, table.l_min),
                            interpolate and table.count > 0, table.count)


#: Tables up to this many grid cells stay in memory for the next run that reads the same
#: file with the same bytes (a viewer re-simulating reads it on every edit; parsing is
#: most of the model's build time for such a crystal: hashing the bytes costs a fiftieth
#: of it). Larger ones are read again, not kept twice.
CACHED_TABLE_MAX_CELLS = 4_000_000
_last_table: list = []  # [(path, digest of its bytes), HklTable] of the last table kept


def _read_table(path):
    """``sim.io.hkl.read_hkl``, reusing the last table read when the file is unchanged."""
    from sim.io.hkl import read_hkl

    try:
        with open(path, "rb") as handle:
            key = (os.path.abspath(path), hashlib.blake2b(handle.read(), digest_size=16).digest())
    except OSError:
        return read_hkl(path)  # the reader reports the problem
    if _last_table and _last_table[0] == key:
        return _last_table[1]
    table = read_hkl(path)
    _last_table[:] = [key, table] if table.F.size <= CACHED_TABLE_MAX_CELLS else []
    return table


def kept_table_path():
    """The file whose table is kept for reuse, None when none is."""
    return _last_table[0][0] if _last_table else None


def interpolation_in_range(hkl: torch.Tensor, mins: torch.Tensor, grid_shape) -> torch.Tensor:
    """The C's safety test for 4-point interpolation (on fractional indices), (...,) bool."""
    ranges = torch.as_tensor(grid_shape, device=hkl.device, dtype=hkl.dtype)
    return ((hkl - mins + 3 <= ranges) & (hkl - 2 >= mins)).all(-1)


def _lagrange_weights(t: torch.Tensor) -> torch.Tensor:
    """Weights (4, ...) of the nodes -1, 0, 1, 2 for evaluating at t in [0, 1) (cubic Lagrange)."""
    up, down, down2 = t + 1.0, t - 1.0, t - 2.0
    return torch.stack([-(t * down * down2) / 6.0, up * down * down2 / 2.0,
                        -(up * t * down2) / 2.0, up * t * down / 6.0])


def l_neighbours(grid: torch.Tensor, dtype: torch.dtype) -> torch.Tensor:
    """(h, k, l, 4) table: F at l-1 .. l+2 for every grid point (edges repeated), so that
    one row lookup fetches four values along l."""
    padded = torch.cat([grid[..., :1], grid, grid[..., -1:], grid[..., -1:]], dim=-1).to(dtype)
    return padded.unfold(2, 4, 1).reshape(-1, 4)


def interpolated_F(hkl: torch.Tensor, grid: torch.Tensor, mins: torch.Tensor,
                   rows: Optional[torch.Tensor] = None) -> torch.Tensor:
    """Tricubic (4x4x4 Lagrange) interpolation of F at fractional ``hkl`` (..., 3).

    Sixteen rows of four values along l (``rows``: ``l_neighbours(grid)``, made here when
    not given) are contracted with the l, k, then h weights, as the C's polin3 nests.
    Callers must mask points that fail ``interpolation_in_range``; their rows are garbage
    (kept inside the table). Per-sample quantities are computed axis by axis, (3, Q), as
    contiguous rows (the Miller indices come samples-last, ``sim.kernel.lattice``), and
    the sixteen rows are found from one corner index plus fixed offsets.
    """
    rows = l_neighbours(grid, hkl.dtype) if rows is None else rows
    lead = hkl.shape[:-1]
    per_axis = hkl.reshape(-1, 3).T
    base = torch.floor(per_axis)
    weights = _lagrange_weights(per_axis - base).permute(2, 1, 0).contiguous()  # (Q, axis, node)
    # int32 indices (grids stay below 2^31 cells, sim.io.hkl.MAX_GRID_CELLS): half the traffic
    start = (base - mins[:, None]).to(torch.int32)
    _, n_k, n_l = grid.shape
    corner = (start[0] * n_k + start[1]).mul_(n_l).add_(start[2])
    nodes = torch.arange(-1, 3, device=hkl.device, dtype=torch.int32)
    offsets = ((nodes[:, None] * n_k + nodes[None, :]) * n_l).reshape(-1)  # h-1..h+2 x k-1..k+2
    cell = (corner[:, None] + offsets).clamp_(0, rows.shape[0] - 1)
    values = rows.index_select(0, cell.reshape(-1)).view(-1, 16, 4)
    along_l = torch.bmm(values, weights[:, 2, :, None]).view(-1, 4, 4)
    along_k = torch.bmm(along_l, weights[:, 1, :, None]).view(-1, 1, 4)
    return torch.bmm(along_k, weights[:, 0, :, None]).view(lead)
