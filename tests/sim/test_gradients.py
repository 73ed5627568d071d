"""The simulated image is differentiable in the continuous parameters of ``sim.model.params``.

Float64 ``gradcheck`` on tiny detectors compares autograd with finite differences for each
parameter, on a plain case (MOSFLM beam pivot, square crystal) and a rich one (custom
convention with a sample pivot and rotated detector, Gaussian crystal, mosaicity, phi
steps, dispersion, Kahn polarization, a thick sensor and oversampling).
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

from sim.model.config import (BeamConfig, Convention, CrystalConfig, CrystalShape, DetectorConfig, Pivot,
                        SimConfig)
from sim.model.resolved import build_model
from sim.model.params import DIFFERENTIABLE
from sim.simulator import simulate

_CELL = (30.0, 34.0, 38.0, 80.0, 95.0, 100.0)
_DETECTOR = dict(distance_mm=60.0, pixel_mm=2.0, beam_x_mm=5.0, beam_y_mm=6.0)

PLAIN = SimConfig(
    crystal=CrystalConfig(cell_A_deg=_CELL, misset_deg=(10.0, 20.0, 30.0), N_cells=(3, 3, 3),
                          default_F=100.0),
    beam=BeamConfig(wavelength_A=1.2),
    detector=DetectorConfig(fpixels=8, spixels=8, oversample=1, **_DETECTOR))

RICH = SimConfig(
    crystal=CrystalConfig(cell_A_deg=_CELL, misset_deg=(10.0, 20.0, 30.0), N_cells=(3, 3, 3),
                          default_F=100.0, shape=CrystalShape.GAUSS, mosaic_spread_deg=0.5,
                          mosaic_domains=2, osc_deg=1.0, phi_steps=2),
    beam=BeamConfig(wavelength_A=1.2, dispersion_pct=1.0, dispersion_steps=2, kahn_polarization=0.9),
    detector=DetectorConfig(fpixels=6, spixels=6, oversample=2, convention=Convention.CUSTOM,
                            pivot=Pivot.SAMPLE, rot_deg=(2.0, 3.0, 4.0), twotheta_deg=5.0,
                            thick_um=100.0, absorption_um=200.0, thick_steps=2, **_DETECTOR))


def config_value(config: SimConfig, name: str):
    """The config's value of differentiable field ``name`` (a number or a tuple)."""
    for section in (config.crystal, config.beam, config.detector):
        if hasattr(section, name):
            return getattr(section, name)
    raise KeyError(name)


def param(config: SimConfig, name: str, requires_grad: bool = True) -> torch.Tensor:
    return torch.tensor(config_value(config, name), dtype=torch.float64, requires_grad=requires_grad)


def image(config: SimConfig, params: dict) -> torch.Tensor:
    return simulate(config, device="cpu", dtype=torch.float64, params=params).image_tensor


@pytest.mark.parametrize("config", [PLAIN, RICH], ids=["plain", "rich"])
@pytest.mark.parametrize("name", DIFFERENTIABLE)
def test_image_gradient_passes_gradcheck(config, name):
    scale = float(simulate(config, device="cpu").image.max())  # outputs of order 1
    x = param(config, name)
    assert torch.autograd.gradcheck(lambda p: image(config, {name: p}) / scale, (x,),
                                    eps=1e-6, atol=1e-6, rtol=1e-4)


@pytest.mark.parametrize("name", DIFFERENTIABLE)
def test_every_parameter_moves_the_image(name):
    x = param(PLAIN, name)
    image(PLAIN, {name: x}).sum().backward()
    assert torch.all(torch.isfinite(x.grad)) and torch.any(x.grad != 0)


def test_total_intensity_gradient_in_distance_matches_central_difference():
    config = SimConfig(crystal=PLAIN.crystal, beam=PLAIN.beam,
                       detector=DetectorConfig(distance_mm=80.0, pixel_mm=0.5, fpixels=24, spixels=24,
                                               oversample=2))
    distance = torch.tensor(80.0, dtype=torch.float64, requires_grad=True)
    image(config, {"distance_mm": distance}).sum().backward()
    h = 1e-4
    total = [image(config, {"distance_mm": torch.tensor(80.0 + d, dtype=torch.float64)}).sum().item()
             for d in (h, -h)]
    numeric = (total[0] - total[1]) / (2 * h)
    assert distance.grad.item() == pytest.approx(numeric, rel=1e-6)


@pytest.mark.parametrize("config", [PLAIN, RICH], ids=["plain", "rich"])
def test_params_equal_to_the_config_give_the_same_image_bit_for_bit(config):
    params = {name: param(config, name) for name in DIFFERENTIABLE}
    with_params = simulate(config, device="cpu", params=params)
    without = simulate(config, device="cpu")
    assert np.array_equal(with_params.image, without.image)
    assert with_params.image_tensor.requires_grad and not without.image_tensor.requires_grad


def test_model_config_holds_the_parameter_values_as_floats():
    model = build_model(PLAIN, {"distance_mm": torch.tensor(70.0, dtype=torch.float64),
                                "cell_A_deg": torch.tensor(_CELL, dtype=torch.float64)})
    assert model.config.detector.distance_mm == 70.0
    assert model.config.crystal.cell_A_deg == _CELL
    assert model.detector.distance_m.item() == pytest.approx(0.070)


def test_unknown_parameter_name_is_rejected():
    with pytest.raises(ValueError, match="pixel_mm"):
        build_model(PLAIN, {"pixel_mm": torch.tensor(0.1, dtype=torch.float64)})


def test_parameter_of_the_wrong_shape_is_rejected():
    with pytest.raises(ValueError, match="misset_deg"):
        build_model(PLAIN, {"misset_deg": torch.zeros(2, dtype=torch.float64)})


def test_params_and_a_prebuilt_model_cannot_be_combined():
    with pytest.raises(ValueError, match="params"):
        simulate(PLAIN, device="cpu", model=build_model(PLAIN), params={"distance_mm": param(PLAIN, "distance_mm")})
