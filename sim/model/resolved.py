"""From a SimConfig to a resolved SimModel: every number the kernel needs, in SI units.

``build_model`` reads input files, applies nanoBragg's conventions and auto-selection
rules, and returns float64 CPU tensors. It is the one place where the user's units are
converted (through ``sim.units``) and where derived quantities the C program prints
(oversampling, steps, fluence, beam centres...) are decided. Given differentiable
parameters (``sim.model.params``), the geometry, cell, orientation and wavelength tensors carry
their autograd graph.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import List, Optional, Tuple

import torch

from sim import units
from sim.model.beam import Sources, central_wavelength_m, file_sources, fluence_per_m2, grid_sources
from sim.model.config import SimConfig
from sim.model.conventions import lab_axes
from sim.model.crystal import Cell, beam_clipped_size, build_cell, cells_per_axis
from sim.model.detector import DetectorGeometry, resolve_detector
from sim.errors import InputError
from sim.export.c_header_notes import header_warnings
from sim.model.validation import check_config
from sim.model.orientation import first_sample_orientations_m, orientations_m
from sim.model.params import Params, check_params, with_tensors, with_values
from sim.model.sampling import (MosaicSampling, PhiSampling, SensorSampling, mosaic_sampling, phi_sampling,
                       recommended_oversample, sensor_sampling)
from sim.kernel.structure_factors import StructureFactors, load_structure_factors


@dataclass
class SimModel:
    """A resolved simulation. Tensors are float64 on the CPU; lengths metres, angles radians.

    ``config`` is the config the model was built from, with any ``sim.model.params`` values in it.
    """

    config: SimConfig
    detector: DetectorGeometry
    cell: Cell
    N_cells: Tuple[float, float, float]
    sources: Sources
    phi: PhiSampling
    mosaic: MosaicSampling
    mosaic_umats: torch.Tensor
    orientations: torch.Tensor
    sensor: SensorSampling
    oversample: int
    oversample_recommended: int
    structure_factors: StructureFactors
    fluence_per_m2: float
    background_I: float
    roi: Tuple[int, int, int, int]
    #: What the C's first computed sample sees instead of ``orientations`` (phi = 0 quirk,
    #: ``sim.model.orientation``); None when it sees the same.
    first_sample_orientations: Optional[torch.Tensor] = None
    warnings: List[str] = field(default_factory=list)

    @property
    def steps(self) -> int:
        """sources * mosaic domains * phi steps * oversample^2 (the C's normalisation)."""
        return self.sources.count * self.mosaic.domains * self.phi.steps * self.oversample ** 2

    @property
    def shape(self) -> Tuple[int, int]:
        """(slow, fast) pixel counts."""
        return self.detector.spixels, self.detector.fpixels

    @property
    def wavelength_m(self) -> float:
        return central_wavelength_m(self.config.beam)


def build_model(config: SimConfig, params: Optional[Params] = None) -> SimModel:
    """Resolve ``config`` (reading its HKL, matrix and source files) into a SimModel.

    ``params``: tensors replacing config fields named in ``sim.model.params.DIFFERENTIABLE``;
    the model is built from them (and is differentiable in them), and ``model.config``
    holds their values as floats. ValueError for an unknown name or a wrong shape.
    """
    checked = check_params(config, params)
    config, live = with_values(config, checked), with_tensors(config, checked)
    warnings = _validate(config)
    crystal, beam, det = live.crystal, live.beam, live.detector
    detector, cell, N = resolve_geometry(live)
    sources = _sources(live, detector)
    phi = phi_sampling(units.deg_to_rad(crystal.phi_start_deg), _rad(crystal.osc_deg),
                       _rad(crystal.phi_step_deg), crystal.phi_steps)
    mosaic = mosaic_sampling(_rad(crystal.mosaic_spread_deg), crystal.mosaic_domains)
    umats = _mosaic_umats(mosaic, crystal.mosaic_seed)
    spin = (cell.real_m(), detector.spindle, phi.angles(), umats, mosaic.spread_rad > 0.0, config.phi0_reuse)
    orientations = orientations_m(*spin)
    sensor = sensor_sampling(units.um_to_m(det.thick_um), det.thick_steps,
                             None if det.absorption_um is None else units.um_to_m(det.absorption_um))
    recommended = _recommended_oversample(cell, N, config, detector)
    oversample = oversample_used(config, recommended)
    fluence = fluence_per_m2(beam)
    roi = _roi(det.roi, detector)
    model = SimModel(
        config=config, detector=detector, cell=cell, N_cells=N, sources=sources, phi=phi,
        mosaic=mosaic, mosaic_umats=umats, orientations=orientations, sensor=sensor,
        oversample=oversample, oversample_recommended=recommended,
        structure_factors=load_structure_factors(crystal, N_from_flags=crystal.N_cells),
        fluence_per_m2=fluence, background_I=_water_background(beam.water_um, fluence),
        roi=roi, first_sample_orientations=first_sample_orientations_m(*spin),
        warnings=warnings + _model_warnings(config, sources) + _roi_warnings(det.roi, roi, detector))
    model.warnings += header_warnings(model)
    return model


def resolve_geometry(config: SimConfig) -> Tuple[DetectorGeometry, Cell, Tuple[float, float, float]]:
    """(detector, cell, cells per axis): the cheap first part of ``build_model``, with no
    source list, orientations or structure factors (for estimates before a run)."""
    crystal, beam, det = config.crystal, config.beam, config.detector
    custom = dict(beam=beam.beam_vector, fdet=det.fdet_vector, sdet=det.sdet_vector,
                  odet=det.odet_vector, polar=beam.polar_vector, spindle=crystal.spindle_axis,
                  twotheta_axis=det.twotheta_axis)
    detector = resolve_detector(det, lab_axes(det.convention, custom))
    cell = _cell(config)
    N = cells_per_axis(cell, crystal.N_cells, beam_clipped_size(crystal.xtal_size_mm, beam.beamsize_mm))
    return detector, cell, N


def auto_oversample(config: SimConfig, detector: DetectorGeometry, cell: Cell, N) -> int:
    """The oversampling a run uses: ``-oversample``, else the C's auto-selection."""
    return oversample_used(config, _recommended_oversample(cell, N, config, detector))


def oversample_used(config: SimConfig, recommended: int) -> int:
    given = config.detector.oversample
    return given if given and given > 0 else recommended


def _rad(value_deg: Optional[float]) -> Optional[float]:
    return None if value_deg is None else units.deg_to_rad(value_deg)


def _validate(config: SimConfig) -> List[str]:
    """InputError for a config no run can use; the warnings for one the C runs on."""
    warnings = check_config(config)
    crystal = config.crystal
    if crystal.cell_A_deg is None and crystal.matrix_file is None:
        raise InputError("no unit cell: give -cell a b c alpha beta gamma or -mat FILE")
    if crystal.hkl_file is None and crystal.default_F == 0.0:
        raise InputError("no structure factors: give -hkl FILE or -default_F F")
    return warnings


def _cell(config: SimConfig) -> Cell:
    crystal = config.crystal
    matrix = None
    if crystal.matrix_file is not None:
        from sim.io.mosflm import read_mosflm_matrix

        matrix = read_mosflm_matrix(crystal.matrix_file)
    misset = None
    if crystal.misset_random:
        from sim.c_numerics.rng import random_orientation_umat, umat2misset

        # like the C, -seed does not reach the orientation: without -misset_seed it is time-based
        seed = crystal.misset_seed if crystal.misset_seed is not None else int(time.time())
        misset = tuple(umat2misset(random_orientation_umat(seed)))
    elif crystal.misset_deg is not None:
        misset = tuple(units.deg_to_rad(a) for a in crystal.misset_deg)
    if matrix is not None:
        _check_matrix(matrix, crystal.matrix_file)
    cell = build_cell(crystal.cell_A_deg, matrix, central_wavelength_m(config.beam), misset)
    volume = cell.volume_A3.item()
    # a left-handed matrix gives a negative volume, which the C runs with as it is
    if not math.isfinite(volume) or volume == 0.0:
        raise InputError(f"impossible unit cell (volume {volume:g} A^3)")
    return cell


def _check_matrix(matrix, path: str) -> None:
    """InputError naming the file for an A matrix whose rows span no cell (singular)."""
    import numpy as np

    rows = np.asarray(matrix, dtype=np.float64)
    scale = float(np.prod(np.linalg.norm(rows, axis=1)))
    if not scale > 0.0 or abs(float(np.linalg.det(rows))) <= 1e-9 * scale:
        raise InputError("singular orientation matrix (its rows a*, b*, c* span no cell)",
                         path)


def _sources(config: SimConfig, detector: DetectorGeometry) -> Sources:
    beam = config.beam
    if beam.source_file is not None:
        from sim.io.sources import read_source_file

        return file_sources(read_source_file(beam.source_file), beam, detector.beam)
    return grid_sources(beam, detector.beam, detector.polar)


def _mosaic_umats(mosaic: MosaicSampling, seed: int) -> torch.Tensor:
    if mosaic.spread_rad <= 0.0:
        return torch.eye(3, dtype=torch.float64).unsqueeze(0)
    from sim.c_numerics.rng import mosaic_umats

    return torch.as_tensor(mosaic_umats(mosaic.spread_rad, mosaic.domains, seed), dtype=torch.float64)


def _recommended_oversample(cell: Cell, N, config: SimConfig, detector: DetectorGeometry) -> int:
    axes_m = [length_m * n for length_m, n in zip(cell.axis_lengths_m(), N)]
    return recommended_oversample(max(axes_m), central_wavelength_m(config.beam),
                                  detector.distance_m.item(), detector.pixel_size_m)


def _water_background(water_um: float, fluence: float) -> float:
    """The C's water term, which it later multiplies by r_e^2 * fluence a second time."""
    size_m = water_um / units.UM_PER_M
    # size cubed by multiplication: inf for a huge -water, as in the C (** would raise)
    return (units.WATER_F ** 2 * units.R_E_SQR_M2 * fluence * (size_m * size_m * size_m) * units.WATER_DENSITY_G_PER_M3
            * units.AVOGADRO / units.WATER_MW_G_PER_MOL)


def _roi(roi, detector: DetectorGeometry) -> Tuple[int, int, int, int]:
    """(fmin, fmax, smin, smax), inclusive bounds as the C tests them; default whole detector."""
    if roi is None:
        return 0, detector.fpixels, 0, detector.spixels
    fmin, fmax, smin, smax = roi
    bounds = (0 if fmin < 0 else fmin, detector.fpixels if fmax < 0 else fmax,
              0 if smin < 0 else smin, detector.spixels if smax < 0 else smax)
    return bounds


def _roi_warnings(roi, bounds: Tuple[int, int, int, int], detector: DetectorGeometry) -> List[str]:
    """One line for a region of interest with no pixel: the C computes none, so its image is
    all zero, and so is ours."""
    fmin, fmax, smin, smax = bounds
    text = "-roi " + " ".join(map(str, roi or ()))
    if fmin > fmax or smin > smax:
        return [f"{text}: empty region (a minimum above its maximum); the image is all zero, as the C's"]
    if fmin >= detector.fpixels or smin >= detector.spixels:
        return [f"{text}: outside the {detector.fpixels}x{detector.spixels} detector; the image is all "
                "zero, as the C's"]
    return []


def _model_warnings(config: SimConfig, sources: Sources) -> List[str]:
    warnings = []
    if sources.count == 0:
        warnings.append("no source left: every divergence point lies outside the -round_div "
                        "ellipse, so the image is NaN (as in the C program); give more "
                        "divergence steps or -square_div")
    elif not bool(torch.isfinite(sources.wavelengths_m).all() & (sources.wavelengths_m > 0).all()):
        warnings.append("a source has a zero or non-finite wavelength, so the image is NaN "
                        "(as in the C program)")
    if config.detector.pix0_vector_m is not None:
        warnings.append("-pix0_vector has no effect: nanoBragg recomputes pix0 from the pivot")
    size = config.crystal.xtal_size_mm
    if beam_clipped_size(size, config.beam.beamsize_mm) != tuple(size):
        warnings.append(f"the crystal is clipped to the beam size ({config.beam.beamsize_mm:g} mm) "
                        "in height and width, as in the C program")
    return warnings
