"""Geometry of one pixel for readouts: scattering angle, resolution and fractional hkl."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Tuple

import torch

from .model import SimModel


@dataclass(frozen=True)
class PixelInfo:
    """Pixel-centre geometry for source 0, phi step 0, mosaic domain 0."""

    slow: int
    fast: int
    two_theta_deg: float
    resolution_A: float
    hkl: Tuple[float, float, float]


def pixel_info(model: SimModel, slow: float, fast: float) -> PixelInfo:
    """2theta (degrees), d spacing (Angstrom) and fractional hkl at the centre of (slow, fast)."""
    det = model.detector
    pos = (det.pix0 + (fast + 0.5) * det.pixel_size_m * det.fdet + (slow + 0.5) * det.pixel_size_m * det.sdet)
    diffracted = pos / torch.linalg.norm(pos)
    incident = -model.sources.directions[0]
    wavelength_m = float(model.sources.wavelengths_m[0])
    cos_2theta = max(-1.0, min(1.0, float(diffracted @ incident)))
    two_theta = math.acos(cos_2theta)
    sin_theta = math.sin(two_theta / 2.0)
    resolution = math.inf if sin_theta == 0.0 else wavelength_m * 1e10 / (2.0 * sin_theta)
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
