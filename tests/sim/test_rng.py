"""The C random generators: published constants, statistics, and values the reference C printed.

Values named C_* were printed (with %.9g / %.17g) by the random-number functions of the
reference nanoBragg.c, compiled on their own with gcc -O2 on x86-64 (glibc 2.36) and called
in the order each test calls them. They pin the port to the C bit for bit; the noise image
test in test_noise.py checks the same end to end against the golden noisefile.
"""

import math

import numpy as np
import pytest

from sim.c_numerics.rng import (Ran1, gammln, gaussdev, mosaic_rotation_umat, mosaic_umats,
                     park_miller_step, poidev, random_orientation_umat, to_float32, umat2misset)

C_RAN1_SEED_MINUS_1 = [0.415999353, 0.091964893, 0.75641048, 0.52970022, 0.930436492]
C_GAUSSDEV_SEED_MINUS_7 = [-0.19157204, -1.01012123, -0.481914014, 2.15787578]
C_POIDEV_MEANS = [0.0, 0.5, 3.3, 11.99, 12.0, 40.5, 375.5, 1e5, 2e6, 5e7, -3.0]
C_POIDEV_SEED_MINUS_99 = [  # five draws per mean, one stream
    0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 4, 5, 5, 6, 1, 10, 17, 14, 17, 13, 20, 15, 17, 13, 11,
    40, 45, 40, 42, 42, 386, 370, 400, 380, 380, 100240, 100419, 100137, 100336, 99586,
    2000017.88, 2000654.25, 2000904, 1999439.75, 1998912,
    49998472, 49995988, 50004556, 50000584, 50000740, 0, 0, 0, 0, 0]
C_GAMMLN = [1.0957979, 7.34040499, 23.8627663, 44.15662, 66.8863373, 91.422821, 117.397041,
            144.56575]  # at float(0.3) + i * float(7.1)
C_MOSAIC_UMAT_FIRST = [  # seed -12345678, mosaicity float(0.0174532925) * 0.3
    0.99998780449994307, 0.004936082124729381, -0.00016107340428944011,
    -0.0049363273503191564, 0.99998660050056942, -0.0015593240859477296,
    0.00015337429423916088, 0.001560100180261752, 0.9999987712811218]
C_MOSAIC_MISSET_FIRST = (0.0015601008314700192, -0.00015337429484048204, -0.0049363474561176773)
C_RANDOM_ORIENTATION_4242 = [
    -0.88162244828233827, -0.20454172374068386, -0.42532874571776302,
    -0.068132468894648135, 0.94692432836484863, -0.31415327951988731,
    0.46701159018484284, -0.24798588588863363, -0.8487656773415464]
C_RANDOM_MISSET_4242 = (-2.8573325446576066, -0.48590815626639333, -3.0644651748954113)


def test_park_miller_step_reaches_published_10000th_value():
    # Park & Miller (1988): from seed 1, the 10000th value of 16807 x mod 2^31-1 is 1043618065.
    idum = 1
    for _ in range(10000):
        idum = park_miller_step(idum)
    assert idum == 1043618065


def test_ran1_reproduces_c_sequence_for_seed_minus_1():
    rng = Ran1(-1)
    assert [float("%.9g" % rng()) for _ in range(5)] == C_RAN1_SEED_MINUS_1


def test_ran1_seed_zero_behaves_like_seed_minus_one():
    a, b = Ran1(0), Ran1(-1)
    assert [a() for _ in range(50)] == [b() for _ in range(50)]


def test_ran1_negative_state_restarts_the_stream():
    rng = Ran1(-1)
    for _ in range(10):
        rng()
    rng.idum = -1
    assert [float("%.9g" % rng()) for _ in range(5)] == C_RAN1_SEED_MINUS_1


def test_ran1_is_uniform_on_open_unit_interval_and_uncorrelated():
    rng = Ran1(-20240601)
    values = np.array([rng() for _ in range(200_000)])
    assert values.min() > 0.0 and values.max() < 1.0
    assert values.mean() == pytest.approx(0.5, abs=3e-3)
    assert values.var() == pytest.approx(1 / 12, rel=1e-2)
    counts, _ = np.histogram(values, bins=20, range=(0, 1))
    chi2 = np.sum((counts - 10_000) ** 2 / 10_000)
    assert chi2 < 50  # 19 degrees of freedom: p < 1e-4 beyond 50
    assert abs(np.corrcoef(values[:-1], values[1:])[0, 1]) < 0.01


def test_ran1_values_are_c_floats():
    rng = Ran1(-5)
    assert all(to_float32(v) == v for v in (rng() for _ in range(1000)))


def test_gaussdev_reproduces_c_and_serves_the_spare_without_drawing():
    rng = Ran1(-7)
    first = gaussdev(rng)
    state = rng.idum
    second = gaussdev(rng)
    assert rng.idum == state  # the second deviate of a pair is the stored spare
    rest = [first, second] + [gaussdev(rng) for _ in range(2)]
    assert [float("%.9g" % v) for v in rest] == C_GAUSSDEV_SEED_MINUS_7


