"""The phi = 0 quirk's one exception: the first sample the C program computes.

The C keeps the crystal orientation from one phi loop to the next, and a phi step of
exactly 0 reuses it (``sim.model.orientation``). Its very first sample, the first one in its
loop order (pixels of the region of interest row by row, then layer, sub-pixel and
source) that -dmin does not skip, has nothing to reuse and sees the unrotated cell
instead. Single-threaded, that is one sample of one pixel, usually the ROI's first pixel.
"""

from __future__ import annotations

from typing import Iterable, Optional, Tuple

import torch

from sim.kernel.intensity import KernelInputs, pixel_values, sample_stage

Chunks = Iterable[Tuple[torch.Tensor, torch.Tensor]]


def first_sample_pixel(k: KernelInputs, chunks: Chunks) -> Optional[Tuple[int, int]]:
    """(slow, fast) of the first pixel, in the C's order, with a sample -dmin does not skip;
    None when there is none. ``chunks``: the ROI's (slow, fast) pixels, row-major, in parts."""
    for slow, fast in chunks:
        if len(slow) == 0:
            continue
        if k.dmin_m <= 0.0:
            return int(slow[0]), int(fast[0])
        ok = sample_stage(k, slow, fast)["source_ok"].reshape(len(slow), -1).any(dim=1)
        if bool(ok.any()):
            i = int(ok.to(torch.uint8).argmax())
            return int(slow[i]), int(fast[i])
    return None


def first_sample_value(k: KernelInputs, orientations: Optional[torch.Tensor],
                       chunks: Chunks) -> Optional[Tuple[int, int, torch.Tensor]]:
    """(slow, fast, value) of the pixel holding the C's first sample, with that sample's own
    orientations (the model's ``first_sample_orientations`` on k's device and dtype); None
    when the quirk changes nothing."""
    if orientations is None:
        return None
    pixel = first_sample_pixel(k, chunks)
    if pixel is None:
        return None
    s, f = (torch.tensor([i], device=k.pix0.device) for i in pixel)
    return pixel[0], pixel[1], pixel_values(k, s, f, first_sample=orientations)


def orientations_at(k: KernelInputs, orientations: Optional[torch.Tensor], chunks: Chunks,
                    pixel: Tuple[int, int]) -> Optional[torch.Tensor]:
    """``orientations`` (on k's device and dtype) when ``pixel`` holds the C's first sample,
    else None."""
    if orientations is None or first_sample_pixel(k, chunks) != tuple(pixel):
        return None
    return orientations.to(device=k.pix0.device, dtype=k.pix0.dtype)


def first_sample_index(source_ok: torch.Tensor) -> Tuple[int, ...]:
    """(layer, sub-pixel slow, fast, source) of a pixel's first sample -dmin does not skip,
    from its ``source_ok`` (1, T, O, O, S) (the pixel must have one)."""
    flat = int(source_ok.reshape(-1).to(torch.uint8).argmax())
    return tuple(int(i) for i in torch.unravel_index(torch.tensor(flat), source_ok.shape[1:]))
