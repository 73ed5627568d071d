"""Bad input gives a message box with the one-line reason, and nothing the user had is lost."""

from tests.app.helpers import wait_idle


def _snapshot(window):
    s = window.state
    return s.config, s.result, s.c_trace, s.our_trace, s.pixel


def _traced(qtbot, make_window, fast_args, example_log):
    window = make_window(fast_args)
    window.controller.load_c_trace(str(example_log))
    window.controller.trace(368, 262)
    wait_idle(qtbot, window.controller)
    return window


def test_bad_trace_log_shows_why_and_keeps_everything(qtbot, make_window, fast_args, example_log,
                                                      tmp_path, message_boxes):
    window = _traced(qtbot, make_window, fast_args, example_log)
    before = _snapshot(window)
    bad = tmp_path / "broken.log"
    bad.write_text("TRACE_C: hkl_frac 1 2\n")
    window.open_path(str(bad))
    assert len(message_boxes) == 1 and "broken.log" in message_boxes[0]
    assert _snapshot(window) == before
    assert window.state.comparison.first_divergence is None


def test_missing_file_shows_why(qtbot, make_window, fast_args, tmp_path, message_boxes):
    window = make_window(fast_args)
    window.open_path(str(tmp_path / "nothing.log"))
    window.open_path(str(tmp_path / "nothing.bin"))
    assert len(message_boxes) == 2
    assert all("no such file" in m.lower() for m in message_boxes)


def test_bad_c_image_shows_why(qtbot, make_window, fast_args, tmp_path, message_boxes):
    window = make_window(fast_args)
    wrong = tmp_path / "small.bin"
    wrong.write_bytes(b"\0" * 100)
    window.open_path(str(wrong))
    assert "the C image is 5 x 5 pixels (slow x fast) but ours is 512 x 512" in message_boxes[0]
    assert window.state.reference is None


def test_bad_command_line_shows_why_and_keeps_parameters(qtbot, make_window, fast_args, example_log,
                                                         message_boxes):
    window = _traced(qtbot, make_window, fast_args, example_log)
    before = _snapshot(window)
    window.command_bar.edit.setText("nanoBragg -cell 70 80 -lambda")
    window.command_bar.apply.click()
    assert len(message_boxes) == 1 and message_boxes[0].startswith("command line:")
    assert _snapshot(window) == before
    assert window.command_bar.edit.text() == "nanoBragg -cell 70 80 -lambda"  # left to fix


def test_failed_simulation_restores_the_parameters_of_the_image(qtbot, make_window, fast_args,
                                                                tmp_path, message_boxes):
    window = make_window(fast_args)
    before = _snapshot(window)
    window.command_bar.edit.setText(" ".join(fast_args + ["-hkl", str(tmp_path / "missing.hkl")]))
    window.command_bar.apply.click()
    wait_idle(qtbot, window.controller)
    qtbot.waitUntil(lambda: bool(message_boxes))
    assert "missing.hkl" in message_boxes[0]
    assert _snapshot(window) == before
    assert window.params_panel.editors["hkl"][0].text() == ""



def test_a_bug_in_a_slot_is_one_line_and_one_dialog_never_a_traceback(qtbot, make_window, fast_args,
                                                                       message_boxes, capsys):
    from app.main import report_internal_error

    make_window(fast_args)
    try:
        raise ZeroDivisionError("division by zero")
    except ZeroDivisionError as err:
        report_internal_error(type(err), err, err.__traceback__)
    err_lines = capsys.readouterr().err.strip().splitlines()
    assert err_lines == ["nanobragg-studio: internal error, please report it with the command line: "
                         "ZeroDivisionError: division by zero"]
    assert len(message_boxes) == 1 and "ZeroDivisionError" in message_boxes[0]
