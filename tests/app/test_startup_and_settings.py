"""Start-up on the built-in example, settings kept between runs, drops and shortcuts."""

import argparse
import shlex

from PyQt6.QtCore import QMimeData, QPointF, Qt, QUrl
from PyQt6.QtGui import QDropEvent

from sim.cli.args import format_command

from app.example import EXAMPLE_PIXEL, example_config
from app.main import open_window
from app.settings import Settings
from app.trace_summary import HINT
from tests.app.helpers import hover_pixel, wait_idle


def _options(**given):
    names = ("args", "c_trace", "c_image", "c_binary", "series")
    return argparse.Namespace(**{n: given.get(n) for n in names})


def _open(qtbot, settings, **given):
    window = open_window(_options(**given), settings)
    qtbot.addWidget(window)
    window.show()
    return window


def test_first_start_opens_the_example_with_its_c_trace_and_a_hint(qtbot, settings):
    window = _open(qtbot, settings)
    assert window.state.config == example_config()
    assert window.state.c_trace.pixel == EXAMPLE_PIXEL
    assert window.trace_panel.banner_kind == HINT
    assert "Click a pixel to trace it" in window.trace_panel.banner_text.text()
    wait_idle(qtbot, window.controller)
    assert window.state.result.image.shape == (512, 512)
    window.controller.shutdown()


def test_last_parameters_layout_and_recent_files_come_back(qtbot, settings, fast_args, example_log):
    window = _open(qtbot, settings, args=shlex.join(fast_args + ["-lambda", "1.2", "-floatfile", "out.bin"]))
    wait_idle(qtbot, window.controller)
    window.open_path(str(example_log))
    window.params_dock.hide()
    restore = next(a for a in window.actions() if a.text() == "&Start on the last parameters")
    assert not restore.isChecked()
    restore.trigger()
    window.close()
    assert settings.recent_files() == [str(example_log.resolve())]

    again = _open(qtbot, settings)
    assert again.state.config.beam.wavelength_A == 1.2
    assert again.state.config.output.floatfile is None  # never with output flags
    assert "-floatfile" in settings.last_command() and "-floatfile" not in format_command(again.state.config)
    assert again.state.c_trace is None  # not the example: its log is not preloaded
    assert not again.params_dock.isVisible()
    assert again.window_actions.recent_menu.actions()[0].text() == example_log.name
    wait_idle(qtbot, again.controller)
    again.close()


def test_a_later_start_shows_the_example_unless_the_user_chose_the_last_parameters(qtbot, settings, fast_args):
    settings.set_last_command(shlex.join(["nanoBragg"] + fast_args + ["-lambda", "1.2"]))
    window = _open(qtbot, settings)
    assert window.state.config == example_config()
    window.controller.shutdown()


def test_unreadable_last_parameters_fall_back_to_the_example(qtbot, settings):
    settings.set_restore_session(True)
    settings.set_last_command("nanoBragg -cell 1 2")
    window = _open(qtbot, settings)
    assert window.state.config == example_config()
    window.controller.shutdown()


def test_user_settings_are_redirected_in_tests(isolated_settings):
    path = Settings().qsettings.fileName()
    assert path.startswith(str(isolated_settings))


def test_dropping_a_log_loads_it(qtbot, make_window, fast_args, example_log):
    window = make_window(fast_args)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(example_log))])
    event = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.NoButton,
                       Qt.KeyboardModifier.NoModifier)
    window.dropEvent(event)
    assert window.state.c_trace.pixel == EXAMPLE_PIXEL


def test_t_traces_the_hovered_pixel_and_a_resets_zoom(qtbot, make_window, fast_args):
    window = make_window(fast_args)
    panel = window.image_panel
    hover_pixel(qtbot, panel, 368.5, 262.5, x_range=(260, 266), y_range=(366, 372))
    window.activateWindow()
    window.image_panel.graphics.setFocus()
    qtbot.keyClick(window.image_panel.graphics, Qt.Key.Key_T)
    wait_idle(qtbot, window.controller)
    assert window.state.pixel == (368, 262)
    qtbot.keyClick(window.image_panel.graphics, Qt.Key.Key_A)
    (x0, x1), (y0, y1) = panel.view_box.viewRange()
    assert x1 - x0 >= 512 or y1 - y0 >= 512


