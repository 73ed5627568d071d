"""Our image on a set of pixels as a function of the fitted parameters, with its Jacobian.

The Jacobian comes from forward-mode autograd: one pass of the kernel per parameter, each
carrying the derivative along that parameter (``torch.autograd.forward_ad``). With P
parameters and R pixels this costs P kernel passes, where reverse mode would need R.
"""

from __future__ import annotations

from typing import Callable, Dict, List, Optional, Sequence, Tuple

import torch
import torch.autograd.forward_ad as fwAD

from sim.model.config import SimConfig
from sim.errors import SimulationCancelled
from sim.kernel.intensity import pixel_values
from sim.model.resolved import SimModel, build_model
from sim.simulator import kernel_inputs, pixels_per_chunk
from sim.explain.groups import FitParameter, start_vector

Cancel = Optional[Callable[[], bool]]


class PixelModel:
    """Photons in pixels (``slow``, ``fast``) of ``config`` after changes ``x`` (P,) to ``params``.

    The scale parameter, if any, is not applied here (the fit multiplies by it).
    """

    def __init__(self, config: SimConfig, model: SimModel, params: Sequence[FitParameter],
                 slow: torch.Tensor, fast: torch.Tensor, device, dtype: torch.dtype):
        self.config, self.params = config, list(params)
        self.device, self.dtype = torch.device(device), dtype
        self.slow, self.fast = slow.to(self.device), fast.to(self.device)
        fields = sorted({p.field for p in self.params if not p.is_scale})
        self.base = {f: start_vector(config, model, f) for f in fields}
        self.chunk = pixels_per_chunk(model, self.device)
        self.geometric = [j for j, p in enumerate(self.params) if not p.is_scale]

    def fields(self, x: torch.Tensor) -> Dict[str, torch.Tensor]:
        """The ``sim.model.params`` tensors for changes ``x`` (our values where x is 0, bit for bit)."""
        out = {}
        for field, base in self.base.items():
            parts = [torch.tensor(v, dtype=torch.float64) for v in base]
            for j, p in enumerate(self.params):
                if p.field == field:
                    i = 0 if p.index is None else p.index
                    parts[i] = parts[i] + x[j]
            out[field] = torch.stack(parts) if len(base) > 1 else parts[0]
        return out

    def values(self, x: torch.Tensor, cancel: Cancel = None) -> torch.Tensor:
        """Pixel values (R,) on the run's device and dtype (dual when ``x`` is)."""
        model = build_model(self.config, self.fields(x))
        k = kernel_inputs(model, self.device, self.dtype)
        chunk, pieces = self.chunk, []
        for begin in range(0, len(self.slow), chunk):
            if cancel is not None and cancel():
                raise SimulationCancelled("fit cancelled")
            pieces.append(pixel_values(k, self.slow[begin:begin + chunk], self.fast[begin:begin + chunk]))
        return torch.cat(pieces)

    def jacobian(self, x: torch.Tensor, cancel: Cancel = None,
                 step: Optional[Callable[[], None]] = None) -> Tuple[torch.Tensor, torch.Tensor]:
        """(values (R,), J (R, P)) at ``x``; the scale's column is left 0 (the fit fills it)."""
        columns: List[torch.Tensor] = []
        primal = None
        x = x.detach().to(torch.float64)
        for j in range(len(self.params)):
            if j not in self.geometric:
                columns.append(None)
                continue
            with fwAD.dual_level():
                tangent = torch.zeros_like(x)
                tangent[j] = 1.0
                out = self.values(fwAD.make_dual(x, tangent), cancel)
                value, derivative = fwAD.unpack_dual(out)
                primal = value.detach().clone() if primal is None else primal
                columns.append(torch.zeros_like(value) if derivative is None else derivative.detach().clone())
            if step is not None:
                step()
        if primal is None:
            primal = self.values(x, cancel)
        columns = [torch.zeros_like(primal) if c is None else c for c in columns]
        return primal, torch.stack(columns, dim=1) if columns else primal.new_zeros((len(primal), 0))
