"""Differentiable parameters: the config fields that may be given as torch tensors.

``build_model(config, params)`` and ``simulate(config, params=...)`` take a dict from
names in ``DIFFERENTIABLE`` to tensors. Each tensor replaces the config's value of that
name while the model is built, so the model's tensors (pix0, detector axes, distances,
cell vectors, crystal orientations, source wavelengths) and the simulated image carry
the autograd graph back to it. ``DIFFERENTIABLE`` lists the fields that ``sim.model.config``
declares ``differentiable``; a tensor has its field's shape (``field_shape``: ``()`` for one
value, ``(n,)`` for a tuple of n) and the units its name says (``cell_A_deg``: a, b, c in
Angstrom, then alpha, beta, gamma in degrees).

The values are those of the tensors (float64), so a tensor equal to the config's value
gives the same image, bit for bit. ``model.config`` holds the values as floats, for the
printed summary and the file headers. Example::

    import torch
    from sim.model.config import CrystalConfig, DetectorConfig, SimConfig
    from sim.simulator import simulate

    config = SimConfig(crystal=CrystalConfig(cell_A_deg=(100, 100, 100, 90, 90, 90),
                                             N_cells=(5, 5, 5), default_F=100.0),
                       detector=DetectorConfig(distance_mm=100.0, fpixels=64, spixels=64))
    distance = torch.tensor(100.0, dtype=torch.float64, requires_grad=True)
    result = simulate(config, device="cpu", params={"distance_mm": distance})
    result.image_tensor.sum().backward()
    distance.grad  # d(total photons) / d(distance_mm)

Not differentiable, by nature: integer quantities decided from these values (pixel
counts, auto-selected oversampling and steps, cells per crystal from its size), the
rounding of fractional hkl to the nearest reflection, and a -close_distance or XDS/DIALS
origin that overrides the distance or beam centre (the gradient is then zero, as the
value has no effect). A random misset cannot be a parameter.
"""

from __future__ import annotations

from typing import Dict, Mapping, Optional

import torch

from sim.model.config import SimConfig
from sim.model.options import OPTIONS, replaced

_ENTRIES = {e.name: e for e in OPTIONS if e.option.differentiable}
#: The config fields that may be given as tensors, in the config's order.
DIFFERENTIABLE = tuple(_ENTRIES)

Params = Mapping[str, torch.Tensor]


def check_params(config: SimConfig, params: Optional[Params]) -> Dict[str, torch.Tensor]:
    """``params`` as float64 CPU tensors of their field's shape (autograd graph kept).

    Raises ValueError naming an unknown field, a wrong shape, or a misset parameter with
    a random misset.
    """
    checked = {}
    for name, value in (params or {}).items():
        if name not in _ENTRIES:
            raise ValueError(f"{name!r} is not a differentiable parameter; choose from {DIFFERENTIABLE}")
        tensor = torch.as_tensor(value).to(dtype=torch.float64, device="cpu")
        shape = field_shape(name)
        if tuple(tensor.shape) != shape:
            raise ValueError(f"parameter {name!r} must have shape {shape}, got {tuple(tensor.shape)}")
        checked[name] = tensor
    if "misset_deg" in checked and config.crystal.misset_random:
        raise ValueError("'misset_deg' cannot be a parameter when the misset is random")
    return checked


def field_shape(name: str) -> tuple:
    """The tensor shape of differentiable field ``name`` (``()`` for a scalar)."""
    size = _ENTRIES[name].size
    return () if size == 1 else (size,)


def requires_grad(params: Optional[Params]) -> bool:
    """Whether any parameter tensor asks for gradients."""
    return any(isinstance(v, torch.Tensor) and v.requires_grad for v in (params or {}).values())


def with_tensors(config: SimConfig, params: Dict[str, torch.Tensor]) -> SimConfig:
    """``config`` with the checked ``params`` tensors in place of their fields (for building)."""
    return _replace(config, params)


def with_values(config: SimConfig, params: Dict[str, torch.Tensor]) -> SimConfig:
    """``config`` with the checked ``params`` values as floats (for reporting and validation)."""
    return _replace(config, {name: _floats(t) for name, t in params.items()})


def _floats(tensor: torch.Tensor):
    values = tuple(float(v) for v in tensor.detach().reshape(-1))
    return values if tensor.dim() else values[0]


def _replace(config: SimConfig, values: Mapping[str, object]) -> SimConfig:
    return replaced(config, {_ENTRIES[name].key: value for name, value in values.items()})
