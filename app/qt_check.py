"""Can Qt open a window here? Checked before Qt is asked, because Qt aborts the process
(a core dump and many lines) when its X11 platform plugin cannot load or find a display.

On Linux, when Qt would use X11 (xcb), two things are checked: a display to connect to,
and that the xcb plugin and the system libraries it links load (``dlopen`` names the first
missing one). Other platforms, ``offscreen`` and Wayland sessions are left to Qt.
"""

from __future__ import annotations

import ctypes
import os
import sys
from pathlib import Path
from typing import Mapping, Optional

#: Debian/Ubuntu packages Qt 6's xcb platform plugin needs beyond a bare system.
XCB_PACKAGES = ("libxcb-cursor0", "libxcb-icccm4", "libxcb-keysyms1", "libxcb-image0", "libxcb-render-util0",
                "libxcb-shape0", "libxcb-xkb1", "libxkbcommon-x11-0", "libxcb-randr0", "libegl1", "libfontconfig1")
INSTALL_HINT = "on Debian/Ubuntu: apt-get install " + " ".join(XCB_PACKAGES)


def uses_xcb(env: Mapping[str, str], platform: str = sys.platform) -> bool:
    """True when Qt would open its windows through X11 (xcb) on this system."""
    chosen = env.get("QT_QPA_PLATFORM", "")
    if not platform.startswith("linux"):
        return False
    return chosen.startswith("xcb") or (not chosen and not env.get("WAYLAND_DISPLAY"))


def qt_start_problem(env: Mapping[str, str] = os.environ, platform: str = sys.platform) -> Optional[str]:
    """One line saying why Qt cannot open a window here, or None when it should."""
    if not uses_xcb(env, platform):
        return None
    if not env.get("DISPLAY"):
        return ("no display to open the window on (DISPLAY is not set): run it in a desktop session, "
                "under xvfb-run, or with QT_QPA_PLATFORM=offscreen for scripted runs")
    return plugin_problem(xcb_plugin())


def xcb_plugin() -> Path:
    from PyQt6.QtCore import QLibraryInfo

    return Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath)) / "platforms" / "libqxcb.so"


def plugin_problem(path: Path) -> Optional[str]:
    """Why the plugin at ``path`` and its libraries do not load, or None."""
    if not path.is_file():
        return None  # a Qt built without the plugin: let Qt say what it has
    try:
        ctypes.CDLL(str(path))
    except OSError as err:
        reason = str(err).split(": ", 1)[-1] if str(path) in str(err) else str(err)
        return f"Qt cannot open its X11 window: {reason} ({INSTALL_HINT})"
    return None
