"""Trace along a line: the values plotted against position are trace_pixel's own values on
the pixels the line crosses, for any numeric quantity of the schema."""

import numpy as np
import pyqtgraph as pg

from sim.trace.tracer import trace_pixel

from app.line_trace import line_quantities, traced_pixels


def test_traced_pixels_are_distinct_and_on_the_detector():
    # 7 samples 4 sqrt(2) / 6 apart along the diagonal; samples 1 and 2 share a pixel; slow 6 is off
    distance, pixels = traced_pixels((2.5, 3.5), (6.5, 7.5), (6, 100))
    assert pixels == [(3, 2), (4, 3), (5, 4)] and np.allclose(distance, np.array([0, 1, 3]) * 4 * np.sqrt(2) / 6)
    assert {"F_latt", "omega_pixel_sr", "polar", "I_pixel_final"} <= set(line_quantities())
    assert "hkl_frac" not in line_quantities()  # a vector: not one number per pixel


def test_plotted_values_are_trace_pixel_values_along_the_line(qtbot, make_window, fast_args):
    window = make_window(fast_args)
    inspect, panel = window.inspect_panel, window.line_trace_dock.widget()
    assert not panel.trace_line() and "Draw a line" in panel.note.text()
    inspect.start_line()
    a, b = inspect.roi.getHandles()
    inspect.roi.movePoint(a, pg.Point(258.5, 366.5))
    inspect.roi.movePoint(b, pg.Point(266.5, 370.5))
    assert panel.trace_line()
    qtbot.waitUntil(lambda: panel.records is not None, timeout=30000)
    assert panel.pixels[0] == (366, 258) and panel.pixels[-1] == (370, 266) and len(panel.pixels) >= 9
    config = window.state.config
    for name in ("F_latt", "omega_pixel_sr", "polar", "I_pixel_final"):
        panel.quantity.setCurrentText(name)
        x, y = panel.curve.getData()
        expected = [trace_pixel(config, s, f).first(name)[0] for s, f in panel.pixels]
        assert np.allclose(x, panel.distance) and np.array_equal(y, expected), name
    assert panel.plot.getAxis("left").labelText.startswith("I_pixel_final")


def test_cancel_stops_the_line_trace(qtbot, make_window, fast_args):
    window = make_window(fast_args)
    inspect, panel = window.inspect_panel, window.line_trace_dock.widget()
    inspect.start_line()
    a, b = inspect.roi.getHandles()
    inspect.roi.movePoint(a, pg.Point(250.5, 362.5))
    inspect.roi.movePoint(b, pg.Point(280.5, 378.5))
    panel.trace_line()
    assert panel.cancel_button.isEnabled()
    panel.cancel_button.click()
    assert not panel.task.busy and panel.trace_button.isEnabled() and "cancelled" in panel.note.text()
    qtbot.waitUntil(lambda: panel.task.running == 0, timeout=10000)
    assert panel.records is None
