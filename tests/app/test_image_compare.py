"""Comparing our image with the C image: views, statistics, and tracing from the difference map."""

import numpy as np
from fabio.edfimage import EdfImage
from PyQt6.QtCore import QPointF, Qt

from sim.export import smv_counts
from sim.io.floatfile import write_float32
from sim.io.smv import nanobragg_header, write_smv
from sim.io.outputs import smv_geometry

from app.display import DIFFERENCE, OURS, RATIO, THEIRS
from app.example import example_c_image
from app.image_compare import COUNTS, PHOTONS
from sim.agreement import pearson_r
from tests.app.helpers import click_pixel, hover_pixel, wait_idle
from tests.golden import load_case


def test_example_c_image_matches_ours(qtbot, make_window):
    from app.example import example_args

    path = load_case("triclinic_misset").image_path
    assert example_c_image() == path
    window = make_window(example_args())
    assert window.controller.load_c_image(str(path))
    c = window.state.image_comparison
    assert c.units == PHOTONS
    assert c.agreement.within_golden, c.agreement.failures()
    assert "Pearson r" in window.image_panel.stats.text()


def test_views_show_ours_theirs_difference_and_ratio(qtbot, make_window, fast_args, tmp_path):
    window = make_window(fast_args)
    ours = window.state.result.image
    theirs = ours.astype(np.float32) * 2
    write_float32(tmp_path / "c.bin", theirs)
    window.open_path(str(tmp_path / "c.bin"))
    controls = window.image_panel.controls
    shown = {}
    for view in (OURS, THEIRS, DIFFERENCE, RATIO):
        controls.view.setCurrentText(view)
        shown[view] = window.image_panel.item.image.copy()
    assert window.display.value.view == RATIO
    lit = ours > 0
    assert np.allclose(shown[RATIO][lit], 0.5)
    assert (shown[DIFFERENCE][lit] < 0).all()
    assert shown[THEIRS].max() > shown[OURS].max()
    assert window.display.value.active_colormap == "blue-white-red"


def test_c_views_are_disabled_without_a_c_image(qtbot, make_window, fast_args):
    window = make_window(fast_args)
    combo = window.image_panel.controls.view
    assert not combo.model().item(2).isEnabled()


def test_smv_c_image_is_compared_in_counts(qtbot, make_window, fast_args, tmp_path):
    window = make_window(fast_args)
    model = window.state.model  # an SMV image as the C writes it (-intfile counts, ADC offset)
    write_smv(tmp_path / "c.img", smv_counts(window.state.result.image, model),
              nanobragg_header(smv_geometry(model)))
    window.open_path(str(tmp_path / "c.img"))
    c = window.state.image_comparison
    assert c.units == COUNTS
    assert c.max_abs_error == 0 and c.pearson_r == 1.0


def test_an_exported_smv_image_is_compared_with_the_offset_its_header_states(qtbot, make_window, fast_args,
                                                                             tmp_path):
    from sim.export import export_image

    window = make_window(fast_args)  # an export (or series frame) for DIALS: ADC_OFFSET=0
    export_image(tmp_path / "frame.img", window.state.result.image, window.state.model)
    window.open_path(str(tmp_path / "frame.img"))
    c = window.state.image_comparison
    assert window.state.model.config.output.adc_offset != 0
    assert c.units == COUNTS and c.max_abs_error == 0 and c.sum_rel_error == 0


def test_click_on_difference_map_traces_that_pixel(qtbot, make_window, fast_args, tmp_path):
    window = make_window(fast_args)
    write_float32(tmp_path / "c.bin", window.state.result.image)
    window.open_path(str(tmp_path / "c.bin"))
    window.image_panel.controls.view.setCurrentText(DIFFERENCE)
    panel = window.image_panel
    panel.view_box.setRange(xRange=(270, 276), yRange=(370, 376), padding=0)
    qtbot.wait(20)
    click_pixel(qtbot, panel, 273.5, 372.5)
    wait_idle(qtbot, window.controller)
    assert window.state.our_trace.pixel == (372, 273)


def test_shape_mismatch_is_explained(qtbot, make_window, fast_args, tmp_path, message_boxes):
    window = make_window(fast_args)
    EdfImage(data=np.zeros((10, 20), np.float32)).write(str(tmp_path / "c.edf"))
    window.open_path(str(tmp_path / "c.edf"))
    assert "10 x 20" in message_boxes[0]
    assert window.state.image_comparison is None


def test_pearson_r_of_identical_and_constant_images():
    a = np.arange(12.0).reshape(3, 4)
    assert pearson_r(a, a) == 1.0
    assert np.isnan(pearson_r(a, np.ones((3, 4))))


