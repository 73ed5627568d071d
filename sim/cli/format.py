"""``SimConfig`` -> nanoBragg command line, the inverse of ``sim.cli.args.parse_args``.

Only fields that differ from their defaults are written, with the C flag spellings and
shortest round-trip floats (``repr``), so that ``parse_args(format_args(c)).config == c``.
The order matters where a C flag has side effects: vectors (which switch to the CUSTOM
convention) come before the convention flag, ``-twotheta_axis`` (which also sets
``-twotheta``) before ``-twotheta``, ``-detector_abs`` (which may zero the thickness) before
``-detector_thick``, ``-polar`` before ``-nopolar``, ``-noisefile`` before ``-nonoise``,
``-pgmfile``/``-pgmscale`` before ``-nopgm``, and ``-pivot`` last, when the flags before it
would leave the C program with another pivot. No torch, no Qt.
"""

from __future__ import annotations

from typing import List, Optional, Sequence, Tuple

from sim.cli.handlers import is_tag
from sim.cli.options import run_c_loop
from sim.model.config import Convention, CrystalShape, SimConfig
from sim.errors import InputError

_CRYSTAL = (("-mat", "matrix_file"), ("-hkl", "hkl_file"), ("-default_F", "default_F"),
            ("-fudge", "fudge"), ("-mosaic", "mosaic_spread_deg"),
            ("-mosaic_dom", "mosaic_domains"), ("-mosaic_seed", "mosaic_seed"),
            ("-misset_seed", "misset_seed"), ("-phi", "phi_start_deg"), ("-osc", "osc_deg"),
            ("-phistep", "phi_step_deg"), ("-phisteps", "phi_steps"))
_DETECTOR = (("-distance", "distance_mm"), ("-close_distance", "close_distance_mm"),
             ("-pixel", "pixel_mm"), ("-Xbeam", "beam_x_mm"), ("-Ybeam", "beam_y_mm"),
             ("-Xclose", "close_x_mm"), ("-Yclose", "close_y_mm"), ("-ORGX", "orgx_px"),
             ("-ORGY", "orgy_px"), ("-oversample", "oversample"),
             ("-thicksteps", "thick_steps"), ("-dmin", "dmin_A"))
_DETECTOR_FLAGS = (("-curved_det", "curved"), ("-point_pixel", "point_pixel"),
                   ("-oversample_thick", "oversample_thick"),
                   ("-oversample_polar", "oversample_polar"),
                   ("-oversample_omega", "oversample_omega"))
_BEAM = (("-lambda", "wavelength_A"), ("-dispersion", "dispersion_pct"),
         ("-dispsteps", "dispersion_steps"), ("-hdivrange", "hdiv_range_mrad"),
         ("-vdivrange", "vdiv_range_mrad"), ("-hdivstep", "hdiv_step_mrad"),
         ("-vdivstep", "vdiv_step_mrad"), ("-hdivsteps", "hdiv_steps"),
         ("-vdivsteps", "vdiv_steps"), ("-sourcefile", "source_file"),
         ("-fluence", "fluence_per_m2"), ("-flux", "flux_per_s"), ("-exposure", "exposure_s"),
         ("-beamsize", "beamsize_mm"), ("-polar", "kahn_polarization"), ("-water", "water_um"))
_OUTPUT = (("-floatfile", "floatfile"), ("-intfile", "intfile"), ("-pgmfile", "pgmfile"),
           ("-noisefile", "noisefile"), ("-scale", "intfile_scale"),
           ("-pgmscale", "pgm_scale"), ("-adc", "adc_offset"), ("-seed", "seed"))
_VECTORS = (("-spindle_axis", "crystal", "spindle_axis"),
            ("-beam_vector", "beam", "beam_vector"), ("-polar_vector", "beam", "polar_vector"),
            ("-fdet_vector", "detector", "fdet_vector"),
            ("-sdet_vector", "detector", "sdet_vector"),
            ("-odet_vector", "detector", "odet_vector"),
            ("-twotheta_axis", "detector", "twotheta_axis"),
            ("-pix0_vector", "detector", "pix0_vector_m"))
