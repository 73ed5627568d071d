"""Reading a written series back: each frame's image is the master file's frame, each
frame's config carries its own phi range, and a folder without a manifest is one clear error.
Without a manifest our NXmx master is still the whole series (it carries the description);
a foreign NXmx master or one numbered CBF/SMV frame gives the frames alone, each with the
phi range its file records."""

from __future__ import annotations

import shutil

import fabio
import h5py
import numpy as np
import pytest

from sim.errors import InputError
from sim.series.cli import build_description, split_options
from sim.series.image_files import cbf_phi_range_deg
from sim.series.reader import open_any, open_series
from sim.series.runner import RunOptions, run_series

LINE = ["-cell", "60", "70", "80", "90", "90", "90", "-default_F", "100", "-N", "4", "-distance", "60",
        "-detpixels", "16", "-nonoise", "-phi", "10", "--frames", "3", "--osc", "0.25", "-phisteps", "1"]


def test_nxmx_frames_read_back_as_the_master_shows_them(tmp_path):
    options, line = split_options(LINE + ["--format", "nxmx"])
    run_series(build_description(options, line), RunOptions(tmp_path / "s", progress=False))
    series = open_series(tmp_path / "s" / "series_manifest.json")
    with h5py.File(tmp_path / "s" / "series_master.h5", "r") as master:
        stack = master["entry/data/data"][()]
    assert series.count == 3 and stack.shape == (3, 16, 16) and stack.any()
    for index in range(3):
        assert np.array_equal(series.read_frame(index), stack[index])
        assert series.config(index).crystal.phi_start_deg == pytest.approx(10 + 0.25 * index + 0.125)
        assert f"phi {10 + 0.25 * index:g} to {10 + 0.25 * (index + 1):g} deg" in series.label(index)


def test_a_folder_without_a_manifest_is_one_clear_error(tmp_path):
    with pytest.raises(InputError, match="series_manifest.json"):
        open_series(tmp_path)


def _without_manifest(tmp_path, fmt: str):
    """The 3-frame series of LINE (phi 10, 10.25, 10.5) in ``fmt``, its manifest removed."""
    folder = tmp_path / fmt
    options, line = split_options(LINE + ["--format", fmt])
    run_series(build_description(options, line), RunOptions(folder, progress=False))
    (folder / "series_manifest.json").unlink()
    return folder


@pytest.mark.parametrize("fmt, suffix", [("cbf", ".cbf"), ("smv", ".img")])
def test_one_numbered_frame_opens_its_siblings_with_phi_from_their_headers(tmp_path, fmt, suffix):
    folder = _without_manifest(tmp_path, fmt)
    (folder / f"other_00001{suffix}").write_bytes((folder / f"series_00001{suffix}").read_bytes())
    series, index = open_any(folder / f"series_00002{suffix}")
    assert (series.count, index) == (3, 1)
    assert [p.name for p in series.paths] == [f"series_0000{k}{suffix}" for k in (1, 2, 3)]
    for k in range(3):
        expected = fabio.open(str(folder / f"series_0000{k + 1}{suffix}")).data
        assert np.array_equal(series.read_frame(k), expected)
        assert series.label(k).endswith(f"phi {10 + 0.25 * k:g} to {10 + 0.25 * (k + 1):g} deg")
    assert series.config(1) is None and "series_manifest.json" in series.untraceable


def test_our_nxmx_master_alone_is_the_traceable_series_it_carries(tmp_path):
    folder = tmp_path / "s"
    options, line = split_options(LINE + ["--format", "nxmx"])
    run_series(build_description(options, line), RunOptions(folder, progress=False))
    written = open_series(folder / "series_manifest.json")
    moved = tmp_path / "moved"  # the master and its frame files, without manifest or log
    moved.mkdir()
    for path in folder.glob("series_*.h5"):
        shutil.copy(path, moved / path.name)
    series, index = open_any(moved / "series_master.h5")
    with h5py.File(moved / "series_master.h5", "r") as master:
        stack = master["entry/data/data"][()]
    assert (series.count, index) == (3, 0) and series.untraceable is None
    for k in range(3):
        assert series.config(k) == written.config(k)
        assert np.array_equal(series.read_frame(k), stack[k])
        assert series.label(k) == f"frame {k + 1} of 3: phi {10 + 0.25 * k:g} to {10 + 0.25 * (k + 1):g} deg"


def test_a_foreign_nxmx_master_in_radians_with_increments(tmp_path):
    path = tmp_path / "foreign.nxs"
    with h5py.File(path, "w") as handle:
        handle["entry/data/data"] = np.arange(2 * 4 * 5).reshape(2, 4, 5)
        handle["entry/sample/depends_on"] = b"/entry/sample/transformations/omega"
        omega = handle.create_dataset("entry/sample/transformations/omega", data=np.radians([30.0, 31.0]))
        omega.attrs.update(transformation_type="rotation", units="rad", depends_on=".")
        handle["entry/sample/transformations/omega_increment_set"] = np.radians(1.0)
    series, _ = open_any(path)
    assert series.count == 2 and np.array_equal(series.read_frame(1), np.arange(20, 40).reshape(4, 5))
    assert series.label(1) == "frame 2 of 2: phi 31 to 32 deg"


def test_a_pilatus_mini_cbf_header_gives_the_phi_range(tmp_path):
    path = tmp_path / "x_0001.cbf"
    path.write_bytes(b"###CBF: VERSION 1.5\n# Start_angle 12.5000 deg.\n# Angle_increment 0.1000 deg.\n"
                     b"--CIF-BINARY-FORMAT-SECTION--\n")
    assert cbf_phi_range_deg(path) == pytest.approx((12.5, 12.6))


def test_a_frame_beside_its_manifest_opens_the_traceable_series_at_that_frame(tmp_path):
    options, line = split_options(LINE + ["--format", "cbf"])
    run_series(build_description(options, line), RunOptions(tmp_path / "s", progress=False))
    series, index = open_any(tmp_path / "s" / "series_00003.cbf")
    assert index == 2 and series.untraceable is None
    assert series.config(2).crystal.phi_start_deg == pytest.approx(10.625)


def test_a_file_that_is_neither_numbered_nor_nxmx_is_one_clear_error(tmp_path):
    path = tmp_path / "image.cbf"
    path.write_bytes(b"###CBF\n")
    with pytest.raises(InputError, match="not a numbered frame file"):
        open_any(path)
    with pytest.raises(InputError, match="no such file"):
        open_any(tmp_path / "gone_00001.cbf")
    (tmp_path / "broken.h5").write_bytes(b"not hdf5")
    with pytest.raises(InputError, match="not a readable NXmx master"):
        open_any(tmp_path / "broken.h5")
