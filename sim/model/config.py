"""Typed configuration of a simulation, as a nanoBragg user states it, and its option table.

Fields keep the units of the C program's command line and say so in their names
(``distance_mm``, ``wavelength_A``); ``None`` means "not given", so that the C program's
auto-selection rules (oversampling, phi steps, divergence grid, pivot...) can be applied
when the model is built (``sim.model.resolved``). Every dataclass is frozen: a changed setting is
a new config (``dataclasses.replace``), which keeps the viewer's undo and the
command-line round trip simple.

Each field also declares, once, how it appears to a user (``option``): the C flags that set
it, its unit, a label and a tool tip, and whether it may be a differentiable parameter.
``sim.model.options`` reads these declarations into the option table, from which the
command-line formatter (``sim.cli.format``), the viewer's parameter panel (``app.params``) and
the differentiable parameters (``sim.model.params``) are derived.

Adding a parameter means one entry: add the field here with its ``option(...)``; then

- if a C flag sets it, add that flag's branch to the C argument loop ``sim.cli.options``
  (the loop keeps the C's matching order and quirks, so it cannot be derived);
- if the model uses it, use it in ``sim.model``;
- to edit it in the viewer, name it in ``app.params.LAYOUT`` (its group and place), or add
  it to ``NOT_IN_VIEWER`` in ``tests/app/test_params_table.py``.

The tests fail until each of these holds: every field has a flag, every flag of the table
sets its field in the argument loop, every field survives the formatter's round trip, its
unit matches its name (``tests/sim/test_options.py``), and every field is in the viewer or
on that list (``tests/app/test_params_table.py``).

This module imports neither torch nor Qt.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any, Mapping, Optional, Tuple

Vec3 = Tuple[float, float, float]

#: Key of a field's ``Option`` in its ``dataclasses.field`` metadata.
OPTION = "option"


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


@dataclass(frozen=True, eq=False)  # one per field, compared and hashed as itself
class Option:
    """How a config field appears to a user.

    ``flags``: the C flags that read the field's value (the first is the one written);
    ``axis_flags``: one flag per component of a tuple field (``-Na -Nb -Nc``);
    ``switches``: value -> the words that set it without a value (``-curved_det``,
    ``-misset random``); ``unit`` as shown to a user; ``label`` and ``tip`` (one phrase,
    without the flag) for the viewer; ``differentiable``: the field may be given as a tensor.
    """

    label: str
    tip: str
    unit: str = ""
    flags: Tuple[str, ...] = ()
    axis_flags: Tuple[str, ...] = ()
    switches: Optional[Mapping[Any, str]] = None
    differentiable: bool = False


def option(default, *flags: str, label: str, tip: str, unit: str = "",
           axis_flags: Tuple[str, ...] = (), switches: Optional[Mapping[Any, str]] = None,
           differentiable: bool = False):
    """A dataclass field with ``default`` that declares its ``Option``."""
    return field(default=default, metadata={OPTION: Option(label, tip, unit, flags, axis_flags,
                                                           switches, differentiable)})


_SHAPES = {CrystalShape.SQUARE: "-square_xtal", CrystalShape.ROUND: "-round_xtal",
           CrystalShape.GAUSS: "-gauss_xtal", CrystalShape.TOPHAT: "-tophat_spots"}
_CONVENTIONS = {c: "-" + c.value for c in Convention if c is not Convention.CUSTOM}


@dataclass(frozen=True)
class CrystalConfig:
    """Unit cell, orientation, size, mosaicity, rotation and structure factors."""

    cell_A_deg: Optional[Tuple[float, float, float, float, float, float]] = option(
        None, "-cell", label="Cell", unit="\u00c5, \u00b0", differentiable=True,
        tip="unit cell lengths a, b, c and angles alpha, beta, gamma")
    matrix_file: Optional[str] = option(
        None, "-mat", label="Matrix file",
        tip="MOSFLM orientation matrix (sets cell and orientation)")
    misset_deg: Optional[Vec3] = option(
        None, "-misset", label="Misset", unit="\u00b0", differentiable=True,
        tip="rotations about x, y and z applied to the cell")
    misset_random: bool = option(
        False, switches={True: "-misset random"}, label="Random misset",
        tip="a random crystal orientation")
    misset_seed: Optional[int] = option(
        None, "-misset_seed", label="Misset seed", tip="seed of the random misset")
    N_cells: Tuple[int, int, int] = option(
        (1, 1, 1), "-N", axis_flags=("-Na", "-Nb", "-Nc"), label="N cells a b c",
        tip="crystal size in unit cells along each axis")
    xtal_size_mm: Tuple[Optional[float], Optional[float], Optional[float]] = option(
        (None, None, None), "-xtal_size", "-samplesize",
        axis_flags=("-xtal_x", "-xtal_y", "-xtal_z"), label="Crystal size", unit="mm",
        tip="crystal size along x, y and z (sets the cells)")
    shape: CrystalShape = option(
        CrystalShape.SQUARE, switches=_SHAPES, label="Crystal shape",
        tip="shape of the crystal, for the lattice factor F_latt")
    fudge: float = option(1.0, "-fudge", label="Fudge", tip="factor on the shape transform's width")
    mosaic_spread_deg: Optional[float] = option(
        None, "-mosaic", label="Mosaic", unit="\u00b0", tip="mosaic spread")
    mosaic_domains: Optional[int] = option(
        None, "-mosaic_domains", label="Mosaic domains", tip="number of mosaic domains")
    mosaic_seed: int = option(12345678, "-mosaic_seed", label="Mosaic seed",
                              tip="seed of the mosaic domain orientations")
    phi_start_deg: float = option(0.0, "-phi", label="Phi start", unit="\u00b0",
                                  tip="spindle start angle")
    osc_deg: Optional[float] = option(None, "-osc", label="Oscillation", unit="\u00b0",
                                      tip="spindle rotation range")
    phi_step_deg: Optional[float] = option(None, "-phistep", label="Phi step", unit="\u00b0",
                                           tip="spindle rotation per step")
    phi_steps: Optional[int] = option(None, "-phisteps", label="Phi steps",
                                      tip="steps across the oscillation")
    spindle_axis: Optional[Vec3] = option(None, "-spindle_axis", label="Spindle axis",
                                          tip="direction of the rotation axis")
    hkl_file: Optional[str] = option(None, "-hkl", label="HKL file",
                                     tip="structure factors, 'h k l F' per line")
    default_F: float = option(0.0, "-default_F", label="Default F",
                              tip="structure factor of reflections not in the HKL file (electrons)")
    interpolate: Optional[bool] = option(
        None, switches={True: "-interpolate", False: "-nointerpolate"}, label="Interpolate F",
        tip="tricubic interpolation of the structure factors (auto: for small crystals)")


@dataclass(frozen=True)
class BeamConfig:
    """Wavelength, spectrum, divergence, fluence and polarization of the incident beam."""

    wavelength_A: float = option(1.0, "-lambda", "-wave", label="Wavelength", unit="\u00c5",
                                 differentiable=True, tip="X-ray wavelength (-energy: in eV)")
    dispersion_pct: float = option(0.0, "-dispersion", label="Dispersion", unit="%",
                                   tip="spectral width")
    dispersion_steps: Optional[int] = option(None, "-dispsteps", label="Dispersion steps",
                                             tip="wavelengths across the spectrum")
    hdiv_range_mrad: Optional[float] = option(
        None, "-hdivrange", "-divergence", label="H divergence", unit="mrad",
        tip="horizontal divergence range")
    vdiv_range_mrad: Optional[float] = option(
        None, "-vdivrange", "-divergence", label="V divergence", unit="mrad",
        tip="vertical divergence range")
    hdiv_step_mrad: Optional[float] = option(None, "-hdivstep", label="H divergence step",
                                             unit="mrad", tip="horizontal divergence step")
    vdiv_step_mrad: Optional[float] = option(None, "-vdivstep", label="V divergence step",
                                             unit="mrad", tip="vertical divergence step")
    hdiv_steps: Optional[int] = option(None, "-hdivsteps", "-divsteps", label="H divergence steps",
                                       tip="horizontal divergence steps")
    vdiv_steps: Optional[int] = option(None, "-vdivsteps", "-divsteps", label="V divergence steps",
                                       tip="vertical divergence steps")
    round_div: bool = option(True, switches={True: "-round_div", False: "-square_div"},
                             label="Round divergence", tip="trim the divergence grid to an ellipse")
    source_file: Optional[str] = option(None, "-sourcefile", label="Source file",
                                        tip="X-ray sources, one per line")
    fluence_per_m2: Optional[float] = option(
        None, "-fluence", label="Fluence", unit="photons/m\u00b2",
        tip="photons per area (auto: from flux, exposure and beam size)")
    flux_per_s: float = option(0.0, "-flux", label="Flux", unit="photons/s", tip="beam flux")
    exposure_s: float = option(1.0, "-exposure", label="Exposure", unit="s", tip="exposure time")
    beamsize_mm: float = option(0.1, "-beamsize", label="Beam size", unit="mm",
                                tip="beam width, for the fluence")
    kahn_polarization: float = option(0.0, "-polar", label="Polarization",
                                      tip="Kahn polarization factor")
    nopolar: bool = option(False, switches={True: "-nopolar"}, label="No polarization",
                           tip="polarization factor 1")
    beam_vector: Optional[Vec3] = option(None, "-beam_vector", label="Beam direction",
                                         tip="direction of the incident beam")
    polar_vector: Optional[Vec3] = option(None, "-polar_vector", label="Polarization direction",
                                          tip="direction of the E vector")
    water_um: float = option(0.0, "-water", label="Water", unit="\u00b5m",
                             tip="thickness of water scattering a background")


@dataclass(frozen=True)
class DetectorConfig:
    """Detector size, placement, orientation, sampling and sensor."""

    distance_mm: Optional[float] = option(
        None, "-distance", label="Distance", unit="mm", differentiable=True,
        tip="sample to beam spot along the beam")
    close_distance_mm: Optional[float] = option(
        None, "-close_distance", label="Close distance", unit="mm",
        tip="sample to detector plane along its normal")
    pixel_mm: float = option(0.1, "-pixel", label="Pixel size", unit="mm", tip="pixel size")
    fpixels: Optional[int] = option(None, "-detpixels_f", "-detpixels_x", "-detpixels",
                                    label="Pixels fast", tip="pixels along the fast axis")
    spixels: Optional[int] = option(None, "-detpixels_s", "-detpixels_y", "-detpixels",
                                    label="Pixels slow", tip="pixels along the slow axis")
    detsize_f_mm: Optional[float] = option(None, "-detsize_f", "-detsize", label="Size fast",
                                           unit="mm", tip="detector size along the fast axis")
    detsize_s_mm: Optional[float] = option(None, "-detsize_s", "-detsize", label="Size slow",
                                           unit="mm", tip="detector size along the slow axis")
    beam_x_mm: Optional[float] = option(None, "-Xbeam", label="Beam X", unit="mm",
                                        differentiable=True,
                                        tip="beam centre in the convention's X")
    beam_y_mm: Optional[float] = option(None, "-Ybeam", label="Beam Y", unit="mm",
                                        differentiable=True,
                                        tip="beam centre in the convention's Y")
    close_x_mm: Optional[float] = option(None, "-Xclose", label="Close X", unit="mm",
                                         tip="foot of the detector normal through the sample, X")
    close_y_mm: Optional[float] = option(None, "-Yclose", label="Close Y", unit="mm",
                                         tip="foot of the detector normal through the sample, Y")
    orgx_px: Optional[float] = option(None, "-ORGX", label="ORGX", unit="px",
                                      tip="XDS origin, fast pixel")
    orgy_px: Optional[float] = option(None, "-ORGY", label="ORGY", unit="px",
                                      tip="XDS origin, slow pixel")
    convention: Convention = option(
        Convention.MOSFLM, switches=_CONVENTIONS, label="Convention",
        tip="detector convention: axes, beam-centre rules and pivot (a vector flag: CUSTOM)")
    pivot: Pivot = option(Pivot.BEAM, "-pivot", label="Pivot",
                          tip="point the detector rotations pivot about")
    rot_deg: Vec3 = option(
        (0.0, 0.0, 0.0), axis_flags=("-detector_rotx", "-detector_roty", "-detector_rotz"),
        label="Rotations", unit="\u00b0", differentiable=True, tip="detector rotations")
    twotheta_deg: float = option(0.0, "-twotheta", label="Two-theta", unit="\u00b0",
                                 differentiable=True, tip="detector swing about the two-theta axis")
    twotheta_axis: Optional[Vec3] = option(None, "-twotheta_axis", label="Two-theta axis",
                                           tip="direction of the two-theta axis")
    fdet_vector: Optional[Vec3] = option(None, "-fdet_vector", label="Fast axis",
                                         tip="direction of the fast pixel axis")
    sdet_vector: Optional[Vec3] = option(None, "-sdet_vector", label="Slow axis",
                                         tip="direction of the slow pixel axis")
    odet_vector: Optional[Vec3] = option(None, "-odet_vector", label="Detector normal",
                                         tip="direction of the detector normal")
    pix0_vector_m: Optional[Vec3] = option(None, "-pix0_vector", label="Pixel 0 position",
                                           unit="m", tip="position of the first pixel's corner")
    curved: bool = option(False, switches={True: "-curved_det"}, label="Curved detector",
                          tip="pixels on a sphere about the sample")
    point_pixel: bool = option(False, switches={True: "-point_pixel"}, label="Point pixels",
                               tip="solid angle as 1/r\u00b2, without the obliquity")
    oversample: Optional[int] = option(
        None, "-oversample", label="Oversample",
        tip="sub-pixels per pixel edge (auto: from the crystal size)")
    oversample_thick: bool = option(False, switches={True: "-oversample_thick"},
                                    label="Oversample thickness",
                                    tip="sensor absorption per sub-pixel")
    oversample_polar: bool = option(False, switches={True: "-oversample_polar"},
                                    label="Oversample polarization",
                                    tip="polarization per sub-pixel")
    oversample_omega: bool = option(False, switches={True: "-oversample_omega"},
                                    label="Oversample solid angle",
                                    tip="solid angle per sub-pixel")
    thick_um: float = option(0.0, "-detector_thick", label="Sensor thickness", unit="\u00b5m",
                             tip="sensor thickness")
    absorption_um: Optional[float] = option(
        None, "-detector_abs", label="Attenuation length", unit="\u00b5m",
        tip="sensor attenuation length (inf or 0: no sensor)")
    thick_steps: Optional[int] = option(None, "-thicksteps", "-detector_thicksteps",
                                        label="Sensor layers", tip="layers across the sensor")
    roi: Optional[Tuple[int, int, int, int]] = option(
        None, "-roi", label="Region", tip="pixels computed: fast min, fast max, slow min, slow max")
    dmin_A: float = option(0.0, "-dmin", label="d min", unit="\u00c5",
                           tip="pixels beyond this resolution are skipped")


@dataclass(frozen=True)
class OutputConfig:
    """Files to write and how to scale them (the C program's output flags)."""

    floatfile: Optional[str] = option(None, "-floatfile", "-floatimage", label="Float image",
                                      tip="photons per pixel, 4-byte floats")
    intfile: Optional[str] = option(None, "-intfile", "-intimage", label="Int image",
                                    tip="SMV image of the noiseless photons")
    pgmfile: Optional[str] = option(None, "-pgmfile", "-pgmimage", label="PGM image",
                                    tip="8-bit picture of the image")
    noisefile: Optional[str] = option(None, "-noisefile", "-noiseimage", label="Noise image",
                                      tip="SMV image with Poisson noise")
    nonoise: bool = option(False, switches={True: "-nonoise"}, label="No noise image",
                           tip="do not write the noise image")
    nopgm: bool = option(False, switches={True: "-nopgm"}, label="No PGM image",
                         tip="do not write the PGM image")
    intfile_scale: float = option(0.0, "-scale", label="Int scale",
                                  tip="counts per photon of the int image (auto: 0)")
    pgm_scale: float = option(0.0, "-pgmscale", label="PGM scale",
                              tip="grey levels per photon (auto: 0)")
    adc_offset: float = option(40.0, "-adc", label="ADC offset",
                               tip="counts added to every SMV pixel")
    seed: Optional[int] = option(None, "-seed", label="Noise seed", tip="seed of the noise")
    progress: bool = option(True, switches={True: "-progress", False: "-noprogress"},
                            label="Progress", tip="print the progress")


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
    phi0_reuse: bool = option(True, switches={False: "--no-phi0-reuse"}, label="Reuse phi 0",
                              tip="skip the rotation at phi 0, as the C program does")
