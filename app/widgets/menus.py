"""The main window's menus, actions and keyboard shortcuts.

Ctrl+O open (C trace log or C image), Ctrl+E export the image, Ctrl+Shift+E export the
trace comparison, T trace the pixel under the mouse, Ctrl+0 or A reset the zoom, Z zoom to the traced pixel, F5
simulate again, Esc cancel, Ctrl+Shift+C / Ctrl+Shift+V copy / paste a command line.
Single-key shortcuts (T, A, B, R, and the arrow keys, which move the traced pixel) act only
while the image has the keyboard focus, so that they never fire while typing into a field.
Help > Keyboard shortcuts lists them all.
"""

from __future__ import annotations

from pathlib import Path

from PyQt6.QtCore import Qt
from PyQt6.QtGui import QAction, QKeySequence

from .help import build_help_menu


class WindowActions:
    """The actions of a MainWindow, and its recent-files menu."""

    def __init__(self, window) -> None:
        self.window = window
        self.recent_menu = None

    def add(self, menu, text: str, slot, shortcuts=(), tip: str = "", image_only: bool = False) -> QAction:
        """An action in ``menu``; its single-key shortcuts (all, if ``image_only``) work only
        while the image has focus."""
        single = [s for s in shortcuts if len(s) == 1 or image_only]
        action = QAction(text, self.window)
        action.setShortcuts([QKeySequence(s) for s in shortcuts if s not in single])
        action.setToolTip(tip or text)
        action.setStatusTip(tip)
        action.triggered.connect(lambda checked=False: slot())
        menu.addAction(action)
        if action.shortcuts() or not single:
            self.window.addAction(action)
        if single:
            key = action if not action.shortcuts() else QAction(text, self.window)
            key.setShortcuts([QKeySequence(s) for s in single])
            key.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            if key is not action:
                key.triggered.connect(action.trigger)
            self.window.image_panel.graphics.addAction(key)
        return action

    def update_recent(self) -> None:
        """Refill File > Open recent from the settings."""
        menu = self.recent_menu
        menu.clear()
        for path in self.window.settings.recent_files():
            menu.addAction(Path(path).name, lambda p=path: self.window.open_path(p)).setToolTip(path)
        menu.setEnabled(bool(menu.actions()))


def build_menus(window) -> WindowActions:
    """Create the menu bar of ``window``; return its actions."""
    actions = WindowActions(window)
    _file_menu(window, actions)
    _edit_menu(window, actions)
    _view_menu(window, actions)
    _run_menu(window, actions)
    build_help_menu(window, actions)
    actions.update_recent()
    return actions


def _file_menu(window, a: WindowActions) -> None:
    menu = window.menuBar().addMenu("&File")
    a.add(menu, "&Open C trace or C image\u2026", window.open_dialog, ["Ctrl+O"],
          "Load a C trace log (compare traces) or a C image (compare images); or drop it on the window")
    a.add(menu, "Open image to &view\u2026", window.view_image_dialog, ["Ctrl+Shift+O"],
          "Any image fabio reads, or raw float32 (shape from <rows>x<cols> in its name)")
    a.add(menu, "Open &series\u2026", window.series_bar.open_dialog, [],
          "A series: its series_manifest.json, an NXmx master or one numbered CBF/SMV frame: frame slider and playback")
    a.recent_menu = menu.addMenu("Open &recent")
    menu.addSeparator()
    a.add(menu, "&Export image\u2026", window.export_image_dialog, ["Ctrl+E"],
          "SMV, CBF, EDF, TIFF, raw float32 or a PNG of the view")
    a.add(menu, "Export &figure\u2026", window.export_figure_dialog, ["Ctrl+Shift+F"],
          "The view at data resolution with colour bar, rings and title: PNG, TIFF or SVG")
    a.add(menu, "Export trace &comparison\u2026", window.export_comparison_dialog, ["Ctrl+Shift+E"],
          "The comparison table as text, CSV or JSON")
    menu.addSeparator()
    a.add(menu, "Built-in e&xample", window.controller.open_example, [],
          "The triclinic_misset golden case with its C trace log")
    restore = a.add(menu, "&Start on the last parameters", lambda: None, [],
                    "Next start: reopen the last parameters (output flags left out) instead of the example")
    restore.setCheckable(True)
    restore.setChecked(window.settings.restore_session())
    restore.toggled.connect(window.settings.set_restore_session)
    menu.addSeparator()
    a.add(menu, "&Quit", window.close, ["Ctrl+Q"])


def _edit_menu(window, a: WindowActions) -> None:
    menu = window.menuBar().addMenu("&Edit")
    a.add(menu, "&Copy command line", window.command_bar.copy_command, ["Ctrl+Shift+C"],
          "The current parameters as a nanoBragg command line")
    a.add(menu, "&Paste command line", window.paste_command, ["Ctrl+Shift+V"],
          "Set every parameter from a nanoBragg command line on the clipboard")


def _view_menu(window, a: WindowActions) -> None:
    menu = window.menuBar().addMenu("&View")
    a.add(menu, "&Reset zoom", window.image_panel.reset_zoom, ["Ctrl+0", "A"])
    a.add(menu, "&Zoom to traced pixel", window.image_panel.zoom_to_spot, ["Z"],
          "Centre the view on the traced pixel, 25 pixels across")
    a.add(menu, "&Auto-contrast", window.image_panel.auto_contrast, ["Ctrl+Shift+A"])
    menu.addSeparator()
    for text, field, key in (("Beam &centre", "show_beam", "B"), ("Resolution &rings", "show_rings", "R")):
        _toggle(window, a, menu, text, field, key)
    menu.addSeparator()
    menu.addAction(window.params_dock.toggleViewAction())
    menu.addAction(window.trace_dock.toggleViewAction())
    menu.addAction(window.inspect_dock.toggleViewAction())
    menu.addAction(window.plots_dock.toggleViewAction())
    menu.addAction(window.line_trace_dock.toggleViewAction())
    menu.addAction(window.series_dock.toggleViewAction())
    a.add(menu, "Reset &layout", window.reset_layout, [], "Put the panels back where they start")


def _run_menu(window, a: WindowActions) -> None:
    menu = window.menuBar().addMenu("&Simulation")
    a.add(menu, "&Simulate again", window.controller.simulate, ["F5"])
    a.add(menu, "&Cancel", window.controller.cancel, ["Esc"])
    a.add(menu, "&Trace pixel under the mouse", window.trace_hovered, ["T"])
    for text, key, step in (("left", "Left", (0, -1)), ("right", "Right", (0, 1)), ("up", "Up", (-1, 0)),
                            ("down", "Down", (1, 0))):
        a.add(menu, f"Move the traced pixel {text}", lambda step=step: window.move_traced(*step), [key],
              image_only=True)


def _toggle(window, a: WindowActions, menu, text: str, field: str, key: str) -> None:
    """A checkable action bound to the boolean ``field`` of the window's display settings."""
    display = window.display
    action = a.add(menu, text, lambda: display.update(**{field: not getattr(display.value, field)}), [key])
    action.setCheckable(True)
    action.setChecked(getattr(display.value, field))
    display.display_changed.connect(lambda value: action.setChecked(getattr(value, field)))
