"""The geometry of pixels: where each sample of a pixel lies, which way it looks, its
scattering vector, and the factors that depend on that direction (solid angle, capture
fraction, polarization).

The one copy of these formulas: the eager kernel (``sim.kernel.intensity``), the compiled
kernels (``sim.kernel.modules``), the tracer (through the kernel's taps) and the viewer's
readout (``sim.kernel.pixel_info``) all call them, so the readout, the trace and the image
cannot disagree about a pixel.

Shapes: P pixels, T sensor layers, O x O sub-pixels, S sources. Metres, radians, 1/m.
Per-sample vectors are (..., 3) views stored component by component (``sample_positions``).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Optional, Tuple

import torch

from sim import units
from sim.model.detector import curved_positions
from sim.model.vectors import components_last, dot
from sim.kernel.polarization import cos_two_theta, polarization_factor


@dataclass(frozen=True)
class PixelGeometry:
    """The detector, beam and sensor numbers the geometry reads, on one device and dtype.

    Vectors (3,), lengths metres; ``incident`` (S, 3) unit vectors along the beam,
    ``wavelength_m`` (S,). The -oversample_thick/polar/omega flags and -nopolar change
    which factors the C evaluates, -dmin which sources it skips.
    """

    pix0: torch.Tensor
    fdet: torch.Tensor
    sdet: torch.Tensor
    odet: torch.Tensor
    beam: torch.Tensor
    polar_axis: torch.Tensor
    distance_m: torch.Tensor
    close_distance_m: torch.Tensor
    pixel_size_m: float
    oversample: int
    layers: int
    layer_step_m: float
    mu_per_m: float
    sensor_thick_m: float
    curved: bool
    point_pixel: bool
    incident: torch.Tensor
    wavelength_m: torch.Tensor
    kahn: float
    nopolar: bool
    oversample_thick: bool
    oversample_polar: bool
    oversample_omega: bool
    dmin_m: float

    @property
    def chained(self) -> bool:
        """True when -oversample_thick/polar/omega make the C multiply its running sum."""
        return self.oversample_thick or self.oversample_polar or self.oversample_omega

    def geometry_fields(self) -> dict:
        """This geometry's fields by name (tensors shared, not copied)."""
        return {f.name: getattr(self, f.name) for f in fields(PixelGeometry)}


def pixel_geometry(model, device="cpu", dtype=torch.float64) -> PixelGeometry:
    """The geometry of a resolved ``sim.model.resolved.SimModel`` as tensors on ``device``/``dtype``."""
    det, cfg = model.detector, model.config
    t = lambda x: torch.as_tensor(x, dtype=dtype, device=device)  # noqa: E731
    return PixelGeometry(
        pix0=t(det.pix0), fdet=t(det.fdet), sdet=t(det.sdet), odet=t(det.odet), beam=t(det.beam),
        polar_axis=t(det.polar), distance_m=t(det.distance_m), close_distance_m=t(det.close_distance_m),
        pixel_size_m=det.pixel_size_m, oversample=model.oversample, layers=model.sensor.layers,
        layer_step_m=model.sensor.step_m, mu_per_m=model.sensor.mu_per_m,
        sensor_thick_m=model.sensor.thick_m, curved=det.curved, point_pixel=det.point_pixel,
        incident=t(-model.sources.directions), wavelength_m=t(model.sources.wavelengths_m),
        kahn=cfg.beam.kahn_polarization, nopolar=cfg.beam.nopolar,
        oversample_thick=cfg.detector.oversample_thick, oversample_polar=cfg.detector.oversample_polar,
        oversample_omega=cfg.detector.oversample_omega, dmin_m=units.angstrom_to_m(cfg.detector.dmin_A))


def sample_positions(g: PixelGeometry, slow: torch.Tensor, fast: torch.Tensor, oversample: int,
                     layers: int) -> torch.Tensor:
    """Sample-to-sub-pixel vectors (P, layers, O, O, 3), metres, O = ``oversample``: sub-pixel
    centres on the front of each layer, on the curved sphere for -curved_det.

    Stored component by component (a view of a (3, P, layers, O, O) tensor): elementwise
    steps over a last dimension of three run several times slower, and every later step
    (directions, scattering vectors) keeps this layout. Each component sums as the C does.
    """
    o = oversample
    sub = g.pixel_size_m / o
    dtype, device = g.pix0.dtype, g.pix0.device
    offsets = torch.arange(o, dtype=dtype, device=device)
    shape = (slow.shape[0], layers, o, o)
    f_pos = (sub * (fast.to(dtype)[:, None] * o + offsets) + sub / 2.0)[:, None, None, :].expand(shape)
    s_pos = (sub * (slow.to(dtype)[:, None] * o + offsets) + sub / 2.0)[:, None, :, None].expand(shape)
    depth = (torch.arange(layers, dtype=dtype, device=device) * g.layer_step_m)[None, :, None, None].expand(shape)
    # flat copies first: the sums over broadcast operands ran 1.2-3.6x slower
    f_pos, s_pos, depth = f_pos.reshape(-1), s_pos.reshape(-1), depth.reshape(-1)
    pos = components_last(*((f_pos * g.fdet[i] + s_pos * g.sdet[i] + depth * g.odet[i] + g.pix0[i]).view(shape)
                            for i in range(3)))
    if g.curved:
        pos = curved_positions(pos, g.distance_m, g.beam, g.sdet, g.fdet)
    return pos


def subpixel_positions(g: PixelGeometry, slow: torch.Tensor, fast: torch.Tensor) -> torch.Tensor:
    """Every sample position of pixels (slow, fast) (P,): (P, T, O, O, 3), as the kernel sums them."""
    return sample_positions(g, slow, fast, g.oversample, g.layers)