_SHAPES = {CrystalShape.ROUND: "-round_xtal", CrystalShape.GAUSS: "-gauss_xtal",
           CrystalShape.TOPHAT: "-tophat_spots"}


def format_args(config: SimConfig,
                trace_pixels: Sequence[Tuple[int, int, Optional[str]]] = ()) -> List[str]:
    """A nanoBragg command line (without the program name) that parses back to ``config``."""
    args = (_crystal_args(config) + _vector_args(config) + _detector_args(config)
            + _beam_args(config) + _output_args(config))
    args += _pivot_args(config, args)
    if not config.phi0_reuse:
        args.append("--no-phi0-reuse")
    for slow, fast, *tag in trace_pixels:
        args += ["-trace_pixel", _num(slow), _num(fast)] + _tag(tag[0] if tag else None)
    return args


def _num(value) -> str:
    """Shortest text that reads back as the same number ('100', '0.1', '1e+13', 'inf')."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    value = float(value)
    text = repr(value)
    text = text[:-2] if text.endswith(".0") else text
    exponent = next(s for s in ("%.*g" % (p, value) for p in range(1, 18))
                    if float(s) == value or s == "nan")
    return exponent if len(exponent) < len(text) else text


def _value(flag: str, value) -> str:
    text = value if isinstance(value, str) else _num(value)
    if text.startswith("-") and not isinstance(value, (int, float)):
        raise InputError(f"{flag}: {text!r} starts with '-', which nanoBragg reads as an option")
    return text


def _fields(section, table) -> List[str]:
    """Flag and value for every field of ``table`` that differs from its default."""
    default = type(section)()
    args = []
    for flag, name in table:
        value = getattr(section, name)
        if value != getattr(default, name):
            args += [flag, _value(flag, value)]
    return args


def _flags(section, table) -> List[str]:
    return [flag for flag, name in table if getattr(section, name)]


def _crystal_args(config: SimConfig) -> List[str]:
    crystal = config.crystal
    args = []
    if crystal.cell_A_deg is not None:
        if any(v < 0 for v in crystal.cell_A_deg):
            raise InputError("-cell: nanoBragg cannot read negative cell values")
        args += ["-cell", *map(_num, crystal.cell_A_deg)]
    args += _fields(crystal, _CRYSTAL)
    if crystal.misset_deg is not None:
        args += ["-misset", *map(_num, crystal.misset_deg)]
    if crystal.misset_random:
        args += ["-misset", "random"]
    args += _cells_args(crystal.N_cells) + _xtal_size_args(crystal.xtal_size_mm)
    if crystal.shape in _SHAPES:
        args.append(_SHAPES[crystal.shape])
    if crystal.interpolate is not None:
        args.append("-interpolate" if crystal.interpolate else "-nointerpolate")
    return args


def _cells_args(N) -> List[str]:
    if len(set(N)) == 1:
        return [] if N[0] == 1 else ["-N", _num(N[0])]
    return [a for flag, n in zip(("-Na", "-Nb", "-Nc"), N) if n != 1 for a in (flag, _num(n))]


def _xtal_size_args(size) -> List[str]:
    if len(set(size)) == 1:
        return [] if size[0] is None else ["-xtal_size", _num(size[0])]
    flags = ("-xtal_x", "-xtal_y", "-xtal_z")
    return [a for flag, v in zip(flags, size) if v is not None for a in (flag, _num(v))]


def _vector_args(config: SimConfig) -> List[str]:
    """Vector flags, then the convention flag (a vector flag switches the C to CUSTOM)."""
    args = []
    for flag, section, name in _VECTORS:
        vector = getattr(getattr(config, section), name)
        if vector is not None:
            args += [flag, *map(_num, vector)]
    conv = config.detector.convention
    if conv is Convention.CUSTOM and not args:
        raise InputError("the CUSTOM convention needs at least one vector "
                         "(-fdet_vector, -beam_vector, ...) on the nanoBragg command line")
    if conv is not Convention.CUSTOM and (args or conv is not Convention.MOSFLM):
        args.append("-" + conv.value)
    return args


def _detector_args(config: SimConfig) -> List[str]:
    det = config.detector
    args = _fields(det, _DETECTOR)
    args += _pair_args("-detpixels", det.fpixels, det.spixels)
    args += _pair_args("-detsize", det.detsize_f_mm, det.detsize_s_mm)
    for axis, angle in zip("xyz", det.rot_deg):
        if angle != 0.0:
            args += [f"-detector_rot{axis}", _num(angle)]
    if det.twotheta_axis is not None or det.twotheta_deg != 0.0:
        args += ["-twotheta", _num(det.twotheta_deg)]
    args += _flags(det, _DETECTOR_FLAGS)
    if det.absorption_um is not None:
        args += ["-detector_abs", _num(det.absorption_um)]
    if det.thick_um != 0.0:
        args += ["-detector_thick", _num(det.thick_um)]
    if det.roi is not None:
        args += ["-roi", *map(_num, det.roi)]
    return args


def _pair_args(flag: str, fast, slow) -> List[str]:
    """``-detpixels N`` when both axes agree, else ``-detpixels_f``/``-detpixels_s``."""
    if fast is not None and fast == slow:
        return [flag, _num(fast)]
    args = [] if fast is None else [flag + "_f", _num(fast)]
    return args + ([] if slow is None else [flag + "_s", _num(slow)])


def _beam_args(config: SimConfig) -> List[str]:
    beam = config.beam
    args = _fields(beam, _BEAM)
    if not beam.round_div:
        args.append("-square_div")
    if beam.nopolar:
        args.append("-nopolar")
    return args


def _output_args(config: SimConfig) -> List[str]:
    out = config.output
    args = _fields(out, _OUTPUT)
    args += [flag for flag, on in (("-nonoise", out.nonoise), ("-nopgm", out.nopgm),
                                   ("-noprogress", not out.progress)) if on]
    return args


def _pivot_args(config: SimConfig, args: List[str]) -> List[str]:
    """``-pivot`` when the flags before it leave another pivot (or -curved_det needs a follower)."""
    pivot = config.detector.pivot
    implied = run_c_loop(args).get("detector", "pivot")
    if implied is not pivot or (args and args[-1] == "-curved_det"):
        return ["-pivot", pivot.value]
    return []


def _tag(tag: Optional[str]) -> List[str]:
    if tag is None:
        return []
    if not is_tag(tag):
        raise InputError(f"-trace_pixel: tag {tag!r} would read as a number or an option")
    return [tag]


def _flag_names():
    """(section, field) -> the flag that sets it, for every field with a value to check."""
    names = {}
    for section, table in (("crystal", _CRYSTAL), ("detector", _DETECTOR), ("beam", _BEAM),
                           ("output", _OUTPUT)):
        names.update({(section, name): flag for flag, name in table})
    names.update({(section, name): flag for flag, section, name in _VECTORS})
    names.update({("crystal", "cell_A_deg"): "-cell", ("crystal", "misset_deg"): "-misset",
                  ("crystal", "N_cells"): "-N", ("crystal", "xtal_size_mm"): "-xtal_size",
                  ("detector", "fpixels"): "-detpixels", ("detector", "spixels"): "-detpixels",
                  ("detector", "detsize_f_mm"): "-detsize", ("detector", "detsize_s_mm"): "-detsize",
                  ("detector", "rot_deg"): "-detector_rotx/y/z",
                  ("detector", "twotheta_deg"): "-twotheta",
                  ("detector", "absorption_um"): "-detector_abs",
                  ("detector", "thick_um"): "-detector_thick", ("detector", "roi"): "-roi"})
    return names


#: The flag that sets each config field, as (section, field) -> flag (messages name it).
FLAG_NAMES = _flag_names()
