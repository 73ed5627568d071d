"""Pure physics functions on tensors: lattice shape transforms and the polarization factor.

Each matches a nanoBragg routine (named in its docstring) and broadcasts over any leading
dimensions. Miller indices are dimensionless; reciprocal vectors in 1/Angstrom.
"""

from __future__ import annotations

import math

import torch

from .geometry import cross, dot, unitize

#: sqrt of the volume ratio between a cube and its inscribed sphere, as nanoBragg uses it.
ROUND_XTAL_SCALE = 0.723601254558268
#: Gaussian and top-hat spot constants of nanoBragg (spot volume/FWHM matched to square_xtal).
GAUSS_SCALE = 0.63
TOPHAT_RADIUS_SQR = 0.3969


def sincg(x: torch.Tensor, n: float) -> torch.Tensor:
    """Lattice transform sin(n x) / sin(x), n where x == 0 (nanoBragg's sincg)."""
    safe = torch.where(x == 0, torch.ones_like(x), x)
    return torch.where(x == 0, torch.full_like(x, n), torch.sin(n * safe) / torch.sin(safe))


def sinc3(x: torch.Tensor) -> torch.Tensor:
    """Sphere transform 3 (sin x / x - cos x) / x^2, 1 at 0 (nanoBragg's sinc3).

    Always evaluated in float64: near a Bragg peak (small x) the difference cancels to a
    few digits, and in float32 it is 0 there, which blanks the brightest pixels.
    """
    if x.dtype != torch.float64:
        return sinc3(x.to(torch.float64)).to(x.dtype)
    safe = torch.where(x == 0, torch.ones_like(x), x)
    value = 3.0 * (torch.sin(safe) / safe - torch.cos(safe)) / (safe * safe)
    return torch.where(x == 0, torch.ones_like(x), value)


def square_lattice_factors(hkl: torch.Tensor, N) -> torch.Tensor:
    """F_latt_a, F_latt_b, F_latt_c of a parallelepiped crystal: (..., 3); 1 along axes with N <= 1."""
    factors = []
    for axis, n in enumerate(N):
        if n > 1:
            factors.append(sincg(math.pi * hkl[..., axis], n))
        else:
            factors.append(torch.ones_like(hkl[..., axis]))
    return torch.stack(factors, dim=-1)


def round_lattice_factor(hkl: torch.Tensor, hkl0: torch.Tensor, N, fudge: float) -> torch.Tensor:
    """Ellipsoidal crystal: sinc3 of the radius in N-scaled hkl space."""
    n = torch.as_tensor(N, dtype=hkl.dtype, device=hkl.device)
    hrad_sqr = (((hkl - hkl0) * n) ** 2).sum(-1)
    return N[0] * N[1] * N[2] * ROUND_XTAL_SCALE * sinc3(math.pi * torch.sqrt(hrad_sqr * fudge))


def reciprocal_distance_sqr(hkl: torch.Tensor, hkl0: torch.Tensor, recip: torch.Tensor, N) -> torch.Tensor:
    """|(h-h0) a* + (k-k0) b* + (l-l0) c*|^2 (Na Nb Nc)^2, with the unrotated a*, b*, c* rows of ``recip``."""
    delta = (hkl - hkl0) @ recip
    return dot(delta, delta) * (N[0] * N[1] * N[2]) ** 2


def gauss_lattice_factor(rad_star_sqr: torch.Tensor, N, fudge: float) -> torch.Tensor:
    return N[0] * N[1] * N[2] * torch.exp(-(rad_star_sqr / GAUSS_SCALE * fudge))


def tophat_lattice_factor(rad_star_sqr: torch.Tensor, N, fudge: float) -> torch.Tensor:
    inside = (rad_star_sqr * fudge < TOPHAT_RADIUS_SQR).to(rad_star_sqr.dtype)
    return N[0] * N[1] * N[2] * inside


def polarization_factor(kahn: float, incident: torch.Tensor, diffracted: torch.Tensor,
                        axis: torch.Tensor) -> torch.Tensor:
    """0.5 (1 + cos^2 2theta - kahn cos(2 psi) sin^2 2theta) (nanoBragg's polarization_factor).

    ``incident``/``diffracted``: (..., 3) unit vectors; ``axis``: (3,) E-vector direction.
    """
    cos2t = dot(incident, diffracted)
    cos2t_sqr = cos2t * cos2t
    sin2t_sqr = 1.0 - cos2t_sqr
    if kahn == 0.0:
        return 0.5 * (1.0 + cos2t_sqr)
    b_in = unitize(cross(axis.expand_as(incident), incident))
    e_in = unitize(cross(incident, b_in))
    psi = -torch.atan2(dot(diffracted, b_in), dot(diffracted, e_in))
    return 0.5 * (1.0 + cos2t_sqr - kahn * torch.cos(2.0 * psi) * sin2t_sqr)
