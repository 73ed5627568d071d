"""How finely a sweep frame's rotation is sampled when the line does not say (-phisteps).

A reflection crosses the Ewald sphere over an angle of about its reciprocal-space width
(1 / (N a) for the longest crystal edge N a) divided by its distance from the origin. The
fastest-moving reflections on the detector are at its highest resolution, so the frame
is sampled at half that angle there: steps = ceil(2 * osc * q_max * N a), at least 2 (the
C program's own count for -osc without -phisteps).
"""

from __future__ import annotations

import math

import torch

from sim import units
from sim.kernel.pixel_geometry import centre_positions, directions, pixel_geometry, resolution_m, source_scattering
from sim.model.vectors import norm


def auto_phi_steps(model, osc_deg: float) -> int:
    """Phi steps for a frame of ``osc_deg`` degrees of the line's ``model``: the highest
    resolution is that of the detector's corner pixels (the kernel's own geometry, curved
    detectors included) over every source."""
    det = model.detector
    slow = torch.tensor([0, 0, det.spixels - 1, det.spixels - 1])
    fast = torch.tensor([0, det.fpixels - 1, 0, det.fpixels - 1])
    g = pixel_geometry(model)
    _, diffracted = directions(centre_positions(g, slow, fast))
    d_min_A = units.m_to_angstrom(float(resolution_m(source_scattering(g, diffracted)).min()))
    edge_A = max(n * float(norm(v)) for n, v in zip(model.N_cells, (model.cell.a, model.cell.b, model.cell.c)))
    return max(2, math.ceil(2.0 * units.deg_to_rad(osc_deg) * edge_A / d_min_A))