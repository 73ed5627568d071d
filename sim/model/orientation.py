"""Crystal orientations for every phi step and mosaic domain, including the phi = 0 quirk.

At a phi step whose angle is exactly 0 the C program skips the spindle rotation and keeps
the orientation left from the previous phi loop, i.e. the last phi step's. The exception
is the first sample the C computes (single-threaded: the first layer, sub-pixel and source
of the region of interest's first pixel that reaches the phi loop): nothing is left over
yet, so its zero steps before the first rotated one see the unrotated cell
(``first_sample_orientations_m``; ``sim.model.first_sample`` applies it). With several OpenMP
threads each thread has such a first pixel; the port follows the single-threaded order.
``phi0_reuse=False`` gives the corrected behaviour (no rotation at 0) everywhere.
"""

from __future__ import annotations

from typing import List, Optional, Sequence

import torch

from sim.model.vectors import rotate_axis


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


def first_sample_phi_angles(angles: Sequence[float]) -> List[float]:
    """The angles of the C's first sample: a zero step keeps the previous step's angle, and
    the steps before the first non-zero one keep the unrotated cell (angle 0)."""
    used, previous = [], 0.0
    for a in angles:
        previous = a if a != 0.0 else previous
        used.append(previous)
    return used


def orientations_m(real_m: torch.Tensor, spindle: torch.Tensor, phi_angles: Sequence[float],
                   umats: torch.Tensor, mosaic: bool, phi0_reuse: bool) -> torch.Tensor:
    """Rotated real-space cells, (phi steps * domains, 3, 3): rows a, b, c in metres.

    Each cell is U_domain . R_spindle(phi) . (a, b, c); U is skipped when there is no
    mosaic spread, as in the C.
    """
    return _cells(real_m, spindle, effective_phi_angles(phi_angles, phi0_reuse), umats, mosaic)


def first_sample_orientations_m(real_m: torch.Tensor, spindle: torch.Tensor, phi_angles: Sequence[float],
                                umats: torch.Tensor, mosaic: bool,
                                phi0_reuse: bool) -> Optional[torch.Tensor]:
    """The orientations the C's first sample sees, like ``orientations_m``; None when they
    are the same as every other sample's."""
    first = first_sample_phi_angles(phi_angles)
    if not phi0_reuse or first == effective_phi_angles(phi_angles, phi0_reuse):
        return None
    return _cells(real_m, spindle, first, umats, mosaic)


def _cells(real_m: torch.Tensor, spindle: torch.Tensor, used_angles: Sequence[float],
           umats: torch.Tensor, mosaic: bool) -> torch.Tensor:
    cells = []
    for phi in used_angles:
        rotated = real_m if phi == 0.0 else rotate_axis(real_m, spindle, phi)
        if mosaic:
            cells.append(rotated @ umats.transpose(-1, -2))
        else:
            cells.append(rotated.unsqueeze(0))
    return torch.cat(cells, dim=0)
