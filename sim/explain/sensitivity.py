"""How sensitive one pixel is to each parameter: d(photons)/d(parameter) by autograd.

The kernel runs on the one pixel (as the trace does) with every differentiable parameter
of ``sim.explain.groups`` as a tensor, and one backward pass gives all the derivatives.
The scale's entry is d(photons)/d(-fluence), photons per (photon/m^2).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import List

import torch

from ..config import SimConfig
from ..model import build_model
from .forward import PixelModel
from .groups import GROUPS, fit_parameters


@dataclass(frozen=True)
class Sensitivity:
    """d(photons in the pixel)/d(``flag``) in photons per ``unit``, at our ``value``."""

    flag: str
    unit: str
    value: float
    derivative: float


def pixel_sensitivity(config: SimConfig, slow: int, fast: int, dtype=torch.float64) -> List[Sensitivity]:
    """The derivative of pixel (``slow``, ``fast``) in every continuous parameter (CPU)."""
    model = build_model(config)
    params, _ = fit_parameters(config, model, GROUPS)
    pm = PixelModel(config, model, params, torch.tensor([slow]), torch.tensor([fast]), "cpu", dtype)
    x = torch.zeros(len(params), dtype=torch.float64, requires_grad=True)
    with torch.enable_grad():
        photons = pm.values(x)[0]
        (grad,) = torch.autograd.grad(photons, x, allow_unused=True)
    grad = torch.zeros_like(x) if grad is None else grad
    out = []
    for j, p in enumerate(params):
        unit = "photons/m^2" if p.is_scale else p.unit
        derivative = float(photons.detach()) / p.start if p.is_scale else float(grad[j])
        out.append(Sensitivity(p.flag, unit, p.start, derivative))
    return out


def format_sensitivity(rows: List[Sensitivity], slow: int, fast: int) -> List[str]:
    """Lines ``SENSITIVITY: flag value unit d(photons)/d(flag)`` for the command line."""
    lines = [f"SENSITIVITY: pixel ({slow}, {fast}): d(photons)/d(parameter) at our values"]
    lines += [f"SENSITIVITY: {r.flag:<16} {r.value:>14.8g} {r.unit:<11} {r.derivative:+.6e} "
              f"photons per {r.unit}" for r in rows]
    return lines
