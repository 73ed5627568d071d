"""The trace schema: every traced quantity's name, unit, shape, block and meaning.

This list is the single definition of the trace. The tracer fills records in this
order, the formatter writes ``TRACE_PY:`` lines from it, the C-log loader recognises
names with it, the comparator orders its report by it and the viewer shows its units
and descriptions. Names and units are those the instrumented C nanoBragg prints
(``-trace_pixel S F``), quirks included: ``scattering_vec_A_inv`` is in 1/m despite its
name and ``beam_center_m`` is in metres divided by 1000 again.

Blocks:
- ``geometry``: printed once, as ``name=value`` (only when the detector pivots about the
  beam spot, as in the C program);
- ``pixel``: printed once per sub-pixel and sensor layer, for source 0, mosaic domain 0
  and phi step 0;
- ``final``: printed once, after the pixel is summed.

Quantities with ``ours_only=True`` are not printed by the C program; the comparator
reports them as present on one side only.

This module imports neither torch nor numpy.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Tuple

GEOMETRY = "geometry"
PIXEL = "pixel"
FINAL = "final"

# Value kinds: how a value is written and compared.
SCALAR = "scalar"      # one float
INT = "int"            # one integer
VEC3 = "vec3"          # three floats
INT3 = "int3"          # three integers
MAT3 = "mat3"          # 3x3 floats, row-major, printed [a b c; d e f; g h i]
TEXT = "text"          # free text, compared as a string


@dataclass(frozen=True)
class Quantity:
    """One traced quantity."""

    name: str
    unit: str
    kind: str
    block: str
    description: str
    ours_only: bool = False


def _q(name, unit, kind, block, description, ours_only=False):
    return Quantity(name, unit, kind, block, description, ours_only)


QUANTITIES: Tuple[Quantity, ...] = (
    # Geometry block (detector set-up, beam pivot only).
    _q("detector_convention", "", TEXT, GEOMETRY,
       "Label the C instrumentation prints; it always says MOSFLM"),
    _q("angles_rad", "rad", TEXT, GEOMETRY, "Detector rotations rotx, roty, rotz and twotheta"),
    _q("beam_center_m", "m/1000", TEXT, GEOMETRY,
       "Xbeam and Ybeam in metres divided by 1000 again (a C quirk), and the pixel size in mm"),
    _q("initial_fdet", "", VEC3, GEOMETRY, "Fast axis before rotations, as the C prints it (MOSFLM's)"),
    _q("initial_sdet", "", VEC3, GEOMETRY, "Slow axis before rotations, as the C prints it (MOSFLM's)"),
    _q("initial_odet", "", VEC3, GEOMETRY, "Normal before rotations, as the C prints it (MOSFLM's)"),
    _q("Rx", "", MAT3, GEOMETRY, "Rotation about x by detector_rotx"),
    _q("Ry", "", MAT3, GEOMETRY, "Rotation about y by detector_roty"),
    _q("Rz", "", MAT3, GEOMETRY, "Rotation about z by detector_rotz"),
    _q("R_total", "", MAT3, GEOMETRY, "Rz * Ry * Rx"),
    _q("fdet_after_rotz", "", VEC3, GEOMETRY, "Fast axis after all rotations (twotheta included)"),
    _q("sdet_after_rotz", "", VEC3, GEOMETRY, "Slow axis after all rotations (twotheta included)"),
    _q("odet_after_rotz", "", VEC3, GEOMETRY, "Normal after all rotations (twotheta included)"),
    _q("twotheta_axis", "", VEC3, GEOMETRY, "Axis of the detector twotheta swing"),
    _q("fdet_after_twotheta", "", VEC3, GEOMETRY, "Fast axis after twotheta"),
    _q("sdet_after_twotheta", "", VEC3, GEOMETRY, "Slow axis after twotheta"),
    _q("odet_after_twotheta", "", VEC3, GEOMETRY, "Normal after twotheta"),
    _q("convention_mapping", "", TEXT, GEOMETRY, "Label the C instrumentation prints"),
    _q("Fbeam_m", "m", SCALAR, GEOMETRY, "Beam centre along the fast axis used for pix0"),
    _q("Sbeam_m", "m", SCALAR, GEOMETRY, "Beam centre along the slow axis used for pix0"),
    _q("distance_m", "m", SCALAR, GEOMETRY, "Sample to beam-spot distance along the beam"),
    _q("term_fast", "m", VEC3, GEOMETRY, "-Fbeam * fdet"),
    _q("term_slow", "m", VEC3, GEOMETRY, "-Sbeam * sdet"),
    _q("term_beam", "m", VEC3, GEOMETRY, "distance * beam"),
    _q("pix0_vector", "m", VEC3, GEOMETRY, "Sample to the corner of pixel (0, 0)"),
    # Per sub-pixel and sensor layer (source 0, mosaic domain 0, phi step 0).
    _q("subpixel_index", "", INT3, PIXEL, "Sensor layer, sub-pixel slow and fast index", ours_only=True),
    _q("pix0_vector_meters", "m", VEC3, PIXEL, "Sample to the corner of pixel (0, 0)"),
    _q("fdet_vec", "", VEC3, PIXEL, "Detector fast axis"),
    _q("sdet_vec", "", VEC3, PIXEL, "Detector slow axis"),
    _q("pixel_pos_meters", "m", VEC3, PIXEL, "Sample to the sub-pixel centre"),
    _q("R_distance_meters", "m", SCALAR, PIXEL, "Length of pixel_pos (air path)"),
    _q("omega_pixel_sr", "sr", SCALAR, PIXEL, "Solid angle in use (first sub-pixel's unless -oversample_omega)"),
    _q("close_distance_meters", "m", SCALAR, PIXEL, "Distance from sample to detector plane"),
    _q("obliquity_factor", "", SCALAR, PIXEL, "close_distance / R_distance"),
    _q("diffracted_vec", "", VEC3, PIXEL, "Unit vector from sample to sub-pixel"),
    _q("incident_vec", "", VEC3, PIXEL, "Unit vector of the incident beam (source 0)"),
    _q("lambda_meters", "m", SCALAR, PIXEL, "Wavelength of source 0"),
    _q("lambda_angstroms", "A", SCALAR, PIXEL, "Wavelength of source 0"),
    _q("scattering_vec_A_inv", "1/m", VEC3, PIXEL,
       "(diffracted - incident) / lambda; printed in 1/m despite its name"),
    _q("rot_a_angstroms", "A", VEC3, PIXEL, "Real-space a after phi and mosaic rotation"),
    _q("rot_b_angstroms", "A", VEC3, PIXEL, "Real-space b after phi and mosaic rotation"),
    _q("rot_c_angstroms", "A", VEC3, PIXEL, "Real-space c after phi and mosaic rotation"),
    _q("rot_a_star_A_inv", "1/A", VEC3, PIXEL, "Reciprocal a* (not rotated by phi or mosaic in the C)"),
    _q("rot_b_star_A_inv", "1/A", VEC3, PIXEL, "Reciprocal b* (not rotated by phi or mosaic in the C)"),
    _q("rot_c_star_A_inv", "1/A", VEC3, PIXEL, "Reciprocal c* (not rotated by phi or mosaic in the C)"),
    _q("hkl_frac", "", VEC3, PIXEL, "Fractional Miller indices"),
    _q("hkl_rounded", "", INT3, PIXEL, "Nearest whole Miller indices"),
    _q("F_latt_a", "", SCALAR, PIXEL, "Lattice factor along a (parallelepiped only)"),
    _q("F_latt_b", "", SCALAR, PIXEL, "Lattice factor along b (parallelepiped only)"),
    _q("F_latt_c", "", SCALAR, PIXEL, "Lattice factor along c (parallelepiped only)"),
    _q("F_latt", "", SCALAR, PIXEL, "Lattice (shape) factor"),
    _q("F_cell", "electrons", SCALAR, PIXEL, "Structure factor of the unit cell"),
    _q("subpixel_I", "electrons^2", SCALAR, PIXEL,
       "This sub-pixel and layer's share of I: F_cell^2 F_latt^2 summed over sources, phi steps "
       "and mosaic domains", ours_only=True),
    # Final block.
    _q("I_before_scaling", "electrons^2", SCALAR, FINAL, "Sum of F_cell^2 F_latt^2 (plus background term)"),
    _q("r_e_meters", "m", SCALAR, FINAL, "Classical electron radius"),
    _q("r_e_sqr", "m^2", SCALAR, FINAL, "Thomson cross section"),
    _q("fluence_photons_per_m2", "photons/m^2", SCALAR, FINAL, "Incident fluence"),
    _q("steps", "", INT, FINAL, "sources * mosaic domains * phi steps * oversample^2"),
    _q("oversample_thick", "", INT, FINAL, "1 when the capture fraction is applied per sub-pixel"),
    _q("oversample_polar", "", INT, FINAL, "1 when polarization is applied per sub-pixel"),
    _q("oversample_omega", "", INT, FINAL, "1 when the solid angle is applied per sub-pixel"),
    _q("capture_fraction", "", SCALAR, FINAL, "Sensor capture fraction in use (last layer's)"),
    _q("polar", "", SCALAR, FINAL, "Polarization factor"),
    _q("omega_pixel", "sr", SCALAR, FINAL, "Pixel solid angle"),
    _q("cos_2theta", "", SCALAR, FINAL, "incident . diffracted (last source and sub-pixel)"),
    _q("I_pixel_final", "photons", SCALAR, FINAL, "Pixel value added to the image"),
    _q("floatimage_accumulated", "photons", SCALAR, FINAL, "Image value after accumulation (float32)"),
    _q("background_I", "electrons^2", SCALAR, FINAL, "Water background term included in I", ours_only=True),
    _q("subpixel_sum_I", "electrons^2", SCALAR, FINAL, "Bragg part of I: F_cell^2 F_latt^2 summed over every iteration", ours_only=True),
    _q("source_I", "electrons^2", SCALAR, FINAL,
       "Bragg part of I from one source (one occurrence per source, in order)", ours_only=True),
    _q("phi_step_I", "electrons^2", SCALAR, FINAL,
       "Bragg part of I from one phi step (one occurrence per step, in order)", ours_only=True),
    _q("mosaic_domain_I", "electrons^2", SCALAR, FINAL,
       "Bragg part of I from one mosaic domain (one occurrence per domain, in order)", ours_only=True),
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
