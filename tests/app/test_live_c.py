"""Live C tracing: a click also runs the instrumented C binary for the same pixel (QProcess).

The C program is played by a stand-in executable that prints the stored golden trace log;
the real instrumented binary is used where NANOBRAGG_C_BINARY names one.
"""

import os
import shlex
from dataclasses import replace

import pytest

from sim.cli.args import parse_args

from app.live_c import trace_arguments
from tests.app.helpers import stand_in_c_binary, wait_idle


def test_click_runs_the_c_binary_and_compares_the_same_pixel(qtbot, make_window, fast_args, tmp_path,
                                                             message_boxes):
    binary = stand_in_c_binary(tmp_path)
    window = make_window(fast_args)
    window.trace_panel.c_binary.setText(str(binary))
    window.trace_panel.c_binary.editingFinished.emit()
    window.controller.trace(368, 262)
    wait_idle(qtbot, window.controller)
    qtbot.waitUntil(lambda: window.state.c_trace is not None and window.state.our_trace is not None)
    assert message_boxes == []
    c_trace = window.state.c_trace
    assert c_trace.live and c_trace.pixel == (368, 262)
    assert window.state.comparison.first_divergence is None
    args = shlex.split((tmp_path / "last_args.txt").read_text())
    assert args[-3:] == ["-trace_pixel", "368", "262"]
    config = window.state.config
    roi = (260, 264, 366, 370)  # the C renders only the 5 x 5 pixels around the traced one
    assert parse_args(args[:-3]).config == replace(config, detector=replace(config.detector, roi=roi))
    assert window.settings.c_binary() == str(binary)


def test_failing_c_binary_reports_and_keeps_our_trace(qtbot, make_window, fast_args, tmp_path,
                                                      message_boxes):
    binary = stand_in_c_binary(tmp_path)
    window = make_window(fast_args)
    window.controller.c_binary = str(binary)
    window.controller.trace(370, 270)  # the stand-in has no golden log for it: exit 1
    wait_idle(qtbot, window.controller)
    qtbot.waitUntil(lambda: bool(message_boxes))
    assert "live C trace failed" in message_boxes[0]
    assert window.state.our_trace is not None and window.state.c_trace is None


def test_missing_c_binary_says_it_cannot_start(qtbot, make_window, fast_args, tmp_path, message_boxes):
    window = make_window(fast_args)
    window.controller.c_binary = str(tmp_path / "no-such-nanoBragg")
    window.controller.trace(368, 262)
    qtbot.waitUntil(lambda: bool(message_boxes))
    assert "cannot start the C program" in message_boxes[0]


def test_trace_arguments_use_absolute_input_paths(tmp_path, monkeypatch, fast_args):
    monkeypatch.chdir(tmp_path)
    config = parse_args(fast_args + ["-hkl", "P1.hkl"]).config
    args = trace_arguments(config, 1, 2)
    assert args[args.index("-hkl") + 1] == str(tmp_path / "P1.hkl")
    assert args[-3:] == ["-trace_pixel", "1", "2"]


def test_trace_panel_shows_the_c_program_progress(qtbot, make_window, fast_args, tmp_path):
    binary = stand_in_c_binary(tmp_path, linger_s=1.0)
    window = make_window(fast_args)
    window.controller.c_binary = str(binary)
    panel = window.trace_panel
    window.controller.trace(368, 262)
    assert panel.live_c_busy.isVisible()
    assert panel.live_c_status.text().startswith("C program on pixel (368, 262): running")
    qtbot.waitUntil(lambda: "144 trace lines so far" in panel.live_c_status.text(), timeout=10000)
    qtbot.waitUntil(lambda: window.state.c_trace is not None, timeout=10000)
    assert not panel.live_c_busy.isVisible()
    assert panel.live_c_status.text().startswith("C trace of pixel (368, 262) read in")


C_BINARY = os.environ.get("NANOBRAGG_C_BINARY", "")


@pytest.mark.skipif(not C_BINARY, reason="set NANOBRAGG_C_BINARY to an instrumented nanoBragg (prints TRACE_C"
                                         " lines for -trace_pixel) to run the live C trace on the real program")
def test_roi_live_c_on_the_real_instrumented_binary(qtbot, make_window, fast_args, message_boxes):
    """The real C program, run with -roi around the clicked pixel, traces the same pixel as
    we do (one with a stored golden log, one without): every shared quantity agrees within
    the comparison's tolerance."""
    window = make_window(fast_args)
    window.controller.c_binary = C_BINARY
    for pixel in ((368, 262), (375, 270)):
        window.controller.trace(*pixel)
        qtbot.waitUntil(lambda: window.state.c_trace is not None and window.state.c_trace.pixel == pixel
                        and window.state.our_trace is not None and window.state.our_trace.pixel == pixel,
                        timeout=30000)
        assert message_boxes == []
        c_trace, comparison = window.state.c_trace, window.state.comparison
        s, f = pixel
        assert c_trace.live and f"-roi {f - 2} {f + 2} {s - 2} {s + 2}" in c_trace.command
        assert window.state.c_trace_foreign is None and not window.state.pixel_mismatch
        assert comparison.first_divergence is None and len(comparison.rows) > 100
        assert window.trace_panel.live_c_status.text().startswith(f"C trace of pixel ({s}, {f}) read in")


def test_trace_exports_record_the_live_c_binary_and_its_command(qtbot, make_window, fast_args, tmp_path):
    import json

    import torch

    binary = stand_in_c_binary(tmp_path)
    window = make_window(fast_args)
    window.controller.c_binary = str(binary)
    window.controller.trace(368, 262)
    wait_idle(qtbot, window.controller)
    qtbot.waitUntil(lambda: window.state.c_trace is not None and window.state.our_trace is not None)
    for suffix in (".txt", ".csv", ".json"):
        assert window.controller.export_comparison(str(tmp_path / f"t{suffix}"))
    ran = shlex.join([str(binary), *shlex.split((tmp_path / "last_args.txt").read_text())])
    provenance = json.loads((tmp_path / "t.json").read_text())["provenance"]
    assert provenance["c_trace"] == {"binary": str(binary), "command": ran}
    assert provenance["versions"]["torch"] == torch.__version__
    assert json.loads((tmp_path / "t_provenance.json").read_text()) == provenance
    text = (tmp_path / "t.txt").read_text()
    assert f"# c_trace.binary: {binary}\n# c_trace.command: {ran}\n" in text
