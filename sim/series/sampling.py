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
from sim.model.vectors import dot, norm, unitize


def auto_phi_steps(model, osc_deg: float) -> int:
    """Phi steps for a frame of ``osc_deg`` degrees of the line's ``model``."""
    det = model.detector
    pixel_m = det.pixel_size_m
    corners = [det.pix0 + s * pixel_m * det.sdet + f * pixel_m * det.fdet
               for s in (0, det.spixels) for f in (0, det.fpixels)]
    cos_2theta = min(float(dot(unitize(c), det.beam)) for c in corners)
    theta = 0.5 * math.acos(max(-1.0, min(1.0, cos_2theta)))
    wavelength_A = units.m_to_angstrom(float(torch.min(model.sources.wavelengths_m)))
    q_max_per_A = 2.0 * math.sin(theta) / wavelength_A
    edge_A = max(n * float(norm(v)) for n, v in zip(model.N_cells, (model.cell.a, model.cell.b, model.cell.c)))
    return max(2, math.ceil(2.0 * units.deg_to_rad(osc_deg) * q_max_per_A * edge_A))
