"""The trace schema: every traced quantity's name, unit, shape, block, meaning and source.

This list is the single definition of the trace. The tracer fills records by looping over
it, the formatter writes ``TRACE_PY:`` lines from it, the C-log loader recognises names
with it, the comparator orders its report by it and the viewer shows its units and
descriptions. Names and units are those the instrumented C nanoBragg prints
(``-trace_pixel S F``), quirks included: ``scattering_vec_A_inv`` is in 1/m despite its
name and ``beam_center_m`` is in metres divided by 1000 again.

Blocks:
- ``geometry``: printed once, as ``name=value`` (only when the detector pivots about the
  beam spot, as in the C program);
- ``pixel``: printed once per sub-pixel and sensor layer, for source 0, mosaic domain 0
  and phi step 0;
- ``final``: printed once, after the pixel is summed;
- ``control``: kernel values the tracer reads to decide what the C prints; never printed.

Every quantity names its one source:
- ``tap``: the kernel hands it over as ``tap("name", tensor)`` under the quantity's own
  name (``sim.kernel.intensity``), shaped (P, T, O, O[, S[, M]][, 3]); the tracer reads
  this sub-pixel's first source and orientation unless the source gives a reduction;
- ``setup``: the detector set-up records it under its own name (``sim.model.detector``);
- ``model``: an accessor of the resolved model or the kernel inputs, written here;
- ``derived``: a formula over other traced values, written here.
A source may convert the value's unit with a function of ``sim.units``. Accessors and
formulas take the tracer's context ``c`` (``sim.trace.tracer.TraceContext``): ``c.model``,
``c.k`` (kernel inputs), ``c.index`` (layer, sub-pixel slow, fast), ``c.tap(name)`` (the
tap's value here), ``c.whole(name)`` (the tap over the whole pixel) and ``c.cell_m`` (the
real-space cell source 0 sees here). ``when`` says when the C prints a quantity.

Quantities with ``ours_only=True`` are not printed by the C program; the comparator
reports them as present on one side only.

This module imports neither torch nor numpy.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, Dict, Optional, Tuple

from sim import units
from sim.model.config import CrystalShape

GEOMETRY = "geometry"
PIXEL = "pixel"
FINAL = "final"
CONTROL = "control"

# Value kinds: how a value is written and compared.
SCALAR = "scalar"      # one float
INT = "int"            # one integer
VEC3 = "vec3"          # three floats
INT3 = "int3"          # three integers
MAT3 = "mat3"          # 3x3 floats, row-major, printed [a b c; d e f; g h i]
TEXT = "text"          # free text, compared as a string
VECTOR_KINDS = (VEC3, INT3)

# Source kinds: where a value comes from.
TAP = "tap"
SETUP = "setup"
MODEL = "model"
DERIVED = "derived"


@dataclass(frozen=True)
class Source:
    """Where one quantity's value comes from and how its unit is converted.

    ``read``: for ``model`` and ``derived``, the function of the tracer's context that
    gives the value; for ``tap``, an optional reduction of this sub-pixel's tap values
    (S, M[, 3]). ``convert``: a ``sim.units`` function applied to the value.
    ``repeated``: ``read`` gives one value per occurrence.
    """

    kind: str
    read: Optional[Callable] = None
    convert: Optional[Callable] = None
    repeated: bool = False


def tap(reduce: Optional[Callable] = None) -> Source:
    return Source(TAP, reduce)


def setup() -> Source:
    return Source(SETUP)


def model(read: Callable, convert: Optional[Callable] = None) -> Source:
    return Source(MODEL, read, convert)


def derived(read: Callable, convert: Optional[Callable] = None, repeated: bool = False) -> Source:
    return Source(DERIVED, read, convert, repeated)


@dataclass(frozen=True)
class Quantity:
    """One traced quantity.

    ``source``: where its value comes from (None only for names the schema does not know);
    ``when``: whether the C prints it at the tracer's context (None: always).
    """

    name: str
    unit: str
    kind: str
    block: str
    description: str
    ours_only: bool = False
    source: Optional[Source] = None
    when: Optional[Callable] = None


def _q(name, unit, kind, block, source, description, ours_only=False, when=None):
    return Quantity(name, unit, kind, block, description, ours_only, source, when)


def _beam_pivot(c) -> bool:
    """The C prints the geometry block only for a beam pivot; the set-up records it then."""
    return bool(c.setup)


def _kept(c) -> bool:
    """-dmin may skip source 0 of a sub-pixel: the C prints no hkl lines for it then."""
    return bool(c.tap("source_ok"))


def _kept_square(c) -> bool:
    return _kept(c) and c.model.config.crystal.shape is CrystalShape.SQUARE


def _kept_scattering(c) -> bool:
    """The C prints F_cell where F_latt is not 0, or always with a water background."""
    return _kept(c) and (float(c.tap("F_latt")) != 0.0 or c.model.config.beam.water_um != 0.0)


def _cos_two_theta(incident, diffracted):
    """The kernel's cos 2theta, imported on first use so that this module stays torch-free."""
    from sim.kernel.polarization import cos_two_theta

    return cos_two_theta(incident, diffracted)


