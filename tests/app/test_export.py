"""Exports read back with fabio with the right shape and values; trace comparisons as text, CSV, JSON."""

import csv
import json

import fabio
import numpy as np
import pytest
from PyQt6.QtGui import QImage

from sim.cli.args import parse_args
from sim.errors import InputError
from sim.export import cbf_counts, export_image, smv_counts
from sim.io.floatfile import read_float32
from sim.io.smv import read_smv
from sim.model.resolved import build_model

from tests.app.helpers import wait_idle

ARGS = ["-cell", "70", "80", "90", "75", "85", "95", "-default_F", "100", "-N", "5",
        "-detpixels_f", "48", "-detpixels_s", "32", "-distance", "60"]


@pytest.fixture(scope="module")
def simulated():
    from sim.simulator import simulate

    config = parse_args(ARGS).config
    result = simulate(config, device="cpu")
    return result.image, result.model


def test_smv_export_reads_back_with_c_scaling_and_header(tmp_path, simulated):
    image, model = simulated
    path = tmp_path / "image.img"
    export_image(path, image, model)
    read = fabio.open(str(path))
    assert read.data.shape == (32, 48)
    # the C's -intfile scaling, without its ADC offset: DIALS reads no pedestal from the export
    expected = np.floor(np.clip(image.astype(np.float32) * (55000.0 / image.max()), 0, 65535) + 0.5)
    assert np.array_equal(read.data.astype(np.int64), expected.astype(np.int64))
    assert read.data.max() == 55000
    for key in ("BEAM_CENTER_X", "CCD_DETECTOR_VECTORS", "CCD_SPATIAL_DISTORTION_INFO", "PIXEL_SIZE",
                "DISTANCE", "WAVELENGTH", "ADC_OFFSET"):
        assert key in read.header
    header, counts = read_smv(path)
    assert np.array_equal(counts, smv_counts(image, model) - 40)
    assert float(header["DISTANCE"]) == 60 and header["ADC_OFFSET"] == "0"


def test_cbf_export_reads_back_as_integer_counts(tmp_path, simulated):
    image, model = simulated
    path = tmp_path / "image.cbf"
    export_image(path, image, model)
    read = fabio.open(str(path))
    assert read.data.shape == (32, 48) and read.data.dtype == np.int32
    assert np.array_equal(read.data, cbf_counts(image, model) - 40)
    assert np.array_equal(read.data, smv_counts(image, model).astype(np.int32) - 40)  # none over 65535
    rows = [row for _, loop in read.header["loop_"] for row in loop]
    assert {b"_diffrn_radiation_wavelength.id": b"WAVELENGTH1",
            b"_diffrn_radiation_wavelength.wavelength": b"1.0",
            b"_diffrn_radiation_wavelength.wt": b"1.0"} in rows


@pytest.mark.parametrize("suffix", [".edf", ".tif"])
def test_float_exports_read_back_exactly(tmp_path, simulated, suffix):
    image, model = simulated
    path = tmp_path / f"image{suffix}"
    export_image(path, image, model)
    read = fabio.open(str(path))
    assert read.data.shape == (32, 48) and read.data.dtype == np.float32
    assert np.array_equal(read.data, image.astype(np.float32))


def test_raw_export_is_the_c_float_file(tmp_path, simulated):
    image, model = simulated
    path = tmp_path / "image.bin"
    export_image(path, image, model)
    assert np.array_equal(read_float32(path, (32, 48)), image.astype(np.float32))


def test_unknown_suffix_is_refused(tmp_path, simulated):
    image, model = simulated
    with pytest.raises(InputError, match="unknown image format"):
        export_image(tmp_path / "image.xyz", image, model)


def test_roi_pixels_are_zero_counts_as_in_the_c(simulated):
    _, model = simulated
    config = parse_args(ARGS + ["-roi", "0", "9", "0", "9"]).config
    roi_model = build_model(config)
    image = np.ones((32, 48))
    counts = smv_counts(image, roi_model)
    assert counts[:10, :10].min() > 0 and counts[10:, :].max() == 0 and counts[:, 10:].max() == 0


def test_png_of_the_view_and_image_exports_from_the_window(qtbot, make_window, fast_args, tmp_path,
                                                           message_boxes):
    window = make_window(fast_args)
    for suffix in (".img", ".cbf", ".h5", ".edf", ".tif", ".bin", ".png"):
        assert window.export_image(str(tmp_path / f"out{suffix}")), message_boxes
    png = QImage(str(tmp_path / "out.png"))
    assert png.width() > 100 and png.height() > 100
    assert fabio.open(str(tmp_path / "out.edf")).data.shape == (512, 512)


def _export_comparisons(qtbot, window, c_log, folder):
    """Trace pixel (368, 262) against ``c_log`` and export the comparison as t.txt/csv/json."""
    window.controller.load_c_trace(str(c_log))
    window.controller.trace(368, 262)
    wait_idle(qtbot, window.controller)
    for suffix in (".txt", ".csv", ".json"):
        assert window.controller.export_comparison(str(folder / f"t{suffix}"))


def test_trace_comparison_exports(qtbot, make_window, fast_args, example_log, tmp_path):
    window = make_window(fast_args)
    _export_comparisons(qtbot, window, example_log, tmp_path)
    data = json.loads((tmp_path / "t.json").read_text())
    assert data["pixel"] == [368, 262] and data["first_divergence"] is None
    assert set(data["rows"][0]) >= {"name", "occurrence", "ours", "c", "abs_diff", "rel_diff", "agree"}
    rows = list(csv.DictReader((tmp_path / "t.csv").read_text().splitlines()))
    assert len(rows) == len(data["rows"])
    assert "all 143 shared quantities agree" in (tmp_path / "t.txt").read_text()


def _provenances(folder):
    """The provenance of the exports t.json, t.csv and t.txt in ``folder``, each as read back."""
    text = (folder / "t.txt").read_text().splitlines()
    return {".json": json.loads((folder / "t.json").read_text())["provenance"],
            ".csv": json.loads((folder / "t_provenance.json").read_text()),
            ".txt": dict(line[2:].split(": ", 1) for line in text if line.startswith("# "))}


def test_trace_comparison_exports_record_command_c_log_and_versions(qtbot, make_window, fast_args,
                                                                     example_log, tmp_path):
    import torch

    from sim.cli.args import format_command

    window = make_window(fast_args)
    _export_comparisons(qtbot, window, example_log, tmp_path)
    command, log = format_command(window.state.config), str(example_log.resolve())
    assert "-roi 250 280 360 380" in command
    found = _provenances(tmp_path)
    assert found[".json"] == found[".csv"]
    json_text = found.pop(".txt")
    assert json_text["command"] == command and json_text["c_trace.log"] == log
    assert json_text["versions.torch"] == torch.__version__ and json_text["versions.device"] == "cpu"
    assert (tmp_path / "t.txt").read_text().splitlines()[0] == f"# command: {command}"
    data = found[".json"]
    assert data["command"] == command and data["c_trace"]["log"] == log
    assert data["c_trace"]["recorded_command"].startswith("nanoBragg ")
    assert data["versions"]["torch"] == torch.__version__ and data["versions"]["numpy"] == np.__version__
    assert {"nanobragg-studio", "PyQt6", "Qt", "dtype"} <= set(data["versions"])
