"""Frame parameters of a series depend on the description and the frame index alone;
serial-shot orientations are uniform on SO(3). No simulation here."""

from __future__ import annotations

import numpy as np
import torch

from sim.model.vectors import rotation_x, rotation_y, rotation_z
from sim.series.description import SeriesDescription, Spread, differences
from sim.series.frames import frame_config, frame_name, frame_params, uniform_rotation
from sim.units import deg_to_rad

LINE = ("-cell", "60", "70", "80", "90", "90", "90", "-default_F", "100", "-N", "4", "-distance", "60",
        "-detpixels", "32")


def shots(count=2000, **spread) -> SeriesDescription:
    return SeriesDescription("shots", count, LINE, shot_seed=11, spread=Spread(**spread), noise_seed=5)


def misset_matrix(misset_deg) -> np.ndarray:
    """nanoBragg's misset rotation (about x, then y, then z) as a matrix."""
    rx, ry, rz = (torch.tensor(deg_to_rad(a), dtype=torch.float64) for a in misset_deg)
    return (rotation_z(rz) @ rotation_y(ry) @ rotation_x(rx)).numpy()


def test_sweep_frame_k_covers_its_own_phi_range():
    sweep = SeriesDescription("sweep", 50, LINE, osc_deg=0.25, phi_start_deg=10.0, phi_steps=3)
    params = frame_params(sweep, 17)
    config = frame_config(sweep.config(), params)
    assert (params.phi_start_deg, params.osc_deg, params.phi_steps) == (14.25, 0.25, 3)
    # sampled at the centres of its three phi steps
    assert config.crystal.phi_start_deg == 14.25 + 0.25 / 6
    assert (config.crystal.osc_deg, config.crystal.phi_steps) == (0.25, 3)
    assert frame_name(17, ".img") == "series_00018.img"


def test_a_frame_is_the_same_whatever_else_is_computed():
    desc = shots(100, mosaic_seed=True, size_pct=5, fluence_pct=10, wavelength_pct=1)
    forward = [frame_params(desc, i, 1e29) for i in range(100)]
    backward = [frame_params(desc, i, 1e29) for i in reversed(range(100))][::-1]
    assert forward == backward
    assert frame_params(desc, 42, 1e29) == forward[42]
    assert len({p.noise_seed for p in forward}) == 100
    assert len({p.mosaic_seed for p in forward}) == 100


def test_turning_on_one_spread_leaves_the_orientations_alone():
    plain, spread = shots(20), shots(20, fluence_pct=10)
    for i in range(20):
        assert frame_params(plain, i).misset_deg == frame_params(spread, i, 1e29).misset_deg


def test_shot_orientations_are_uniform_on_SO3():
    # Under the Haar measure every matrix entry has mean 0 and variance 1/3, and the trace
    # has mean 0 and variance 1; 2000 draws put each mean within about 0.02 of its value.
    desc = shots(2000)
    mats = np.array([misset_matrix(frame_params(desc, i).misset_deg) for i in range(2000)])
    assert np.abs(mats.mean(axis=0)).max() < 0.06
    assert np.abs((mats ** 2).mean(axis=0) - 1 / 3).max() < 0.05
    traces = np.trace(mats, axis1=1, axis2=2)
    assert abs(traces.mean()) < 0.1 and abs(traces.var() - 1.0) < 0.15


def test_the_misset_angles_give_back_the_drawn_rotation():
    rng = np.random.default_rng(np.random.SeedSequence([11, 3]))
    drawn = uniform_rotation(rng)
    np.testing.assert_allclose(misset_matrix(frame_params(shots(10), 3).misset_deg), drawn, atol=1e-12)


def test_a_description_round_trips_and_says_how_another_differs():
    desc = shots(10, size_pct=3)
    assert SeriesDescription.from_json(desc.to_json()) == desc
    assert SeriesDescription.from_json(desc.to_json()).digest() == desc.digest()
    other = SeriesDescription("shots", 10, LINE[:-1] + ("64",), shot_seed=12, spread=Spread(size_pct=3),
                              noise_seed=5)
    text = differences(other, desc)
    assert "shot_seed 11 there, 12 now" in text and "fpixels 32 there, 64 now" in text
