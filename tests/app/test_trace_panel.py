"""Click-to-trace and the comparison with the C trace: agreement, divergence, mismatch, filter."""

from dataclasses import replace

from PyQt6.QtCore import Qt

from sim.trace.compare import AGREE, DIFFER, OURS_ONLY

from app.trace_summary import AGREE as AGREE_BANNER
from app.trace_summary import DIVERGENCE, HINT, MISMATCH, ONE_SIDED
from app.widgets.trace_table import FIRST_BACKGROUND
from tests.app.helpers import click_pixel, wait_idle


def _trace(qtbot, window, slow, fast):
    window.controller.trace(slow, fast)
    wait_idle(qtbot, window.controller)


def test_clicked_pixel_fills_the_table_for_that_pixel(qtbot, make_window, fast_args):
    window = make_window(fast_args)
    panel = window.image_panel
    panel.view_box.setRange(xRange=(268, 274), yRange=(362, 368), padding=0)
    qtbot.wait(20)
    click_pixel(qtbot, panel, 271.5, 365.5)
    wait_idle(qtbot, window.controller)
    table = window.trace_panel.table_model
    assert window.trace_panel.title.text() == "Trace of pixel (slow 365, fast 271)"
    assert table.rowCount() > 50
    assert window.state.comparison.pixel == (365, 271)
    assert {r.status for r in table.rows} == {OURS_ONLY}  # no C trace loaded yet
    assert window.trace_panel.banner_kind == ONE_SIDED


def test_golden_c_trace_agrees_everywhere(qtbot, make_window, fast_args, example_log, message_boxes):
    window = make_window(fast_args)
    assert window.controller.load_c_trace(str(example_log))
    assert window.trace_panel.banner_kind == HINT  # C loaded, nothing traced yet
    _trace(qtbot, window, 368, 262)
    comparison = window.state.comparison
    assert comparison.first_divergence is None
    assert comparison.shared_count > 100
    assert all(r.status != DIFFER for r in comparison.rows)
    assert window.trace_panel.banner_kind == AGREE_BANNER
    assert "agree" in window.trace_panel.banner_text.text()
    assert message_boxes == []


def test_planted_divergence_is_found_highlighted_and_shown(qtbot, make_window, fast_args, unrecorded_log):
    window = make_window(fast_args)
    window.controller.load_c_trace(str(unrecorded_log))
    _trace(qtbot, window, 368, 262)
    config = window.state.config
    window.state.set_config(replace(config, beam=replace(config.beam, wavelength_A=1.0 + 1e-6)))
    wait_idle(qtbot, window.controller)  # re-simulates, then re-traces the same pixel
    qtbot.waitUntil(lambda: window.state.comparison.first_divergence is not None)
    first = window.state.comparison.first_divergence
    assert first.name == "lambda_meters"
    panel = window.trace_panel
    assert panel.banner_kind == DIVERGENCE
    assert "lambda_meters" in panel.banner_text.text()
    model = panel.table_model
    assert model.rows[model.first] is first
    first_index = model.index(model.first, 0)
    assert model.data(first_index, Qt.ItemDataRole.FontRole).bold()
    assert model.data(first_index, Qt.ItemDataRole.BackgroundRole).color().name() == FIRST_BACKGROUND
    current = panel.table.currentIndex()
    assert panel.filter.mapToSource(current).row() == model.first
    assert panel.table.viewport().rect().intersects(panel.table.visualRect(current))  # scrolled to


def test_mismatched_pixel_says_so_and_jumps_to_the_log_pixel(qtbot, make_window, fast_args, example_log):
    window = make_window(fast_args)
    window.controller.load_c_trace(str(example_log))
    _trace(qtbot, window, 370, 270)
    panel = window.trace_panel
    assert panel.banner_kind == MISMATCH
    assert "(368, 262)" in panel.banner_text.text() and "(370, 270)" in panel.banner_text.text()
    assert not any(r.status == AGREE for r in window.state.comparison.rows)
    assert panel.banner_button.isVisibleTo(panel)
    panel.banner_button.click()
    wait_idle(qtbot, window.controller)
    assert window.state.pixel == (368, 262)
    assert window.state.comparison.first_divergence is None
    assert panel.banner_kind == AGREE_BANNER


