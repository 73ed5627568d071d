"""Faults and interrupts: a failed edit undone alone, honest scripted exit codes, window size
checked, Ctrl-C and SIGTERM without tracebacks, cancel and close within a second."""

import logging
import os
import shlex
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from PyQt6.QtCore import QThreadPool

from sim.cli.args import parse_args

from app.controller import BUILD_CANCEL_NOTE
from app.example import example_args
from app.main import main, parse_cli
from app.params import PARAMS, with_value
from tests.app.helpers import wait_idle
from tests.app.test_worker import SLOW_ARGS

REPO = Path(__file__).resolve().parents[2]
BY_KEY = {p.key: p for p in PARAMS}


def test_a_failed_edit_is_undone_alone_keeping_the_good_edits_before_it(qtbot, make_window, fast_args,
                                                                        tmp_path, message_boxes):
    window = make_window(fast_args)
    state = window.state
    for i in range(10):  # ten good edits in a row, faster than the simulations finish
        state.set_config(with_value(state.config, BY_KEY["distance"], 90.0 + i))
    good = state.config
    state.set_config(with_value(good, BY_KEY["hkl"], str(tmp_path / "missing.hkl")))
    qtbot.waitUntil(lambda: bool(message_boxes), timeout=30000)
    wait_idle(qtbot, window.controller)
    assert len(message_boxes) == 1 and "missing.hkl" in message_boxes[0]
    assert state.config == good
    assert state.result.model.config == good  # the good edits were simulated
    assert window.params_panel.editors["distance"][0].text() == "99"
    assert window.params_panel.editors["hkl"][0].text() == ""


def _scripted(argv, capsys):
    code = main(argv + ["--quit"])
    return code, capsys.readouterr().err.strip().splitlines()


def test_scripted_run_fails_when_the_c_log_is_for_another_pixel(qtbot, fast_args, example_log, capsys):
    code, err = _scripted(["--args", shlex.join(fast_args), "--c-trace", str(example_log),
                           "--trace", "370", "270"], capsys)
    assert code == 1
    assert len(err) == 1 and "nothing compared" in err[0] and "(368, 262)" in err[0]


def test_scripted_run_fails_when_the_c_log_is_for_another_command_line(qtbot, fast_args, example_log,
                                                                       capsys):
    code, err = _scripted(["--args", shlex.join(fast_args + ["-lambda", "1.1"]), "--c-trace",
                           str(example_log), "--trace", "368", "262"], capsys)
    assert code == 1
    assert len(err) == 1 and "another command line" in err[0] and "-lambda default (ours 1.1)" in err[0]


@pytest.mark.parametrize("size", ["100000x100000", "0x0", "10x700", "axb"])
def test_window_size_is_checked_before_anything_opens(size, capsys):
    with pytest.raises(SystemExit) as exit_:
        parse_cli(["--window-size", size])
    err = capsys.readouterr().err.strip().splitlines()
    assert exit_.value.code == 2 and len(err) == 1 and "--window-size" in err[0]


def _start(argv):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    return subprocess.Popen([sys.executable, "main.py", *argv], cwd=REPO, env=env,
                            stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True)


def test_ctrl_c_and_sigterm_quit_cleanly_and_at_once():
    """Scripted, interactive, during start-up (SIGINT) and interactive (SIGTERM), run side by side."""
    slow = ["--args", shlex.join(SLOW_ARGS)]
    small = ["--args", shlex.join(example_args() + ["-roi", "0", "9", "0", "9"])]
    cases = [(slow + ["--quit"], 6.0, signal.SIGINT), (slow, 6.0, signal.SIGINT),
             (slow + ["--quit"], 2.0, signal.SIGINT), (small, 6.0, signal.SIGTERM)]
    started = time.monotonic()
    processes = [_start(argv) for argv, _, _ in cases]
    sent = []
    for process, (_, after_s, signum) in sorted(zip(processes, cases), key=lambda c: c[1][1]):
        time.sleep(max(0.0, started + after_s - time.monotonic()))
        process.send_signal(signum)
        sent.append((process, time.monotonic()))
    ended = {}
    while len(ended) < len(sent) and time.monotonic() < started + 90:
        ended.update({p: time.monotonic() for p, _ in sent if p not in ended and p.poll() is not None})
        time.sleep(0.05)
    for process, at in sent:
        _, err = process.communicate(timeout=60)
        lines = [l for l in err.splitlines() if l.strip()]
        assert process.returncode == 130 and lines == ["nanobragg-studio: interrupted"], (process.args, err)
        # the window closes at once; the interpreter's own exit is slow on a loaded machine
        assert ended[process] - at < 10.0, process.args


def test_cancel_and_close_answer_within_a_second(qtbot, make_window, fast_args):
    window = make_window(fast_args)
    controller = window.controller
    with qtbot.waitSignal(controller.simulations.progress, timeout=30000):
        window.state.set_config(parse_args(SLOW_ARGS).config)
    start = time.monotonic()
    window.cancel_button.click()
    assert not controller.simulations.busy and not window.cancel_button.isVisible()
    qtbot.waitUntil(lambda: controller.simulations.running == 0, timeout=3000)  # the next chunk check
    with qtbot.waitSignal(controller.simulations.progress, timeout=30000):
        controller.simulate()
    start = time.monotonic()
    window.close()
    assert time.monotonic() - start < 1.0
    assert QThreadPool.globalInstance().waitForDone(3000)


def test_cancel_during_a_kernel_build_says_it_cannot_be_interrupted(qtbot, make_window, fast_args):
    window = make_window(fast_args)
    controller = window.controller
    release = threading.Event()

    def job(progress, cancel):  # stands in for a run whose compiled kernel is being built
        logging.getLogger("sim.kernel.compiled").info("building the compiled sources kernel for this crystal once")
        release.wait(10)
        logging.getLogger("sim.kernel.compiled").info("built in %.1f s", 10.0)

    controller.simulations.submit(job)
    qtbot.waitUntil(lambda: controller.building_kernel, timeout=5000)
    controller.cancel()
    assert window.note.text() == BUILD_CANCEL_NOTE
    assert not controller.simulations.busy
    release.set()
    qtbot.waitUntil(lambda: controller.simulations.running == 0 and not controller.building_kernel)


def test_without_a_display_qt_trouble_is_one_line_not_an_abort(tmp_path):
    from app.qt_check import INSTALL_HINT, plugin_problem, qt_start_problem, xcb_plugin

    assert qt_start_problem({"QT_QPA_PLATFORM": "offscreen"}, "linux") is None
    assert qt_start_problem({"WAYLAND_DISPLAY": "wayland-0"}, "linux") is None
    assert qt_start_problem({}, "darwin") is None
    assert "DISPLAY is not set" in qt_start_problem({}, "linux")
    broken = tmp_path / "libqxcb.so"
    broken.write_bytes(b"not a library")
    problem = plugin_problem(broken)
    assert problem.startswith("Qt cannot open its X11 window: ") and problem.endswith(f"({INSTALL_HINT})")
    assert plugin_problem(xcb_plugin()) is None  # this machine has the libraries
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "QT_QPA_PLATFORM", "WAYLAND_DISPLAY")}
    run = subprocess.run([sys.executable, "main.py", "--quit"], cwd=REPO, env=env, capture_output=True,
                         text=True, timeout=120)
    assert run.returncode == 2 and run.stderr.strip().splitlines() == [
        "nanobragg-studio: " + qt_start_problem({}, "linux")]
