"""Fixtures for the viewer tests: isolated settings, captured message boxes, small windows.

Every test runs with QSettings in a temporary folder and with QMessageBox.warning replaced
by a recorder (``message_boxes``), so no test touches the user's settings or blocks on a
dialog. ``fast_args`` is the built-in example restricted by -roi to a 31 x 21 pixel window
around the traced pixel: the C trace of (368, 262) still applies, and a simulation takes
milliseconds.
"""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from app.example import EXAMPLE_DIR, EXAMPLE_PIXEL, example_args
from tests.app.helpers import ROI, wait_idle


@pytest.fixture(autouse=True)
def garbage_collected_between_tests():
    """pyqtgraph's items hold reference cycles; a collection that happens to run inside Qt's
    event processing can delete a closed window's views while their scene still paints them
    (a segfault in InfiniteLine.boundingRect). Collect between tests, never during one."""
    gc.disable()
    yield
    gc.enable()
    gc.collect()


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path, monkeypatch):
    """QSettings of the user scope in a temporary folder, for every test."""
    from PyQt6.QtCore import QSettings

    folder = tmp_path / "settings"
    folder.mkdir()
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(folder))
    return folder


@pytest.fixture(autouse=True)
def message_boxes(monkeypatch):
    """Texts of every QMessageBox.warning shown during the test."""
    from PyQt6.QtWidgets import QMessageBox

    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *a, **k: shown.append(text))
    return shown


@pytest.fixture
def fast_args():
    return example_args() + ROI


@pytest.fixture
def example_log() -> Path:
    return EXAMPLE_DIR / f"trace_s{EXAMPLE_PIXEL[0]}_f{EXAMPLE_PIXEL[1]}.log"


@pytest.fixture
def unrecorded_log(tmp_path) -> Path:
    """The example's C trace log alone in a folder: it records no command line, so it is
    compared with whatever parameters are on show (planted divergences)."""
    copy = tmp_path / "unrecorded" / f"trace_s{EXAMPLE_PIXEL[0]}_f{EXAMPLE_PIXEL[1]}.log"
    copy.parent.mkdir()
    copy.write_bytes((EXAMPLE_DIR / copy.name).read_bytes())
    return copy


@pytest.fixture
def settings(tmp_path):
    from PyQt6.QtCore import QSettings

    from app.settings import Settings

    return Settings(QSettings(str(tmp_path / "viewer.ini"), QSettings.Format.IniFormat))


@pytest.fixture
def make_window(qtbot, settings):
    """make_window(args) -> a shown MainWindow on that command line, its first image done."""
    from sim.cli.args import parse_args

    from app.controller import Controller
    from app.state import ViewerState
    from app.widgets.main_window import MainWindow

    windows = []

    def make(args, wait=True):
        state = ViewerState(parse_args(args).config)
        controller = Controller(state)
        window = MainWindow(state, controller, settings, ["cpu"])
        qtbot.addWidget(window)
        windows.append(window)
        window.show()
        controller.simulate()
        if wait:
            wait_idle(qtbot, controller)
        return window

    yield make
    for window in windows:
        window.controller.shutdown()
