"""The C program's sampling quirks that the port reproduces, one test each: phi steps,
mosaic domains, sources, interpolation and the per-pixel factors taken from one sub-pixel.

Numbers named C_* were printed by the reference C nanoBragg for the command line given
beside them, run single-threaded in a scratch folder (``OMP_NUM_THREADS=1 nanoBragg
<line> -floatfile F``; image values are F's float32 pixels, trace values the
instrumented build's ``-trace_pixel`` lines). ``BASE`` starts every such line.
"""

from __future__ import annotations

import dataclasses
import shlex

import numpy as np
import pytest

from sim.cli.args import parse_args
from sim.model.resolved import build_model
from sim.simulator import simulate
from sim.trace.tracer import trace_pixel

BASE = "-cell 100 100 100 90 90 90 -default_F 100 -lambda 1 -detpixels 16 -nonoise -nopgm"
#: Sharp spots (N = 10) over a wide angle (0.5 mm pixels at 50 mm), so orientation matters.
SHARP = "-N 10 -distance 50 -pixel 0.5 -oversample 1"


def config_of(line: str):
    return parse_args(shlex.split(f"{BASE} {line}")).config


def image_of(config) -> np.ndarray:
    return simulate(config, device="cpu").image


# ---- phi step at exactly 0 ------------------------------------------------------------------

#: `BASE SHARP -phi 0 -osc 1 -phisteps 3`: float image pixels (slow, fast)
C_PHI0_PIXELS = {(2, 9): 0.000563833222258836, (3, 5): 0.017544861882925034,
                 (12, 3): 0.02121965028345585, (15, 15): 0.12561148405075073}
#: ... and pixel (0, 0), the first pixel the (only) thread computed: no orientation left
#: over yet, so its phi = 0 step is not rotated.
C_PHI0_FIRST_PIXEL = 0.4813286364078522


def test_phi_step_at_zero_reuses_last_steps_orientation():
    config = config_of(f"{SHARP} -phi 0 -osc 1 -phisteps 3")
    reused = image_of(config)
    corrected = image_of(dataclasses.replace(config, phi0_reuse=False))
    for pixel, c_value in C_PHI0_PIXELS.items():
        assert reused[pixel] == pytest.approx(c_value, rel=1e-6), pixel
        assert corrected[pixel] != pytest.approx(c_value, rel=1e-2), pixel
    assert corrected[0, 0] == pytest.approx(C_PHI0_FIRST_PIXEL, rel=1e-6)
    assert reused[0, 0] == pytest.approx(C_PHI0_FIRST_PIXEL, rel=1e-6)


def test_no_phi0_reuse_option_turns_the_quirk_off():
    parsed = parse_args(shlex.split(f"{BASE} {SHARP} -phi 0 -osc 1 -phisteps 3 --no-phi0-reuse"))
    assert parsed.config.phi0_reuse is False
    assert parse_args(shlex.split(f"{BASE} {SHARP}")).config.phi0_reuse is True


# ---- mosaic domains ---------------------------------------------------------------------------

MOSAIC = f"{SHARP} -mosaic 0.5 -mosaic_dom 5"
#: `BASE MOSAIC -mosaic_seed 777`: float image pixels, sum (float64 sum of the float32
#: pixels) and maximum (at pixel (1, 0))
C_MOSAIC_PIXELS = {(0, 0): 0.19099023938179016, (1, 0): 0.4626735746860504,
                   (3, 5): 0.04677174985408783, (7, 13): 0.03146655485033989,
                   (12, 3): 0.033952753990888596, (15, 15): 0.0455249659717083}
C_MOSAIC_SUM = 18.827313871879596


def test_mosaic_domains_come_from_the_c_generator():
    image = image_of(config_of(f"{MOSAIC} -mosaic_seed 777"))
    for pixel, c_value in C_MOSAIC_PIXELS.items():
        assert image[pixel] == pytest.approx(c_value, rel=1e-5), pixel
    assert image.sum() == pytest.approx(C_MOSAIC_SUM, rel=1e-5)
    assert np.unravel_index(image.argmax(), image.shape) == (1, 0)


