"""Incident beam: the list of sources (directions and wavelengths) and the fluence.

Sources come from a source file or from nanoBragg's divergence x dispersion grid,
including its auto-selection of step counts and its elliptical trim (``-round_div``).
Directions are unit vectors from the sample towards the source; the incident beam
of a source is minus that vector. Angles are radians, wavelengths metres. A
``wavelength_A`` given as a 0-dim tensor (``sim.model.params``) keeps the source wavelengths
differentiable.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Tuple

import numpy as np
import torch

from sim import units
from sim.model.config import BeamConfig
from sim.model.vectors import cross, rotate_axis, unitize, vec
from sim.model.sampling import from_step_alone, step_count


@dataclass
class Sources:
    """directions: (n, 3) unit vectors sample->source; wavelengths_m: (n,); weights: (n,)."""

    directions: torch.Tensor
    wavelengths_m: torch.Tensor
    weights: torch.Tensor
    divergence_points: int
    hdiv: Tuple[float, float, int]
    vdiv: Tuple[float, float, int]
    dispersion: Tuple[float, float, int]

    @property
    def count(self) -> int:
        return int(self.directions.shape[0])


def sampling_steps(range_, step, steps, steps_only_range=1.0):
    """nanoBragg's auto-selection of (range, step, steps) for one sampled dimension.

    ``range_``/``step`` < 0 and ``steps`` <= 0 mean "not given". Ends with the C's sanity
    check: a zero range, step or count collapses to a single sample.
    """
    if steps <= 0:
        if range_ < 0.0:
            range_, step, steps = from_step_alone(step)
        elif step <= 0.0:
            step, steps = range_, 2
        else:
            steps = step_count(range_ / step, "range / step of the divergence or dispersion")
    elif range_ < 0.0:
        if step <= 0.0:
            range_ = steps_only_range
            step = range_ / steps
        else:
            range_, step, steps = from_step_alone(step)
    elif step <= 0.0:
        steps = max(steps, 2)
        step = range_ / (steps - 1)
    if range_ <= 0.0 or step <= 0.0 or steps <= 0:
        return 0.0, 0.0, 1
    return range_, step, steps


def _neg_mrad(value_mrad: Optional[float]) -> float:
    """Radians, or the C's -1 for "not given"."""
    return -1.0 if value_mrad is None else value_mrad / units.MRAD_PER_RAD


def divergence_and_dispersion(cfg: BeamConfig):
    """((hrange, hstep, hsteps), (vrange, vstep, vsteps), (disp, dstep, dsteps)) in rad / fraction."""
    h = sampling_steps(_neg_mrad(cfg.hdiv_range_mrad), _neg_mrad(cfg.hdiv_step_mrad), cfg.hdiv_steps or 0)
    v = sampling_steps(_neg_mrad(cfg.vdiv_range_mrad), _neg_mrad(cfg.vdiv_step_mrad), cfg.vdiv_steps or 0)
    # the C starts dispersion at 0 (not "unset") and has no flag for its step
    d = sampling_steps(cfg.dispersion_pct / units.PERCENT_PER_ONE, -1.0, cfg.dispersion_steps or 0)
    return h, v, d


def central_wavelength_m(cfg: BeamConfig):
    """The beam's central wavelength (-lambda, or -energy as the parser converts it), metres:
    the one conversion of it, for the sources, the cell of a MOSFLM matrix, the
    auto-oversample rule and the image headers. A tensor where ``cfg.wavelength_A`` is one
    (``sim.model.params``)."""
    return units.angstrom_to_m(cfg.wavelength_A)


def grid_sources(cfg: BeamConfig, beam: torch.Tensor, polar: torch.Tensor) -> Sources:
    """The divergence grid (trimmed to an ellipse unless square) times the dispersion steps."""
    h, v, d = divergence_and_dispersion(cfg)
    (hrange, hstep, hsteps), (vrange, vstep, vsteps), (disp, dstep, dsteps) = h, v, d
    vert = unitize(cross(beam, polar))
    lambda0 = central_wavelength_m(cfg)
    directions, factors = [], []
    points = 0
    for hi in range(hsteps):
        for vi in range(vsteps):
            hdiv = hstep * hi - hrange / 2.0
            vdiv = vstep * vi - vrange / 2.0
            if cfg.round_div and _outside_ellipse(hdiv, vdiv, h, v):
                continue
            points += 1
            toward = -units.SOURCE_DISTANCE_M * beam
            toward = rotate_axis(rotate_axis(toward, polar, vdiv), vert, hdiv)
            for di in range(dsteps):
                directions.append(toward)
                factors.append(1.0 + dstep * di - disp / 2.0)
    n = len(directions)
    wavelengths = lambda0 * torch.tensor(factors, dtype=torch.float64)
    # the trim can leave no source (-divsteps 1): the C then divides 0 by 0 steps (NaN image)
    stacked = torch.stack(directions) if n else torch.zeros((0, 3), dtype=torch.float64)
    return Sources(unitize(stacked), wavelengths,
                   torch.full((n,), 1.0 / max(n, 1), dtype=torch.float64), points, h, v, d)


def _outside_ellipse(hdiv, vdiv, h, v) -> bool:
    (hrange, hstep, hsteps), (vrange, vstep, vsteps) = h, v
    with np.errstate(divide="ignore", invalid="ignore"):
        test = np.float64(hdiv * hdiv - hstep * hstep / 4.0 * (1 - hsteps % 2)) / hrange / hrange
        test += np.float64(vdiv * vdiv - vstep * vstep / 4.0 * (1 - vsteps % 2)) / vrange / vrange
    # NaN (a zero range) compares False, as in the C
    return bool(test * 4.0 > 1.1)


def file_sources(table: np.ndarray, cfg: BeamConfig, beam: torch.Tensor) -> Sources:
    """Sources from a source file table (X, Y, Z, weight, wavelength_m; NaN = missing)."""
    table = np.array(table, dtype=np.float64)
    default_xyz = (-units.SOURCE_DISTANCE_M * beam).numpy()
    for col in range(3):
        table[np.isnan(table[:, col]), col] = default_xyz[col]
    table[np.isnan(table[:, 3]), 3] = 1.0
    listed = torch.from_numpy(table[:, 4].copy())
    lambda0 = torch.as_tensor(central_wavelength_m(cfg), dtype=torch.float64)
    wavelengths = torch.where(torch.isnan(listed), lambda0, listed)
    directions = unitize(torch.from_numpy(table[:, :3]))
    empty = (0.0, 0.0, 1)
    return Sources(directions, wavelengths, torch.from_numpy(table[:, 3].copy()), len(table),
                   empty, empty, empty)


def fluence_per_m2(cfg: BeamConfig) -> float:
    """Fluence: given, or flux * exposure / beamsize^2, or nanoBragg's default."""
    fluence = units.DEFAULT_FLUENCE_PER_M2 if cfg.fluence_per_m2 is None else cfg.fluence_per_m2
    beamsize = units.mm_to_m(cfg.beamsize_mm)
    if cfg.flux_per_s != 0.0 and cfg.exposure_s > 0.0 and beamsize >= 0:
        fluence = cfg.flux_per_s * cfg.exposure_s / beamsize / beamsize
    return fluence


__all__ = ["Sources", "grid_sources", "file_sources", "fluence_per_m2", "sampling_steps", "vec"]
