"""The hover readout (sim.kernel.pixel_info) and the trace agree on every golden geometry, curved
detectors included: both take the pixel position from the same detector functions."""

from __future__ import annotations

import numpy as np
import pytest

from sim.cli.args import parse_args
from sim.model.resolved import build_model
from sim.kernel.pixel_info import pixel_info
from sim.trace.tracer import trace_pixel
from tests.golden import case_names, load_case

GRID = [(0, 0), (3, 17), (20, 10), (40, 63)]


@pytest.mark.parametrize("name", case_names())
def test_hover_hkl_equals_the_trace_hkl_at_pixel_centres(name, monkeypatch):
    case = load_case(name)
    monkeypatch.chdir(case.inputs)
    # one sub-pixel per pixel and no mosaic/phi spread, so the trace's first sample is the
    # pixel centre with the unrotated orientation the readout uses
    config = parse_args(case.c_args + ["-oversample", "1", "-mosaic", "0", "-phisteps", "1",
                                       "-osc", "0", "-thick", "0"]).config
    model = build_model(config)
    s_max, f_max = model.detector.spixels - 1, model.detector.fpixels - 1
    for slow, fast in GRID:
        slow, fast = min(slow, s_max), min(fast, f_max)
        traced = trace_pixel(config, slow, fast, model=model)
        hkl = traced.first("hkl_frac")
        assert hkl is not None, f"{name} ({slow}, {fast}): no hkl_frac traced"
        np.testing.assert_allclose(pixel_info(model, slow, fast).hkl, hkl, rtol=1e-9, atol=1e-9,
                                   err_msg=f"{name} pixel ({slow}, {fast})")