def test_any_image_opens_for_viewing_whatever_its_size(qtbot, make_window, fast_args, tmp_path,
                                                       message_boxes):
    window = make_window(fast_args)
    other = np.arange(40 * 60, dtype=np.float32).reshape(40, 60)
    EdfImage(data=other).write(str(tmp_path / "other.edf"))
    assert window.view_image(str(tmp_path / "other.edf"))
    assert window.display.value.view == THEIRS and window.state.image_comparison is None
    assert np.array_equal(window.image_panel.item.image, other)
    assert window.image_panel.values().shape == (40, 60)
    (x0, x1), (y0, y1) = window.image_panel.view_box.viewRange()
    assert max(x1 - x0, y1 - y0) < 200  # fitted to the 60 x 40 image, not the 512 x 512 detector
    write_float32(tmp_path / "raw_30x20.bin", other[:30, :20].copy())
    assert window.view_image(str(tmp_path / "raw_30x20.bin"))
    assert np.array_equal(window.image_panel.item.image, other[:30, :20])
    assert window.note.text().startswith("shown, not compared: the C image is 30 x 20 pixels")
    same = window.state.result.image.astype(np.float32)
    write_float32(tmp_path / "same.bin", same)
    assert window.view_image(str(tmp_path / "same.bin"))
    assert window.state.image_comparison is not None  # the same size: compared as well
    assert message_boxes == []


def test_side_by_side_panes_are_linked_and_clickable_and_blink_alternates(qtbot, make_window, fast_args,
                                                                         tmp_path):
    window = make_window(fast_args)
    ours = window.state.result.image
    write_float32(tmp_path / "c.bin", (ours * 1.1).astype(np.float32))
    window.open_path(str(tmp_path / "c.bin"))
    panel = window.image_panel
    panel.controls.side_by_side.setChecked(True)
    side = panel.side
    assert side.isVisible() and not panel.graphics.isVisible()
    c = window.state.image_comparison
    for view, expected in ((OURS, ours), (THEIRS, c.theirs), (DIFFERENCE, c.difference)):
        assert np.allclose(side.images[view].image, expected, rtol=1e-6)
    assert side.images[OURS].levels.tolist() == side.images[THEIRS].levels.tolist()  # same levels
    side.plots[THEIRS].getViewBox().setRange(xRange=(250, 280), yRange=(360, 380), padding=0)
    for view in (OURS, DIFFERENCE):
        (x0, x1), _ = side.plots[view].getViewBox().viewRange()
        assert abs(x0 - 250) < 2 and abs(x1 - 280) < 2
    box = side.plots[DIFFERENCE].getViewBox()
    scene = box.mapViewToScene(QPointF(262.5, 368.5))
    side.scene().sigMouseMoved.emit(scene)
    assert side.cursors[OURS][0].value() == 262.5 and side.cursors[THEIRS][1].value() == 368.5
    qtbot.mouseClick(side.viewport(), Qt.MouseButton.LeftButton, pos=side.mapFromScene(scene))
    wait_idle(qtbot, window.controller)
    assert window.state.pixel == (368, 262)
    panel.controls.side_by_side.setChecked(False)
    window.display.update(auto_levels=False)
    levels = panel.histogram.getLevels()
    panel.controls.blink.setChecked(True)
    qtbot.waitUntil(lambda: window.display.value.view == THEIRS, timeout=3000)
    assert panel.histogram.getLevels() == levels  # the same levels for both
    qtbot.waitUntil(lambda: window.display.value.view == OURS, timeout=3000)
    panel.controls.blink.setChecked(False)


def test_hover_and_click_cover_a_larger_viewed_image(qtbot, make_window, fast_args, tmp_path, message_boxes):
    """Over an image of another size every pixel reads its own value; a click outside the
    simulated detector says so and traces nothing, one inside traces that detector pixel."""
    window = make_window(fast_args)
    other = np.arange(600 * 700, dtype=np.float32).reshape(600, 700)
    EdfImage(data=other).write(str(tmp_path / "big.edf"))
    assert window.view_image(str(tmp_path / "big.edf"))
    panel = window.image_panel
    hover_pixel(qtbot, panel, 550.5, 650.5, x_range=(640, 660), y_range=(540, 560))
    assert panel.hovered == (550, 650)
    text = window.readout.text()
    assert f"{other[550, 650]:.6g} photons" in text and "outside the simulated detector (512 x 512)" in text
    assert window.inspect_panel.table.item(3, 3).text() == f"{other[550, 650]:.5g}"
    click_pixel(qtbot, panel, 650.5, 550.5)
    assert window.state.pixel is None and "off the detector" in window.note.text()
    hover_pixel(qtbot, panel, 370.5, 262.5, x_range=(255, 270), y_range=(365, 375))
    assert f"{other[370, 262]:.6g} photons" in window.readout.text() and "on the simulated" in window.readout.text()
    click_pixel(qtbot, panel, 262.5, 370.5)
    wait_idle(qtbot, window.controller)
    assert window.state.our_trace.pixel == (370, 262) and message_boxes == []
