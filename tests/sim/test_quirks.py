"""The C program's quirks that the port reproduces, one test each: command line, geometry,
crystal and scale. (Sampling quirks, with images, are in test_quirks_sampling.py.)

Numbers named C_* were printed by the reference C nanoBragg (the instrumented build that
made ../shared/golden, run as ``OMP_NUM_THREADS=1 nanoBragg_trace <line> -floatfile
/dev/null`` in a scratch folder) for the command line given beside them; ``BASE`` below is
the start of every such line. Each test compares the port's public API with them or with
an exact relation the C code implies.
"""

from __future__ import annotations

import math
import shlex

import pytest

from sim import units
from sim.cli.args import parse_args
from sim.model.config import Convention, Pivot
from sim.model.resolved import build_model
from sim.trace.tracer import trace_pixel

BASE = "-cell 100 100 100 90 90 90 -default_F 100 -lambda 1 -nonoise -nopgm"


def model_of(line: str):
    return build_model(parse_args(shlex.split(f"{BASE} {line}")).config)


def close(expected, rel=1e-12, abs=1e-18):
    """pytest.approx with tight defaults; a tuple is compared as a list (``tolist()``)."""
    return pytest.approx(list(expected) if isinstance(expected, tuple) else expected, rel=rel, abs=abs)


# ---- the convention decides the pivot ---------------------------------------------------------

TILTED = "-N 2 -distance 100 -detpixels 16 -pixel 0.1 -oversample 1 -detector_rotx 5 -twotheta 10"
#: DETECTOR_PIX0_VECTOR and "pivoting detector around ..." of `BASE TILTED <flags> -pivot P`,
#: the same for P = beam and P = sample, except for the custom convention.
C_PIX0_TILTED = {
    "-mosflm": (Pivot.BEAM, (0.100169309646844, 0.000960202722031054, -0.000818135059809679)),
    "-adxv": (Pivot.BEAM, (-0.00085, 0.000846765493377984, 0.0999259176186645)),
    "-denzo": (Pivot.BEAM, (0.100159903555352, 0.000906858126362662, -0.000772683112042474)),
    "-xds": (Pivot.SAMPLE, (-0.0008, -0.0265561567106612, 0.0960179634538238)),
    "-dials": (Pivot.SAMPLE, (0.0164329587153574, -0.00947936464181992, 0.0978029563914497)),
}
CUSTOM = "-fdet_vector 0 0 1 -sdet_vector 0 -1 0 -odet_vector 1 0 0 -beam_vector 1 0 0"
C_PIX0_CUSTOM = {
    "beam": (0.099873717633581, 0.000866680352671523, -0.00071618288881038),
    "sample": (0.0983544929348018, 0.000866680352671523, -0.0180810006555034),
}


@pytest.mark.parametrize("pivot", ["beam", "sample"])
@pytest.mark.parametrize("flag", sorted(C_PIX0_TILTED))
def test_convention_decides_pivot_whatever_pivot_says(flag, pivot):
    expected_pivot, c_pix0 = C_PIX0_TILTED[flag]
    detector = model_of(f"{TILTED} {flag} -pivot {pivot}").detector
    assert detector.pivot is expected_pivot
    assert detector.pix0.tolist() == close(c_pix0)


@pytest.mark.parametrize("pivot", ["beam", "sample"])
def test_custom_convention_honours_pivot(pivot):
    detector = model_of(f"{TILTED} {CUSTOM} -pivot {pivot}").detector
    assert detector.convention is Convention.CUSTOM
    assert detector.pivot is Pivot(pivot)
    assert detector.pix0.tolist() == close(C_PIX0_CUSTOM[pivot])


