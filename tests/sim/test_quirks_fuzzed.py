"""The C program's behaviours found by differential fuzzing (``benchmarks/fuzz_c.py``), one
test each, checked against numbers the real C nanoBragg printed.

Every C_* number comes from the instrumented C build run single-threaded in a scratch
folder: ``OMP_NUM_THREADS=1 nanoBragg <line> -nonoise -nopgm -floatfile F`` with the line
given beside it (image values are F's float32 pixels; "auto-selected" is what it printed).
"""

from __future__ import annotations

import shlex

import numpy as np
import pytest

from sim.cli.args import parse_args
from sim.model.resolved import build_model
from sim.simulator import simulate
from sim.trace.tracer import trace_pixel


def config_of(line: str):
    return parse_args(shlex.split(f"{line} -nonoise -nopgm")).config


def image_of(line: str) -> np.ndarray:
    return simulate(config_of(line), device="cpu").image


# ---- auto-selected oversampling: the C's arithmetic to the last bit --------------------------

#: XDS, -twotheta about the sample, rotations: 3 * crystal size / (lambda * distance / pixel)
#: is 4 exactly, so ceil() depends on the last bit of the distance the C holds after its
#: detector set-up (its sequential rotations, libm's sine and cosine).
XDS_TWOTHETA = ("-xds -cell 120 120 120 90 90 90 -N 12 -lambda 1.5 -distance 180 -pixel 0.25 "
                "-detpixels 12 -default_F 1 -twotheta 5 -ORGX 12.25 -ORGY 20.5 -detector_rotx 1 "
                "-detector_roty 1")
#: `XDS_TWOTHETA`: "auto-selected 5-fold oversampling"; float image pixels, sum of the float32
#: pixels (float64) and the maximum, at pixel (5, 8)
C_XDS_TWOTHETA_OVERSAMPLE = 5
C_XDS_TWOTHETA_PIXELS = {(0, 0): 3.707194082380738e-06, (5, 7): 0.0037403537426143885,
                         (11, 11): 4.859545583713043e-07, (5, 8): 0.011311536654829979}
C_XDS_TWOTHETA_SUM = 0.024124612406800416
#: A misset cubic cell: the exact value is 1, so ceil() depends on the last bit of |b| as
#: the C computes it (rescaled cross products, then the length of the vector in metres).
MISSET_CELL = ("-cell 60 60 60 90 90 90 -N 10 -lambda 0.9 -distance 200 -pixel 0.1 -detpixels 12 "
               "-default_F 1 -misset 33 -7 45")
#: `MISSET_CELL`: "auto-selected 2-fold oversampling"
C_MISSET_CELL_OVERSAMPLE = 2


def test_auto_oversampling_uses_the_distance_the_c_holds_after_its_detector_set_up():
    model = build_model(config_of(XDS_TWOTHETA))
    assert model.oversample == C_XDS_TWOTHETA_OVERSAMPLE
    image = simulate(model.config, device="cpu", model=model).image
    for pixel, c_value in C_XDS_TWOTHETA_PIXELS.items():
        assert image[pixel] == pytest.approx(c_value, rel=1e-6), pixel
    assert image.sum() == pytest.approx(C_XDS_TWOTHETA_SUM, rel=1e-6)


def test_beam_along_the_detector_plane_takes_one_fold_oversampling():
    # `line` below (beam along x, detector normal along z): the C printed "distance=0" and
    # "auto-selected 1-fold oversampling" (ceil of 3 x size / 0) and an image of zeros
    line = ("-cell 100 100 100 90 90 90 -default_F 100 -lambda 1 -N 5 -fdet_vector 1 0 0 "
            "-sdet_vector 0 1 0 -odet_vector 0 0 1 -pixel 0.5 -detpixels 6")
    model = build_model(config_of(line))
    assert model.oversample == 1 and model.detector.distance_m.item() == 0.0
    assert not simulate(model.config, device="cpu", model=model).image.any()


def test_auto_oversampling_uses_the_cell_lengths_as_the_c_computes_them():
    assert build_model(config_of(MISSET_CELL)).oversample == C_MISSET_CELL_OVERSAMPLE


# ---- phi = 0 reuse: the first sample the C computes sees the unrotated cell -----------------

