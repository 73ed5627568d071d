"""Crystal orientations for every phi step and mosaic domain, including the phi = 0 quirk.

At a phi step whose angle is exactly 0 the C program skips the spindle rotation and keeps
the orientation left from the previous phi loop, i.e. the last phi step's (the first
pixel an OpenMP thread computes is the only exception; that thread-dependent detail is
not reproduced). ``phi0_reuse=False`` gives the corrected behaviour (no rotation at 0).
"""

from __future__ import annotations

from typing import List, Sequence

import torch

from .geometry import rotate_axis


def effective_phi_angles(angles: Sequence[float], phi0_reuse: bool) -> List[float]:
    """The spindle angle each phi step really uses (see the module docstring)."""
    if not phi0_reuse or all(a == 0.0 for a in angles):
        return list(angles)
    used = list(angles)
    for _ in range(2):  # a zero step takes its predecessor's angle, cyclically
        for i, a in enumerate(angles):
            if a == 0.0:
                used[i] = used[i - 1]
    return used


def orientations_m(real_m: torch.Tensor, spindle: torch.Tensor, phi_angles: Sequence[float],
                   umats: torch.Tensor, mosaic: bool, phi0_reuse: bool) -> torch.Tensor:
    """Rotated real-space cells, (phi steps * domains, 3, 3): rows a, b, c in metres.

    Each cell is U_domain . R_spindle(phi) . (a, b, c); U is skipped when there is no
    mosaic spread, as in the C.
    """
    cells = []
    for phi in effective_phi_angles(phi_angles, phi0_reuse):
        rotated = real_m if phi == 0.0 else rotate_axis(real_m, spindle, phi)
        if mosaic:
            cells.append(rotated @ umats.transpose(-1, -2))
        else:
            cells.append(rotated.unsqueeze(0))
    return torch.cat(cells, dim=0)
