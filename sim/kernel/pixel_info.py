"""Geometry of one pixel for readouts: scattering angle, resolution and fractional hkl."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Tuple

import torch

from sim.model.detector import curved_positions
from sim.model.resolved import SimModel


@dataclass(frozen=True)
class PixelInfo:
    """Pixel-centre geometry for source 0, phi step 0, mosaic domain 0."""

    slow: int
    fast: int
    two_theta_deg: float
    resolution_A: float
    hkl: Tuple[float, float, float]


def _diffracted(model: SimModel, slow, fast) -> torch.Tensor:
    """Unit vectors from the sample to the centres of pixels (slow, fast) (tensors broadcast)."""
    det = model.detector
    slow, fast = torch.as_tensor(slow, dtype=det.pix0.dtype), torch.as_tensor(fast, dtype=det.pix0.dtype)
    pos = (det.pix0 + (fast + 0.5)[..., None] * det.pixel_size_m * det.fdet
           + (slow + 0.5)[..., None] * det.pixel_size_m * det.sdet)
    if det.curved:
        pos = curved_positions(pos, det.distance_m, det.beam, det.sdet, det.fdet)
    return pos / torch.linalg.norm(pos, dim=-1, keepdim=True)


def _resolution_A(model: SimModel, cos_2theta: torch.Tensor) -> torch.Tensor:
    sin_theta = torch.sqrt((1.0 - cos_2theta.clamp(-1.0, 1.0)) / 2.0)
    wavelength_A = float(model.sources.wavelengths_m[0]) * 1e10
    return torch.where(sin_theta > 0, wavelength_A / (2.0 * sin_theta), torch.full_like(sin_theta, math.inf))


def resolution_map_A(model: SimModel) -> torch.Tensor:
    """d spacing (Angstrom) at the centre of every pixel, (slow, fast), for source 0."""
    det = model.detector
    slow, fast = torch.meshgrid(torch.arange(det.spixels), torch.arange(det.fpixels), indexing="ij")
    cos_2theta = _diffracted(model, slow, fast) @ -model.sources.directions[0]
    return _resolution_A(model, cos_2theta)


def pixel_info(model: SimModel, slow: float, fast: float) -> PixelInfo:
    """2theta (degrees), d spacing (Angstrom) and fractional hkl at the centre of (slow, fast)."""
    diffracted = _diffracted(model, slow, fast)
    incident = -model.sources.directions[0]
    wavelength_m = float(model.sources.wavelengths_m[0])
    cos_2theta = max(-1.0, min(1.0, float(diffracted @ incident)))
    two_theta = math.acos(cos_2theta)
    resolution = float(_resolution_A(model, torch.tensor(cos_2theta, dtype=torch.float64)))
    scattering = (diffracted - incident) / wavelength_m
    hkl = model.orientations[0] @ scattering
    return PixelInfo(int(slow), int(fast), math.degrees(two_theta), resolution,
                     tuple(float(x) for x in hkl))


def resolution_ring_radius_px(model: SimModel, resolution_A: float) -> float:
    """Radius in pixels, on a flat detector normal to the beam, of the ring at ``resolution_A``."""
    wavelength_A = float(model.sources.wavelengths_m[0]) * 1e10
    ratio = wavelength_A / (2.0 * resolution_A)
    if ratio >= 1.0:
        return math.inf
    two_theta = 2.0 * math.asin(ratio)
    return float(model.detector.close_distance_m) * math.tan(two_theta) / model.detector.pixel_size_m
