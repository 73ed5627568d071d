"""Unit cell and orientation: reciprocal and real-space cell vectors, crystal size.

``build_cell`` follows nanoBragg's sequence exactly: reciprocal cell from the cell
parameters (or a MOSFLM matrix divided by the wavelength), misset rotation of the
reciprocal vectors, real-space vectors from their cross products, then reciprocal
vectors regenerated from those. For a triclinic cell this changes the printed cell
slightly (``-cell 70 80 90 75 85 95`` ends as 75.0391 85.0136 95.0081), and parity needs it.

Real-space vectors are returned in Angstrom and metres; reciprocal ones in 1/Angstrom.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Optional, Tuple

import torch

from sim.c_numerics import libm

from sim import units
from sim.model.vectors import cross, dot, norm, rotate_xyz
from sim.c_numerics.libm import Scalar

_DBL_MIN = 2.2250738585072014e-308


@dataclass
class Cell:
    """Crystal cell vectors. a, b, c: (3,) Angstrom; a_star...: (3,) 1/Angstrom; V in A^3."""

    a: torch.Tensor
    b: torch.Tensor
    c: torch.Tensor
    a_star: torch.Tensor
    b_star: torch.Tensor
    c_star: torch.Tensor
    volume_A3: torch.Tensor
    misset_rad: Optional[Tuple[float, float, float]]

    def real_m(self) -> torch.Tensor:
        """(3, 3) rows a, b, c in metres."""
        return torch.stack([self.a, self.b, self.c]) * units.ANGSTROM

    def axis_lengths_m(self) -> Tuple[float, float, float]:
        """|a|, |b|, |c| in metres as the C measures them: of the vectors already in metres
        (the crystal size and the oversampling it decides are ceilings of these)."""
        rows = (self.real_m().detach()).tolist()
        return tuple(math.sqrt(x * x + y * y + z * z) for x, y, z in rows)

    def parameters(self) -> Tuple[float, ...]:
        """(a, b, c in Angstrom, alpha, beta, gamma in degrees) of the final vectors."""
        la, lb, lc = (norm(v).item() for v in (self.a, self.b, self.c))
        alpha = units.rad_to_deg(math.acos(dot(self.b, self.c).item() / lb / lc))
        beta = units.rad_to_deg(math.acos(dot(self.a, self.c).item() / la / lc))
        gamma = units.rad_to_deg(math.acos(dot(self.a, self.b).item() / la / lb))
        return la, lb, lc, alpha, beta, gamma


def _clamp(x, limit=1.0):
    return max(-limit, min(limit, x))


def reciprocal_from_parameters(cell_A_deg) -> Tuple[torch.Tensor, torch.Tensor, torch.Tensor, Scalar,
                                                     Tuple[Scalar, Scalar, Scalar]]:
    """Default-orientation reciprocal vectors, the cell volume (A^3) and the real axis lengths (A).

    ``cell_A_deg``: (a, b, c, alpha, beta, gamma) in Angstrom and degrees, numbers or 0-dim
    tensors (a (6,) tensor iterates as such); tensors keep the results differentiable.
    """
    a, b, c, al, be, ga = (libm.scalar(x) for x in cell_A_deg)
    b = a if b <= 0 else b
    c = a if c <= 0 else c
    alpha, beta, gamma = (units.deg_to_rad(x) if x > 0 else math.pi / 2 for x in (al, be, ga))
    sin_a, sin_b, sin_g = libm.sin(alpha), libm.sin(beta), libm.sin(gamma)
    cos_a, cos_b, cos_g = libm.cos(alpha), libm.cos(beta), libm.cos(gamma)
    aavg = (alpha + beta + gamma) / 2
    skew = abs(libm.sin(aavg) * libm.sin(aavg - alpha) * libm.sin(aavg - beta) * libm.sin(aavg - gamma))
    volume = 2.0 * a * b * c * libm.sqrt(skew)
    if volume <= 0.0:
        volume = _DBL_MIN
    v_star = 1.0 / volume
    lengths = [max(abs(x), _DBL_MIN) for x in (b * c * sin_a * v_star, c * a * sin_b * v_star,
                                                a * b * sin_g * v_star)]
    as_, bs, cs = lengths
    sin_gs = _clamp(c * v_star / as_ / bs)
    cos_as = (cos_b * cos_g - cos_a) / (sin_b * sin_g)
    cos_bs = (cos_g * cos_a - cos_b) / (sin_g * sin_a)
    cos_gs = (cos_a * cos_b - cos_g) / (sin_a * sin_b)
    cos_as, cos_bs, cos_gs = (1.0 if x * x > 1.0 else x for x in (cos_as, cos_bs, cos_gs))
    a_star = libm.vector3(as_, 0.0, 0.0)
    b_star = libm.vector3(bs * cos_gs, bs * sin_gs, 0.0)
    c_star = libm.vector3(cs * cos_bs, cs * (cos_as - cos_bs * cos_gs) / sin_gs,
                          cs * volume / (a * b * c * sin_gs))
    return a_star, b_star, c_star, volume, (a, b, c)


def build_cell(cell_A_deg=None, matrix_rows=None, wavelength_m: float = units.ANGSTROM,
               misset_rad: Optional[Tuple[float, float, float]] = None) -> Cell:
    """Cell vectors from parameters and/or a MOSFLM matrix, then misset (nanoBragg's order).

    ``matrix_rows``: (3, 3) a*, b*, c* as read from a MOSFLM file (still times the wavelength,
    ``wavelength_m``, in Angstrom).
    """
    user = None
    if cell_A_deg is not None:
        a_star, b_star, c_star, volume, lengths = reciprocal_from_parameters(cell_A_deg)
        user = (volume, lengths)
    if matrix_rows is not None:
        rows = torch.as_tensor(matrix_rows, dtype=torch.float64) * (units.ANGSTROM / wavelength_m)
        a_star, b_star, c_star = rows[0], rows[1], rows[2]
    if misset_rad is not None:
        a_star, b_star, c_star = (rotate_xyz(v, *misset_rad) for v in (a_star, b_star, c_star))
    return _real_and_regenerated(a_star, b_star, c_star, user, misset_rad)


def _real_and_regenerated(a_star, b_star, c_star, user, misset_rad) -> Cell:
    bxc, cxa, axb = cross(b_star, c_star), cross(c_star, a_star), cross(a_star, b_star)
    v_star = dot(a_star, bxc)
    if user is not None:
        volume, (la, lb, lc) = user
        # the C's vector_rescale, (new length / old length) * v, dividing tensor by tensor
        # (a number divided by a tensor is a reciprocal times the number in torch)
        bxc, cxa, axb = (torch.as_tensor(length / volume, dtype=torch.float64) / _safe_norm(v) * v
                         for v, length in ((bxc, la), (cxa, lb), (axb, lc)))
        v_star = torch.as_tensor(1.0 / volume, dtype=torch.float64)
    v_cell = 1.0 / v_star
    a, b, c = bxc * v_cell, cxa * v_cell, axb * v_cell
    a_star, b_star, c_star = cross(b, c) * v_star, cross(c, a) * v_star, cross(a, b) * v_star
    return Cell(a, b, c, a_star, b_star, c_star, v_cell, misset_rad)


def _safe_norm(v: torch.Tensor) -> torch.Tensor:
    length = norm(v)
    return torch.where(length <= 0, torch.ones_like(length), length)


def beam_clipped_size(xtal_size_mm, beamsize_mm: float):
    """The crystal size (mm, None = not given) after the C's clip to the beam: a y or z size
    larger than ``-beamsize`` (mm; a negative size turns the clip off) becomes the beam size.
    """
    x, y, z = xtal_size_mm
    if beamsize_mm < 0:
        return x, y, z
    clip = lambda size: beamsize_mm if size is not None and beamsize_mm < size else size  # noqa: E731
    return x, clip(y), clip(z)


def cells_per_axis(cell: Cell, N_cells, xtal_size_mm) -> Tuple[float, float, float]:
    """(Na, Nb, Nc): from -N, or from the crystal size (ceil(size/axis)); at least 1 each."""
    counts = []
    for n, size_mm, length_m in zip(N_cells, xtal_size_mm, cell.axis_lengths_m()):
        if size_mm is not None and size_mm > 0:
            n = math.ceil(units.mm_to_m(size_mm) / length_m)
        counts.append(float(max(n, 1)))
    return tuple(counts)
