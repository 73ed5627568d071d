"""Trace plots: the bars are the parts our trace carries, one per source, phi step, mosaic
domain and sub-pixel, and they add up to the pixel's Bragg sum."""

import numpy as np

from app.trace_parts import PARTS
from tests.app.helpers import wait_idle


def test_bars_show_the_parts_of_the_traced_pixel(qtbot, make_window, fast_args):
    args = fast_args + ["-mosaic", "0.3", "-mosaic_dom", "3", "-phisteps", "2", "-osc", "0.1"]
    window = make_window(args)
    window.controller.trace(368, 262)
    wait_idle(qtbot, window.controller)
    plots = window.plots_dock.widget()
    record = window.state.our_trace
    total = float(record.first("subpixel_sum_I")[0])
    assert [len(plots.bars[name]) for name, _ in PARTS] == [1, 2, 3, 4]  # 1 source, 2 steps, 3 domains, 2 x 2 sub-pixels
    for name, _ in PARTS:
        assert np.allclose(plots.bars[name], [v[0] for v in record.values(name)])
        assert np.isclose(plots.bars[name].sum(), total, rtol=1e-9)
    assert plots.plots["phi_step_I"].titleLabel.text.startswith("per phi step (2)")