def test_mosaic_seed_changes_the_domains_but_not_the_aligned_first_one():
    model = build_model(config_of(f"{MOSAIC} -mosaic_seed 778"))
    assert model.mosaic_umats[0].tolist() == np.eye(3).tolist()
    assert not np.allclose(model.mosaic_umats[1].numpy(), np.eye(3), atol=1e-4)
    image = image_of(model.config)
    assert image.sum() != pytest.approx(C_MOSAIC_SUM, rel=1e-2)


# ---- sources ----------------------------------------------------------------------------------

#: `BASE -N 2 <flags>` printed "created a total of N sources" and "D divergence steps"
C_SOURCES = {
    "-divsteps 3 -hdivrange 1 -vdivrange 1": (5, 5),
    "-divsteps 4 -hdivrange 1 -vdivrange 1": (12, 12),
    "-divsteps 5 -hdivrange 1 -vdivrange 1": (13, 13),
    "-divsteps 5 -hdivrange 1 -vdivrange 1 -square_div": (25, 25),
    "-divsteps 4 -hdivrange 2 -vdivrange 1 -dispersion 10 -dispsteps 3": (36, 12),
    "-hdivrange 1 -hdivsteps 5 -vdivrange 0.5 -vdivsteps 3": (7, 7),
    "-divergence 1 -divsteps 6": (24, 24),
}


@pytest.mark.parametrize("flags", list(C_SOURCES))
def test_divsteps_sets_both_counts_and_round_div_trims_to_an_ellipse(flags):
    c_sources, c_divergence = C_SOURCES[flags]
    model = build_model(config_of(f"-N 2 {flags}"))
    sources = model.sources
    assert (sources.count, sources.divergence_points) == (c_sources, c_divergence)
    assert sources.weights.tolist() == pytest.approx([1.0 / c_sources] * c_sources, rel=1e-15)
    assert model.steps == c_sources * model.oversample ** 2


# ---- interpolation switch-off -----------------------------------------------------------------

INTERP = ("-cell 50 50 50 90 90 90 -N 2 -lambda 1 -distance 50 -pixel 0.5 -detpixels 16 "
          "-oversample 1 -default_F 3")
#: HKL tables (h, k, l ranges) written by ``_hkl_file``: the whole detector's
#: neighbourhoods, all but l > 0, and only |h|, |k|, |l| <= 2.
TABLES = {"full": ((-3, 3), (-7, 7), (-7, 7)), "half": ((-3, 3), (-7, 7), (-7, 2)),
          "low": ((-2, 2), (-2, 2), (-2, 2))}
#: `INTERP -hkl T.hkl -interpolate -nonoise -nopgm`: float image pixels. For "half" the C
#: warned "out of range for three point interpolation: h,k,l,h0,k0,l0:
#: -0.18027,4.23468,0.249099,0,4,0" at pixel (0, 9) (one evaluation per pixel here), so
#: pixels (0, 0)..(0, 8) are interpolated and the rest equal the -nointerpolate image;
#: for "low" it warned at pixel (0, 0); for "full" it never warned.
C_INTERPOLATED = {
    "full": {(0, 3): 10.172203063964844, (10, 10): 15.421512603759766, (15, 15): 9.678507804870605},
    "half": {(0, 3): 10.172203063964844, (0, 8): 19.842296600341797, (0, 9): 20.283174514770508,
             (10, 10): 15.300935745239258, (15, 15): 0.01042347215116024},
    "low": {(0, 3): 0.007109670899808407, (0, 9): 0.011141880415380001, (10, 10): 15.300935745239258},
}


def _hkl_file(folder, name):
    (h0, h1), (k0, k1), (l0, l1) = TABLES[name]
    lines = [f"{h} {k} {l} {100 + 10 * h + 7 * k + 5 * l + (h * k * l) % 3}"
             for h in range(h0, h1 + 1) for k in range(k0, k1 + 1) for l in range(l0, l1 + 1)]
    path = folder / f"{name}.hkl"
    path.write_text("\n".join(lines) + "\n")
    return path