PHI0 = ("-cell 100 100 100 90 90 90 -default_F 100 -lambda 1 -detpixels 24 -N 10 -distance 50 "
        "-pixel 0.5 -phi 0 -osc 1.1 -phisteps 3")
#: `PHI0 -oversample 1 -roi 19 19 5 16`: the 12 pixels of the ROI; its first pixel (5, 19),
#: not (0, 0), is the one the single thread starts with.
C_PHI0_ROI = {(5, 19): 0.2023334801197052, (6, 19): 0.21922120451927185,
              (7, 19): 0.03867584094405174, (8, 19): 0.05360357463359833,
              (9, 19): 0.020145010203123093, (10, 19): 0.0021946688648313284,
              (11, 19): 8.639534644316882e-05, (12, 19): 2.4567252694396302e-05,
              (13, 19): 0.0013905290979892015, (14, 19): 0.01175963506102562,
              (15, 19): 0.01939764991402626, (16, 19): 0.010655461810529232}
#: `PHI0 -oversample 2 -roi 3 6 2 4`: only the first of the four sub-pixels of (2, 3)
C_PHI0_SUBPIXELS = {(2, 3): 33.501338958740234, (2, 4): 3.1005773544311523,
                    (3, 3): 2.8627684116363525, (4, 6): 0.04002831503748894}
#: `PHI0 -oversample 1 -dmin 8 -roi 0 23 0 1`: -dmin skips every sample of (0, 0)..(0, 11),
#: so the first sample the C computes is in pixel (0, 12)
C_PHI0_DMIN = {(0, 12): 0.00025035199359990656, (0, 13): 0.0003386493190191686,
               (1, 9): 0.21528767049312592, (1, 16): 0.21528767049312592}


@pytest.mark.parametrize("flags, c_pixels, first", [
    ("-oversample 1 -roi 19 19 5 16", C_PHI0_ROI, (5, 19)),
    ("-oversample 2 -roi 3 6 2 4", C_PHI0_SUBPIXELS, (2, 3)),
    ("-oversample 1 -dmin 8 -roi 0 23 0 1", C_PHI0_DMIN, (0, 12)),
], ids=["roi", "subpixels", "dmin"])
def test_first_sample_of_the_roi_sees_the_unrotated_cell(flags, c_pixels, first):
    config = config_of(f"{PHI0} {flags}")
    image = simulate(config, device="cpu").image
    for pixel, c_value in c_pixels.items():
        assert image[pixel] == pytest.approx(c_value, rel=1e-6), pixel
    # every other pixel, and the first one without the exception, see the reused orientation
    model = build_model(config)
    model.first_sample_orientations = None
    reused = simulate(config, device="cpu", model=model).image
    assert reused[first] != pytest.approx(c_pixels[first], rel=1e-4)
    others = [p for p in c_pixels if p != first]
    np.testing.assert_allclose([reused[p] for p in others], [image[p] for p in others], rtol=1e-12)


#: `PHI0 -oversample 2 -roi 3 6 2 4 -trace_pixel 2 3`: TRACE_C rot_a_angstroms of the first
#: and second sub-pixel blocks, I_before_scaling, I_pixel_final
C_PHI0_TRACE_ROT_A = ((100.0, 6.12323399573677e-15, 6.12323399573677e-15),
                      (99.9918092878611, 1.2798731734085, 6.12323399573677e-15))
C_PHI0_TRACE_I = (4191065.55617141, 33.5013370611667)


def test_trace_of_the_first_pixel_shows_the_unrotated_first_sample():
    record = trace_pixel(config_of(f"{PHI0} -oversample 2 -roi 3 6 2 4"), 2, 3, device="cpu")
    rot_a = record.values("rot_a_angstroms")
    for ours, c_value in zip(rot_a[:2], C_PHI0_TRACE_ROT_A):
        assert ours == pytest.approx(c_value, rel=1e-12, abs=1e-12)
    assert record.first("I_before_scaling")[0] == pytest.approx(C_PHI0_TRACE_I[0], rel=1e-10)
    assert record.first("I_pixel_final")[0] == pytest.approx(C_PHI0_TRACE_I[1], rel=1e-10)


