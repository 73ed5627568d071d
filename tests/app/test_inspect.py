"""Inspection: values around the cursor, line and box profiles checked against numpy on the
same pixels, arrow keys moving the traced pixel."""

import numpy as np
import pyqtgraph as pg
import pytest
from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QApplication

from app.display import pixel_at
from app.inspect import box, line, neighbourhood
from tests.app.helpers import wait_idle


def test_neighbourhood_box_and_line_against_numpy():
    rng = np.random.default_rng(1)
    data = rng.random((40, 50)) * 100
    values = neighbourhood(data, 1, 48, half=3)
    assert np.array_equal(values[2:, :5], data[0:5, 45:50]) and np.isnan(values[:2]).all()
    assert np.isnan(values[:, 5:]).all()
    profile, stats = box(data, 10, 20, 5, 25)
    part = data[10:20, 5:25]
    assert np.allclose(profile, part.sum(axis=0))
    assert np.isclose(stats.sum, part.sum()) and np.isclose(stats.mean, part.mean()) and stats.max == part.max()
    s, f = np.unravel_index(np.argmax(part), part.shape)
    assert stats.max_at == (10 + s, 5 + f)
    slows, fasts = np.mgrid[10:20, 5:25]
    assert np.allclose(stats.centroid, ((part * (slows + 0.5)).sum() / part.sum(),
                                        (part * (fasts + 0.5)).sum() / part.sum()))
    distance, values, stats = line(data, (5.5, 7.5), (30.5, 7.5))  # along row 7, fast 5..30
    assert np.allclose(values, data[7, 5:31]) and np.isclose(distance[-1], 25.0)
    assert np.isclose(stats.sum, data[7, 5:31].sum()) and stats.count == 26
    with pytest.raises(ValueError):
        box(data, 50, 60, 0, 5)


def test_pixel_table_follows_the_cursor_and_copies(qtbot, make_window, fast_args):
    window = make_window(fast_args)
    panel = window.inspect_panel
    image = window.state.result.image
    window.image_panel.pixel_hovered.emit(368, 262)
    assert panel.table.item(3, 3).text() == f"{image[368, 262]:.5g}"
    assert panel.table.verticalHeaderItem(0).text() == "365" and panel.table.horizontalHeaderItem(6).text() == "265"
    panel.copy_values()
    lines = QApplication.clipboard().text().splitlines()
    assert len(lines) == 8 and float(lines[4].split("\t")[4]) == float(image[368, 262])


def test_box_and_line_profiles_on_the_image_match_numpy(qtbot, make_window, fast_args):
    window = make_window(fast_args)
    panel, image = window.inspect_panel, window.state.result.image
    panel.start_box()
    panel.roi.setPos((255, 362))
    panel.roi.setSize((10, 8))
    part = image[362:370, 255:265]
    stats = panel.last_stats
    assert np.isclose(stats.sum, part.sum()) and np.isclose(stats.max, part.max())
    assert f"sum {part.sum():.6g}" in panel.stats.text()
    panel.start_line()
    a, b = panel.roi.getHandles()
    panel.roi.movePoint(a, pg.Point(250.5, 368.5))
    panel.roi.movePoint(b, pg.Point(279.5, 368.5))
    assert np.isclose(panel.last_stats.sum, image[368, 250:280].sum())
    panel.clear_roi()
    assert panel.roi is None


def _traced_with_image_focus(qtbot, window):
    """Trace pixel (368, 262) and give the image the keyboard focus; the image's view."""
    window.controller.trace(368, 262)
    wait_idle(qtbot, window.controller)
    window.activateWindow()
    graphics = window.image_panel.graphics
    graphics.setFocus()
    return graphics


def test_arrow_keys_move_the_traced_pixel_when_the_image_has_focus(qtbot, make_window, fast_args):
    window = make_window(fast_args)
    graphics = _traced_with_image_focus(qtbot, window)
    for key in (Qt.Key.Key_Right, Qt.Key.Key_Right, Qt.Key.Key_Up):
        qtbot.keyClick(graphics, key)
    wait_idle(qtbot, window.controller)
    assert window.state.pixel == (367, 264) and window.state.our_trace.pixel == (367, 264)


def test_radial_profile_against_numpy_and_the_readout(qtbot, make_window, fast_args):
    from sim.kernel.pixel_info import pixel_info, resolution_map_A

    from app.inspect import radial_profile

    window = make_window(fast_args)
    model, image = window.state.model, window.state.result.image
    d_map = resolution_map_A(model).numpy()
    for s, f in ((368, 262), (0, 0), (511, 100)):
        assert np.isclose(d_map[s, f], pixel_info(model, s, f).resolution_A, rtol=1e-12)
    inverse_d, mean, counts = radial_profile(image, d_map, bins=50)
    q = 1.0 / d_map
    edges = np.linspace(q[np.isfinite(q)].min(), q.max(), 51)
    shell = 10
    inside = (q >= edges[shell]) & (q < edges[shell + 1])
    k = np.flatnonzero(np.isclose(inverse_d, (edges[shell] + edges[shell + 1]) / 2))[0]
    assert counts[k] == inside.sum() and np.isclose(mean[k], image[inside].mean())
    assert counts.sum() == np.isfinite(q).sum()
    panel = window.inspect_panel
    panel.show_radial()
    x, y = panel.curve.getData()
    assert np.allclose(x, panel.radial[0]) and np.allclose(y, radial_profile(image, d_map)[1])


def test_z_zooms_to_the_traced_pixel(qtbot, make_window, fast_args):
    from app.widgets.image_panel import SPOT_HALF_PX

    window = make_window(fast_args)
    graphics = _traced_with_image_focus(qtbot, window)
    qtbot.keyClick(graphics, Qt.Key.Key_Z)
    (x0, x1), (y0, y1) = window.image_panel.view_box.viewRange()
    assert np.isclose((x0 + x1) / 2, 262.5) and np.isclose((y0 + y1) / 2, 368.5)
    assert min(x1 - x0, y1 - y0) == pytest.approx(2 * SPOT_HALF_PX + 1, abs=0.01)  # aspect kept: the other is wider
    centre = window.image_panel.view_box.viewRect().center()
    assert pixel_at(centre.x(), centre.y()) == (368, 262)
