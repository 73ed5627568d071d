"""File > Open series: the slider shows each frame's own file, labels its phi range, and a
click traces the pixel with that frame's phi (the trace's rotated cell turns with it). Frames
opened without their manifest (one numbered frame, an NXmx master) show with the phi their
files record, and a click says why it cannot trace; ``--series`` opens one at start."""

from __future__ import annotations

import math

import fabio
import numpy as np
import pytest

from sim.series.cli import build_description, split_options
from sim.series.runner import RunOptions, run_series
from app.widgets.series_bar import PLAY_INTERVAL_MS
from tests.app.helpers import click_pixel, wait_idle

LINE = ["-cell", "60", "70", "80", "90", "90", "90", "-default_F", "100", "-N", "4", "-distance", "60",
        "-detpixels", "24", "-misset", "10", "20", "30", "-nonoise"]
OSC_DEG, PHI_STEPS = 0.5, 2


@pytest.fixture
def sweep(tmp_path):
    """A 3-frame CBF sweep of 0.5 deg frames, phi from 0."""
    options, line = split_options(LINE + ["--frames", "3", "--osc", str(OSC_DEG), "-phisteps", str(PHI_STEPS),
                                          "--format", "cbf"])
    folder = tmp_path / "sweep"
    run_series(build_description(options, line), RunOptions(folder, progress=False))
    return folder


def _angle_about_z_deg(u, v) -> float:
    """Angle from u to v about the spindle axis (z, MOSFLM's), from their components across it."""
    return math.degrees(math.atan2(u[0] * v[1] - u[1] * v[0], u[0] * v[0] + u[1] * v[1]))


def test_slider_shows_each_frame_and_a_click_traces_it_at_its_phi(qtbot, make_window, sweep, message_boxes):
    window = make_window(LINE)
    bar = window.series_bar
    assert bar.open(str(sweep / "series_manifest.json"))
    assert window.series_dock.isVisible()
    wait_idle(qtbot, window.controller)
    rot_a = {}
    for index in (2, 0):
        bar.slider.setValue(index)
        expected = fabio.open(str(sweep / f"series_{index + 1:05d}.cbf")).data
        assert np.array_equal(window.state.reference.data, expected)
        assert f"phi {index * OSC_DEG:g} to {(index + 1) * OSC_DEG:g} deg" in bar.label.text()
        # nanoBragg samples each step's start: the frame's first sample is half a step in
        assert window.state.config.crystal.phi_start_deg == pytest.approx((index + 0.5 / PHI_STEPS) * OSC_DEG)
        wait_idle(qtbot, window.controller)
        click_pixel(qtbot, window.image_panel, 5.5 + index, 7.5)  # another pixel: no old trace stays
        qtbot.waitUntil(lambda: window.state.our_trace is not None and bool(window.state.our_trace.entries))
        wait_idle(qtbot, window.controller)
        assert window.state.our_trace.pixel == (7, 5 + index)
        rot_a[index] = window.state.our_trace.first("rot_a_angstroms")
    assert _angle_about_z_deg(rot_a[0], rot_a[2]) == pytest.approx(2 * OSC_DEG, abs=1e-6)
    assert message_boxes == []


def test_playback_walks_the_frames(qtbot, make_window, sweep):
    window = make_window(LINE)
    bar = window.series_bar
    bar.open(str(sweep))
    bar.play_button.click()
    qtbot.waitUntil(lambda: bar.slider.value() == 2, timeout=5000)
    bar.play_button.click()
    assert bar.play_button.text() == "Play"
    stopped_at = bar.slider.value()
    qtbot.wait(3 * PLAY_INTERVAL_MS)
    assert bar.slider.value() == stopped_at
    wait_idle(qtbot, window.controller)


def test_a_file_that_is_no_series_is_one_message(qtbot, make_window, sweep, message_boxes):
    window = make_window(LINE)
    config = window.state.config
    (sweep / "notes.txt").write_text("not a frame")
    assert not window.series_bar.open(str(sweep / "notes.txt"))
    assert len(message_boxes) == 1 and "notes.txt: not a numbered frame file" in message_boxes[0]
    assert window.state.config == config and not window.series_dock.isVisible()


@pytest.fixture
def frames_alone(sweep):
    """The sweep's CBF frames with their manifest gone: nothing records the nanoBragg line."""
    (sweep / "series_manifest.json").unlink()
    return sweep


def test_one_numbered_frame_opens_its_siblings_and_a_click_says_why_it_cannot_trace(
        qtbot, make_window, frames_alone, message_boxes):
    window = make_window(LINE)
    bar, config = window.series_bar, window.state.config
    assert bar.open(str(frames_alone / "series_00002.cbf"))
    assert (bar.slider.value(), bar.slider.maximum()) == (1, 2)
    assert "phi 0.5 to 1 deg" in bar.label.text() and "no trace" in bar.label.text()
    bar.slider.setValue(2)
    assert np.array_equal(window.state.reference.data, fabio.open(str(frames_alone / "series_00003.cbf")).data)
    assert "phi 1 to 1.5 deg" in bar.label.text()
    click_pixel(qtbot, window.image_panel, 5.5, 7.5)
    wait_idle(qtbot, window.controller)
    assert window.state.our_trace is None and "series_manifest.json" in window.state.trace_problem
    assert "cannot be re-simulated" in window.trace_panel.banner_text.text()
    assert window.state.config == config and message_boxes == []


def test_a_master_beside_its_manifest_is_traceable(qtbot, make_window, tmp_path, message_boxes):
    options, line = split_options(LINE + ["--frames", "2", "--osc", str(OSC_DEG), "-phisteps", str(PHI_STEPS)])
    run_series(build_description(options, line), RunOptions(tmp_path / "nx", progress=False))
    window = make_window(LINE)
    window.state.block_traces("blocked by an earlier series")
    assert window.series_bar.open(str(tmp_path / "nx" / "series_master.h5"))
    window.series_bar.slider.setValue(1)
    assert window.state.trace_blocked is None
    assert window.state.config.crystal.phi_start_deg == pytest.approx((1 + 0.5 / PHI_STEPS) * OSC_DEG)
    wait_idle(qtbot, window.controller)
    click_pixel(qtbot, window.image_panel, 5.5, 7.5)
    qtbot.waitUntil(lambda: window.state.our_trace is not None and bool(window.state.our_trace.entries))
    wait_idle(qtbot, window.controller)
    assert message_boxes == []


def test_series_on_the_command_line_opens_at_start(qtbot, settings, frames_alone, capsys):
    from app.main import main, open_window, parse_cli

    window = open_window(parse_cli(["--args", " ".join(LINE), "--series", str(frames_alone / "series_00001.cbf")]),
                         settings)
    qtbot.addWidget(window)
    assert window.series_bar.series.count == 3 and window.state.trace_blocked
    wait_idle(qtbot, window.controller)
    assert main(["--series", str(frames_alone / "nothing.cbf"), "--quit"]) == 2
    err = capsys.readouterr().err.strip()
    assert "--series" in err and "nothing.cbf: no such file" in err and "\n" not in err
