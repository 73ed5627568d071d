"""The C program's switch-off of structure-factor interpolation.

With ``-interpolate``, the first time an evaluation's 4x4x4 neighbourhood falls outside
the HKL table, nanoBragg prints a warning and turns interpolation off (the flag is shared
by its OpenMP threads): that evaluation and every later one take the nearest-neighbour
value (``default_F`` where the nearest whole index is outside the table). The C sets
F_cell to ``default_F`` at the switch-off, but its nearest-neighbour branch runs right
after and overwrites it. We reproduce it for the pixel order of one thread: the first
out-of-range evaluation in raster order (pixel, then layer, sub-pixel, source, phi,
domain) is the cut-off. When the table does not cover the detector's first pixel (the
usual case) every thread switches off at its first pixel, so the result is the same.
"""

from __future__ import annotations

from typing import Callable, Optional, Tuple

import torch

from sim.kernel.lattice import LatticeSpec, lattice_terms
from sim.kernel.pixel_geometry import PixelGeometry, samples
from sim.kernel.structure_factors import interpolation_in_range

Cutoff = Tuple[int, int, int]


def find_cutoff(g: PixelGeometry, spec: LatticeSpec, axes: torch.Tensor, reciprocal_A: torch.Tensor,
                grid: torch.Tensor, mins: torch.Tensor,
                pixels: Callable[[int, int], Tuple[torch.Tensor, torch.Tensor]], total: int,
                chunk: int) -> Optional[Cutoff]:
    """(slow, fast, iteration) of the first out-of-range active evaluation, or None, for the
    crystal ``spec``/``axes``/``reciprocal_A`` and HKL table ``grid``/``mins`` (as in
    ``sim.kernel.intensity.KernelInputs``) seen through ``g``.

    ``pixels(begin, end)``: (slow, fast) of the pixels ``begin:end`` of ``total``, in raster order.
    """
    for begin, end in _growing_ranges(total, chunk):
        s, f = pixels(begin, end)
        st = samples(g, s, f)
        flat = st.scattering.reshape(-1, 3)
        ok = None if st.source_ok is None else st.source_ok.reshape(-1)
        _, parts = lattice_terms(spec, flat, axes, ok, reciprocal_A, grid, mins, keep=True)
        inside = interpolation_in_range(parts["hkl_frac"].permute(1, 2, 0), mins, grid.shape)
        bad = (parts["active"] & ~inside).reshape(len(s), -1)
        hit = bad.any(dim=1)
        if bool(hit.any()):
            p = int(hit.to(torch.uint8).argmax())
            iteration = int(bad[p].to(torch.uint8).argmax())
            return int(s[p]), int(f[p]), iteration
    return None


def _growing_ranges(total: int, chunk: int):
    """(begin, end) ranges of 1, 64, 4096... pixels up to ``chunk``: the cut-off is usually
    in the first pixel (a detector corner at high resolution), so look there first."""
    begin, size = 0, 1
    while begin < total:
        end = min(begin + size, total)
        yield begin, end
        begin, size = end, min(size * 64, chunk)


def apply_cutoff(cutoff: Cutoff, slow: torch.Tensor, fast: torch.Tensor, smooth: torch.Tensor,
                 nearest: torch.Tensor, per_pixel: int) -> torch.Tensor:
    """Interpolated values before the cut-off, nearest-neighbour from it on (at the cut-off
    the C sets default_F, then its nearest-neighbour branch overwrites it).

    ``smooth``/``nearest``: (Q, M) with Q = pixels x ``per_pixel`` samples, in loop order.
    """
    cs, cf, ci = cutoff
    q, m = smooth.shape
    pixel_slow = slow.repeat_interleave(per_pixel)[:, None]
    pixel_fast = fast.repeat_interleave(per_pixel)[:, None]
    sample = torch.arange(q, device=smooth.device) % per_pixel
    iteration = sample[:, None] * m + torch.arange(m, device=smooth.device)[None, :]
    before = (pixel_slow < cs) | ((pixel_slow == cs) & (pixel_fast < cf))
    at = (pixel_slow == cs) & (pixel_fast == cf)
    return torch.where(before | (at & (iteration < ci)), smooth, nearest)