@pytest.mark.parametrize("flags, c_pivot, c_pix0", [
    # -Xbeam/-Ybeam ask for the beam pivot, -Xclose/-ORGX for the sample pivot; the
    # convention block runs after them (C: same pix0 as without those flags)
    ("-xds -Xbeam 0.7 -Ybeam 0.6", Pivot.SAMPLE, C_PIX0_TILTED["-xds"][1]),
    ("-mosflm -ORGX 8 -ORGY 9", Pivot.BEAM, C_PIX0_TILTED["-mosflm"][1]),
    ("-adxv -Xclose 0.7 -Yclose 0.6", Pivot.BEAM, C_PIX0_TILTED["-adxv"][1]),
    ("-fdet_vector 0 0 1 -Xclose 0.7 -Yclose 0.6", Pivot.SAMPLE,
     (0.098368764787014, 0.000658725838778408, -0.0180000609595199)),
])
def test_beam_centre_flags_pivot_is_overridden_by_convention(flags, c_pivot, c_pix0):
    parsed = parse_args(shlex.split(f"{BASE} {TILTED} {flags}"))
    detector = build_model(parsed.config).detector
    assert detector.pivot is c_pivot
    assert detector.pix0.tolist() == close(c_pix0)


# ---- beam centre conventions ------------------------------------------------------------------

RECT = "-N 2 -distance 100 -detpixels_f 16 -detpixels_s 12 -pixel 0.1 -oversample 1"
#: `BASE RECT <flags>` printed Xbeam= Ybeam=, Fbeam= Sbeam= and DETECTOR_PIX0_VECTOR (metres).
C_CENTRES = {
    "-mosflm": ((0.00065, 0.00085), (0.0009, 0.0007), (0.1, 0.0007, -0.0009)),
    "-mosflm -Xbeam 0.7 -Ybeam 0.6": ((0.0007, 0.0006), (0.00065, 0.00075), (0.1, 0.00075, -0.00065)),
    "-denzo": ((0.00065, 0.00085), (0.00085, 0.00065), (0.1, 0.00065, -0.00085)),
    "-denzo -Xbeam 0.7 -Ybeam 0.6": ((0.0007, 0.0006), (0.0006, 0.0007), (0.1, 0.0007, -0.0006)),
    "-adxv": ((0.00085, 0.00055), (0.00085, 0.00065), (-0.00085, 0.00065, 0.1)),
    "-adxv -Xbeam 0.7 -Ybeam 0.6": ((0.0007, 0.0006), (0.0007, 0.0006), (-0.0007, 0.0006, 0.1)),
}


@pytest.mark.parametrize("flags", sorted(C_CENTRES))
def test_beam_centre_rules_of_mosflm_denzo_adxv(flags):
    (c_x, c_y), (c_f, c_s), c_pix0 = C_CENTRES[flags]
    det = model_of(f"{RECT} {flags}").detector
    assert [det.Xbeam_m, det.Ybeam_m] == close((c_x, c_y), abs=1e-15)
    assert [det.Fbeam_m, det.Sbeam_m] == close((c_f, c_s), abs=1e-15)
    assert det.pix0.tolist() == close(c_pix0, abs=1e-15)


def test_mosflm_half_pixel_and_default_centre_relations():
    det = model_of(f"{RECT} -mosflm").detector
    denzo = model_of(f"{RECT} -denzo").detector
    pixel, size_f, size_s = det.pixel_size_m, det.detsize_f_m, det.detsize_s_m
    # default centre (size + pixel)/2, X along slow and Y along fast
    assert [det.Xbeam_m, det.Ybeam_m] == close(((size_s + pixel) / 2, (size_f + pixel) / 2))
    # MOSFLM adds half a pixel to both; DENZO does not
    assert det.Fbeam_m - denzo.Fbeam_m == close(pixel / 2)
    assert det.Sbeam_m - denzo.Sbeam_m == close(pixel / 2)


def test_adxv_y_axis_is_flipped():
    det = model_of(f"{RECT} -adxv -Xbeam 0.7 -Ybeam 0.4").detector
    assert det.Fbeam_m == close(det.Xbeam_m)
    assert det.Sbeam_m == close(det.detsize_s_m - det.Ybeam_m)
    assert det.Sbeam_m != close(det.Ybeam_m)