def _interp_images(folder, name):
    path = _hkl_file(folder, name)
    on = image_of(config_of(f"{INTERP} -hkl {path} -interpolate"))
    off = image_of(config_of(f"{INTERP} -hkl {path} -nointerpolate"))
    for pixel, c_value in C_INTERPOLATED[name].items():
        assert on[pixel] == pytest.approx(c_value, rel=1e-6), (name, pixel)
    return on, off


def test_interpolation_switches_off_at_first_out_of_range_evaluation(tmp_path):
    on, off = _interp_images(tmp_path, "half")
    cut = 9  # pixel (0, 9), in raster order
    assert (on.ravel()[:cut] != off.ravel()[:cut]).all()
    np.testing.assert_allclose(on.ravel()[cut:], off.ravel()[cut:], rtol=1e-13)


def test_interpolation_off_from_the_first_pixel_when_table_is_small(tmp_path):
    on, off = _interp_images(tmp_path, "low")
    np.testing.assert_allclose(on, off, rtol=1e-13)


def test_interpolation_stays_on_when_table_covers_the_detector(tmp_path):
    on, off = _interp_images(tmp_path, "full")
    assert (on != off).all()


# ---- factors taken from one sub-pixel; -oversample_* multiply the running sum -----------------

SENSOR = ("-N 5 -distance 50 -pixel 0.5 -oversample 3 -detector_thick 100 -detector_thicksteps 3 "
          "-detector_abs 50 -twotheta 20 -hdivrange 20 -hdivsteps 3 -dispersion 10 -dispsteps 2 -polar 0.5")
ALL = "-oversample_thick -oversample_polar -oversample_omega"
#: `BASE SENSOR <flags> -trace_pixel 3 12` (3x3 sub-pixels, 3 layers, 6 sources):
#: TRACE_C capture_fraction, polar, omega_pixel, I_before_scaling, I_pixel_final
C_SENSOR = {
    "": (0.0753558751056345, 0.998021986950225, 8.80527588789663e-05,
         23357856.7137026, 2.86443798889687),
    "-oversample_thick": (0.0756378756657448, 0.998021986950225, 8.80527588789663e-05,
                          1973.51009169408, 0.00321165338835427),
    "-oversample_polar": (0.0753558751056345, 0.998881818673993, 8.80527588789663e-05,
                          20878306.7287542, 2.56543844892881),
    "-oversample_omega": (0.0753558751056345, 0.998021986950225, 8.8187521059887e-05,
                          0.0839470752250658, 0.000116914677645859),
    ALL: (0.0756378756657448, 0.998881818673993, 8.8187521059887e-05,
          0.00616265268655051, 0.000114123197899084),
}
FACTORS = ("capture_fraction", "polar", "omega_pixel")


def _sensor_trace(flags):
    return trace_pixel(config_of(f"{SENSOR} {flags}"), 3, 12, device="cpu")


def test_solid_angle_polarization_capture_come_from_one_sub_pixel():
    # without the flags: solid angle and polarization of the first sub-pixel (and source),
    # capture fraction of the last layer's first sub-pixel; with them, the last ones
    first, last = _sensor_trace(""), _sensor_trace(ALL)
    for i, name in enumerate(FACTORS):
        assert first.first(name)[0] == pytest.approx(C_SENSOR[""][i], rel=1e-12), name
        assert last.first(name)[0] == pytest.approx(C_SENSOR[ALL][i], rel=1e-12), name
        assert C_SENSOR[""][i] != pytest.approx(C_SENSOR[ALL][i], rel=1e-6), name


@pytest.mark.parametrize("flags", list(C_SENSOR))
def test_oversample_flags_multiply_the_running_sum(flags):
    record = _sensor_trace(flags)
    c_values = C_SENSOR[flags]
    for i, name in enumerate(FACTORS + ("I_before_scaling", "I_pixel_final")):
        assert record.first(name)[0] == pytest.approx(c_values[i], rel=1e-10), name