def test_first_sample_exception_is_kept_in_a_window_of_the_image():
    config = config_of(f"{PHI0} -oversample 1 -roi 19 19 5 16")
    window = simulate(config, device="cpu", window=(4, 8, 18, 21)).image
    assert window[1, 1] == pytest.approx(C_PHI0_ROI[(5, 19)], rel=1e-6)
    assert window[2, 1] == pytest.approx(C_PHI0_ROI[(6, 19)], rel=1e-6)


# ---- whole-image cases ----------------------------------------------------------------------

BASE = ("-cell 100 100 100 90 90 90 -default_F 100 -lambda 1 -detpixels 24 -N 10 -distance 50 "
        "-pixel 0.5 -oversample 1")


def test_oversample_thick_without_a_sensor_gives_an_empty_image():
    # `BASE -oversample_thick`: the C printed an image of zeros (its capture fraction
    # formula gives 0 for a sensor of no thickness, and it is applied to every term)
    assert not image_of(f"{BASE} -oversample_thick").any()
    assert image_of(BASE).all()


#: `BASE -nopolar -oversample_polar` (the same numbers as `BASE -oversample_polar`) and
#: `BASE -nopolar`: float image pixels
C_NOPOLAR_OVERSAMPLE_POLAR = {(0, 0): 0.007329815533012152, (3, 5): 0.5942803621292114,
                              (20, 7): 0.22280745208263397}
C_NOPOLAR = {(0, 0): 0.007442581932991743, (3, 5): 0.5986018180847168, (20, 7): 0.22376695275306702}


def test_oversample_polar_computes_polarization_despite_nopolar():
    # -nopolar only presets the C's cached factor to 1; -oversample_polar recomputes it
    both = image_of(f"{BASE} -nopolar -oversample_polar")
    nopolar = image_of(f"{BASE} -nopolar")
    for pixel, c_value in C_NOPOLAR_OVERSAMPLE_POLAR.items():
        assert both[pixel] == pytest.approx(c_value, rel=1e-6), pixel
        assert nopolar[pixel] == pytest.approx(C_NOPOLAR[pixel], rel=1e-6), pixel


def test_roi_beyond_the_detector_computes_no_pixel():
    # `BASE -roi 30 40 0 5`: the C printed an image of zeros (no pixel is in the ROI)
    image = image_of(f"{BASE} -roi 30 40 0 5")
    assert image.shape == (24, 24) and not image.any()


def test_oversample_omega_overflow_gives_inf_not_nan():
    # `line` below: the C multiplies its running sum by 1/R^2 ~ 100 at each of 169
    # sub-pixels, overflows and printed inf in all 16 pixels; a term of 0 must not turn
    # that into NaN (inf x 0)
    line = ("-cell 100 100 100 90 90 90 -default_F 100 -lambda 1 -detpixels 4 -N 5 -distance 100 "
            "-pixel 0.1 -oversample 13 -oversample_omega -point_pixel")
    image = image_of(line)
    assert np.isposinf(image).all()


#: A round crystal with its brightest pixel almost on a Bragg peak, where sinc3's
#: (sin x / x - cos x) cancels: `ROUND` printed pixel (7, 4) = 372.36572265625 (the
#: maximum) and a sum of 688.2576398637902
ROUND = ("-cell 85.04 54.73 30.17 101.6 90.71 91.94 -misset 136.1 -21.04 11.33 -N 6 -round_xtal "
         "-fudge 1.724 -default_F 32.52 -lambda 1.421 -denzo -pixel 1 -distance 261 -detpixels_f 8 "
         "-detpixels_s 14 -ORGX 0.9278 -ORGY 8.759 -detector_rotz 2.334 -twotheta -8.6 -oversample 1")
C_ROUND_PEAK, C_ROUND_SUM = 372.36572265625, 688.2576398637902


@pytest.mark.parametrize("dtype, rel", [("float64", 1e-6), ("float32", 1e-3)])
def test_round_crystal_peak_survives_float32(dtype, rel):
    image = simulate(config_of(ROUND), device="cpu", dtype=dtype).image
    assert image[7, 4] == pytest.approx(C_ROUND_PEAK, rel=rel)
    assert image.sum() == pytest.approx(C_ROUND_SUM, rel=rel)