# ---- options matched by substring, in one pass ------------------------------------------------

PARSE = "-N 2 -distance 100 -pixel 0.1 -detpixels 16"


def _pixels(m, parsed):
    return m.detector.fpixels, m.detector.spixels


def _mosaic(m, parsed):
    return m.mosaic.domains, round(math.degrees(m.mosaic.spread_rad), 9)


def _pivot_pix0(m, parsed):
    return m.detector.convention, m.detector.pivot, close(m.detector.pix0.tolist())


#: (flags after `BASE PARSE`, what to read, what the C printed for it)
C_OPTION_MATCHING = [
    # "(16x20 pixels)": -detpixels is exact, so -detpixels_f sets only the fast axis
    ("-detpixels 20 -detpixels_f 16", _pixels, (16, 20)),
    # "(20x20 pixels)": one pass, the later flag wins
    ("-detpixels_f 16 -detpixels 20", _pixels, (20, 20)),
    # "1 mosaic domains over mosaic spread of 0 degrees": -mosaic_dom is not -mosaic
    ("-mosaic_dom 5", _mosaic, (1, 0.0)),
    # "5 mosaic domains over mosaic spread of 0.5 degrees": -mosaic_spread is
    ("-mosaic_spread 0.5 -mosaic_dom 5", _mosaic, (5, 0.5)),
    # "custom convention selected", "pivoting detector around sample",
    # DETECTOR_PIX0_VECTOR 0.1 0.00081384008127494 -0.000785916230975286:
    # -twotheta_axis also fires -twotheta (-1 degree here) and its sample pivot
    ("-twotheta_axis -1 0 0", _pivot_pix0,
     (Convention.CUSTOM, Pivot.SAMPLE, [0.1, 0.00081384008127494, -0.000785916230975286])),
    # "3x3 pixel oversample steps +thick": -oversample_thick stops before -oversample
    ("-oversample_thick -oversample 3", lambda m, p: (m.oversample, p.config.detector.oversample_thick),
     (3, True)),
    # "seed: -5" (printed without -nonoise): -mosaic_seed and -misset_seed do not contain "-seed"
    ("-seed 5 -mosaic_seed 9 -misset_seed 7", lambda m, p: p.config.output.seed, 5),
    # "seed: -1795643532", from the clock: the noise seed stays unset
    ("-mosaic_seed 9 -misset_seed 7", lambda m, p: p.config.output.seed, None),
    # "3 phi steps from 0 to 1 degrees": -phisteps is not -phistep
    ("-phisteps 3 -osc 1", lambda m, p: (m.phi.steps, round(math.degrees(m.phi.osc_rad), 9)), (3, 1.0)),
    # "sensor is 0.0001 m thick in 3 layers with mu= 10000": -detector_thicksteps sets no thickness
    ("-detector_thicksteps 3 -detector_thick 100",
     lambda m, p: (m.sensor.layers, close(m.sensor.thick_m), close(m.sensor.mu_per_m)), (3, 1e-4, 1e4)),
]


@pytest.mark.parametrize("flags, read, c_value", C_OPTION_MATCHING,
                         ids=[flags for flags, _, _ in C_OPTION_MATCHING])
def test_options_match_by_substring_in_one_pass(flags, read, c_value):
    parsed = parse_args(shlex.split(f"{BASE} {PARSE} {flags}"))
    assert read(build_model(parsed.config), parsed) == c_value


# ---- crystal ----------------------------------------------------------------------------------

TRICLINIC = "-cell 70 80 90 75 85 95 -N 2 -detpixels 4"


def test_triclinic_cell_is_regenerated_from_its_cross_products():
    # C: `BASE TRICLINIC` printed "Unit Cell: 70 80 90 75.0391 85.0136 95.0081" (%g)
    params = model_of(TRICLINIC).cell.parameters()
    assert [float(f"{p:g}") for p in params] == [70, 80, 90, 75.0391, 85.0136, 95.0081]
    assert params[3:] != close((75.0, 85.0, 95.0), rel=1e-4)


