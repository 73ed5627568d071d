"""The main window: the command line on top, the image in the centre, parameters and trace in docks.

It wires the panels to the controller, owns the menus and shortcuts, the status bar
(hover readout, progress, cancel), drag and drop, error dialogs and the saved layout.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PyQt6.QtCore import Qt, QTimer
from PyQt6.QtWidgets import (QApplication, QDockWidget, QFileDialog, QLabel, QMainWindow, QMessageBox,
                             QProgressBar, QPushButton, QToolBar)

from sim.cli.args import format_command

from ..display import THEIRS, DisplaySettings
from ..readout import readout
from .command_bar import CommandBar
from .explain_panel import ExplainPanel
from .image_panel import ImagePanel
from .inspect_panel import InspectPanel
from .layout import apply_default_layout
from .line_trace_panel import LineTracePanel
from .menus import build_menus
from .params_panel import ParamsPanel
from .png_export import FIGURE_FORMATS, save_figure
from .series_bar import SeriesBar
from .trace_panel import TracePanel
from .trace_plots import TracePlots

TITLE = "nanoBragg Studio"
OPEN_FILTERS = ("C trace logs (*.log *.txt *.trace);;C images (*.bin *.f32 *.raw *.img *.smv "
                "*.cbf *.edf *.tif *.tiff);;All files (*)")
IMAGE_FILTERS = {"SMV, C scaling (*.img)": ".img", "CBF, integer counts (*.cbf)": ".cbf",
                 "NeXus NXmx, integer counts (*.h5)": ".h5",
                 "EDF, float32 (*.edf)": ".edf", "TIFF, float32 (*.tif)": ".tif",
                 "Raw float32 (*.bin)": ".bin", "PNG figure of the view (*.png)": ".png",
                 "SVG figure of the view (*.svg)": ".svg"}
FIGURE_FILTERS = {"PNG (*.png)": ".png", "TIFF, 8-bit RGB (*.tiff)": ".tiff", "SVG (*.svg)": ".svg"}
VIEW_FILTERS = ("Images (*.img *.smv *.cbf *.edf *.tif *.tiff *.h5 *.nxs *.mccd *.mar* *.bin *.f32 *.raw);;"
                "All files (*)")
NOTE_SECONDS = 10


class MainWindow(QMainWindow):
    """The viewer window for ``state``, acting through ``controller``."""

    def __init__(self, state, controller, settings, devices, display=None) -> None:
        super().__init__()
        self.state, self.controller, self.settings = state, controller, settings
        self.display = display or DisplaySettings()
        self.dialogs = True
        self.setWindowTitle(TITLE)
        self.image_panel = ImagePanel(state, self.display)
        self.params_panel = ParamsPanel(state, devices)
        self.trace_panel = TracePanel(state)
        self.command_bar = CommandBar(state)
        self._build_centre()
        self._build_docks()
        self._build_status_bar()
        self.window_actions = build_menus(self)
        self._connect()
        self.setAcceptDrops(True)
        self._fit_to_screen(1800, 1000)
        self._layout_restored = settings.restore_window(self)
        self.set_c_binary(settings.c_binary())

    def _fit_to_screen(self, width: int, height: int) -> None:
        screen = self.screen().availableGeometry()
        self.resize(min(width, screen.width()), min(height, screen.height()))

    def _build_centre(self) -> None:
        bar = QToolBar("Command line")
        bar.setObjectName("command line")
        bar.setMovable(False)
        bar.addWidget(self.command_bar)
        self.addToolBar(bar)
        self.setCentralWidget(self.image_panel)

    def _build_docks(self) -> None:
        self.params_dock = self._dock("Parameters", self.params_panel, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.trace_dock = self._dock("Trace: ours vs C", self.trace_panel, Qt.DockWidgetArea.RightDockWidgetArea)
        self.inspect_panel = InspectPanel(self.image_panel)
        self.inspect_dock = self._dock("Inspect", self.inspect_panel, Qt.DockWidgetArea.RightDockWidgetArea)
        self.plots_dock = self._dock("Trace plots", TracePlots(self.state), Qt.DockWidgetArea.RightDockWidgetArea)
        self.line_trace_dock = self._dock("Trace along line", LineTracePanel(self.state, self.inspect_panel),
                                          Qt.DockWidgetArea.RightDockWidgetArea)
        self.explain_panel = ExplainPanel(self.state)
        self.explain_dock = self._dock("Explain difference", self.explain_panel, Qt.DockWidgetArea.RightDockWidgetArea)
        for dock in (self.inspect_dock, self.plots_dock, self.line_trace_dock, self.explain_dock):
            self.tabifyDockWidget(self.trace_dock, dock)  # stacked, they would need 800 px
        self.trace_dock.raise_()
        self.explain_panel.error.connect(self.show_error)
        self.series_bar = SeriesBar(self.state, self.display)
        self.series_dock = self._dock("Series", self.series_bar, Qt.DockWidgetArea.BottomDockWidgetArea)
        self.series_bar.error.connect(self.show_error)
        self.series_bar.opened.connect(self.series_dock.show)
        self.series_dock.hide()  # until a series is opened

    def _dock(self, title: str, widget, area) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(title)
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        return dock

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.readout = QLabel()
        self.note = QLabel()
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setMaximumWidth(180)
        self.progress.setFormat("simulating %p%")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop the simulation (Esc); the image on show is kept")
        bar.addPermanentWidget(self.readout, 1)
        bar.addPermanentWidget(self.note)
        bar.addPermanentWidget(self.progress)
        bar.addPermanentWidget(self.cancel_button)
        self._note_timer = QTimer(self, singleShot=True, interval=NOTE_SECONDS * 1000)
        self._note_timer.timeout.connect(self.note.clear)
        self._on_busy_changed(False)

    def _connect(self) -> None:
        c, s = self.controller, self.state
        c.error.connect(self.show_error)
        c.status.connect(self.show_note)
        c.simulations.busy_changed.connect(self._on_busy_changed)
        c.simulations.busy_changed.connect(self.image_panel.set_simulating)
        c.simulations.progress.connect(lambda f: self.progress.setValue(int(f * 1000)))
        c.traces.busy_changed.connect(lambda busy: self._on_work_changed(busy, "tracing\u2026"))
        c.live_c.busy_changed.connect(lambda busy: self._on_work_changed(busy, "running the C program\u2026"))
        c.live_c.busy_changed.connect(self.trace_panel.set_live_c_running)
        c.live_c.progress.connect(self.trace_panel.set_live_c_status)
        self.cancel_button.clicked.connect(c.cancel)
        self.image_panel.pixel_clicked.connect(c.trace)
        self.image_panel.pixel_hovered.connect(self._on_hovered)
        self.image_panel.hover_left.connect(self.readout.clear)
        self.command_bar.command_entered.connect(self._on_command_entered)
        self.trace_panel.load_requested.connect(self.open_dialog)
        self.trace_panel.export_requested.connect(self.export_comparison_dialog)
        self.trace_panel.jump_requested.connect(self._on_jump)
        self.trace_panel.c_binary_changed.connect(self.set_c_binary)
        self.trace_panel.browse_c_binary_requested.connect(self._browse_c_binary)
        s.image_changed.connect(self._on_image_changed)

    def show_error(self, message: str) -> None:
        """Tell the user what went wrong: a dialog, or stderr in scripted mode."""
        if self.dialogs:
            QMessageBox.warning(self, TITLE, message)
        else:
            print(f"nanobragg-studio: {message}", file=sys.stderr)

    def show_note(self, message: str) -> None:
        self.note.setText(message)
        self._note_timer.start()

    def open_path(self, path: str) -> None:
        if self.controller.open_file(path):
            self.settings.add_recent_file(str(Path(path).resolve()))
            self.window_actions.update_recent()

    def open_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open a C trace log or C image", "", OPEN_FILTERS)
        if path:
            self.open_path(path)

    def view_image_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open an image to view", "", VIEW_FILTERS)
        if path:
            self.view_image(path)

    def view_image(self, path: str) -> bool:
        """Show any image file (fabio formats, raw float32) in the C view."""
        if not self.controller.view_image(path):
            return False
        self.display.update(view=THEIRS)
        self.settings.add_recent_file(str(Path(path).resolve()))
        self.window_actions.update_recent()
        return True

    def export_image_dialog(self) -> None:
        path, chosen = QFileDialog.getSaveFileName(self, "Export the image", "image.img",
                                                   ";;".join(IMAGE_FILTERS))
        if path:
            if not Path(path).suffix:
                path += IMAGE_FILTERS.get(chosen, ".img")
            self.export_image(path)

    def export_image(self, path: str) -> bool:
        """Write the image to ``path``; a .png or .svg is the view as a figure at data resolution."""
        if Path(path).suffix.lower() not in (".png", ".svg"):
            return self.controller.export_image(path)
        return self.export_figure(path)

    def export_figure_dialog(self) -> None:
        path, chosen = QFileDialog.getSaveFileName(self, "Export the view as a figure", "figure.png",
                                                   ";;".join(FIGURE_FILTERS))
        if path:
            self.export_figure(path if Path(path).suffix.lower() in FIGURE_FORMATS
                               else path + FIGURE_FILTERS.get(chosen, ".png"))

    def export_figure(self, path: str) -> bool:
        """Write the view as a figure (PNG, TIFF or SVG by the suffix, ``png_export``)."""
        fig = self.image_panel.figure()
        problem = "no image to export yet" if fig is None else save_figure(path, fig)
        if problem:
            self.show_error(problem)
            return False
        self.show_note(f"wrote {path}")
        return True

    def export_comparison_dialog(self, fmt: str = "json") -> None:
        name = f"trace_comparison.{fmt}"
        path, _ = QFileDialog.getSaveFileName(self, "Export the trace comparison", name,
                                              "Text (*.txt);;CSV (*.csv);;JSON (*.json)")
        if path:
            self.controller.export_comparison(path if Path(path).suffix else f"{path}.{fmt}",
                                              self.explain_panel.current_sensitivity())

    def trace_hovered(self) -> None:
        if self.image_panel.hovered is not None:
            self.controller.trace(*self.image_panel.hovered)

    def move_traced(self, d_slow: int, d_fast: int) -> None:
        """Trace the pixel next to the traced one (arrow keys)."""
        if self.state.pixel is not None:
            self.controller.trace(self.state.pixel[0] + d_slow, self.state.pixel[1] + d_fast)

    def paste_command(self) -> None:
        self._on_command_entered(QApplication.clipboard().text())

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not self._layout_restored:
            self._layout_restored = True
            self.reset_layout()

    def reset_layout(self) -> None:
        """The default dock layout for the window's size (View > Reset layout)."""
        apply_default_layout(self)

    def dragEnterEvent(self, event) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        for url in event.mimeData().urls():
            if url.isLocalFile():
                self.open_path(url.toLocalFile())
        event.acceptProposedAction()

    def closeEvent(self, event) -> None:
        self.line_trace_dock.widget().task.stop()
        self.controller.shutdown()
        self.settings.save_window(self)
        self.settings.sync()
        super().closeEvent(event)

    def _on_command_entered(self, text: str) -> None:
        if self.controller.apply_command(text):
            self.command_bar.refresh()

    def _on_jump(self, slow: int, fast: int) -> None:
        self.controller.trace(slow, fast)

    def _on_hovered(self, slow: int, fast: int) -> None:
        self.readout.setText(readout(self.state, slow, fast, self.display.value.view))

    def _on_busy_changed(self, busy: bool) -> None:
        self.progress.setVisible(busy)
        self.cancel_button.setVisible(busy)
        self.progress.setValue(0)

    def _on_work_changed(self, busy: bool, message: str) -> None:
        if busy:
            self.show_note(message)
        elif self.note.text() == message:
            self.note.clear()

    def _on_image_changed(self, result) -> None:
        if self.image_panel.hovered is not None:
            self._on_hovered(*self.image_panel.hovered)
        if result is not None:
            self.settings.set_last_command(format_command(result.model.config))

    def set_c_binary(self, path: str) -> None:
        """Use the instrumented C binary at ``path`` for live traces ('' for none)."""
        self.controller.c_binary = path
        self.trace_panel.set_c_binary(path)
        self.settings.set_c_binary(path)

    def _browse_c_binary(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Instrumented nanoBragg binary")
        if path:
            self.set_c_binary(path)
