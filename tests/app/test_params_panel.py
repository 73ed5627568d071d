"""The parameters panel: editors for every parameter, marked errors, auto placeholders, precision."""

from tests.app.helpers import wait_idle


def test_bad_parameter_entry_is_marked_and_changes_nothing(qtbot, make_window, fast_args):
    window = make_window(fast_args)
    config = window.state.config
    edit = window.params_panel.editors["wavelength"][0]
    edit.setText("one")
    edit.editingFinished.emit()
    assert window.state.config == config
    assert "not a number" in edit.toolTip()
    edit.setText("1.5")
    edit.editingFinished.emit()
    assert window.state.config.beam.wavelength_A == 1.5
    assert "not a number" not in edit.toolTip()


def test_precision_switch_resimulates_and_loosens_the_tolerance(qtbot, make_window, fast_args):
    window = make_window(fast_args)
    window.params_panel.dtype.setCurrentText("float32")
    wait_idle(qtbot, window.controller)
    assert window.state.result.dtype == "float32"
    assert window.state.result.image.dtype.name == "float32"
    assert window.state.rtol == 1e-5
    assert window.trace_panel.rtol.text() == "1e-05"


def test_editing_the_cell_resimulates_and_shows_what_auto_chose(qtbot, make_window, fast_args):
    window = make_window(fast_args)
    panel = window.params_panel
    assert panel.editors["oversample"][0].placeholderText() == "auto (2)"
    assert panel.editors["distance"][0].placeholderText() == "auto (100)"
    edit = panel.editors["cell"][0]
    edit.setText("71")
    edit.editingFinished.emit()
    wait_idle(qtbot, window.controller)
    assert window.state.result.model.config.crystal.cell_A_deg[0] == 71
    assert "-cell 71 80 90" in window.command_bar.edit.text()


def test_every_listed_parameter_has_an_editor(qtbot, make_window, fast_args):
    window = make_window(fast_args)
    keys = set(window.params_panel.editors)
    assert {"cell", "misset", "N", "wavelength", "distance", "pixel", "fpixels", "spixels", "beam_x",
            "beam_y", "convention", "pivot", "rot", "twotheta", "mosaic", "mosaic_domains", "phi",
            "osc", "phi_steps", "oversample", "default_F", "hkl", "matrix"} <= keys
    assert window.params_panel.device.currentText() == "cpu"


def test_abc_and_minus_one_are_refused_the_same_inline_way(qtbot, make_window, fast_args, tmp_path,
                                                           message_boxes):
    window = make_window(fast_args)
    panel, config = window.params_panel, window.state.config
    for key, text, reason in (("distance", "abc", "not a number"), ("distance", "-1", "must be positive"),
                              ("N", "-1", "must not be negative"),
                              ("hkl", str(tmp_path / "missing.hkl"), "no such file")):
        edit = panel.editors[key][0]
        edit.setText(text)
        edit.editingFinished.emit()
        assert reason in edit.toolTip() and reason in panel.problem.text() and panel.problem.isVisible()
        assert edit.styleSheet() != ""
        assert window.state.config == config and not window.controller.busy
        edit.setText("")  # optional fields: back to auto; N: its value again
        if key == "N":
            edit.setText("5")
        edit.editingFinished.emit()
    assert not panel.problem.isVisible() and window.state.config == config
    assert message_boxes == []


def test_a_bare_program_name_gives_one_dialog(qtbot, make_window, fast_args, message_boxes):
    window = make_window(fast_args)
    window.command_bar.edit.setText("nanoBragg")
    window.command_bar.apply.click()
    wait_idle(qtbot, window.controller)
    qtbot.wait(200)
    wait_idle(qtbot, window.controller)
    assert len(message_boxes) == 1 and "cell" in message_boxes[0]
