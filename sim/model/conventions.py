"""Beam-centre conventions (ADXV, MOSFLM, DENZO, XDS, DIALS, custom) as nanoBragg applies them.

Each convention fixes the lab-frame axes (beam, detector fast/slow/normal, twotheta
axis, polarization, spindle), the default beam centre, how the user's Xbeam/Ybeam map
onto the detector's fast/slow coordinates, and the pivot. The C program applies this
block *after* parsing, so the convention's pivot overrides ``-pivot`` (only the custom
convention honours it): that quirk lives here, in ``resolve_convention``.

Lengths are metres: floats, or 0-dim tensors where a beam centre is a differentiable
parameter (``sim.model.params``), which then flows through unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional, Tuple

from sim.model.config import Convention, Pivot

if TYPE_CHECKING:
    from sim.c_numerics.libm import Scalar

Vec3 = Tuple[float, float, float]

# nanoBragg's built-in vectors before any convention is applied (used by CUSTOM).
_DEFAULT_AXES = dict(
    beam=(1.0, 0.0, 0.0), fdet=(0.0, 0.0, 1.0), sdet=(0.0, -1.0, 0.0), odet=(1.0, 0.0, 0.0),
    twotheta_axis=(0.0, 1.0, 0.0), polar=(0.0, 0.0, 1.0), spindle=(0.0, 0.0, 1.0),
)

_AXES = {
    Convention.ADXV: dict(
        beam=(0, 0, 1), fdet=(1, 0, 0), sdet=(0, -1, 0), odet=(0, 0, 1),
        twotheta_axis=(-1, 0, 0), polar=(1, 0, 0), spindle=(1, 0, 0)),
    Convention.MOSFLM: dict(
        beam=(1, 0, 0), fdet=(0, 0, 1), sdet=(0, -1, 0), odet=(1, 0, 0),
        twotheta_axis=(0, 0, -1), polar=(0, 0, 1), spindle=(0, 0, 1)),
    Convention.XDS: dict(
        beam=(0, 0, 1), fdet=(1, 0, 0), sdet=(0, 1, 0), odet=(0, 0, 1),
        twotheta_axis=(1, 0, 0), polar=(1, 0, 0), spindle=(1, 0, 0)),
    Convention.DIALS: dict(
        beam=(0, 0, 1), fdet=(1, 0, 0), sdet=(0, 1, 0), odet=(0, 0, 1),
        twotheta_axis=(0, 1, 0), polar=(0, 1, 0), spindle=(0, 1, 0)),
}
_AXES[Convention.DENZO] = _AXES[Convention.MOSFLM]


@dataclass(frozen=True)
class LabAxes:
    """Unit-less direction vectors of the lab frame for one run (before detector rotations)."""

    beam: Vec3
    fdet: Vec3
    sdet: Vec3
    odet: Vec3
    twotheta_axis: Vec3
    polar: Vec3
    spindle: Vec3


@dataclass(frozen=True)
class BeamCentre:
    """Beam centre in the user's convention (X/Ybeam) and on the detector axes (F/Sbeam), metres."""

    Xbeam: Scalar
    Ybeam: Scalar
    Fbeam: Scalar
    Sbeam: Scalar
    Fclose: Scalar
    Sclose: Scalar
    Xclose: float
    Yclose: float
    pivot: Pivot


def lab_axes(convention: Convention, custom: dict) -> LabAxes:
    """The convention's axes; for CUSTOM, the user's vectors over nanoBragg's defaults.

    ``custom`` maps axis names to user vectors (or None) and is only read for CUSTOM,
    as the C program lets a named convention overwrite every vector.
    """
    if convention is Convention.CUSTOM:
        axes = dict(_DEFAULT_AXES)
        axes.update({k: tuple(float(x) for x in v) for k, v in custom.items() if v is not None})
    else:
        axes = {k: tuple(float(x) for x in v) for k, v in _AXES[convention].items()}
    return LabAxes(**axes)


def _nan_or(value: Optional[Scalar], fallback: float) -> Scalar:
    # NaN is the one value unequal to itself; this test also serves a 0-dim tensor as it is
    return fallback if value is None or bool(value != value) else value


def resolve_convention(convention: Convention, parsed_pivot: Pivot, detsize_f: float,
                       detsize_s: float, pixel: float, Xbeam: Optional[Scalar],
                       Ybeam: Optional[Scalar], Fclose: float, Sclose: float,
                       Xclose: float, Yclose: float) -> BeamCentre:
    """Apply the convention's beam-centre rules and pivot (nanoBragg's convention block)."""
    if convention is Convention.ADXV:
        X = _nan_or(Xbeam, (detsize_f + pixel) / 2.0)
        Y = _nan_or(Ybeam, (detsize_s - pixel) / 2.0)
        return BeamCentre(X, Y, X, detsize_s - Y, Fclose, Sclose, Xclose, Yclose, Pivot.BEAM)
    if convention in (Convention.MOSFLM, Convention.DENZO):
        X = _nan_or(Xbeam, (detsize_s + pixel) / 2.0)
        Y = _nan_or(Ybeam, (detsize_f + pixel) / 2.0)
        half = 0.5 * pixel if convention is Convention.MOSFLM else 0.0
        return BeamCentre(X, Y, Y + half, X + half, Fclose, Sclose, Xclose, Yclose, Pivot.BEAM)
    X = _nan_or(Xbeam, Xclose)
    Y = _nan_or(Ybeam, Yclose)
    if convention in (Convention.XDS, Convention.DIALS):
        return BeamCentre(X, Y, X, Y, Fclose, Sclose, Xclose, Yclose, Pivot.SAMPLE)
    return BeamCentre(X, Y, X, Y, X, Y, Xclose, Yclose, parsed_pivot)
