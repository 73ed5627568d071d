"""What the viewer remembers between runs, through QSettings.

Recent files, the window's geometry and dock layout, the last parameters (as a nanoBragg
command line, the form that survives version changes), whether a start reopens them (off
unless the user chose it: a start shows the built-in example) and the path of the
instrumented C binary for live tracing. Tests pass a QSettings on a temporary file, so that they never
touch the user's.
"""

from __future__ import annotations

import os
import tempfile
from typing import List, Optional

from PyQt6.QtCore import QByteArray, QSettings

ORGANIZATION = "nanoBragg Studio"
APPLICATION = "nanobragg-studio"
MAX_RECENT = 10


def user_settings() -> QSettings:
    """The user's settings file (INI format, in Qt's per-user location)."""
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANIZATION, APPLICATION)


def scratch_settings() -> "Settings":
    """Settings in a temporary folder: a scripted run neither reads nor changes the user's."""
    folder = tempfile.TemporaryDirectory(prefix="nanobragg-studio-")
    settings = Settings(QSettings(os.path.join(folder.name, "settings.ini"), QSettings.Format.IniFormat))
    settings.scratch = folder
    return settings


class Settings:
    """Typed access to the viewer's QSettings keys."""

    def __init__(self, qsettings: Optional[QSettings] = None) -> None:
        self.qsettings = qsettings if qsettings is not None else user_settings()
        self.scratch: Optional[tempfile.TemporaryDirectory] = None

    def recent_files(self) -> List[str]:
        value = self.qsettings.value("recent_files", [])
        return [value] if isinstance(value, str) else list(value or [])

    def add_recent_file(self, path: str) -> None:
        files = [path] + [p for p in self.recent_files() if p != path]
        self.qsettings.setValue("recent_files", files[:MAX_RECENT])

    def last_command(self) -> Optional[str]:
        return self.qsettings.value("last_command", None) or None

    def set_last_command(self, command: str) -> None:
        self.qsettings.setValue("last_command", command)

    def restore_session(self) -> bool:
        """True when the user chose to start on the last parameters instead of the example."""
        return str(self.qsettings.value("restore_session", "false")).lower() == "true"

    def set_restore_session(self, on: bool) -> None:
        self.qsettings.setValue("restore_session", "true" if on else "false")

    def c_binary(self) -> str:
        return self.qsettings.value("c_binary", "") or ""

    def set_c_binary(self, path: str) -> None:
        self.qsettings.setValue("c_binary", path)

    def restore_window(self, window) -> bool:
        """Geometry and dock layout of ``window`` (a QMainWindow); False if none was saved."""
        geometry = self.qsettings.value("window/geometry")
        state = self.qsettings.value("window/state")
        if isinstance(geometry, QByteArray):
            window.restoreGeometry(geometry)
        return isinstance(state, QByteArray) and window.restoreState(state)

    def save_window(self, window) -> None:
        self.qsettings.setValue("window/geometry", window.saveGeometry())
        self.qsettings.setValue("window/state", window.saveState())

    def sync(self) -> None:
        self.qsettings.sync()

    def close(self) -> None:
        """Write pending changes; remove the folder of scratch settings."""
        self.sync()
        if self.scratch is not None:
            self.scratch.cleanup()
