"""The "Explain difference" dock: the fit runs in the background and reports; the clicked
pixel's sensitivity fills the table and goes into the trace export; without a comparison
image, one message box."""

from __future__ import annotations

import csv
import json

from tests.app.helpers import wait_idle
from tests.golden import load_case


def test_explain_finds_a_changed_distance(qtbot, make_window, fast_args, message_boxes):
    window = make_window(fast_args + ["-distance", "100.5"])
    assert window.controller.load_c_image(str(load_case("triclinic_misset").image_path))
    panel = window.explain_panel
    panel.groups.setText("distance,beam,scale")
    with qtbot.waitSignal(panel.fit.finished, timeout=300000):
        panel.explain_button.click()
    text = panel.report.toPlainText()
    assert "The other image matches ours if:" in text and "-distance" in text.split("all fitted")[0]
    assert panel.progress.value() == 100 and panel.explain_button.isEnabled()
    assert message_boxes == []


def test_selecting_a_pixel_shows_its_sensitivity_and_the_trace_export_carries_it(
        qtbot, make_window, fast_args, example_log, tmp_path):
    window = make_window(fast_args)
    panel = window.explain_panel
    window.controller.load_c_trace(str(example_log))
    with qtbot.waitSignal(panel.sensitivity.finished, timeout=60000):
        window.controller.trace(368, 262)
    wait_idle(qtbot, window.controller)
    flags = [panel.table.item(i, 0).text() for i in range(panel.table.rowCount())]
    assert "-distance" in flags and "-detector_rotx" in flags and "-fluence" in flags
    assert "(slow 368, fast 262)" in panel.pixel_label.text()
    sensitivity = panel.current_sensitivity()
    assert sensitivity.pixel == (368, 262) and [r.flag for r in sensitivity.rows] == flags
    for suffix in (".txt", ".csv", ".json"):
        assert window.controller.export_comparison(str(tmp_path / f"t{suffix}"), sensitivity)
    data = json.loads((tmp_path / "t.json").read_text())
    assert data["sensitivity"]["pixel"] == [368, 262] and data["first_divergence"] is None
    assert [p["name"] for p in data["sensitivity"]["parameters"]] == flags
    assert len(list(csv.DictReader((tmp_path / "t.csv").read_text().splitlines()))) == len(data["rows"])
    table = list(csv.DictReader((tmp_path / "t_sensitivity.csv").read_text().splitlines()))
    assert [t["name"] for t in table] == flags
    text = (tmp_path / "t.txt").read_text()
    assert "all 143 shared quantities agree" in text and "SENSITIVITY: -distance" in text
    window.state.select_pixel((369, 262))
    assert panel.current_sensitivity() is None  # another pixel's is not exported as this one's
    with qtbot.waitSignal(panel.sensitivity.finished, timeout=60000):
        pass


def test_an_unknown_parameter_group_shows_one_message(qtbot, make_window, fast_args, message_boxes):
    window = make_window(fast_args)
    assert window.controller.load_c_image(str(load_case("triclinic_misset").image_path))
    window.explain_panel.groups.setText("beam,colour")
    with qtbot.waitSignal(window.explain_panel.fit.failed, timeout=60000):
        window.explain_panel.explain_button.click()
    assert len(message_boxes) == 1 and "colour" in message_boxes[0]


def test_explain_without_a_comparison_image_shows_one_message(make_window, fast_args, message_boxes):
    window = make_window(fast_args)
    window.explain_panel.explain_button.click()
    assert len(message_boxes) == 1 and "Load a C image" in message_boxes[0]
