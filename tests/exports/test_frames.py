"""The lab -> imgCIF rotation and the beam position used by every export (no DIALS needed)."""

from __future__ import annotations

import numpy as np
import pytest

from sim.cli.args import parse_args
from sim.export.frames import export_geometry, lab_to_imgcif
from sim.model.resolved import build_model

BASE = "-cell 60 70 80 90 90 90 -default_F 100 -N 5 -detpixels_f 48 -detpixels_s 40 -pixel 0.1".split()


def _model(flags: str):
    return build_model(parse_args(BASE + flags.split()).config)


@pytest.mark.parametrize("convention", ["-mosflm", "-denzo", "-adxv", "-xds", "-dials"])
def test_rotation_is_proper_and_puts_beam_along_minus_z_and_spindle_along_x(convention):
    det = _model(convention).detector
    rotation = lab_to_imgcif(det.beam.numpy(), det.spindle.numpy())
    np.testing.assert_allclose(rotation @ rotation.T, np.eye(3), atol=1e-15)
    assert np.linalg.det(rotation) == pytest.approx(1.0, abs=1e-15)
    np.testing.assert_allclose(rotation @ det.beam.numpy(), [0, 0, -1], atol=1e-15)
    np.testing.assert_allclose(rotation @ det.spindle.numpy(), [1, 0, 0], atol=1e-15)


def test_spindle_along_the_beam_still_gives_a_proper_rotation():
    rotation = lab_to_imgcif(np.array([0.0, 0.0, 1.0]), np.array([0.0, 0.0, 2.0]))
    assert np.linalg.det(rotation) == pytest.approx(1.0)
    np.testing.assert_allclose(rotation @ [0, 0, 1], [0, 0, -1], atol=1e-15)


def test_mosflm_detector_is_dials_standard_frame():
    geom = export_geometry(_model("-mosflm -distance 100 -Xbeam 1.7 -Ybeam 3.1"))
    assert geom.fast == (1.0, 0.0, 0.0) and geom.slow == (0.0, -1.0, 0.0)
    assert geom.normal == (0.0, 0.0, -1.0) and geom.distance_mm == pytest.approx(100.0)
    # MOSFLM: fast = Ybeam + half a pixel, slow = Xbeam + half a pixel
    assert geom.beam_centre_px == pytest.approx((31.5, 17.5))


def test_twotheta_beam_position_is_where_the_beam_meets_the_plane_not_the_c_header_value():
    model = _model("-mosflm -distance 100 -twotheta 10")
    geom = export_geometry(model)
    pixel_mm = geom.pixel_mm
    # beam pivot: the beam stays at the C's default MOSFLM centre, (size + pixel) / 2 + pixel / 2
    assert geom.beam_centre_px == pytest.approx((25.0, 21.0))
    assert model.detector.Sbeam_m * 1e3 / pixel_mm != pytest.approx(21.0, abs=0.1)
    assert geom.beam_distance_mm == pytest.approx(100.0)
    assert geom.distance_mm == pytest.approx(100.0 * np.cos(np.radians(10.0)))