def test_triclinic_misset_cell_vectors_match_the_c():
    # C: `BASE TRICLINIC -misset 10 20 30` printed the real-space and the regenerated
    # reciprocal vectors (columns a b c and a* b* c*, %11.8f)
    cell = model_of(f"{TRICLINIC} -misset 10 20 30").cell
    c_abc = [(62.18939154, 25.64350962, -19.36207620), (-26.26417036, 68.58409554, 31.72404757),
             (34.06700757, 1.62254801, 83.28749206)]
    c_abc_star = [(0.01174884, 0.00678319, -0.00493776), (-0.00449802, 0.01211928, 0.00160372),
                  (0.00444457, -0.00303930, 0.01025029)]
    for vector, c_vector in zip((cell.a, cell.b, cell.c, cell.a_star, cell.b_star, cell.c_star),
                                c_abc + c_abc_star):
        assert vector.tolist() == pytest.approx(c_vector, abs=6e-9)


#: `BASE -N 2 -distance 100 -pixel 0.1 -oversample 1 -detpixels 4 -misset random -misset_seed S`
#: printed "random orientation misset angles: ... deg" (%f) (instrumented build; the upstream
#: build's -misset also matches -misset_seed).
C_RANDOM_MISSET_DEG = {
    42: (-11.585887, 56.207689, -1.333374),
    7: (22.076402, 19.703339, 8.204977),
    123456: (179.532495, -60.502419, -122.982274),
}


@pytest.mark.parametrize("seed", sorted(C_RANDOM_MISSET_DEG))
def test_random_misset_angles_come_from_the_c_generator(seed):
    cell = model_of(f"-N 2 -detpixels 4 -misset random -misset_seed {seed}").cell
    degrees = [math.degrees(a) for a in cell.misset_rad]
    assert degrees == pytest.approx(C_RANDOM_MISSET_DEG[seed], abs=6e-7)


def test_random_misset_ignores_noise_seed_and_orients_the_cell_like_the_c():
    # C: `... -misset_seed 42 -misset random -seed 9` printed the seed-42 angles again,
    # and with seed 42 the real-space vectors (columns a b c, %11.8f):
    cell = model_of("-N 2 -detpixels 4 -misset_seed 42 -misset random -seed 9").cell
    assert [math.degrees(a) for a in cell.misset_rad] == pytest.approx(C_RANDOM_MISSET_DEG[42], abs=6e-7)
    c_abc = [(55.60334928, -1.29422201, -83.10591157), (-14.40663666, 98.32433652, -11.17021344),
             (81.85790352, 18.18377951, 54.48517040)]
    for vector, c_vector in zip((cell.a, cell.b, cell.c), c_abc):
        assert vector.tolist() == pytest.approx(c_vector, abs=6e-9)


SIZED = "-detpixels 4 -distance 100 -pixel 0.1 -oversample 1"


@pytest.mark.parametrize("flags, c_microns", [
    # "crystal is 200 x 100 x 100 microns" (and "WARNING: clipping sample ...")
    ("-xtalsize 0.2", (200, 100, 100)),
    ("-xtalsize 0.2 -beamsize 0.15", (200, 150, 150)),
    ("-xtalsize 0.2 -beamsize -1", (200, 200, 200)),
    ("-xtalsize 0.05", (50, 50, 50)),
])
def test_beam_clips_crystal_height_and_width(flags, c_microns):
    m = model_of(f"{SIZED} {flags}")
    sizes = [n * axis.norm().item() * 1e-4 for n, axis in zip(m.N_cells, (m.cell.a, m.cell.b, m.cell.c))]
    assert sizes == close(c_microns)
    assert any("clipped" in w for w in m.warnings) == (c_microns[1] < c_microns[0])


# ---- scale ------------------------------------------------------------------------------------