def test_shortcuts_are_bound(qtbot, make_window, fast_args):
    window = make_window(fast_args)
    keys = {s.toString() for a in window.actions() for s in a.shortcuts()}
    image_keys = {s.toString() for a in window.image_panel.graphics.actions() for s in a.shortcuts()}
    assert {"Ctrl+O", "Ctrl+E", "Ctrl+0", "F1"} <= keys and {"T", "A", "B", "R"} <= image_keys
    assert not keys & {"T", "A", "B", "R"}


def test_single_key_shortcuts_act_only_when_the_image_has_focus(qtbot, make_window, fast_args):
    window = make_window(fast_args)
    window.activateWindow()
    edit = window.params_panel.editors["default_F"][0]
    edit.setFocus()
    edit.clear()
    for key in (Qt.Key.Key_B, Qt.Key.Key_R):
        qtbot.keyClick(edit, key)
    assert edit.text() == "br" and window.display.value.show_beam and window.display.value.show_rings
    window.image_panel.graphics.setFocus()
    qtbot.keyClick(window.image_panel.graphics, Qt.Key.Key_B)
    assert not window.display.value.show_beam


def test_help_lists_shortcuts_quick_start_and_versions(qtbot, make_window, fast_args):
    import torch  # the test may; the viewer asks its worker

    from app.widgets.help import about_markdown, quick_start_markdown, shortcuts

    window = make_window(fast_args)
    rows = dict((what, keys) for keys, what in shortcuts(window))
    assert rows["Trace pixel under the mouse"] == "T (image focused)"
    assert rows["Reset zoom"] == "Ctrl+0 or A (image focused)"
    help_menu = window.menuBar().actions()[-1].menu()
    assert [a.text() for a in help_menu.actions()] == ["&Keyboard shortcuts", "&Quick start",
                                                       "&About nanoBragg Studio"]
    help_menu.actions()[0].trigger()
    assert "Trace pixel under the mouse" in window.help_dialogs["Keyboard shortcuts"].browser.toPlainText()
    assert "python main.py" in quick_start_markdown() and "## The viewer" in quick_start_markdown()
    about = about_markdown()
    assert torch.__version__ in about and "| Qt |" in about and "| devices | cpu" in about


def test_pasted_command_line_sets_everything(qtbot, make_window, fast_args):
    window = make_window(fast_args)
    line = "nanoBragg " + shlex.join(fast_args + ["-distance", "80", "-trace_pixel", "370", "270"])
    window.command_bar.edit.setText(line)
    window.command_bar.edit.returnPressed.emit()
    wait_idle(qtbot, window.controller)
    assert window.state.config.detector.distance_mm == 80
    assert window.params_panel.editors["distance"][0].text() == "80"
    assert window.state.pixel == (370, 270)
    assert window.command_bar.edit.text() == format_command(window.state.config)


def test_preloaded_c_trace_pixel_is_marked_on_the_image(qtbot, settings):
    window = _open(qtbot, settings)
    x, y = window.image_panel.overlays.c_pixel.getData()
    assert [list(x), list(y)] == [[EXAMPLE_PIXEL[1] + 0.5], [EXAMPLE_PIXEL[0] + 0.5]]
    window.controller.shutdown()


def test_overlay_toggles_follow_the_display_settings(qtbot, make_window, fast_args):
    window = make_window(fast_args)
    overlays = window.image_panel.overlays
    assert overlays.rings and overlays.beam.isVisible()
    window.image_panel.controls.rings.setChecked(False)
    assert overlays.rings == []
    window.activateWindow()
    window.image_panel.graphics.setFocus()
    qtbot.keyClick(window.image_panel.graphics, Qt.Key.Key_B)
    assert not window.display.value.show_beam and not overlays.beam.isVisible()
    rings = next(a for a in window.menuBar().actions()[2].menu().actions() if "rings" in a.text())
    assert not rings.isChecked()
