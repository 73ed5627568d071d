"""Detector geometry: size, axes after rotations, pix0, distances and beam centres.

``resolve_detector`` follows nanoBragg's set-up sequence (sizes, convention block,
rotations, pivot, then the recomputed beam centres), so that every derived number the C
program prints or uses is reproduced. Lengths are metres, angles radians. Tensors are
float64 on the CPU; the simulator moves what the kernel needs to its device.

``distance_mm``, ``beam_x_mm``, ``beam_y_mm`` and ``twotheta_deg`` may be 0-dim tensors and
``rot_deg`` a (3,) tensor (``sim.model.params``):
pix0, the distances and the rest of the geometry tensors then carry their autograd graph,
while the beam centres kept for printing and headers stay floats.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import List, Optional, Tuple

import torch

from sim import units
from sim.model.config import Convention, DetectorConfig, Pivot
from sim.model.conventions import LabAxes, resolve_convention
from sim.errors import InputError
from sim.model.vectors import dot, rotate_axis, rotate_xyz, rotation_x, rotation_y, rotation_z, unitize, vec
from sim.c_numerics.libm import Scalar, value

_DEFAULT_DETSIZE_M = 102.4e-3
_DEFAULT_DISTANCE_M = 100.0e-3
_DBL_MIN = 2.2250738585072014e-308


@dataclass
class DetectorGeometry:
    """A resolved detector. Vectors are (3,) float64 tensors; lengths in metres."""

    fpixels: int
    spixels: int
    pixel_size_m: float
    detsize_f_m: float
    detsize_s_m: float
    fdet: torch.Tensor
    sdet: torch.Tensor
    odet: torch.Tensor
    beam: torch.Tensor
    polar: torch.Tensor
    spindle: torch.Tensor
    twotheta_axis: torch.Tensor
    pix0: torch.Tensor
    distance_m: torch.Tensor
    close_distance_m: torch.Tensor
    pivot: Pivot
    convention: Convention
    Xbeam_m: float
    Ybeam_m: float
    Fbeam_m: float
    Sbeam_m: float
    Fclose_m: float
    Sclose_m: float
    Xclose_m: float
    Yclose_m: float
    orgx_px: float
    orgy_px: float
    dials_origin_mm: Tuple[float, float, float]
    twotheta_rad: float
    curved: bool
    point_pixel: bool
    geometry_trace: List[Tuple[str, object]] = field(default_factory=list)


def detector_size(cfg: DetectorConfig) -> Tuple[int, int, float, float]:
    """(fpixels, spixels, detsize_f_m, detsize_s_m) by the C rules: pixel counts win over sizes."""
    pixel = units.mm_to_m(cfg.pixel_mm)
    detsize_f = _DEFAULT_DETSIZE_M if cfg.detsize_f_mm is None else units.mm_to_m(cfg.detsize_f_mm)
    detsize_s = _DEFAULT_DETSIZE_M if cfg.detsize_s_mm is None else units.mm_to_m(cfg.detsize_s_mm)
    if cfg.fpixels:
        detsize_f = pixel * cfg.fpixels
    if cfg.spixels:
        detsize_s = pixel * cfg.spixels
    fpixels = math.ceil(detsize_f / pixel - 0.5)
    spixels = math.ceil(detsize_s / pixel - 0.5)
    if fpixels <= 0 or spixels <= 0:
        raise InputError(f"detector has {fpixels}x{spixels} pixels; size and pixel must be positive")
    return fpixels, spixels, detsize_f, detsize_s


def _mm_or_none(value_mm: Optional[Scalar]) -> Optional[Scalar]:
    return None if value_mm is None else units.mm_to_m(value_mm)


def _close_point(cfg: DetectorConfig, pixel: float, detsize_f: float, detsize_s: float):
    """(Fclose, Sclose, Xclose, Yclose): the near point before rotations (ORGX/ORGY or centre)."""
    Fclose = detsize_f / 2.0 if cfg.orgx_px is None else (cfg.orgx_px - 0.5) * pixel
    Sclose = detsize_s / 2.0 if cfg.orgy_px is None else (cfg.orgy_px - 0.5) * pixel
    Xclose = Fclose if cfg.close_x_mm is None else units.mm_to_m(cfg.close_x_mm)
    Yclose = Sclose if cfg.close_y_mm is None else units.mm_to_m(cfg.close_y_mm)
    return Fclose, Sclose, Xclose, Yclose


def _basis(axes: LabAxes):
    """Unit detector/beam vectors; odet regenerated from fdet x sdet when not unit length (C rule)."""
    fdet, sdet = unitize(vec(axes.fdet)), unitize(vec(axes.sdet))
    odet_raw = vec(axes.odet)
    if float(torch.sqrt(dot(odet_raw, odet_raw))) != 1.0:
        odet = unitize(torch.linalg.cross(fdet, sdet))
    else:
        odet = odet_raw
    return fdet, sdet, odet, unitize(vec(axes.beam))


def resolve_detector(cfg: DetectorConfig, axes: LabAxes) -> DetectorGeometry:
    """Resolve the detector for one run (nanoBragg's set-up, in its order)."""
    pixel = units.mm_to_m(cfg.pixel_mm)
    fpixels, spixels, detsize_f, detsize_s = detector_size(cfg)
    Fclose, Sclose, Xclose, Yclose = _close_point(cfg, pixel, detsize_f, detsize_s)
    centre = resolve_convention(cfg.convention, cfg.pivot, detsize_f, detsize_s, pixel,
                                _mm_or_none(cfg.beam_x_mm), _mm_or_none(cfg.beam_y_mm),
                                Fclose, Sclose, Xclose, Yclose)
    fdet0, sdet0, odet0, beam = _basis(axes)
    rx, ry, rz = (units.deg_to_rad(a) for a in cfg.rot_deg)
    twotheta = units.deg_to_rad(cfg.twotheta_deg)
    tt_axis = unitize(vec(axes.twotheta_axis)) if cfg.twotheta_axis is None else unitize(vec(cfg.twotheta_axis))
    ratio = dot(beam, rotate_xyz(odet0, rx, ry, rz))
    # a float unless the rotations are parameters, whose graph the distances then carry
    ratio = ratio if isinstance(cfg.rot_deg, torch.Tensor) else float(ratio)
    if ratio == 0.0:
        ratio = _DBL_MIN
    distance = _DEFAULT_DISTANCE_M if cfg.distance_mm is None else units.mm_to_m(cfg.distance_mm)
    close = abs(ratio * distance) if cfg.close_distance_mm is None else units.mm_to_m(cfg.close_distance_mm)
    distance = close / ratio

    def swing(v):
        return rotate_axis(rotate_xyz(v, rx, ry, rz), tt_axis, twotheta)

    fdet, sdet, odet = swing(fdet0), swing(sdet0), swing(odet0)
    trace: List[Tuple[str, object]] = []
    if centre.pivot is Pivot.SAMPLE:
        pix0 = swing(-centre.Fclose * fdet0 - centre.Sclose * sdet0 + close * odet0)
    else:
        pix0 = -centre.Fbeam * fdet - centre.Sbeam * sdet + distance * beam
        trace = _beam_pivot_trace(cfg, centre, pixel, (rx, ry, rz, twotheta), tt_axis,
                                  (fdet, sdet, odet), beam, distance, pix0)
    return _finish(cfg, axes, centre, pixel, (fpixels, spixels, detsize_f, detsize_s),
                   (fdet, sdet, odet, beam, tt_axis), pix0, ratio, twotheta, trace)


def _finish(cfg, axes, centre, pixel, size, basis, pix0, ratio, twotheta, trace) -> DetectorGeometry:
    """Recompute the near point, beam spot, ORGX/ORGY and DIALS origin from pix0 (C order)."""
    fpixels, spixels, detsize_f, detsize_s = size
    fdet, sdet, odet, beam, tt_axis = basis
    Fclose = -dot(pix0, fdet).item()
    Sclose = -dot(pix0, sdet).item()
    close = dot(pix0, odet)
    spot = close / ratio * beam - pix0
    dials = (units.m_to_mm(pix0[2].item()), units.m_to_mm(pix0[1].item()), -units.m_to_mm(pix0[0].item()))
    return DetectorGeometry(
        fpixels=fpixels, spixels=spixels, pixel_size_m=pixel, detsize_f_m=detsize_f,
        detsize_s_m=detsize_s, fdet=fdet, sdet=sdet, odet=odet, beam=beam,
        polar=unitize(vec(axes.polar)), spindle=unitize(vec(axes.spindle)), twotheta_axis=tt_axis,
        pix0=pix0, distance_m=close / ratio, close_distance_m=close, pivot=centre.pivot,
        convention=cfg.convention, Xbeam_m=value(centre.Xbeam), Ybeam_m=value(centre.Ybeam),
        Fbeam_m=dot(fdet, spot).item(), Sbeam_m=dot(sdet, spot).item(),
        Fclose_m=Fclose, Sclose_m=Sclose, Xclose_m=centre.Xclose, Yclose_m=centre.Yclose,
        orgx_px=Fclose / pixel + 0.5, orgy_px=Sclose / pixel + 0.5, dials_origin_mm=dials,
        twotheta_rad=value(twotheta), curved=cfg.curved, point_pixel=cfg.point_pixel,
        geometry_trace=trace)


def _beam_pivot_trace(cfg, centre, pixel, angles, tt_axis, rotated, beam, distance, pix0):
    """The geometry block the instrumented C prints for a beam pivot, with its labels."""
    rx, ry, rz, twotheta = angles
    fdet, sdet, odet = rotated
    t = lambda x: torch.as_tensor(x, dtype=torch.float64)  # noqa: E731
    Rx, Ry, Rz = rotation_x(t(rx)), rotation_y(t(ry)), rotation_z(t(rz))
    # the C converts the beam centre, already in metres, from mm to m once more
    X, Y = units.mm_to_m(value(centre.Xbeam)), units.mm_to_m(value(centre.Ybeam))
    return [
        ("detector_convention", "MOSFLM"),
        ("angles_rad", f"rotx:{rx:.15g} roty:{ry:.15g} rotz:{rz:.15g} twotheta:{twotheta:.15g}"),
        ("beam_center_m", f"X:{X:.15g} Y:{Y:.15g} pixel_mm:{units.m_to_mm(pixel):.15g}"),
        ("initial_fdet", (0.0, 0.0, 1.0)), ("initial_sdet", (0.0, -1.0, 0.0)),
        ("initial_odet", (1.0, 0.0, 0.0)),
        ("Rx", Rx), ("Ry", Ry), ("Rz", Rz), ("R_total", Rz @ (Ry @ Rx)),
        ("fdet_after_rotz", fdet), ("sdet_after_rotz", sdet), ("odet_after_rotz", odet),
        ("twotheta_axis", tt_axis),
        ("fdet_after_twotheta", fdet), ("sdet_after_twotheta", sdet), ("odet_after_twotheta", odet),
        ("convention_mapping",
         "Fbeam\u2190Ybeam_mm(+0.5px),Sbeam\u2190Xbeam_mm(+0.5px),beam_vec=[1 0 0]"),
        ("Fbeam_m", centre.Fbeam), ("Sbeam_m", centre.Sbeam), ("distance_m", distance),
        ("term_fast", -centre.Fbeam * fdet), ("term_slow", -centre.Sbeam * sdet),
        ("term_beam", distance * beam), ("pix0_vector", pix0),
    ]


def curved_positions(pos: torch.Tensor, distance_m, beam: torch.Tensor, sdet: torch.Tensor,
                     fdet: torch.Tensor) -> torch.Tensor:
    """Curved detector (``-curved_det``): every point at ``distance_m`` from the sample, its
    flat coordinates read as angles about the slow and fast axes (the C's rule).
    ``pos``: (..., 3) flat positions, metres; returns the same shape."""
    swung = rotate_axis(distance_m * beam, sdet, pos[..., 1] / distance_m)  # broadcasts to the angles' shape
    return rotate_axis(swung, fdet, pos[..., 2] / distance_m)
