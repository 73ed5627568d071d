"""PGM previews: the C's header, byte scaling, and its automatic scale."""

import re

import numpy as np
import pytest

from sim.errors import InputError
from sim.io.pgm import auto_pgm_scale, pgm_bytes, write_pgm
from sim.io.smv import auto_int_scale
from tests.golden import load_case


@pytest.mark.parametrize("case", ["cubic_1024", "noise_seeded", "roi_oversample"])
def test_auto_scale_matches_c_pgm_scale(case):
    golden = load_case(case)
    image = golden.image()
    log = golden.run_log()
    c_scale = float(re.search(r"pgm_scale = (\S+)", log).group(1))
    roi = _roi_mask(log, image.shape)
    scale = auto_pgm_scale(image, roi, auto_int_scale(float(image[roi].max())))
    assert "%g" % scale == "%g" % c_scale


def _roi_mask(log: str, shape) -> np.ndarray:
    """Pixels inside the C's 'roi: x0 < x < x1 && y0 < y < y1' (bounds inclusive in the C)."""
    x0, x1, y0, y1 = map(int, re.search(r"roi: (\d+) < x < (\d+) && (\d+) < y < (\d+)", log).groups())
    mask = np.zeros(shape, dtype=bool)
    mask[y0:y1 + 1, x0:x1 + 1] = True
    return mask


def test_written_file_has_c_header_and_scaled_bytes(tmp_path):
    image = np.array([[0.0, 1.0, 2.6], [100.0, -0.5, 3.0]])
    write_pgm(tmp_path / "a.pgm", image, 2.0)
    data = (tmp_path / "a.pgm").read_bytes()
    header = b"P5\n3 2\n# pixels scaled by 2\n255\n"
    assert data[: len(header)] == header
    assert list(data[len(header):]) == [0, 2, 5, 200, 255, 6]


def test_bytes_truncate_cap_at_255_and_wrap_negatives_like_x86():
    grey = pgm_bytes(np.array([[0.99, 127.9, 300.0, -1.5, -0.5, np.nan]]), 1.0)
    np.testing.assert_array_equal(grey, [[0, 127, 255, 255, 0, 0]])
    assert grey.dtype == np.uint8


def test_pixels_outside_roi_are_black(tmp_path):
    roi = np.array([[True, False]])
    np.testing.assert_array_equal(pgm_bytes(np.array([[10.0, 10.0]]), 3.0, roi), [[30, 0]])


def test_auto_scale_uses_intfile_scale_for_flat_image():
    assert auto_pgm_scale(np.full((4, 4), 7.0), None, 12.5) == 12.5


def test_auto_scale_mean_leaves_out_masked_pixels_but_rmsd_keeps_them():
    image = np.array([[0.0, 2.0, 4.0]])
    plain = auto_pgm_scale(image, None, 1.0)
    assert plain == pytest.approx(250.0 / (5.0 * 2.0))
    masked = auto_pgm_scale(image, None, 1.0, mean_mask=np.array([[False, True, True]]))
    assert masked == pytest.approx(250.0 / (5.0 * np.sqrt((9 + 1 + 1) / 2)))


def test_unwritable_pgm_path_says_cannot_write(tmp_path):
    with pytest.raises(InputError, match="cannot write"):
        write_pgm(tmp_path / "missing" / "a.pgm", np.zeros((2, 2)), 1.0)
