"""How sensitive one pixel is to each parameter: d(photons)/d(parameter) by autograd.

The kernel runs on the one pixel (as the trace does) with every differentiable parameter
of ``sim.explain.groups`` as a tensor, and one backward pass gives all the derivatives.
The scale's entry is d(photons)/d(-fluence), photons per (photon/m^2).
``PixelSensitivity`` is the one form every output takes: the command line's lines, the
trace bundle's file, and the viewer's trace-comparison export (text, CSV, JSON).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Dict, List, Tuple

import torch

from sim.model.config import SimConfig
from sim.model.resolved import build_model
from sim.explain.forward import PixelModel
from sim.explain.groups import GROUPS, fit_parameters


@dataclass(frozen=True)
class Sensitivity:
    """d(photons in the pixel)/d(``flag``) in photons per ``unit``, at our ``value``."""

    flag: str
    unit: str
    value: float
    derivative: float


@dataclass(frozen=True)
class PixelSensitivity:
    """The derivatives of one pixel (slow, fast) in every continuous parameter."""

    pixel: Tuple[int, int]
    rows: Tuple[Sensitivity, ...]

    def to_json(self) -> Dict[str, object]:
        return {"pixel": list(self.pixel), "quantity": "d(photons)/d(parameter) at our values",
                "parameters": [{"name": r.flag, "unit": r.unit, "value": r.value,
                                "derivative": r.derivative, "derivative_unit": f"photons per {r.unit}"}
                               for r in self.rows]}

    def to_text(self) -> List[str]:
        """Lines ``SENSITIVITY: flag value unit d(photons)/d(flag)``, a header first."""
        slow, fast = self.pixel
        lines = [f"SENSITIVITY: pixel ({slow}, {fast}): d(photons)/d(parameter) at our values"]
        lines += [f"SENSITIVITY: {r.flag:<16} {r.value:>14.8g} {r.unit:<11} {r.derivative:+.6e} "
                  f"photons per {r.unit}" for r in self.rows]
        return lines

    def to_csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["slow", "fast", "name", "unit", "value", "derivative", "derivative_unit"])
        for r in self.rows:
            writer.writerow([*self.pixel, r.flag, r.unit, "%.17g" % r.value, "%.17g" % r.derivative,
                             f"photons per {r.unit}"])
        return out.getvalue()


def pixel_sensitivity(config: SimConfig, slow: int, fast: int, dtype=torch.float64) -> PixelSensitivity:
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
    return PixelSensitivity((int(slow), int(fast)), tuple(out))
