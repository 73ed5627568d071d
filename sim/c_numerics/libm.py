"""Scalar maths with the C library's values and autograd's derivatives.

The model is built with Python floats and ``math`` (the C program's libm), so that its
numbers match nanoBragg to the last bit; torch's CPU kernels may differ from libm by one
ulp. When a differentiable parameter (``sim.model.params``) reaches one of these functions as
a 0-dim tensor, the value is still libm's, computed from the tensor's value, and the
derivative flows through autograd. Floats in, floats out; tensors in, tensors out.
"""

from __future__ import annotations

import math
from typing import Callable, Union

import torch

Scalar = Union[float, torch.Tensor]


def _libm_op(value: Callable[[float], float], derivative: Callable[[torch.Tensor], torch.Tensor]):
    """An autograd function of a 0-dim tensor: forward ``value`` (libm), backward ``derivative``
    (forward-mode too, which ``sim.explain`` uses for Jacobians)."""

    class _Op(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x: torch.Tensor) -> torch.Tensor:
            ctx.save_for_backward(x)
            ctx.save_for_forward(x)
            return torch.tensor(value(x.item()), dtype=x.dtype, device=x.device)

        @staticmethod
        def jvp(ctx, tangent: torch.Tensor) -> torch.Tensor:
            (x,) = ctx.saved_tensors
            return tangent * derivative(x)

        @staticmethod
        def backward(ctx, grad: torch.Tensor) -> torch.Tensor:
            (x,) = ctx.saved_tensors
            return grad * derivative(x)

    return _Op.apply


_sin = _libm_op(math.sin, torch.cos)
_cos = _libm_op(math.cos, lambda x: -torch.sin(x))
_sqrt = _libm_op(math.sqrt, lambda x: 0.5 / torch.sqrt(x))


def sin(x: Scalar) -> Scalar:
    """sin(x), x in radians."""
    return _sin(x) if isinstance(x, torch.Tensor) else math.sin(x)


def cos(x: Scalar) -> Scalar:
    """cos(x), x in radians."""
    return _cos(x) if isinstance(x, torch.Tensor) else math.cos(x)


def sqrt(x: Scalar) -> Scalar:
    """Square root of x >= 0."""
    return _sqrt(x) if isinstance(x, torch.Tensor) else math.sqrt(x)


def scalar(x) -> Scalar:
    """A float of a number, or a 0-dim tensor left as it is (so its graph is kept)."""
    return x if isinstance(x, torch.Tensor) else float(x)


def value(x: Scalar) -> float:
    """The float value of a number or a 0-dim tensor (without autograd's conversion warning)."""
    return x.item() if isinstance(x, torch.Tensor) else float(x)


def vector3(x: Scalar, y: Scalar, z: Scalar) -> torch.Tensor:
    """A (3,) float64 tensor of three floats or 0-dim tensors, differentiable in each."""
    return torch.stack([torch.as_tensor(v, dtype=torch.float64) for v in (x, y, z)])
