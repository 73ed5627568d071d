"""Explain a difference: planted changes to our parameters are found again by the fit.

For golden cases, our parameters are perturbed by known amounts (beam centre half a pixel,
distance +0.5%, wavelength +0.2%, misset 0.1 degree, detector rotation 0.2 degree, scale
x1e9) and fitted back to the C program's image: each plant must come back within 5% of its
size (or its reported error), the fitted image must meet the golden tolerances, and the
planted parameters must be the ones reported as the explanation. A difference no
parameter can make (noise, another crystal) must be reported as not explained.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
import torch

from sim.cli.args import parse_args
from sim.model.config import BeamConfig, CrystalConfig, DetectorConfig, SimConfig
from sim.explain.coarse import pattern_shift_px, pattern_stretch
from sim.explain.explain import explain
from sim.explain.groups import start_vector
from sim.model.resolved import build_model
from sim.model.params import check_params, with_values
from sim.simulator import simulate
from tests.golden import load_case

PIXELS = 600  # pixels fitted: enough for these cases, and quick
CENTRE = (192, 320, 192, 320)  # 128 x 128 pixels of a 512 x 512 detector, to keep the tests short
#: A plant must come back within this many reported errors: the errors are honest (a
#: curvature-only error put a plant 8.7 of them away; see sim.explain.fit).
MAX_Z = 4.0


def golden(name):
    case = load_case(name)
    return parse_args(case.c_args).config, case.image().astype(np.float64)


def perturbed(config, plants):
    """``config`` with ``plants`` {field: (index or None, change)} added to our values
    (the ``scale`` field multiplies the fluence)."""
    model = build_model(config)
    fields = {}
    for field, (index, change) in plants.items():
        if field == "scale":
            beam = dataclasses.replace(config.beam, fluence_per_m2=model.fluence_per_m2 * change)
            config = dataclasses.replace(config, beam=beam)
            continue
        values = start_vector(config, model, field)
        values[0 if index is None else index] += change
        fields[field] = torch.tensor(values if len(values) > 1 else values[0], dtype=torch.float64)
    return with_values(config, check_params(config, fields))


def flag_change(explanation, flag):
    return next(c for c in explanation.changes if c.param.flag == flag)


def assert_recovered(explanation, flag, planted):
    """The fit undoes the plant: change = -planted (1/planted for the scale) within 5% of
    its size, and within ``MAX_Z`` of its reported error."""
    c = flag_change(explanation, flag)
    if c.param.is_scale:  # as ln s: the error is relative
        error, sigma, size = c.change * planted - 1.0, c.uncertainty * planted, abs(math.log(planted))
    else:
        error, sigma, size = c.change + planted, c.uncertainty, abs(planted)
    assert abs(error) <= 0.05 * size, c
    assert 0.0 < sigma < 0.01 * size, c  # a real error, and small beside the plant
    assert abs(error) <= MAX_Z * sigma, f"{flag}: {abs(error) / sigma:.1f} errors from the truth"
    assert c.significant, c


PLANTS = [  # case, groups, {field: (index, change)}, {flag: planted change}
    ("tilted_sample_pivot", ["beam"], {"beam_x_mm": (None, 0.05)}, {"-Xbeam": 0.05}),
    ("tilted_sample_pivot", ["distance"], {"distance_mm": (None, 0.6)}, {"-distance": 0.6}),
    ("tilted_sample_pivot", ["rotations"], {"rot_deg": (1, 0.2)}, {"-detector_roty": 0.2}),
    ("triclinic_misset", ["misset"], {"misset_deg": (1, 0.1)}, {"-misset y": 0.1}),
    ("triclinic_misset", ["wavelength"], {"wavelength_A": (None, 0.002)}, {"-lambda": 0.002}),
    ("triclinic_misset", ["scale"], {"scale": (None, 1e9)}, {"-fluence": 1e9}),
    # 20 pixels: far beyond a spot's width, found by the coarse cross-correlation first
    ("triclinic_misset", ["beam"], {"beam_y_mm": (None, 2.0)}, {"-Ybeam": 2.0}),
    # 8%: spots 40 pixels out move 3 pixels, found by the coarse stretch first
    ("triclinic_misset", ["distance"], {"distance_mm": (None, -8.0)}, {"-distance": -8.0}),
]


@pytest.mark.parametrize("case, groups, plants, expected", PLANTS,
                         ids=[f"{p[0]}-{'+'.join(p[3])}" for p in PLANTS])
def test_a_planted_change_is_found_again(case, groups, plants, expected):
    config, theirs = golden(case)
    result = explain(perturbed(config, plants), theirs, groups, window=CENTRE, device="cpu",
                     max_pixels=PIXELS)
    for flag, planted in expected.items():
        assert_recovered(result, flag, planted)
    assert result.explained, result.after.failures()
    assert not result.before.within_golden
    assert [c.param.flag for c in result.explanations] == list(expected)


def test_several_planted_changes_at_once_are_each_found():
    config, theirs = golden("tilted_sample_pivot")
    plants = {"beam_x_mm": (None, 0.05), "distance_mm": (None, 0.6), "rot_deg": (2, 0.2),
              "scale": (None, 1e9)}
    result = explain(perturbed(config, plants), theirs, ["beam", "distance", "rotations", "scale"],
                     window=CENTRE, device="cpu", max_pixels=PIXELS)
    for flag, planted in {"-Xbeam": 0.05, "-distance": 0.6, "-detector_rotz": 0.2, "-fluence": 1e9}.items():
        assert_recovered(result, flag, planted)
    assert result.explained, result.after.failures()
    explained = {c.param.flag for c in result.explanations}
    assert explained == {"-Xbeam", "-distance", "-detector_rotz", "-fluence"}


SMALL = SimConfig(
    crystal=CrystalConfig(cell_A_deg=(50.0, 50.0, 50.0, 90.0, 90.0, 90.0), misset_deg=(10.0, 20.0, 30.0),
                      N_cells=(5, 5, 5), default_F=100.0),
    beam=BeamConfig(wavelength_A=1.0),
    detector=DetectorConfig(distance_mm=60.0, pixel_mm=0.4, fpixels=96, spixels=96, oversample=1))


def test_noise_is_not_explained():
    ours = simulate(SMALL, device="cpu").image
    theirs = np.random.default_rng(3).poisson(float(ours.mean()) + 1.0, ours.shape).astype(np.float64)
    result = explain(SMALL, theirs, ["beam", "distance", "scale"], device="cpu", max_pixels=PIXELS,
                     max_iter=6)
    assert not result.explained and result.after.failures()


def test_another_crystal_is_not_explained():
    other = SimConfig(crystal=CrystalConfig(cell_A_deg=(42.0, 47.0, 55.0, 90.0, 90.0, 90.0),
                                            misset_deg=(5.0, 8.0, 3.0), N_cells=(5, 5, 5), default_F=100.0),
                      beam=SMALL.beam, detector=SMALL.detector)
    theirs = simulate(other, device="cpu").image
    result = explain(SMALL, theirs, ["beam", "distance", "misset", "scale"], device="cpu", max_pixels=PIXELS,
                     max_iter=6)
    assert not result.explained and result.after.pearson_r < 0.99


def test_identical_images_need_no_change():
    ours = simulate(SMALL, device="cpu").image
    result = explain(SMALL, ours, ["beam", "scale"], device="cpu", max_pixels=PIXELS)
    assert result.explained and result.explanations == []


def test_the_whole_pattern_shift_is_found_by_cross_correlation():
    image = np.zeros((64, 80))
    image[10:13, 20:22], image[40, 60], image[50:52, 5] = 5.0, 9.0, 3.0
    shifted = np.roll(np.roll(image, 7, axis=0), -4, axis=1)
    assert pattern_shift_px(image, shifted, np.ones(image.shape, dtype=bool)) == (7, -4)
    assert pattern_shift_px(image, image, np.ones(image.shape, dtype=bool)) == (0, 0)


def test_the_stretch_about_the_direct_beam_is_found():
    centre, k = (40.0, 50.0), 1.08
    spots = [(10, 20), (70, 85), (30, 90), (65, 15), (52, 47)]
    grid = np.mgrid[0:96, 0:112]

    def pattern(factor):
        return sum(np.exp(-((grid[0] - centre[0] - factor * (s - centre[0])) ** 2
                            + (grid[1] - centre[1] - factor * (f - centre[1])) ** 2) / 2.0)
                   for s, f in spots)
    usable = np.ones(grid[0].shape, dtype=bool)
    assert pattern_stretch(pattern(1.0), pattern(k), usable, centre) == pytest.approx(k, abs=1e-3)
    assert pattern_stretch(pattern(1.0), pattern(1.0), usable, centre) == 1.0
