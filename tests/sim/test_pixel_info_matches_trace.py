"""The hover readout (sim.kernel.pixel_info), the trace and the image agree on every golden
geometry, curved detectors included: all three take the pixel's position, direction and
scattering vector from sim.kernel.pixel_geometry."""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim import units
from sim.cli.args import parse_args
from sim.model.resolved import build_model
from sim.kernel.pixel_info import pixel_info, resolution_map_A
from sim.simulator import simulate
from sim.trace.tracer import trace_pixel
from tests.golden import case_names, load_case

#: Pixels as fractions of the detector's last (slow, fast) index: corners, edges, centre.
GRID = [(0.0, 0.0), (0.05, 0.3), (0.3, 0.15), (0.5, 0.5), (0.7, 1.0), (1.0, 0.6), (1.0, 1.0)]
RTOL = 1e-9


def _pixels(model):
    s_max, f_max = model.detector.spixels - 1, model.detector.fpixels - 1
    return sorted({(round(a * s_max), round(b * f_max)) for a, b in GRID})


def _case_model(name, monkeypatch):
    case = load_case(name)
    monkeypatch.chdir(case.inputs)
    # one sub-pixel per pixel, one sensor layer and no mosaic/phi spread, so the trace's
    # first sample is the pixel centre with the unrotated orientation the readout uses
    config = parse_args(case.c_args + ["-oversample", "1", "-mosaic", "0", "-phisteps", "1",
                                       "-osc", "0", "-thick", "0"]).config
    return config, build_model(config)


def _traced_geometry(record):
    """(2theta degrees, d spacing Angstrom) of the trace's first sample (source 0)."""
    diffracted, incident = np.array(record.first("diffracted_vec")), np.array(record.first("incident_vec"))
    scattering_per_m = np.array(record.first("scattering_vec_A_inv"))  # 1/m, as the C prints it
    two_theta = math.degrees(math.acos(max(-1.0, min(1.0, float(diffracted @ incident)))))
    norm = float(np.linalg.norm(scattering_per_m))
    return two_theta, (units.m_to_angstrom(1.0 / norm) if norm > 0 else math.inf)


@pytest.mark.parametrize("name", case_names())
def test_hover_equals_trace_equals_image_at_pixel_centres(name, monkeypatch):
    config, model = _case_model(name, monkeypatch)
    d_map = resolution_map_A(model).numpy()
    for slow, fast in _pixels(model):
        where = f"{name} pixel ({slow}, {fast})"
        traced = trace_pixel(config, slow, fast, model=model, device="cpu")
        info = pixel_info(model, slow, fast)
        hkl = traced.first("hkl_frac")
        assert hkl is not None, f"{where}: no hkl_frac traced"
        np.testing.assert_allclose(info.hkl, hkl, rtol=RTOL, atol=1e-9, err_msg=where)
        two_theta, d_A = _traced_geometry(traced)
        assert info.two_theta_deg == pytest.approx(two_theta, rel=RTOL, abs=1e-9), where
        assert info.resolution_A == pytest.approx(d_A, rel=RTOL), where
        assert d_map[slow, fast] == pytest.approx(d_A, rel=RTOL), where
        fmin, fmax, smin, smax = model.roi
        if not (smin <= slow <= smax and fmin <= fast <= fmax):
            continue  # outside the region of interest the image is 0 whatever the trace says
        image = simulate(config, device="cpu", model=model, window=(slow, slow + 1, fast, fast + 1),
                         compile=False).image
        assert image[0, 0] == pytest.approx(traced.first("I_pixel_final")[0], rel=1e-12, abs=0.0), where


def test_curved_detector_hover_hkl_is_the_curved_trace_hkl(monkeypatch):
    """-curved_det moves every pixel onto a sphere: the readout's hkl is the curved one the
    trace shows, not the flat detector's."""
    config, model = _case_model("curved_point_pixel", monkeypatch)
    assert model.detector.curved
    flat_config = parse_args([a for a in load_case("curved_point_pixel").c_args if a != "-curved_det"]
                             + ["-oversample", "1", "-mosaic", "0", "-phisteps", "1", "-osc", "0",
                                "-thick", "0"]).config
    flat = pixel_info(build_model(flat_config), 10, 20).hkl
    curved = pixel_info(model, 10, 20).hkl
    assert not np.allclose(flat, curved, rtol=1e-3)
    np.testing.assert_allclose(curved, trace_pixel(config, 10, 20, model=model, device="cpu").first("hkl_frac"),
                               rtol=RTOL)


def test_with_odd_oversampling_the_hover_is_the_middle_sub_pixel(monkeypatch):
    """An odd number of sub-pixels puts one at the pixel centre: its trace block is the readout."""
    case = load_case("curved_point_pixel")
    monkeypatch.chdir(case.inputs)
    config = parse_args(case.c_args + ["-oversample", "3", "-mosaic", "0", "-phisteps", "1", "-osc", "0",
                                       "-thick", "0"]).config
    model = build_model(config)
    traced = trace_pixel(config, 10, 20, model=model, device="cpu")
    middle = [tuple(i) for i in traced.values("subpixel_index")].index((0.0, 1.0, 1.0))
    np.testing.assert_allclose(pixel_info(model, 10, 20).hkl, traced.values("hkl_frac")[middle], rtol=RTOL)
    assert not np.allclose(pixel_info(model, 10, 20).hkl, traced.first("hkl_frac"), rtol=1e-6)
