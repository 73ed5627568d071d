"""SMV images: the C header byte for byte, its int-image rounding, and reading them back."""

import math
import re

import numpy as np
import pytest

from sim.errors import InputError
from sim.io.smv import (SmvGeometry, auto_int_scale, float_to_smv_counts, is_long_header,
                        nanobragg_header, read_smv, write_smv)
from tests.golden import GoldenCase, load_case


def _numbers(pattern: str, text: str) -> list:
    return [float(v) for v in re.search(pattern, text).groups()]


def _geometry_from_logs(case: GoldenCase) -> SmvGeometry:
    """Header geometry of a golden case, from the values its run.log and trace printed."""
    log = case.run_log()
    trace = case.trace_logs()[0].read_text()
    distance, _, det_s, pixel, fpixels, spixels = _numbers(
        r"distance=(\S+) detsize=(\S+)x(\S+)\s+pixel=(\S+) meters \((\d+)x(\d+) pixels\)", log)
    xbeam, ybeam = _numbers(r"Xbeam=(\S+) Ybeam=(\S+)", log)
    fbeam, sbeam = _numbers(r"Fbeam=(\S+) Sbeam=(\S+)", log)
    fclose, sclose = _numbers(r"Fclose=(\S+) Sclose=(\S+)", log)
    phi_start, phi_end = _numbers(r"phi steps from (\S+) to (\S+) degrees", log)
    (twotheta,) = _numbers(r"twotheta:(\S+)", log)
    return SmvGeometry(
        fpixels=int(fpixels), spixels=int(spixels), pixel_size_m=pixel, distance_m=distance,
        wavelength_m=_numbers(r"lambda0 = (\S+)", log)[0], Xbeam_m=xbeam, Ybeam_m=ybeam,
        Fbeam_m=fbeam, Sbeam_m=sbeam, detsize_s_m=det_s,
        dials_origin_mm=tuple(_numbers(r"dials origin= (\S+) (\S+) (\S+)", log)),
        orgx=fclose / pixel + 0.5, orgy=sclose / pixel + 0.5,
        close_distance_m=_numbers(r"close_distance_meters (\S+)", trace)[0],
        phi0_rad=math.radians(phi_start), osc_rad=math.radians(phi_end - phi_start),
        twotheta_rad=twotheta)


def test_int_image_header_matches_c_byte_for_byte():
    case = load_case("cubic_1024")
    header = nanobragg_header(_geometry_from_logs(case))
    assert header.encode("latin-1") == (case.folder / "image.img").read_bytes()[:512]


def test_noise_image_header_matches_c_byte_for_byte():
    case = load_case("noise_seeded")
    header = nanobragg_header(_geometry_from_logs(case), noise=True)
    assert header.encode("latin-1") == (case.folder / "noise.img").read_bytes()[:512]


def test_denzo_lines_differ_between_int_and_noise_headers_only_for_negative_zero():
    geom = SmvGeometry(8, 4, 1e-4, 0.1, 1e-10, 0.0, 0.0, -0.0, -0.0, 4e-4, (0.0, 0.0, -100.0),
                       0.5, 0.5, 0.1, 0.0, 0.0, 0.0)
    assert "DENZO_X_BEAM=-0;\nDENZO_Y_BEAM=-0;" in nanobragg_header(geom)
    assert "DENZO_X_BEAM=0;\nDENZO_Y_BEAM=0;" in nanobragg_header(geom, noise=True)


def test_int_image_pixels_match_c_from_its_float_image():
    case = load_case("cubic_1024")
    image = case.image()
    counts = float_to_smv_counts(image, auto_int_scale(float(image.max())), 40.0)
    header, c_counts = read_smv(case.folder / "image.img")
    assert header["SIZE1"] == "1024" and c_counts.shape == (1024, 1024)
    assert np.count_nonzero(counts != c_counts) == 0


def test_written_int_image_is_the_c_file(tmp_path):
    case = load_case("cubic_1024")
    image = case.image()
    counts = float_to_smv_counts(image, auto_int_scale(float(image.max())), 40.0)
    write_smv(tmp_path / "image.img", counts, nanobragg_header(_geometry_from_logs(case)))
    assert (tmp_path / "image.img").read_bytes() == (case.folder / "image.img").read_bytes()


def test_counts_round_through_a_c_float():
    # 2.4999999 + 0.5 is 3 once rounded to float32, so floorf gives 3 (double floor: 2).
    counts = float_to_smv_counts(np.array([[2.4999999, 2.4999, -5.0, 1e9]]), 1.0, 0.0)
    np.testing.assert_array_equal(counts, [[3, 2, 0, 65535]])
    assert counts.dtype == np.uint16


