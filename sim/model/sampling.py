"""nanoBragg's auto-selection rules for phi steps, sensor layers, mosaic domains and oversampling.

Each function takes the user's values (None = not given) and returns what the C program
would use. Angles radians, lengths metres.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import List, Optional, Tuple

from sim import units
from sim.errors import InputError


def step_count(ratio: float, what: str) -> int:
    """ceil(range / step), or InputError when that is no number (a step of 1e-300, say)."""
    if not math.isfinite(ratio):
        raise InputError(f"{what}: the number of steps ({ratio:g}) is not a finite number")
    return math.ceil(ratio)


def from_step_alone(step: float) -> Tuple[float, float, int]:
    """(range, step, count) when the C has a step but neither range nor count (or, with a
    count, no range): the step alone spans one step in two samples; no step, one sample."""
    return (0.0, 0.0, 1) if step <= 0.0 else (step, step, 2)


@dataclass(frozen=True)
class PhiSampling:
    start_rad: float
    step_rad: float
    steps: int
    osc_rad: float

    def angles(self) -> List[float]:
        return [self.start_rad + self.step_rad * i for i in range(self.steps)]


def phi_sampling(start_rad: float, osc_rad: Optional[float], step_rad: Optional[float],
                 steps: Optional[int]) -> PhiSampling:
    """Phi steps as the C chooses them (note: osc with steps gives step = osc/steps)."""
    osc = -1.0 if osc_rad is None else osc_rad
    step = -1.0 if step_rad is None else step_rad
    n = -1 if steps is None else steps
    if n < 0:
        if osc < 0.0:
            osc, step, n = from_step_alone(step)
        elif step <= 0.0:
            n, step = 2, osc / 2.0
        else:
            n = step_count(osc / step, "-osc / -phistep")
    else:
        n = max(n, 1)
        if osc < 0.0:
            if step <= 0.0:
                osc = units.deg_to_rad(1.0)
                step = osc / n
            else:
                osc, step, n = from_step_alone(step)
        elif step < 0.0:
            step = osc / n
    return PhiSampling(start_rad, step, n, osc)


@dataclass(frozen=True)
class SensorSampling:
    thick_m: float
    step_m: float
    layers: int
    mu_per_m: float


def sensor_sampling(thick_m: float, steps: Optional[int], absorption_m: Optional[float]) -> SensorSampling:
    """Sensor layers and attenuation (mu = 1/absorption length; 1/thickness when not given)."""
    mu = -1.0
    if absorption_m is not None:
        # "inf" or 0 means no absorption; the parser already zeroed the thickness in line order
        mu = 0.0 if math.isinf(absorption_m) or absorption_m == 0.0 else 1.0 / absorption_m
    n = -1 if steps is None else steps
    step = -1.0
    if n <= 0:
        n, step = 2, thick_m / 2.0
    else:
        n = max(n, 2)
        step = thick_m / (n - 1)
    if thick_m <= 0.0 or step <= 0.0 or n <= 0:
        thick_m, step, n = 0.0, 0.0, 1
    if thick_m > 0.0 and mu < 0.0:
        mu = 1.0 / thick_m
    return SensorSampling(thick_m, step, n, mu)


@dataclass(frozen=True)
class MosaicSampling:
    spread_rad: float
    domains: int


def mosaic_sampling(spread_rad: Optional[float], domains: Optional[int]) -> MosaicSampling:
    """Mosaic domains: 10 when a spread is given without a count, 1 when there is no spread."""
    spread = -1.0 if spread_rad is None else spread_rad
    n = -1 if domains is None else domains
    if n <= 0:
        if spread < 0.0:
            return MosaicSampling(0.0, 1)
        return MosaicSampling(spread, 1 if spread == 0.0 else 10)
    if spread <= 0.0:
        return MosaicSampling(0.0, 1)
    return MosaicSampling(spread, n)


def recommended_oversample(xtal_size_max_m: float, wavelength_m: float, distance_m: float,
                           pixel_m: float) -> int:
    """ceil(3 * crystal size / reciprocal pixel size), at least 1 (the C's auto-selection)."""
    reciprocal_pixel = wavelength_m * distance_m / pixel_m
    ratio = 3.0 * xtal_size_max_m / reciprocal_pixel if reciprocal_pixel != 0.0 else math.inf
    if not math.isfinite(ratio):  # a distance of 0 (beam along the detector plane): the C's
        return 1                  # int of ceil(inf) is negative, so it takes 1
    return max(math.ceil(ratio), 1)
