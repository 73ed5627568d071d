"""Poisson noise image: the golden C noisefile pixel for pixel, ROI, overloads, statistics."""

import re
import time

import numpy as np
import pytest

from sim.io.smv import read_smv
from sim.c_numerics.noise import poisson_noise_image
from tests.golden import load_case


def test_seeded_noise_image_equals_c_noisefile():
    case = load_case("noise_seeded")
    image = case.image()
    start = time.perf_counter()
    counts, photons, overloads = poisson_noise_image(image, 12345, 40.0)
    elapsed = time.perf_counter() - start
    _, c_counts = read_smv(case.folder / "noise.img")
    assert np.count_nonzero(counts != c_counts) == 0
    c_photons, c_overloads = re.search(r"(\d+) photons on noise image \((\d+) overloads\)",
                                       case.run_log()).groups()
    assert ("%.0f" % photons, overloads) == (c_photons, int(c_overloads)) == ("310004", 0)
    assert elapsed < 5.0


def test_noise_mean_follows_the_float_image():
    image = np.full((64, 64), 2.5, dtype=np.float32)
    image[:32] = 30.0
    counts, photons, _ = poisson_noise_image(image, 7, 10.0)
    photons_per_pixel = counts.astype(float) - 10.0
    assert photons_per_pixel[32:].mean() == pytest.approx(2.5, abs=4 * np.sqrt(2.5 / 2048))
    assert photons_per_pixel[:32].mean() == pytest.approx(30.0, abs=4 * np.sqrt(30.0 / 2048))
    assert photons == photons_per_pixel.sum()


def test_pixels_outside_roi_are_zero_and_draw_nothing():
    rng = np.random.default_rng(0)
    image = rng.uniform(0, 20, (16, 16)).astype(np.float32)
    roi = np.zeros((16, 16), dtype=bool)
    roi[3:9, 5:12] = True
    counts, photons, _ = poisson_noise_image(image, 99, 40.0, roi_mask=roi)
    assert np.all(counts[~roi] == 0)
    alone, alone_photons, _ = poisson_noise_image(image[roi].reshape(1, -1), 99, 40.0)
    np.testing.assert_array_equal(counts[roi], alone[0])
    assert photons == alone_photons


def test_counts_above_65535_are_capped_and_counted_as_overloads():
    image = np.array([[1.0e5, 3.0e6, 0.0]], dtype=np.float32)
    counts, photons, overloads = poisson_noise_image(image, 1, 40.0)
    assert counts[0, :2].tolist() == [65535, 65535] and counts[0, 2] == 40
    assert overloads == 2 and photons > 3.0e6


def test_negative_offset_wraps_like_the_c_unsigned_short_cast():
    counts, _, _ = poisson_noise_image(np.zeros((1, 2), dtype=np.float32), 1, -100.0)
    assert counts.tolist() == [[65436, 65436]]
