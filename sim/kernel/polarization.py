"""The polarization factor of nanoBragg (Kahn's formula), on tensors."""

from __future__ import annotations

import torch

from sim.model.vectors import cross, dot, unitize


def cos_two_theta(incident: torch.Tensor, diffracted: torch.Tensor) -> torch.Tensor:
    """cos 2theta between the beam and diffracted unit vectors (..., 3), as the formula takes it."""
    return dot(incident, diffracted)


def polarization_factor(kahn: float, incident: torch.Tensor, diffracted: torch.Tensor,
                        axis: torch.Tensor) -> torch.Tensor:
    """0.5 (1 + cos^2 2theta - kahn cos(2 psi) sin^2 2theta) (nanoBragg's polarization_factor).

    ``incident``/``diffracted``: (..., 3) unit vectors; ``axis``: (3,) E-vector direction.
    """
    cos2t = cos_two_theta(incident, diffracted)
    cos2t_sqr = cos2t * cos2t
    sin2t_sqr = 1.0 - cos2t_sqr
    if kahn == 0.0:
        return 0.5 * (1.0 + cos2t_sqr)
    b_in = unitize(cross(axis.expand_as(incident), incident))
    e_in = unitize(cross(incident, b_in))
    psi = -torch.atan2(dot(diffracted, b_in), dot(diffracted, e_in))
    return 0.5 * (1.0 + cos2t_sqr - kahn * torch.cos(2.0 * psi) * sin2t_sqr)