def centre_positions(g: PixelGeometry, slow: torch.Tensor, fast: torch.Tensor) -> torch.Tensor:
    """Positions (P, 3) of the centres of pixels (slow, fast) (P,) on the sensor's front face:
    the one sample of the same pixel without oversampling or sensor layers."""
    return sample_positions(g, slow, fast, 1, 1).reshape(-1, 3)


def directions(positions: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
    """(airpath (...), diffracted (..., 3)): distance from the sample, metres, and unit vector."""
    airpath = torch.sqrt(dot(positions, positions))
    return airpath, positions / airpath[..., None]


def scattering_vector(diffracted: torch.Tensor, incident: torch.Tensor, wavelength_m: torch.Tensor) -> torch.Tensor:
    """(d - i) / lambda, 1/m, for broadcastable unit vectors and wavelengths (any layout)."""
    return (diffracted - incident) / wavelength_m


def source_scattering(g: PixelGeometry, diffracted: torch.Tensor) -> torch.Tensor:
    """Scattering vectors (..., S, 3) of directions (..., 3) for every source."""
    return scattering_vector(diffracted[..., None, :], g.incident, g.wavelength_m[:, None])


def sin_theta_over_lambda(scattering: torch.Tensor) -> torch.Tensor:
    """|s| / 2 (1/m) for scattering vectors (..., 3): the C's stol."""
    return 0.5 * torch.sqrt(dot(scattering, scattering))


def resolution_m(scattering: torch.Tensor) -> torch.Tensor:
    """d spacing 1 / (2 stol), metres (inf straight through the beam)."""
    stol = sin_theta_over_lambda(scattering)
    return torch.where(stol > 0, 0.5 / torch.where(stol > 0, stol, torch.ones_like(stol)),
                       torch.full_like(stol, float("inf")))


def dmin_skip(g: PixelGeometry, scattering: torch.Tensor) -> Optional[torch.Tensor]:
    """Sources the C skips for being beyond -dmin: bool like ``scattering[..., 0]``, None without -dmin."""
    if g.dmin_m <= 0.0:
        return None
    stol = sin_theta_over_lambda(scattering)
    return (stol > 0.0) & (g.dmin_m > 0.5 / torch.where(stol > 0, stol, torch.ones_like(stol)))


def two_theta_rad(diffracted: torch.Tensor, incident: torch.Tensor) -> torch.Tensor:
    """Scattering angle between the beam ``incident`` and ``diffracted`` unit vectors, radians."""
    return torch.acos(cos_two_theta(incident, diffracted).clamp(-1.0, 1.0))


def solid_angle(g: PixelGeometry, airpath: torch.Tensor) -> torch.Tensor:
    """Solid angle of a pixel seen from the sample, sr (inverse square only for point pixels)."""
    if g.point_pixel:
        return 1.0 / airpath / airpath
    return g.pixel_size_m * g.pixel_size_m / airpath / airpath * g.close_distance_m / airpath


def capture_fractions(g: PixelGeometry, diffracted: torch.Tensor) -> torch.Tensor:
    """Fraction of photons absorbed in each sensor layer, (P, T, O, O); 1 without a sensor,
    except under -oversample_thick, where the C evaluates its formula anyway: 0 for a
    sensor of no thickness, so that the whole image is 0."""
    if g.sensor_thick_m == 0.0 and not g.oversample_thick:
        return torch.ones(diffracted.shape[:-1], dtype=diffracted.dtype, device=diffracted.device)
    parallax = dot(diffracted, g.odet)
    layer = torch.arange(g.layers, dtype=diffracted.dtype, device=diffracted.device)[None, :, None, None]
    depth = g.layer_step_m * g.mu_per_m / parallax
    return torch.exp(-layer * depth) - torch.exp(-(layer + 1) * depth)


def polarization(g: PixelGeometry, diffracted: torch.Tensor, incident: torch.Tensor) -> torch.Tensor:
    """Polarization factor of directions (..., 3) and sources ``incident`` (S, 3): (..., S).

    -nopolar only sets the C's cached factor to 1; -oversample_polar recomputes it anyway.
    """
    if g.nopolar and not g.oversample_polar:
        return torch.ones((*diffracted.shape[:-1], incident.shape[0]), dtype=diffracted.dtype,
                          device=diffracted.device)
    incident = incident.expand(*diffracted.shape[:-1], *incident.shape)
    return polarization_factor(g.kahn, incident, diffracted[..., None, :], g.polar_axis)


@dataclass(frozen=True)
class Samples:
    """The samples of P pixels: positions (P, T, O, O, 3), airpath (P, T, O, O), diffracted
    (P, T, O, O, 3), scattering (P, T, O, O, S, 3) or None where not asked for, and
    ``source_ok`` (P, T, O, O, S), the sources -dmin does not skip (None without -dmin)."""

    positions: torch.Tensor
    airpath: torch.Tensor
    diffracted: torch.Tensor
    scattering: Optional[torch.Tensor]
    source_ok: Optional[torch.Tensor]


def samples(g: PixelGeometry, slow: torch.Tensor, fast: torch.Tensor, scattering: bool = True) -> Samples:
    """The samples of pixels (slow, fast) (P,). Without ``scattering`` (a compiled stage forms
    the vectors itself) the scattering vectors are left out unless -dmin needs them."""
    pos = subpixel_positions(g, slow, fast)
    airpath, diffracted = directions(pos)
    vectors, skip = None, None
    if scattering or g.dmin_m > 0.0:
        vectors = source_scattering(g, diffracted)
        skip = dmin_skip(g, vectors)
    return Samples(pos, airpath, diffracted, vectors, None if skip is None else ~skip)
