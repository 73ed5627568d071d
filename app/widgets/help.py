"""Help menu: the keyboard shortcuts, the README's quick start, and About (versions).

The shortcut list is read from the window's actions, so it cannot drift from what is
bound; the quick start is the README's own text (its opening and the viewer section); About
asks the worker for torch's version and devices (only the worker imports torch).
"""

from __future__ import annotations

import platform
import re
from pathlib import Path
from typing import List, Tuple

import numpy as np
import pyqtgraph as pg
from PyQt6.QtCore import PYQT_VERSION_STR, QT_VERSION_STR
from PyQt6.QtWidgets import QDialog, QTextBrowser, QVBoxLayout

README = Path(__file__).resolve().parents[2] / "README.md"
QUICK_START_SECTIONS = ("## The viewer",)
NO_README = "The README is not installed with this copy; see the project's README.md."


def build_help_menu(window, a) -> None:
    menu = window.menuBar().addMenu("&Help")
    a.add(menu, "&Keyboard shortcuts", lambda: show_text(window, "Keyboard shortcuts", shortcuts_markdown(window)),
          ["F1"])
    a.add(menu, "&Quick start", lambda: show_text(window, "Quick start", quick_start_markdown()))
    a.add(menu, "&About nanoBragg Studio", lambda: show_text(window, "About", about_markdown()))


def shortcuts(window) -> List[Tuple[str, str]]:
    """(keys, what) of every action with a shortcut; single keys marked as image-only."""
    rows = {}
    for widget, note in ((window, ""), (window.image_panel.graphics, " (image focused)")):
        for action in widget.actions():
            keys = ", ".join(s.toString() for s in action.shortcuts())
            if keys:
                what = action.text().replace("&", "").rstrip("\u2026")
                rows.setdefault(what, []).append(keys + note)
    return sorted(((" or ".join(keys), what) for what, keys in rows.items()), key=lambda r: r[1])


def shortcuts_markdown(window) -> str:
    lines = ["| keys | action |", "| --- | --- |"]
    lines += [f"| {keys} | {what} |" for keys, what in shortcuts(window)]
    return "\n".join(lines) + "\n\nClick the image to give it the keyboard focus."


def quick_start_markdown(readme: Path = README) -> str:
    """The README's opening (install and run) and its viewer section."""
    try:
        text = readme.read_text(encoding="utf-8")
    except OSError:
        return NO_README
    opening = text.split("\n## ", 1)[0]
    sections = re.split(r"\n(?=## )", text)
    chosen = [s for s in sections if s.startswith(QUICK_START_SECTIONS)]
    return "\n\n".join([opening] + chosen)


def about_markdown() -> str:
    from ..worker import runtime_versions

    versions = {"Python": platform.python_version(), "Qt": QT_VERSION_STR, "PyQt6": PYQT_VERSION_STR,
                "pyqtgraph": pg.__version__, "numpy": np.__version__, **runtime_versions()}
    rows = "\n".join(f"| {k} | {v} |" for k, v in versions.items())
    return ("**nanoBragg Studio**: a PyTorch port of James Holton's nanoBragg with a per-pixel "
            "trace viewer.\n\n| | version |\n| --- | --- |\n" + rows)


def show_text(window, title: str, markdown: str) -> QDialog:
    """A non-modal window with ``markdown``; one per title, reused."""
    dialogs = window.__dict__.setdefault("help_dialogs", {})
    dialog = dialogs.get(title)
    if dialog is None:
        dialog = dialogs[title] = QDialog(window)
        dialog.setWindowTitle(title)
        dialog.browser = QTextBrowser()
        dialog.browser.setOpenExternalLinks(True)
        QVBoxLayout(dialog).addWidget(dialog.browser)
        dialog.resize(640, 480)
    dialog.browser.setMarkdown(markdown)
    dialog.show()
    dialog.raise_()
    return dialog
