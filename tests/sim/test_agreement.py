"""The golden tolerances and image statistics in sim.agreement."""

import numpy as np

from sim.agreement import image_agreement, pearson_r


def test_identical_images_agree():
    a = np.arange(12.0).reshape(3, 4)
    result = image_agreement(a, a)
    assert result.within_golden and result.failures() == []
    assert result.pearson_r == 1.0 and result.max_abs_error == 0.0


def test_each_tolerance_is_checked():
    ref = np.arange(1.0, 10001.0).reshape(100, 100)
    tilted = ref.copy()
    tilted[0, 0] += 0.02 * ref.max()  # one pixel 2% of the max off: max error fails only
    result = image_agreement(tilted, ref)
    assert not result.within_golden
    assert [f.split()[0] for f in result.failures()] == ["max"]
    scaled = image_agreement(ref * (1 + 2e-5), ref)
    assert scaled.pearson_r > 0.999999 and abs(scaled.sum_rel_error - 2e-5) < 1e-9
    assert any(f.startswith("sum") for f in scaled.failures())


def test_pearson_of_constant_images():
    assert pearson_r(np.zeros(4), np.zeros(4)) == 1.0
    assert np.isnan(pearson_r(np.arange(4.0), np.ones(4)))