def test_filter_box_narrows_rows(qtbot, make_window, fast_args, example_log):
    window = make_window(fast_args)
    window.controller.load_c_trace(str(example_log))
    _trace(qtbot, window, 368, 262)
    panel = window.trace_panel
    everything = panel.filter.rowCount()
    panel.search.setText("f_LATT_")
    names = {panel.table_model.rows[panel.filter.mapToSource(panel.filter.index(i, 0)).row()].name
             for i in range(panel.filter.rowCount())}
    assert names == {"F_latt_a", "F_latt_b", "F_latt_c"}
    panel.search.setText("")
    panel.differences_only.setChecked(True)
    assert 0 < panel.filter.rowCount() < everything  # only the one-sided rows are left
    panel.differences_only.setChecked(False)
    assert panel.filter.rowCount() == everything


def test_one_side_only_quantities_are_labelled(qtbot, make_window, fast_args, example_log):
    window = make_window(fast_args)
    window.controller.load_c_trace(str(example_log))
    _trace(qtbot, window, 368, 262)
    model = window.trace_panel.table_model
    ours_only = [i for i, r in enumerate(model.rows) if r.status == OURS_ONLY]
    assert {model.rows[i].name for i in ours_only} >= {"subpixel_index", "background_I"}
    assert model.data(model.index(ours_only[0], 6)) == "ours only"
    assert model.data(model.index(ours_only[0], 3)) == ""


def test_c_trace_alone_shows_the_log_and_its_pixel(qtbot, make_window, fast_args, example_log):
    window = make_window(fast_args)
    window.controller.load_c_trace(str(example_log))
    panel = window.trace_panel
    assert "trace_s368_f262.log" in panel.source.text() and "(368, 262)" in panel.source.text()
    assert panel.table_model.rowCount() > 100
    assert panel.banner_button.text() == "Trace (368, 262)"


def test_tolerance_can_be_loosened(qtbot, make_window, fast_args, unrecorded_log):
    window = make_window(fast_args)
    window.controller.load_c_trace(str(unrecorded_log))
    config = window.state.config
    window.state.set_config(replace(config, beam=replace(config.beam, wavelength_A=1.0 + 1e-6)))
    wait_idle(qtbot, window.controller)
    _trace(qtbot, window, 368, 262)
    assert window.state.comparison.first_divergence is not None
    window.trace_panel.rtol.setText("1e-3")
    window.trace_panel.rtol.editingFinished.emit()
    assert window.state.comparison.first_divergence is None


def test_failed_trace_says_why_in_the_banner(qtbot, make_window, fast_args, message_boxes):
    window = make_window(fast_args)
    window.state.select_pixel((1, 1))
    window.state.set_trace_problem("no structure factors")
    assert "Could not trace pixel (1, 1): no structure factors" in window.trace_panel.banner_text.text()


def test_pixel_off_a_smaller_detector_is_dropped(qtbot, make_window, fast_args):
    window = make_window(fast_args)
    window.controller.trace(368, 262)
    wait_idle(qtbot, window.controller)
    window.controller.apply_command(" ".join(fast_args[:-5] + ["-detpixels", "64"]))
    wait_idle(qtbot, window.controller)
    assert window.state.shape == (64, 64)
    assert window.state.pixel is None and window.trace_panel.banner_kind == HINT


def test_selected_rows_copy_to_the_clipboard(qtbot, make_window, fast_args, example_log):
    from PyQt6.QtWidgets import QApplication

    window = make_window(fast_args)
    window.controller.load_c_trace(str(example_log))
    _trace(qtbot, window, 368, 262)
    panel = window.trace_panel
    panel.search.setText("lambda_meters")
    panel.table.selectRow(0)
    panel.copy_selected_rows()
    assert QApplication.clipboard().text().split("\t")[:4] == ["lambda_meters [0]", "m", "1e-10", "1e-10"]