def _orientation_sums(c):
    """The Bragg part of I per (phi step, mosaic domain)."""
    terms = c.whole("subpixel_I")  # (T, O, O, S, M)
    return terms.sum(dim=(0, 1, 2, 3)).reshape(c.model.phi.steps, c.model.mosaic.domains)


_G = dict(block=GEOMETRY, source=setup(), when=_beam_pivot)
_HKL = dict(block=PIXEL, when=_kept)

QUANTITIES: Tuple[Quantity, ...] = (
    # Geometry block (detector set-up, beam pivot only).
    _q("detector_convention", "", TEXT, **_G,
       description="Label the C instrumentation prints; it always says MOSFLM"),
    _q("angles_rad", "rad", TEXT, **_G, description="Detector rotations rotx, roty, rotz and twotheta"),
    _q("beam_center_m", "m/1000", TEXT, **_G,
       description="Xbeam and Ybeam in metres divided by 1000 again (a C quirk), and the pixel size in mm"),
    _q("initial_fdet", "", VEC3, **_G, description="Fast axis before rotations, as the C prints it (MOSFLM's)"),
    _q("initial_sdet", "", VEC3, **_G, description="Slow axis before rotations, as the C prints it (MOSFLM's)"),
    _q("initial_odet", "", VEC3, **_G, description="Normal before rotations, as the C prints it (MOSFLM's)"),
    _q("Rx", "", MAT3, **_G, description="Rotation about x by detector_rotx"),
    _q("Ry", "", MAT3, **_G, description="Rotation about y by detector_roty"),
    _q("Rz", "", MAT3, **_G, description="Rotation about z by detector_rotz"),
    _q("R_total", "", MAT3, **_G, description="Rz * Ry * Rx"),
    _q("fdet_after_rotz", "", VEC3, **_G, description="Fast axis after all rotations (twotheta included)"),
    _q("sdet_after_rotz", "", VEC3, **_G, description="Slow axis after all rotations (twotheta included)"),
    _q("odet_after_rotz", "", VEC3, **_G, description="Normal after all rotations (twotheta included)"),
    _q("twotheta_axis", "", VEC3, **_G, description="Axis of the detector twotheta swing"),
    _q("fdet_after_twotheta", "", VEC3, **_G, description="Fast axis after twotheta"),
    _q("sdet_after_twotheta", "", VEC3, **_G, description="Slow axis after twotheta"),
    _q("odet_after_twotheta", "", VEC3, **_G, description="Normal after twotheta"),
    _q("convention_mapping", "", TEXT, **_G, description="Label the C instrumentation prints"),
    _q("Fbeam_m", "m", SCALAR, **_G, description="Beam centre along the fast axis used for pix0"),
    _q("Sbeam_m", "m", SCALAR, **_G, description="Beam centre along the slow axis used for pix0"),
    _q("distance_m", "m", SCALAR, **_G, description="Sample to beam-spot distance along the beam"),
    _q("term_fast", "m", VEC3, **_G, description="-Fbeam * fdet"),
    _q("term_slow", "m", VEC3, **_G, description="-Sbeam * sdet"),
    _q("term_beam", "m", VEC3, **_G, description="distance * beam"),
    _q("pix0_vector", "m", VEC3, **_G, description="Sample to the corner of pixel (0, 0)"),
    # Per sub-pixel and sensor layer (source 0, mosaic domain 0, phi step 0).
    _q("subpixel_index", "", INT3, PIXEL, derived(lambda c: c.index),
       "Sensor layer, sub-pixel slow and fast index", ours_only=True),
    _q("pix0_vector_meters", "m", VEC3, PIXEL, model(lambda c: c.model.detector.pix0),
       "Sample to the corner of pixel (0, 0)"),
    _q("fdet_vec", "", VEC3, PIXEL, model(lambda c: c.model.detector.fdet), "Detector fast axis"),
    _q("sdet_vec", "", VEC3, PIXEL, model(lambda c: c.model.detector.sdet), "Detector slow axis"),
    _q("pixel_pos_meters", "m", VEC3, PIXEL, tap(), "Sample to the sub-pixel centre"),
    _q("R_distance_meters", "m", SCALAR, PIXEL, tap(), "Length of pixel_pos (air path)"),
    _q("omega_pixel_sr", "sr", SCALAR, PIXEL, tap(),
       "Solid angle in use (first sub-pixel's unless -oversample_omega)"),
    _q("close_distance_meters", "m", SCALAR, PIXEL, model(lambda c: c.model.detector.close_distance_m),
       "Distance from sample to detector plane"),
    _q("obliquity_factor", "", SCALAR, PIXEL, derived(lambda c: c.k.close_distance_m / c.tap("R_distance_meters")),
       "close_distance / R_distance"),
    _q("diffracted_vec", "", VEC3, PIXEL, tap(), "Unit vector from sample to sub-pixel"),
    _q("incident_vec", "", VEC3, PIXEL, model(lambda c: c.k.incident[0]),
       "Unit vector of the incident beam (source 0)"),
    _q("lambda_meters", "m", SCALAR, PIXEL, model(lambda c: c.k.wavelength_m[0]), "Wavelength of source 0"),
    _q("lambda_angstroms", "A", SCALAR, PIXEL, model(lambda c: c.k.wavelength_m[0], units.m_to_angstrom),
       "Wavelength of source 0"),
    _q("scattering_vec_A_inv", "1/m", VEC3, PIXEL, tap(),
       "(diffracted - incident) / lambda; printed in 1/m despite its name"),
    _q("rot_a_angstroms", "A", VEC3, **_HKL, source=derived(lambda c: c.cell_m[0], units.m_to_angstrom),
       description="Real-space a after phi and mosaic rotation"),
    _q("rot_b_angstroms", "A", VEC3, **_HKL, source=derived(lambda c: c.cell_m[1], units.m_to_angstrom),
       description="Real-space b after phi and mosaic rotation"),
    _q("rot_c_angstroms", "A", VEC3, **_HKL, source=derived(lambda c: c.cell_m[2], units.m_to_angstrom),
       description="Real-space c after phi and mosaic rotation"),
    _q("rot_a_star_A_inv", "1/A", VEC3, **_HKL, source=model(lambda c: c.model.cell.a_star),
       description="Reciprocal a* (not rotated by phi or mosaic in the C)"),
    _q("rot_b_star_A_inv", "1/A", VEC3, **_HKL, source=model(lambda c: c.model.cell.b_star),
       description="Reciprocal b* (not rotated by phi or mosaic in the C)"),
    _q("rot_c_star_A_inv", "1/A", VEC3, **_HKL, source=model(lambda c: c.model.cell.c_star),
       description="Reciprocal c* (not rotated by phi or mosaic in the C)"),
    _q("hkl_frac", "", VEC3, **_HKL, source=tap(), description="Fractional Miller indices"),
    _q("hkl_rounded", "", INT3, **_HKL, source=tap(), description="Nearest whole Miller indices"),
    _q("F_latt_a", "", SCALAR, PIXEL, tap(), "Lattice factor along a (parallelepiped only)", when=_kept_square),
    _q("F_latt_b", "", SCALAR, PIXEL, tap(), "Lattice factor along b (parallelepiped only)", when=_kept_square),
    _q("F_latt_c", "", SCALAR, PIXEL, tap(), "Lattice factor along c (parallelepiped only)", when=_kept_square),
    _q("F_latt", "", SCALAR, PIXEL, tap(), "Lattice (shape) factor", when=_kept_square),
    _q("F_cell", "electrons", SCALAR, PIXEL, tap(), "Structure factor of the unit cell", when=_kept_scattering),
    _q("subpixel_I", "electrons^2", SCALAR, PIXEL, tap(lambda terms: terms.sum()),
       "This sub-pixel and layer's share of I: F_cell^2 F_latt^2 summed over sources, phi steps "
       "and mosaic domains", ours_only=True),
    # Final block.
    _q("I_before_scaling", "electrons^2", SCALAR, FINAL, tap(),
       "Sum of F_cell^2 F_latt^2 (plus background term)"),
    _q("r_e_meters", "m", SCALAR, FINAL, model(lambda c: math.sqrt(units.R_E_SQR_M2)),
       "Classical electron radius"),
    _q("r_e_sqr", "m^2", SCALAR, FINAL, model(lambda c: units.R_E_SQR_M2), "Thomson cross section"),
    _q("fluence_photons_per_m2", "photons/m^2", SCALAR, FINAL, model(lambda c: c.model.fluence_per_m2),
       "Incident fluence"),
    _q("steps", "", INT, FINAL, model(lambda c: c.model.steps),
       "sources * mosaic domains * phi steps * oversample^2"),
    _q("oversample_thick", "", INT, FINAL, model(lambda c: c.model.config.detector.oversample_thick),
       "1 when the capture fraction is applied per sub-pixel"),
    _q("oversample_polar", "", INT, FINAL, model(lambda c: c.model.config.detector.oversample_polar),
       "1 when polarization is applied per sub-pixel"),
    _q("oversample_omega", "", INT, FINAL, model(lambda c: c.model.config.detector.oversample_omega),
       "1 when the solid angle is applied per sub-pixel"),
    _q("capture_fraction", "", SCALAR, FINAL, tap(), "Sensor capture fraction in use (last layer's)"),
    _q("polar", "", SCALAR, FINAL, tap(), "Polarization factor"),
    _q("omega_pixel", "sr", SCALAR, FINAL, tap(), "Pixel solid angle"),
    _q("cos_2theta", "", SCALAR, FINAL,
       derived(lambda c: _cos_two_theta(c.k.incident[-1], c.whole("diffracted_vec")[-1, -1, -1])),
       "incident . diffracted (last source and sub-pixel)"),
    _q("I_pixel_final", "photons", SCALAR, FINAL, tap(), "Pixel value added to the image"),
    _q("floatimage_accumulated", "photons", SCALAR, FINAL, derived(lambda c: c.tap("I_pixel_final").float()),
       "Image value after accumulation (float32)"),
    _q("background_I", "electrons^2", SCALAR, FINAL, model(lambda c: c.model.background_I),
       "Water background term included in I", ours_only=True),
    _q("subpixel_sum_I", "electrons^2", SCALAR, FINAL, derived(lambda c: c.whole("subpixel_I").sum()),
       "Bragg part of I: F_cell^2 F_latt^2 summed over every iteration", ours_only=True),
    _q("source_I", "electrons^2", SCALAR, FINAL,
       derived(lambda c: c.whole("subpixel_I").sum(dim=(0, 1, 2, 4)), repeated=True),
       "Bragg part of I from one source (one occurrence per source, in order)", ours_only=True),
    _q("phi_step_I", "electrons^2", SCALAR, FINAL,
       derived(lambda c: _orientation_sums(c).sum(1), repeated=True),
       "Bragg part of I from one phi step (one occurrence per step, in order)", ours_only=True),
    _q("mosaic_domain_I", "electrons^2", SCALAR, FINAL,
       derived(lambda c: _orientation_sums(c).sum(0), repeated=True),
       "Bragg part of I from one mosaic domain (one occurrence per domain, in order)", ours_only=True),
    # Control (read by the tracer, never printed).
    _q("source_ok", "", INT, CONTROL, tap(), "1 for a source -dmin does not skip"),
)

BY_NAME: Dict[str, Quantity] = {q.name: q for q in QUANTITIES}
ORDER: Dict[str, int] = {q.name: i for i, q in enumerate(QUANTITIES)}
PIXEL_NAMES: Tuple[str, ...] = tuple(q.name for q in QUANTITIES if q.block == PIXEL)
FINAL_NAMES: Tuple[str, ...] = tuple(q.name for q in QUANTITIES if q.block == FINAL)
GEOMETRY_NAMES: Tuple[str, ...] = tuple(q.name for q in QUANTITIES if q.block == GEOMETRY)


def quantity(name: str) -> Quantity:
    """The schema entry for ``name``; unknown names get a TEXT entry of their own."""
    found = BY_NAME.get(name)
    if found is not None:
        return found
    return Quantity(name, "", TEXT, PIXEL, "not in the schema")
