"""Each frame's parameters, from the series description and the frame's index alone.

Random draws come from a numpy Generator seeded with (series seed, index), so frame k is
the same whether it is computed first, last, alone or on another machine. A frame's
parameters turn into an ordinary ``SimConfig`` (``frame_config``): every frame is one
nanoBragg run. No torch.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any, Dict, Optional, Tuple

import numpy as np

from sim import units
from sim.model.config import SimConfig
from sim.c_numerics.rng import umat2misset
from sim.series.description import SeriesDescription

#: Frame files are numbered from 1, as DIALS' templates expect.
FILE_STEM = "series_"
#: Largest seed nanoBragg's ran1 takes (-seed, -mosaic_seed).
_MAX_SEED = 2 ** 31 - 2


@dataclass(frozen=True)
class FrameParams:
    """What makes frame ``index`` differ from the line (None = the line's value)."""

    index: int
    noise_seed: Optional[int] = None
    phi_start_deg: Optional[float] = None
    osc_deg: Optional[float] = None
    phi_steps: Optional[int] = None
    misset_deg: Optional[Tuple[float, float, float]] = None
    mosaic_seed: Optional[int] = None
    size_factor: Optional[float] = None
    fluence_per_m2: Optional[float] = None
    wavelength_A: Optional[float] = None

    def to_json(self) -> Dict[str, Any]:
        return {k: list(v) if isinstance(v, tuple) else v
                for k, v in dataclasses.asdict(self).items() if v is not None}


def frame_name(index: int, suffix: str) -> str:
    """``series_00001.img`` for index 0."""
    return f"{FILE_STEM}{index + 1:05d}{suffix}"


def frame_params(desc: SeriesDescription, index: int, base_fluence_per_m2: float = 0.0) -> FrameParams:
    """Frame ``index``'s parameters. ``base_fluence_per_m2``: the line's fluence (for shots
    with a fluence spread)."""
    noise = None if desc.noise_seed is None else _derived_seed(desc.noise_seed, index)
    if desc.kind == "sweep":
        return FrameParams(index, noise, desc.phi_start_deg + index * desc.osc_deg,
                           desc.osc_deg, desc.phi_steps)
    return _shot(desc, index, noise, base_fluence_per_m2)


def _shot(desc: SeriesDescription, index: int, noise: Optional[int], base_fluence: float) -> FrameParams:
    rng = np.random.default_rng(np.random.SeedSequence([desc.shot_seed, index]))
    # Every draw is made whatever the spread, so that one spread never moves another's values.
    umat = uniform_rotation(rng)
    mosaic_seed = int(rng.integers(1, _MAX_SEED + 1))
    size_g, fluence_g, wavelength_g = rng.standard_normal(3)
    spread, line = desc.spread, desc.config()
    misset = tuple(units.rad_to_deg(a) for a in umat2misset(umat))
    return FrameParams(
        index, noise, misset_deg=misset,
        mosaic_seed=mosaic_seed if spread.mosaic_seed else None,
        size_factor=math.exp(spread.size_pct / units.PERCENT_PER_ONE * size_g) if spread.size_pct else None,
        fluence_per_m2=(base_fluence * math.exp(spread.fluence_pct / units.PERCENT_PER_ONE * fluence_g)
                        if spread.fluence_pct else None),
        wavelength_A=(line.beam.wavelength_A * (1.0 + spread.wavelength_pct / units.PERCENT_PER_ONE * wavelength_g)
                      if spread.wavelength_pct else None))


def uniform_rotation(rng: np.random.Generator) -> np.ndarray:
    """(3, 3) rotation uniformly distributed on SO(3): a unit quaternion from four normal
    deviates is uniform on the 3-sphere."""
    q = rng.standard_normal(4)
    w, x, y, z = q / np.linalg.norm(q)
    return np.array([
        [1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)],
        [2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)],
        [2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)]])


def _derived_seed(seed: int, index: int) -> int:
    """A ran1 seed for frame ``index``: independent streams, not seed + index."""
    state = np.random.SeedSequence([seed, index]).generate_state(1, np.uint32)[0]
    return int(state) % _MAX_SEED + 1


def frame_config(line: SimConfig, params: FrameParams) -> SimConfig:
    """The line's config with frame ``params`` applied: the frame as one nanoBragg run."""
    crystal, beam, output = line.crystal, line.beam, line.output
    changes: Dict[str, Any] = {}
    if params.phi_start_deg is not None:
        # nanoBragg samples phi at the start of each step; starting half a step in puts the
        # samples at the centres of the steps, so the frame covers its range evenly, as a
        # continuous rotation does (the image header still gives the frame's own range)
        half_step = params.osc_deg / params.phi_steps / 2.0
        changes.update(phi_start_deg=params.phi_start_deg + half_step, osc_deg=params.osc_deg,
                       phi_steps=params.phi_steps, phi_step_deg=None)
    if params.misset_deg is not None:
        changes.update(misset_deg=params.misset_deg, misset_random=False)
    if params.mosaic_seed is not None:
        changes["mosaic_seed"] = params.mosaic_seed
    if params.size_factor is not None:
        changes.update(_scaled_size(crystal, params.size_factor))
    crystal = dataclasses.replace(crystal, **changes)
    if params.fluence_per_m2 is not None:
        beam = dataclasses.replace(beam, fluence_per_m2=params.fluence_per_m2, flux_per_s=0.0)
    if params.wavelength_A is not None:
        beam = dataclasses.replace(beam, wavelength_A=params.wavelength_A)
    if params.noise_seed is not None:
        output = dataclasses.replace(output, seed=params.noise_seed)
    return dataclasses.replace(line, crystal=crystal, beam=beam, output=output)


def _scaled_size(crystal, factor: float) -> Dict[str, Any]:
    """The crystal size times ``factor``: -xtal_size when the line gives one, else the cell
    counts (rounded, at least 1)."""
    if any(size is not None for size in crystal.xtal_size_mm):
        return {"xtal_size_mm": tuple(None if s is None else s * factor for s in crystal.xtal_size_mm)}
    return {"N_cells": tuple(max(1, round(n * factor)) for n in crystal.N_cells)}
