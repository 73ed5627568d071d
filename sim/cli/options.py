"""The C nanoBragg argument loop as data: one ``Branch`` per ``if`` of the C, in the C's order.

nanoBragg tests every argument that starts with '-' against every branch, mostly with
``strstr(arg, "-name")``, and every branch whose test holds fires; a ``continue`` in the C
(``stop=True`` here) skips the rest for that argument. Hence:

- ``-twotheta_axis x y z`` also sets ``-twotheta`` to x and the sample pivot;
- ``-oversample_thick/_polar/_omega`` stop before ``-oversample`` reads the next argument;
- ``-mosaic_dom``, ``-detpixels_f``, ``-detsize_f``, ``-phisteps``, ``-hdivsteps``,
  ``-detector_thicksteps`` and ``-polar_vector`` do *not* fire ``-mosaic``, ``-detpixels``,
  ``-detsize``, ``-phistep``, ``-hdivstep``, ``-detector_thick`` or ``-polar``, which the C
  guards with ``strlen(arg) == strlen(name)`` (an exact match, ``exact`` here);
- ``-mosaic_seed`` and ``-misset_seed`` do *not* set the noise ``-seed``: the needle is
  "-seed" and they contain "_seed" (sim/C_QUIRKS.md says otherwise; the C code decides).

A branch fires only when the C's ``argc > i+n`` holds (``nvals``); values are read
positionally, so negative numbers are values. The C also reads each of those values that
starts with '-' as an option in its own right, and so does ``run_c_loop``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Collection, Optional, Sequence

from sim.cli.handlers import (ParseState, cell, chain, convention, detector_abs, either, energy,
                           exact, is_number, is_tag, misset_angles, no_effect, non_negative,
                           pivot_value, positive, put, put_const, put_items, put_tuple,
                           put_vector, set_pivot, sub, to_int, to_str, trace_pixel, twotheta,
                           unsupported)
from sim.model.config import Convention, CrystalShape, Pivot
from sim.errors import InputError

C, B, D, O = "crystal", "beam", "detector", "output"
XYZ = (0, 1, 2)


@dataclass(frozen=True)
class Branch:
    """One ``if`` of the C argument loop."""

    matches: Callable[[str], bool]
    apply: Callable
    nvals: int = 0                  # the C fires only when this many arguments follow
    take: Optional[Callable[[Sequence[str]], int]] = None  # values read, when not nvals
    when: Optional[Callable[[Sequence[str]], bool]] = None  # extra test on the values
    stop: bool = False              # the C's `continue`
    at_end: str = "error"           # too few arguments follow: "error" or "warn" (C: ignored)


def _cell_count(rest: Sequence[str]) -> int:
    """-cell reads up to 6 values and stops at the first one starting with '-'."""
    n = 0
    while n < min(6, len(rest)) and not rest[n].startswith("-"):
        n += 1
    return n


def _trace_count(rest: Sequence[str]) -> int:
    return 3 if len(rest) > 2 and is_tag(rest[2]) else 2


_SIZE = dict(conv=to_int, check=positive)
BRANCHES = (
    # The C reads -img and -mask in an earlier pass over the arguments.
    Branch(sub("-img"), unsupported),
    Branch(sub("-mask"), unsupported),
    Branch(sub("-Na"), put_items(C, "N_cells", (0,), to_int, non_negative), 1, stop=True),
    Branch(sub("-Nb"), put_items(C, "N_cells", (1,), to_int, non_negative), 1, stop=True),
    Branch(sub("-Nc"), put_items(C, "N_cells", (2,), to_int, non_negative), 1, stop=True),
    Branch(exact("-N"), put_items(C, "N_cells", XYZ, to_int, non_negative), 1, stop=True),
    Branch(sub("-cell"), cell, 1, take=_cell_count),
    Branch(exact("-misset"), put_const(C, "misset_random", True), 1,
           when=lambda rest: "rand" in rest[0], stop=True),
    Branch(exact("-misset"), misset_angles, 3),
    Branch(sub("-samplesize", "-sample_size"), put_items(C, "xtal_size_mm", XYZ), 1),
    Branch(sub("-sample_thick", "-sample_x"), put_items(C, "xtal_size_mm", (0,)), 1),
    Branch(sub("-sample_width", "-sample_y", "-width"), put_items(C, "xtal_size_mm", (1,)), 1),
    Branch(sub("-sample_heigh", "-sample_z", "-heigh"), put_items(C, "xtal_size_mm", (2,)), 1),
    Branch(sub("-xtalsize", "-xtal_size"), put_items(C, "xtal_size_mm", XYZ), 1),
    Branch(sub("-xtal_thick", "-xtal_x"), put_items(C, "xtal_size_mm", (0,)), 1),
    Branch(sub("-xtal_width", "-xtal_y", "-width"), put_items(C, "xtal_size_mm", (1,)), 1),
    Branch(sub("-xtal_heigh", "-xtal_z", "-heigh"), put_items(C, "xtal_size_mm", (2,)), 1),
    Branch(sub("-density", "-sample_den"), no_effect, 1),
    Branch(either(exact("-MW"), sub("-molec")), no_effect, 1),
    Branch(sub("-Xbeam"), chain(put(D, "beam_x_mm"), set_pivot(Pivot.BEAM)), 1),
    Branch(sub("-Ybeam"), chain(put(D, "beam_y_mm"), set_pivot(Pivot.BEAM)), 1),
    Branch(sub("-Xclose"), chain(put(D, "close_x_mm"), set_pivot(Pivot.SAMPLE)), 1),
    Branch(sub("-Yclose"), chain(put(D, "close_y_mm"), set_pivot(Pivot.SAMPLE)), 1),
    Branch(sub("-ORGX"), chain(put(D, "orgx_px"), set_pivot(Pivot.SAMPLE)), 1),
    Branch(sub("-ORGY"), chain(put(D, "orgy_px"), set_pivot(Pivot.SAMPLE)), 1),
    Branch(sub("-pivot"), pivot_value, 1),
    Branch(sub("-mosflm"), convention(Convention.MOSFLM, Pivot.BEAM)),
    Branch(sub("-xds"), convention(Convention.XDS, Pivot.SAMPLE)),
    Branch(sub("-adxv"), convention(Convention.ADXV, Pivot.BEAM)),
    Branch(sub("-denzo"), convention(Convention.DENZO, Pivot.BEAM)),
    Branch(sub("-dials"), convention(Convention.DIALS, Pivot.BEAM)),
    Branch(sub("-fdet_vector"), put_vector(D, "fdet_vector"), 3),
    Branch(sub("-sdet_vector"), put_vector(D, "sdet_vector"), 3),
    Branch(sub("-odet_vector"), put_vector(D, "odet_vector"), 3),
    Branch(sub("-beam_vector"), put_vector(B, "beam_vector"), 3),
    Branch(sub("-polar_vector"), put_vector(B, "polar_vector"), 3),
    Branch(sub("-spindle_axis"), put_vector(C, "spindle_axis"), 3),
    Branch(sub("-twotheta_axis"), put_vector(D, "twotheta_axis"), 3),
    Branch(sub("-pix0_vector"), put_vector(D, "pix0_vector_m"), 3),
    Branch(sub("-distance"), chain(put(D, "distance_mm", check=positive),
                                   set_pivot(Pivot.BEAM)), 1),
    Branch(sub("-close_distance"), chain(put(D, "close_distance_mm", check=positive),
                                         set_pivot(Pivot.SAMPLE)), 1),
    Branch(sub("-detector_abs"), detector_abs, 1),
    Branch(exact("-detector_thick"), put(D, "thick_um"), 1),
    Branch(sub("-detector_thicksteps"), put(D, "thick_steps", to_int), 1),
    Branch(sub("-thicksteps"), put(D, "thick_steps", to_int), 1),
    Branch(sub("-twotheta"), twotheta, 1),
    Branch(sub("-detector_rotx"), put_items(D, "rot_deg", (0,)), 1),
    Branch(sub("-detector_roty"), put_items(D, "rot_deg", (1,)), 1),
    Branch(sub("-detector_rotz"), put_items(D, "rot_deg", (2,)), 1),
    Branch(exact("-detsize"), chain(put(D, "detsize_f_mm", check=positive),
                                    put(D, "detsize_s_mm")), 1),
    Branch(sub("-detsize_f"), put(D, "detsize_f_mm", check=positive), 1),
    Branch(sub("-detsize_s"), put(D, "detsize_s_mm", check=positive), 1),
    Branch(exact("-detpixels"), chain(put(D, "fpixels", **_SIZE), put(D, "spixels", to_int)), 1),
    Branch(sub("-detpixels_f", "-detpixels_x"), put(D, "fpixels", **_SIZE), 1),
    Branch(sub("-detpixels_s", "-detpixels_y"), put(D, "spixels", **_SIZE), 1),
    Branch(sub("-curved_det"), put_const(D, "curved", True), 1, take=lambda rest: 0,
           at_end="warn"),
    Branch(sub("-pixel"), put(D, "pixel_mm", check=positive), 1),
    Branch(sub("-point_pixel"), put_const(D, "point_pixel", True)),
    Branch(exact("-polar"), chain(put(B, "kahn_polarization"), put_const(B, "nopolar", False)), 1),
    Branch(sub("-nopolar"), put_const(B, "nopolar", True)),
    Branch(sub("-oversample_thick"), put_const(D, "oversample_thick", True), stop=True),
    Branch(sub("-oversample_polar"), put_const(D, "oversample_polar", True), stop=True),
    Branch(sub("-oversample_omega"), put_const(D, "oversample_omega", True), stop=True),
    Branch(sub("-oversample"), put(D, "oversample", to_int, non_negative), 1),
    Branch(sub("-roi"), put_tuple(D, "roi", to_int), 4),
    Branch(sub("-lambda", "-wave"), put(B, "wavelength_A", check=positive), 1),
    Branch(sub("-energy"), energy, 1),
    Branch(sub("-fluence"), put(B, "fluence_per_m2"), 1),
    Branch(sub("-flux"), put(B, "flux_per_s"), 1),
    Branch(sub("-exposure"), put(B, "exposure_s"), 1),
    Branch(sub("-beamsize"), put(B, "beamsize_mm"), 1),
    Branch(either(exact("-mosaic"), sub("-mosaici", "-mosaic_spr")),
           put(C, "mosaic_spread_deg"), 1),
    Branch(sub("-mosaic_dom"), put(C, "mosaic_domains", to_int), 1),
    Branch(sub("-dispersion"), put(B, "dispersion_pct"), 1),
    Branch(sub("-dispsteps"), put(B, "dispersion_steps", to_int), 1),
    Branch(sub("-divergence"), chain(put(B, "hdiv_range_mrad"), put(B, "vdiv_range_mrad")), 1),
    Branch(sub("-hdivrange"), put(B, "hdiv_range_mrad"), 1),
    Branch(sub("-vdivrange"), put(B, "vdiv_range_mrad"), 1),
    Branch(exact("-hdivstep"), put(B, "hdiv_step_mrad"), 1),
    Branch(sub("-hdivsteps"), put(B, "hdiv_steps", to_int), 1),
    Branch(exact("-vdivstep"), put(B, "vdiv_step_mrad"), 1),
    Branch(sub("-vdivsteps"), put(B, "vdiv_steps", to_int), 1),
    Branch(sub("-divsteps"), chain(put(B, "hdiv_steps", to_int), put(B, "vdiv_steps", to_int)), 1),
    Branch(sub("-round_div"), put_const(B, "round_div", True)),
    Branch(sub("-square_div"), put_const(B, "round_div", False)),
    Branch(sub("-adc"), put(O, "adc_offset"), 1),
    Branch(exact("-phi"), put(C, "phi_start_deg"), 1),
    Branch(sub("-osc"), put(C, "osc_deg"), 1),
    Branch(exact("-phistep"), put(C, "phi_step_deg"), 1),
    Branch(sub("-phisteps"), put(C, "phi_steps", to_int), 1),
    Branch(sub("-dmin"), put(D, "dmin_A"), 1),
    Branch(sub("-mat"), put(C, "matrix_file", to_str), 1),
    Branch(sub("-hkl"), put(C, "hkl_file", to_str), 1),
    Branch(sub("-default_F"), put(C, "default_F"), 1),
    Branch(sub("-stolout"), unsupported),  # the C's strlen > 7 always holds here
    Branch(exact("-stol"), unsupported),
    Branch(exact("-4stol"), unsupported),
    Branch(exact("-Q"), unsupported),
    Branch(sub("-sourcefile"), put(B, "source_file", to_str), 1),
    Branch(sub("-floatfile", "-floatimage"), put(O, "floatfile", to_str), 1),
    Branch(sub("-intfile", "-intimage"), put(O, "intfile", to_str), 1),
    Branch(sub("-pgmfile", "-pgmimage"), chain(put(O, "pgmfile", to_str),
                                               put_const(O, "nopgm", False)), 1),
    Branch(sub("-noisefile", "-noiseimage"), chain(put(O, "noisefile", to_str),
                                                   put_const(O, "nonoise", False)), 1),
    Branch(sub("-nonoise"), put_const(O, "nonoise", True)),
    Branch(sub("-nopgm"), put_const(O, "nopgm", True)),
    Branch(sub("-scale"), put(O, "intfile_scale"), 1),
    Branch(sub("-pgmscale"), chain(put(O, "pgm_scale"), put_const(O, "nopgm", False)), 1),
    Branch(sub("-coherent"), unsupported),
    Branch(sub("-printout"), unsupported),  # also -printout_pixel
    Branch(sub("-noprogress"), put_const(O, "progress", False)),
    Branch(sub("-progress"), put_const(O, "progress", True)),
    Branch(sub("-interpolate"), put_const(C, "interpolate", True)),
    Branch(sub("-nointerpolate"), put_const(C, "interpolate", False)),
    Branch(sub("-round_xtal"), put_const(C, "shape", CrystalShape.ROUND)),
    Branch(sub("-square_xtal"), put_const(C, "shape", CrystalShape.SQUARE)),
    Branch(sub("-gauss_xtal"), put_const(C, "shape", CrystalShape.GAUSS)),
    Branch(sub("-binary_spots", "-tophat_spots"), put_const(C, "shape", CrystalShape.TOPHAT)),
    Branch(sub("-fudge"), put(C, "fudge"), 1),
    Branch(sub("-trace_pixel"), trace_pixel, 2, take=_trace_count),
    Branch(sub("-seed"), put(O, "seed", to_int), 1),
    Branch(sub("-mosaic_seed"), put(C, "mosaic_seed", to_int), 1),
    Branch(sub("-misset_seed"), put(C, "misset_seed", to_int), 1),
    Branch(sub("-water"), put(B, "water_um"), 1),
)


def _values(branch: Branch, state: ParseState, opt: str, rest: Sequence[str]):
    """The values ``branch`` reads for ``opt``, or None when it does not fire."""
    if len(rest) < branch.nvals:
        if branch.when is not None:
            return None
        if branch.at_end == "warn":
            state.warn(f"ignoring {opt} at the end of the command line "
                       "(the C program ignores it there too)")
            return None
        if not rest:
            raise InputError(f"{opt}: missing value at the end of the command line")
        raise InputError(f"{opt}: expected {branch.nvals} values, got {len(rest)} "
                         "(end of the command line)")
    if branch.when is not None and not branch.when(rest):
        return None
    return tuple(rest[:branch.take(rest) if branch.take else branch.nvals])


def dispatch(state: ParseState, argv: Sequence[str], i: int, consumed: set) -> bool:
    """Fire every branch that matches ``argv[i]``, in order; True if any matched its name."""
    opt, rest = argv[i], argv[i + 1:]
    matched = False
    for branch in BRANCHES:
        if not branch.matches(opt):
            continue
        matched = True
        values = _values(branch, state, opt, rest)
        if values is None:
            continue
        consumed.update(range(i + 1, i + 1 + len(values)))
        branch.apply(state, opt, values)
        if branch.stop:
            break
    return matched


def run_c_loop(argv: Sequence[str], skip: Collection[int] = ()) -> ParseState:
    """Run the C argument loop over ``argv`` (indices in ``skip`` belong to other options)."""
    state = ParseState()
    consumed = set(skip)
    for i, arg in enumerate(argv):
        if i in skip:
            continue
        if arg.startswith("-") and not is_number(arg):
            matched = dispatch(state, argv, i, consumed)
            if not matched and i not in consumed:
                state.warn(f"ignoring unknown option {arg} (the C program ignores it too)")
            elif matched and i in consumed:
                state.warn(f"{arg} is read both as a value and as an option, as the C "
                           "program does")
        elif i not in consumed:
            state.warn(f"ignoring stray value {arg!r} (the C program ignores it too)")
    return state