def test_gaussdev_has_zero_mean_and_unit_rms():
    rng = Ran1(-3)
    values = np.array([gaussdev(rng) for _ in range(100_000)])
    assert values.mean() == pytest.approx(0.0, abs=0.015)
    assert values.std() == pytest.approx(1.0, abs=0.01)


def test_poidev_reproduces_c_across_all_three_methods():
    rng = Ran1(-99)
    draws = [poidev(mean, rng) for mean in C_POIDEV_MEANS for _ in range(5)]
    assert [float("%.9g" % v) for v in draws] == C_POIDEV_SEED_MINUS_99


@pytest.mark.parametrize("mean", [0.7, 3.3, 11.5, 12.0, 40.5, 375.0])
def test_poidev_mean_and_variance_equal_the_poisson_mean(mean):
    rng = Ran1(-11)
    draws = np.array([poidev(mean, rng) for _ in range(40_000)])
    assert np.all(draws == np.floor(draws)) and draws.min() >= 0
    assert draws.mean() == pytest.approx(mean, abs=4 * math.sqrt(mean / 40_000))
    assert draws.var() == pytest.approx(mean, rel=0.05)


def test_gammln_matches_c_and_lgamma():
    xs = [to_float32(to_float32(0.3) + to_float32(i * to_float32(7.1))) for i in range(8)]
    assert [float("%.9g" % gammln(x)) for x in xs] == C_GAMMLN
    for x in xs:
        assert gammln(x) == pytest.approx(math.lgamma(x), rel=1e-6, abs=1e-6)


def test_mosaic_rotation_reproduces_c_umat_and_missets():
    rng = Ran1(-12345678)
    umat = mosaic_rotation_umat(to_float32(0.0174532925) * 0.3, rng)
    assert umat.ravel().tolist() == C_MOSAIC_UMAT_FIRST
    assert umat2misset(umat) == C_MOSAIC_MISSET_FIRST


def test_mosaic_rotations_are_proper_and_within_the_spread():
    rng = Ran1(-8)
    spread = math.radians(2.0)
    for _ in range(500):
        umat = mosaic_rotation_umat(spread, rng)
        np.testing.assert_allclose(umat @ umat.T, np.eye(3), atol=1e-12)
        assert np.linalg.det(umat) == pytest.approx(1.0)
        angle = math.acos(min(1.0, (np.trace(umat) - 1) / 2))
        assert angle <= spread * (1 + 1e-6)


def test_mosaic_umats_make_domain_zero_identity_after_drawing_it():
    umats = mosaic_umats(0.01, 3, 12345678)
    assert umats.shape == (3, 3, 3)
    np.testing.assert_array_equal(umats[0], np.eye(3))
    rng = Ran1(-12345678)
    mosaic_rotation_umat(0.01, rng)  # the draw the identity replaced
    np.testing.assert_array_equal(umats[1], mosaic_rotation_umat(0.01, rng))
    assert mosaic_umats(0.01, 0, 1).shape == (0, 3, 3)


def test_random_orientation_reproduces_c():
    umat = random_orientation_umat(4242)
    assert umat.ravel().tolist() == C_RANDOM_ORIENTATION_4242
    assert umat2misset(umat) == C_RANDOM_MISSET_4242


def _rotation_xyz(rotx, roty, rotz):
    """Rz @ Ry @ Rx: the missetting rotation the angles describe."""
    cx, sx, cy, sy, cz, sz = (math.cos(rotx), math.sin(rotx), math.cos(roty), math.sin(roty),
                              math.cos(rotz), math.sin(rotz))
    rx = np.array([[1, 0, 0], [0, cx, -sx], [0, sx, cx]])
    ry = np.array([[cy, 0, sy], [0, 1, 0], [-sy, 0, cy]])
    rz = np.array([[cz, -sz, 0], [sz, cz, 0], [0, 0, 1]])
    return rz @ ry @ rx


def test_umat2misset_inverts_rz_ry_rx():
    angles = (0.3, -0.7, 2.1)
    assert umat2misset(_rotation_xyz(*angles)) == pytest.approx(angles, abs=1e-12)


def test_umat2misset_handles_degenerate_matrices_like_c():
    assert umat2misset(np.zeros((3, 3))) == (0.0, 0.0, 0.0)
    lone_y = np.array([[0, 0, 0], [0, 2, 0], [0, 0, 0.0]])
    assert umat2misset(lone_y) == (0.0, -0.0, 0.0)
    gimbal = np.array([[0, 0, 1], [0, 1, 0], [-1, 0, 0.0]])
    assert umat2misset(gimbal) == (math.pi, math.pi / 2, math.pi)
    zero_row = np.array([[0.3, 0.1, 0.2], [0, 0, 0], [0.5, -0.2, 0.9]])
    assert umat2misset(zero_row) == (-0.21866894587394195, -0.49693249077921986,
                                     -0.59294170780887756)