def test_counts_outside_roi_are_zero():
    roi = np.array([[True, False], [False, True]])
    counts = float_to_smv_counts(np.full((2, 2), 10.0), 2.0, 40.0, roi_mask=roi)
    np.testing.assert_array_equal(counts, [[60, 0], [0, 60]])


def test_auto_int_scale_maps_brightest_pixel_to_55000():
    assert auto_int_scale(154.6524658203125) == pytest.approx(355.636, rel=1e-6)
    assert auto_int_scale(0.0) == 1.0 and auto_int_scale(-3.0) == 1.0


def _small_header(**overrides) -> str:
    geom = dict(fpixels=3, spixels=2, pixel_size_m=1e-4, distance_m=0.1, wavelength_m=1e-10,
                Xbeam_m=1e-4, Ybeam_m=1e-4, Fbeam_m=1e-4, Sbeam_m=1e-4, detsize_s_m=2e-4,
                dials_origin_mm=(-0.1, 0.1, -100.0), orgx=1.5, orgy=1.5, close_distance_m=0.1,
                phi0_rad=0.0, osc_rad=0.0, twotheta_rad=0.0)
    geom.update(overrides)
    return nanobragg_header(SmvGeometry(**geom))


def test_fabio_opens_written_image_with_shape_and_values(tmp_path):
    fabio = pytest.importorskip("fabio")
    counts = np.arange(6, dtype=np.uint16).reshape(2, 3) * 1000 + 7
    write_smv(tmp_path / "small.img", counts, _small_header())
    opened = fabio.open(str(tmp_path / "small.img"))
    assert opened.data.shape == (2, 3)
    np.testing.assert_array_equal(opened.data, counts)


def test_reads_big_endian_and_longer_headers(tmp_path):
    counts = np.array([[1, 258, 65535]], dtype=np.uint16)
    text = "{\nHEADER_BYTES=  1024;\nBYTE_ORDER=big_endian;\nTYPE=unsigned_short;\n" \
           "SIZE1=3;\nSIZE2=1;\n}\f"
    (tmp_path / "be.img").write_bytes(text.ljust(1024).encode() + counts.astype(">u2").tobytes())
    header, pixels = read_smv(tmp_path / "be.img")
    assert header["HEADER_BYTES"] == "1024" and pixels.dtype == np.uint16
    np.testing.assert_array_equal(pixels, counts)


def test_write_follows_header_byte_order(tmp_path):
    text = _small_header().replace("little_endian", "big_endian   ")
    counts = np.array([[1, 2, 3], [4, 5, 256]], dtype=np.uint16)
    write_smv(tmp_path / "be.img", counts, text)
    assert (tmp_path / "be.img").read_bytes()[-2:] == b"\x01\x00"
    np.testing.assert_array_equal(read_smv(tmp_path / "be.img")[1], counts)


def test_write_refuses_counts_that_do_not_fit_the_header(tmp_path):
    with pytest.raises(ValueError, match="shape"):
        write_smv(tmp_path / "x.img", np.zeros((3, 2), np.uint16), _small_header())


def test_truncated_and_foreign_files_are_input_errors(tmp_path):
    write_smv(tmp_path / "a.img", np.zeros((2, 3), np.uint16), _small_header())
    (tmp_path / "cut.img").write_bytes((tmp_path / "a.img").read_bytes()[:-1])
    with pytest.raises(InputError, match="truncated"):
        read_smv(tmp_path / "cut.img")
    (tmp_path / "png.img").write_bytes(b"\x89PNG....")
    with pytest.raises(InputError, match="not an SMV image"):
        read_smv(tmp_path / "png.img")


def test_header_longer_than_512_bytes_gets_a_1024_byte_header(tmp_path):
    long_numbers = dict(dials_origin_mm=(-1.234567e300,) * 3, Xbeam_m=-1.234567e300,
                        Ybeam_m=-1.234567e300, Fbeam_m=-1.234567e300, Sbeam_m=-1.234567e300,
                        orgx=-1.234567e300, orgy=-1.234567e300, close_distance_m=-1.234567e300)
    header = _small_header(**long_numbers)
    assert len(header) == 1024 and is_long_header(header) and not is_long_header(_small_header())
    assert header.startswith("{\nHEADER_BYTES=1024;\nDIM=2;")
    assert "XDS_ORGX=-1.23457e+300;" in header and header.rstrip(" ").endswith("BEAMLINE=fake;\n}\f")
    counts = np.arange(6, dtype=np.uint16).reshape(2, 3) + 100
    write_smv(tmp_path / "long.img", counts, header)
    fields, pixels = read_smv(tmp_path / "long.img")
    assert fields["HEADER_BYTES"] == "1024"
    np.testing.assert_array_equal(pixels, counts)
    fabio = pytest.importorskip("fabio")
    np.testing.assert_array_equal(fabio.open(str(tmp_path / "long.img")).data, counts)
