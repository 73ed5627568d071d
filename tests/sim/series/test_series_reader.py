"""Reading a written series back: each frame's image is the master file's frame, each
frame's config carries its own phi range, and a folder without a manifest is one clear error."""

from __future__ import annotations

import h5py
import numpy as np
import pytest

from sim.errors import InputError
from sim.series.cli import build_description, split_options
from sim.series.reader import open_series
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
