"""Pixel (slow, fast) covers x in [fast, fast + 1), y in [slow, slow + 1): clicks pick it exactly."""

import pytest

from app.display import on_image, pixel_at
from tests.app.helpers import click_pixel, hover_pixel, wait_idle


@pytest.mark.parametrize("x, y, pixel", [
    (262.0, 368.0, (368, 262)),           # top-left corner belongs to the pixel
    (262.5, 368.5, (368, 262)),           # centre
    (262.99, 368.01, (368, 262)),         # near the right edge, near the top
    (262.999999, 368.999999, (368, 262)),
    (263.0, 368.0, (368, 263)),           # the next pixel starts at the edge
    (0.0, 0.0, (0, 0)),
    (-0.01, 0.5, (0, -1)),                # left of the detector
])
def test_pixel_at_maps_view_points_to_rows_slow_columns_fast(x, y, pixel):
    assert pixel_at(x, y) == pixel


def test_on_image_bounds_are_half_open():
    assert on_image((0, 0), (64, 32))
    assert on_image((63, 31), (64, 32))
    assert not on_image((64, 0), (64, 32))
    assert not on_image((0, 32), (64, 32))
    assert not on_image((0, -1), (64, 32))


@pytest.mark.parametrize("dx, dy", [(0.99, 0.01), (0.01, 0.99), (0.5, 0.5), (0.02, 0.02)])
def test_click_inside_a_pixel_traces_exactly_that_pixel(qtbot, make_window, fast_args, dx, dy):
    window = make_window(fast_args)
    panel = window.image_panel
    slow, fast = 368, 262
    # zoomed in so far that 0.01 pixel is several screen pixels
    panel.view_box.setRange(xRange=(fast - 0.5, fast + 1.5), yRange=(slow - 0.5, slow + 1.5), padding=0)
    qtbot.wait(20)
    with qtbot.waitSignal(panel.pixel_clicked) as clicked:
        click_pixel(qtbot, panel, fast + dx, slow + dy)
    assert tuple(clicked.args) == (slow, fast)
    wait_idle(qtbot, window.controller)
    assert window.state.pixel == (slow, fast)
    assert window.state.our_trace.pixel == (slow, fast)


def test_image_rows_are_slow_and_columns_fast(qtbot, make_window, fast_args):
    window = make_window(fast_args)
    image = window.state.result.image
    assert image.shape == (512, 512)
    assert window.image_panel.item.image.shape == (512, 512)
    # the ROI (fast 250..280, slow 360..380) is lit; its transpose would be elsewhere
    assert image[360:381, 250:281].sum() > 0
    assert image[250:281, 360:381].sum() == 0


def test_hover_readout_names_the_pixel_under_the_mouse(qtbot, make_window, fast_args):
    window = make_window(fast_args)
    panel = window.image_panel
    hover_pixel(qtbot, panel, 368.01, 262.99, x_range=(259, 266), y_range=(365, 372))
    text = window.readout.text()
    assert text.startswith("slow 368  fast 262")
    assert "\u00c5" in text and "hkl" in text and "2\u03b8" in text
