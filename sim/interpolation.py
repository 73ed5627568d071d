"""The C program's switch-off of structure-factor interpolation.

With ``-interpolate``, the first time an evaluation's 4x4x4 neighbourhood falls outside
the HKL table, nanoBragg prints a warning, uses ``default_F`` for that evaluation and turns
interpolation off for every later evaluation of that OpenMP thread (nearest-neighbour
values from then on). We reproduce it for the pixel order of one thread: the first
out-of-range evaluation in raster order (pixel, then layer, sub-pixel, source, phi,
domain) is the cut-off. When the table does not cover the detector's first pixel (the
usual case) every thread switches off at its first pixel, so the result is the same.
"""

from __future__ import annotations

from typing import Optional, Tuple

import torch

from .structure_factors import interpolation_in_range

Cutoff = Tuple[int, int, int]


def find_cutoff(k, slow: torch.Tensor, fast: torch.Tensor, chunk: int) -> Optional[Cutoff]:
    """(slow, fast, iteration) of the first out-of-range active evaluation, or None."""
    from .kernel import lattice_stage

    for begin in range(0, len(slow), chunk):
        s, f = slow[begin:begin + chunk], fast[begin:begin + chunk]
        st = lattice_stage(k, s, f)
        inside = interpolation_in_range(st["hkl_frac"], k.hkl_mins, k.hkl_grid.shape)
        bad = (st["active"] & ~inside).reshape(len(s), -1)
        hit = bad.any(dim=1)
        if bool(hit.any()):
            p = int(hit.to(torch.uint8).argmax())
            iteration = int(bad[p].to(torch.uint8).argmax())
            return int(s[p]), int(f[p]), iteration
    return None


def apply_cutoff(cutoff: Cutoff, slow: torch.Tensor, fast: torch.Tensor, smooth: torch.Tensor,
                 nearest: torch.Tensor, default_F: float) -> torch.Tensor:
    """Interpolated values before the cut-off, default_F at it, nearest-neighbour after it."""
    cs, cf, ci = cutoff
    p = smooth.shape[0]
    before = (slow < cs) | ((slow == cs) & (fast < cf))
    at = (slow == cs) & (fast == cf)
    iteration = torch.arange(smooth[0].numel(), device=smooth.device).reshape(smooth.shape[1:])
    shape = (p,) + (1,) * (smooth.dim() - 1)
    use_smooth = before.reshape(shape) | (at.reshape(shape) & (iteration < ci))
    at_cut = at.reshape(shape) & (iteration == ci)
    result = torch.where(use_smooth, smooth, nearest)
    return torch.where(at_cut, torch.full_like(result, default_F), result)
