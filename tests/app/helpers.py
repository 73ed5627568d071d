"""Helpers shared by the viewer tests (fixtures are in conftest.py)."""

from __future__ import annotations

import stat
import sys
from pathlib import Path

from PyQt6.QtCore import QPointF, Qt

from app.example import EXAMPLE_DIR

#: -roi fmin fmax smin smax (inclusive) around the example's traced pixel (368, 262).
ROI = ["-roi", "250", "280", "360", "380"]


def wait_idle(qtbot, controller, timeout=60000):
    """Wait until the controller's background work (simulation, traces, C runs) is done."""
    qtbot.waitUntil(lambda: not controller.busy, timeout=timeout)


def click_pixel(qtbot, panel, x: float, y: float):
    """Left-click the image panel at view point (x = fast, y = slow)."""
    scene_pos = panel.view_box.mapViewToScene(QPointF(x, y))
    pos = panel.graphics.mapFromScene(scene_pos)
    qtbot.mouseClick(panel.graphics.viewport(), Qt.MouseButton.LeftButton, pos=pos)


def hover_pixel(qtbot, panel, slow: float, fast: float, x_range, y_range):
    """Zoom the panel to ``x_range`` x ``y_range`` and move the mouse over (slow, fast)."""
    panel.view_box.setRange(xRange=x_range, yRange=y_range, padding=0)
    qtbot.wait(20)
    panel.graphics.scene().sigMouseMoved.emit(panel.view_point((slow, fast)))


def stand_in_c_binary(folder: Path, log_dir: Path = EXAMPLE_DIR, linger_s: float = 0.0) -> Path:
    """An executable that acts as the instrumented C nanoBragg: it records its arguments and
    prints the stored golden trace log of the pixel after -trace_pixel (exit 1 if none), then
    stays ``linger_s`` seconds before it exits."""
    script = folder / "nanoBragg"
    script.write_text(
        f"#!{sys.executable}\n"
        "import pathlib, sys\n"
        "args = sys.argv[1:]\n"
        f"pathlib.Path({str(folder / 'last_args.txt')!r}).write_text(' '.join(args))\n"
        "i = args.index('-trace_pixel')\n"
        f"log = pathlib.Path({str(log_dir)!r}) / f'trace_s{{args[i + 1]}}_f{{args[i + 2]}}.log'\n"
        "if not log.exists():\n"
        "    print('no golden trace for this pixel'); sys.exit(1)\n"
        "print(log.read_text(), end='', flush=True)\n"
        f"import time; time.sleep({linger_s})\n")
    script.chmod(script.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP)
    return script