WATER = "-N 5 -distance 50 -pixel 0.5 -detpixels 16 -oversample 1"
#: `BASE WATER <flags> -trace_pixel 8 8`: TRACE_C I_before_scaling, I_pixel_final
C_WATER = {
    "-water 100": (2.20975801715644e+17, 22095370586172.5),
    "-water 100 -fluence 1e26": (175472298706425.0, 13932497.8202366),
    "": (249876.644541148, 24.9851658828719),
}


@pytest.mark.parametrize("flags", sorted(C_WATER))
def test_water_background_scaled_by_r_e_squared_fluence_twice(flags):
    c_before, c_final = C_WATER[flags]
    config = parse_args(shlex.split(f"{BASE} {WATER} {flags}")).config
    record = trace_pixel(config, 8, 8, device="cpu")
    assert record.first("I_before_scaling")[0] == close(c_before, rel=1e-11)
    assert record.first("I_pixel_final")[0] == close(c_final, rel=1e-11)


def test_water_background_is_proportional_to_fluence_before_scaling():
    def background(flags):
        config = parse_args(shlex.split(f"{BASE} {WATER} {flags}")).config
        return build_model(config).background_I

    size_m, fluence = 100e-6, units.DEFAULT_FLUENCE_PER_M2
    expected = (units.WATER_F ** 2 * units.R_E_SQR_M2 * fluence * size_m ** 3 * 1e6
                * units.AVOGADRO / units.WATER_MW_G_PER_MOL)
    assert background("-water 100") == close(expected)
    assert background("-water 100") / background("-water 100 -fluence 1e26") == close(fluence / 1e26)


#: `BASE PARSE -oversample 1 <flags> -trace_pixel 1 1`: TRACE_C fluence_photons_per_m2
C_FLUENCE = {
    "": 1.25932015286227e+29,
    "-flux 1e12 -exposure 2 -beamsize 0.05": 8e+20,
    "-fluence 1e24": 1e+24,
    "-fluence 1e24 -flux 1e12": 1e+20,
    "-flux 1e12 -exposure 0": 1.25932015286227e+29,
    "-flux 3e13": 3e+21,
}


@pytest.mark.parametrize("flags", sorted(C_FLUENCE))
def test_fluence_default_and_from_flux_exposure_beamsize(flags):
    assert model_of(f"{PARSE} {flags}").fluence_per_m2 == close(C_FLUENCE[flags], rel=1e-14)


def test_fluence_from_flux_is_flux_times_exposure_over_beamsize_squared():
    assert model_of(f"{PARSE} -flux 2e12 -exposure 3 -beamsize 0.2").fluence_per_m2 == close(
        2e12 * 3 / 0.2e-3 ** 2)


#: `BASE -detpixels 16 <flags>` printed "auto-selected N-fold oversampling"
C_AUTO_OVERSAMPLE = {
    "-N 5 -distance 100 -pixel 0.1": 2,
    "-cell 70 80 90 75 85 95 -N 10 -lambda 1.5 -distance 80 -pixel 0.2": 5,
    "-Na 3 -Nb 20 -Nc 2 -distance 100 -pixel 0.1": 6,
    "-xtalsize 0.0012 -distance 100 -pixel 0.1": 36,
}


@pytest.mark.parametrize("flags", sorted(C_AUTO_OVERSAMPLE))
def test_oversampling_auto_selected_from_crystal_and_reciprocal_pixel_size(flags):
    m = model_of(f"-detpixels 16 {flags}")
    assert m.oversample == C_AUTO_OVERSAMPLE[flags]
    axes = (m.cell.a, m.cell.b, m.cell.c)
    xtal_max_m = max(n * axis.norm().item() * 1e-10 for n, axis in zip(m.N_cells, axes))
    reciprocal_pixel_m = m.wavelength_m * m.detector.distance_m.item() / m.detector.pixel_size_m
    assert m.oversample == math.ceil(3 * xtal_max_m / reciprocal_pixel_m)
    explicit = model_of(f"-detpixels 16 {flags} -oversample 1")
    assert (explicit.oversample, explicit.oversample_recommended) == (1, m.oversample)
