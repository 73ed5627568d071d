"""Geometry of one pixel for readouts: scattering angle, resolution and fractional hkl.

The readout is the kernel's own geometry (``sim.kernel.pixel_geometry``) at the pixel
centre on the sensor's front face, for source 0 and orientation 0 (phi step 0, mosaic
domain 0): the first sample the trace shows when there is one sub-pixel and one sensor
layer. With oversampling the trace's first sample is a sub-pixel, not the centre.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Tuple

import torch

from sim import units
from sim.kernel.intensity import orientation_axes
from sim.kernel.lattice import miller_components
from sim.kernel.pixel_geometry import (PixelGeometry, centre_positions, directions, pixel_geometry, resolution_m,
                                       scattering_vector, two_theta_rad)
from sim.model.resolved import SimModel

#: Detector rows per step of ``resolution_map_A`` (bounds its temporary tensors).
_MAP_ROWS = 256


@dataclass(frozen=True)
class PixelInfo:
    """Pixel-centre geometry for source 0, phi step 0, mosaic domain 0."""

    slow: int
    fast: int
    two_theta_deg: float
    resolution_A: float
    hkl: Tuple[float, float, float]


def _centre_scattering(g: PixelGeometry, slow: torch.Tensor, fast: torch.Tensor):
    """(diffracted (P, 3), scattering (P, 3)) at the centres of pixels (slow, fast) (P,), source 0."""
    _, diffracted = directions(centre_positions(g, slow, fast))
    return diffracted, scattering_vector(diffracted, g.incident[0], g.wavelength_m[0])


def resolution_map_A(model: SimModel) -> torch.Tensor:
    """d spacing (Angstrom) at the centre of every pixel, (slow, fast), for source 0."""
    g = pixel_geometry(model)
    spixels, fpixels = model.detector.spixels, model.detector.fpixels
    rows = []
    for s0 in range(0, spixels, _MAP_ROWS):
        slow, fast = torch.meshgrid(torch.arange(s0, min(s0 + _MAP_ROWS, spixels)), torch.arange(fpixels),
                                    indexing="ij")
        _, scattering = _centre_scattering(g, slow.reshape(-1), fast.reshape(-1))
        rows.append(units.m_to_angstrom(resolution_m(scattering)).reshape(slow.shape))
    return torch.cat(rows) if rows else torch.zeros((0, fpixels), dtype=torch.float64)


def pixel_info(model: SimModel, slow: float, fast: float) -> PixelInfo:
    """2theta (degrees), d spacing (Angstrom) and fractional hkl at the centre of (slow, fast)."""
    g = pixel_geometry(model)
    diffracted, scattering = _centre_scattering(g, torch.tensor([int(slow)]), torch.tensor([int(fast)]))
    two_theta = float(two_theta_rad(diffracted, g.incident[0])[0])
    hkl = miller_components(scattering, orientation_axes(model.orientations[:1]))[0]
    return PixelInfo(int(slow), int(fast), units.rad_to_deg(two_theta),
                     units.m_to_angstrom(float(resolution_m(scattering)[0])), tuple(float(x) for x in hkl))


def resolution_ring_radius_px(model: SimModel, resolution_A: float) -> float:
    """Radius in pixels, on a flat detector normal to the beam, of the ring at ``resolution_A``
    for source 0's wavelength."""
    ratio = float(pixel_geometry(model).wavelength_m[0]) / (2.0 * units.angstrom_to_m(resolution_A))
    if ratio >= 1.0:
        return math.inf
    two_theta = 2.0 * math.asin(ratio)
    return float(model.detector.close_distance_m) * math.tan(two_theta) / model.detector.pixel_size_m
