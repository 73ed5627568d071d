"""Typed configuration of a simulation, as a nanoBragg user states it.

Fields keep the units of the C program's command line and say so in their names
(``distance_mm``, ``wavelength_A``); ``None`` means "not given", so that the C program's
auto-selection rules (oversampling, phi steps, divergence grid, pivot...) can be applied
when the model is built (``sim.model.resolved``). Every dataclass is frozen: a changed setting is
a new config (``dataclasses.replace``), which keeps the viewer's undo and the
command-line round trip simple.

This module imports neither torch nor Qt.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Optional, Tuple

Vec3 = Tuple[float, float, float]


class Convention(enum.Enum):
    """Detector/beam conventions of nanoBragg (they fix axes, beam centre rules and pivot)."""

    CUSTOM = "custom"
    ADXV = "adxv"
    MOSFLM = "mosflm"
    XDS = "xds"
    DIALS = "dials"
    DENZO = "denzo"


class Pivot(enum.Enum):
    """Point the detector rotations pivot about."""

    SAMPLE = "sample"
    BEAM = "beam"


class CrystalShape(enum.Enum):
    """Shape transform used for the lattice factor F_latt."""

    SQUARE = "square"
    ROUND = "round"
    GAUSS = "gauss"
    TOPHAT = "tophat"


@dataclass(frozen=True)
class CrystalConfig:
    """Unit cell, orientation, size, mosaicity, rotation and structure factors."""

    cell_A_deg: Optional[Tuple[float, float, float, float, float, float]] = None
    matrix_file: Optional[str] = None
    misset_deg: Optional[Vec3] = None
    misset_random: bool = False
    misset_seed: Optional[int] = None
    N_cells: Tuple[int, int, int] = (1, 1, 1)
    xtal_size_mm: Tuple[Optional[float], Optional[float], Optional[float]] = (None, None, None)
    shape: CrystalShape = CrystalShape.SQUARE
    fudge: float = 1.0
    mosaic_spread_deg: Optional[float] = None
    mosaic_domains: Optional[int] = None
    mosaic_seed: int = 12345678
    phi_start_deg: float = 0.0
    osc_deg: Optional[float] = None
    phi_step_deg: Optional[float] = None
    phi_steps: Optional[int] = None
    spindle_axis: Optional[Vec3] = None
    hkl_file: Optional[str] = None
    default_F: float = 0.0
    interpolate: Optional[bool] = None


@dataclass(frozen=True)
class BeamConfig:
    """Wavelength, spectrum, divergence, fluence and polarization of the incident beam."""

    wavelength_A: float = 1.0
    dispersion_pct: float = 0.0
    dispersion_steps: Optional[int] = None
    hdiv_range_mrad: Optional[float] = None
    vdiv_range_mrad: Optional[float] = None
    hdiv_step_mrad: Optional[float] = None
    vdiv_step_mrad: Optional[float] = None
    hdiv_steps: Optional[int] = None
    vdiv_steps: Optional[int] = None
    round_div: bool = True
    source_file: Optional[str] = None
    fluence_per_m2: Optional[float] = None
    flux_per_s: float = 0.0
    exposure_s: float = 1.0
    beamsize_mm: float = 0.1
    kahn_polarization: float = 0.0
    nopolar: bool = False
    beam_vector: Optional[Vec3] = None
    polar_vector: Optional[Vec3] = None
    water_um: float = 0.0


@dataclass(frozen=True)
class DetectorConfig:
    """Detector size, placement, orientation, sampling and sensor."""

    distance_mm: Optional[float] = None
    close_distance_mm: Optional[float] = None
    pixel_mm: float = 0.1
    fpixels: Optional[int] = None
    spixels: Optional[int] = None
    detsize_f_mm: Optional[float] = None
    detsize_s_mm: Optional[float] = None
    beam_x_mm: Optional[float] = None
    beam_y_mm: Optional[float] = None
    close_x_mm: Optional[float] = None
    close_y_mm: Optional[float] = None
    orgx_px: Optional[float] = None
    orgy_px: Optional[float] = None
    convention: Convention = Convention.MOSFLM
    pivot: Pivot = Pivot.BEAM
    rot_deg: Vec3 = (0.0, 0.0, 0.0)
    twotheta_deg: float = 0.0
    twotheta_axis: Optional[Vec3] = None
    fdet_vector: Optional[Vec3] = None
    sdet_vector: Optional[Vec3] = None
    odet_vector: Optional[Vec3] = None
    pix0_vector_m: Optional[Vec3] = None
    curved: bool = False
    point_pixel: bool = False
    oversample: Optional[int] = None
    oversample_thick: bool = False
    oversample_polar: bool = False
    oversample_omega: bool = False
    thick_um: float = 0.0
    absorption_um: Optional[float] = None
    thick_steps: Optional[int] = None
    roi: Optional[Tuple[int, int, int, int]] = None
    dmin_A: float = 0.0


@dataclass(frozen=True)
class OutputConfig:
    """Files to write and how to scale them (the C program's output flags)."""

    floatfile: Optional[str] = None
    intfile: Optional[str] = None
    pgmfile: Optional[str] = None
    noisefile: Optional[str] = None
    nonoise: bool = False
    nopgm: bool = False
    intfile_scale: float = 0.0
    pgm_scale: float = 0.0
    adc_offset: float = 40.0
    seed: Optional[int] = None
    progress: bool = True


@dataclass(frozen=True)
class SimConfig:
    """Everything one nanoBragg run needs.

    ``phi0_reuse`` reproduces the C program's skipped rotation at a phi step of exactly 0
    (see ``sim.quirks``); set it False for the corrected behaviour.
    """

    crystal: CrystalConfig = field(default_factory=CrystalConfig)
    beam: BeamConfig = field(default_factory=BeamConfig)
    detector: DetectorConfig = field(default_factory=DetectorConfig)
    output: OutputConfig = field(default_factory=OutputConfig)
    phi0_reuse: bool = True
