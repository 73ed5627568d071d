"""Small tensor helpers for 3-vectors: rotations, unit vectors, dot and cross products.

All functions broadcast over leading dimensions; vectors are the last dimension (3).
Rotations follow nanoBragg's conventions (right-handed, angles in radians). The vectors
that cross products and rotations return are stored component by component
(``components_last``), as the sample stage stores its positions
(``sim.kernel.pixel_geometry.sample_positions``).
"""

from __future__ import annotations

import torch

from sim.c_numerics import libm


def dot(u: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
    """u . v over the last dimension (3), summed in the order x, y, z as (u * v).sum(-1)
    does, with the same result; component by component is 3-10x faster than a
    reduction over a dimension of three."""
    return u[..., 0] * v[..., 0] + u[..., 1] * v[..., 1] + u[..., 2] * v[..., 2]


def components_last(x, y, z) -> torch.Tensor:
    """The vectors (..., 3) of components (...), each component's values contiguous (a view
    of a (3, ...) tensor): elementwise steps on them then run over long contiguous blocks,
    several times faster than over a last dimension of three."""
    return torch.stack([x, y, z]).movedim(0, -1)


def cross_component(u, v, i: int) -> torch.Tensor:
    """Component ``i`` of u x v for component lists u, v (as from ``unbind(-1)``), as the C
    writes it (torch.linalg.cross may round differently)."""
    j, k = (i + 1) % 3, (i + 2) % 3
    return u[j] * v[k] - u[k] * v[j]


def cross(u: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
    """u x v (``cross_component``)."""
    u, v = u.unbind(-1), v.unbind(-1)
    return components_last(*(cross_component(u, v, i) for i in range(3)))


def norm(v: torch.Tensor) -> torch.Tensor:
    return torch.sqrt(dot(v, v))


def unitize(v: torch.Tensor) -> torch.Tensor:
    """v / |v|, and the zero vector where |v| == 0 (as nanoBragg's unitize)."""
    length = norm(v).unsqueeze(-1)
    safe = torch.where(length == 0, torch.ones_like(length), length)
    return torch.where(length == 0, torch.zeros_like(v), v / safe)


def rotation_x(angle: torch.Tensor) -> torch.Tensor:
    c, s = torch.cos(angle), torch.sin(angle)
    one, zero = torch.ones_like(c), torch.zeros_like(c)
    return _matrix(one, zero, zero, zero, c, -s, zero, s, c)


def rotation_y(angle: torch.Tensor) -> torch.Tensor:
    c, s = torch.cos(angle), torch.sin(angle)
    one, zero = torch.ones_like(c), torch.zeros_like(c)
    return _matrix(c, zero, s, zero, one, zero, -s, zero, c)


def rotation_z(angle: torch.Tensor) -> torch.Tensor:
    c, s = torch.cos(angle), torch.sin(angle)
    one, zero = torch.ones_like(c), torch.zeros_like(c)
    return _matrix(c, -s, zero, s, c, zero, zero, zero, one)


def _matrix(*entries: torch.Tensor) -> torch.Tensor:
    return torch.stack(entries, dim=-1).reshape(*entries[0].shape, 3, 3)


def rotate_xyz(v: torch.Tensor, rx, ry, rz) -> torch.Tensor:
    """Rotate v about x, then y, then z (nanoBragg's ``rotate``).

    Component by component in the C's order, with libm's sine and cosine, and a zero angle
    skipped as the C skips it, so that the result is the C's to the last bit (a derived
    integer such as the auto-selected oversampling can depend on it).
    """
    x, y, z = v.unbind(-1)
    if not _is_zero(rx):
        c, s = libm.cos(rx), libm.sin(rx)
        y, z = y * c + z * -s, y * s + z * c
    if not _is_zero(ry):
        c, s = libm.cos(ry), libm.sin(ry)
        x, z = x * c + z * s, x * -s + z * c
    if not _is_zero(rz):
        c, s = libm.cos(rz), libm.sin(rz)
        x, y = x * c + y * -s, x * s + y * c
    return components_last(x, y, z)


def _is_zero(angle) -> bool:
    """A zero angle that can be skipped (a differentiable one is kept for its gradient)."""
    if isinstance(angle, torch.Tensor):
        return not angle.requires_grad and angle.numel() == 1 and angle.item() == 0.0
    return angle == 0.0


def rotate_axis(v: torch.Tensor, axis: torch.Tensor, angle) -> torch.Tensor:
    """Rotate v by ``angle`` about the unit vector ``axis`` (Rodrigues; nanoBragg's ``rotate_axis``).

    A single angle takes libm's sine and cosine (the C's values); a tensor of angles, torch's.
    """
    if isinstance(angle, torch.Tensor) and angle.dim() > 0:
        cos_a, sin_a = torch.cos(angle), torch.sin(angle)
    else:
        cos_a, sin_a = libm.cos(angle), libm.sin(angle)
    along = dot(axis, v) * (1.0 - cos_a)
    a, w = axis.unbind(-1), v.unbind(-1)
    # component by component: no full-size cross product is held (curved detectors rotate
    # every sub-pixel)
    return components_last(*(a[i] * along + w[i] * cos_a + cross_component(a, w, i) * sin_a for i in range(3)))


def vec(values, dtype=torch.float64, device=None) -> torch.Tensor:
    """A 3-vector tensor from a tuple (or a tensor, returned on dtype/device)."""
    return torch.as_tensor(values, dtype=dtype, device=device)
