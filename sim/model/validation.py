"""Checks of user values that need no torch (so the command line can fail fast).

``check_config`` is the one validation of a config at the boundary: every float must be a
finite number unless ``RULES`` says otherwise, and ``RULES`` gives the ranges and the
degenerate values (a zero vector) per field. Where the C program runs on with a
non-finite value and writes a NaN image (``NAN_RUNS``), we run too, with a warning.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import List, Optional

from sim.model.options import OPTIONS, flag_name
from sim.errors import InputError


@dataclass(frozen=True)
class Rule:
    """What a float field (or each float of a tuple field) may hold besides finite numbers."""

    low: Optional[float] = None     # lowest value allowed
    low_open: bool = False          # ... excluded
    nan_runs: bool = False          # non-finite: the C runs and writes NaN; warn only
    inf_ok: bool = False            # +-inf is a meaningful value
    nonzero: bool = False           # a vector that must have a length


POSITIVE = Rule(low=0.0, low_open=True)
NAN_RUNS = Rule(nan_runs=True)
DIRECTION = Rule(nonzero=True)

#: Rules for fields that are more than "a finite number"; every other float field is that.
RULES = {
    ("crystal", "phi_start_deg"): NAN_RUNS, ("crystal", "osc_deg"): NAN_RUNS,
    ("crystal", "default_F"): NAN_RUNS, ("beam", "fluence_per_m2"): NAN_RUNS,
    ("beam", "water_um"): NAN_RUNS, ("beam", "kahn_polarization"): NAN_RUNS,
    ("beam", "wavelength_A"): POSITIVE, ("detector", "distance_mm"): POSITIVE,
    ("detector", "close_distance_mm"): POSITIVE, ("detector", "pixel_mm"): POSITIVE,
    ("detector", "detsize_f_mm"): POSITIVE, ("detector", "detsize_s_mm"): POSITIVE,
    ("detector", "thick_um"): Rule(low=0.0), ("detector", "absorption_um"): Rule(inf_ok=True),
    ("beam", "beam_vector"): DIRECTION, ("beam", "polar_vector"): DIRECTION,
    ("crystal", "spindle_axis"): DIRECTION, ("detector", "fdet_vector"): DIRECTION,
    ("detector", "sdet_vector"): DIRECTION, ("detector", "odet_vector"): DIRECTION,
    ("detector", "twotheta_axis"): DIRECTION,
}
_FINITE = Rule()


def check_config(config) -> List[str]:
    """InputError (naming the flag) for the first value no run can use; else the warnings
    for values the C program runs on but that make the image NaN."""
    warnings: List[str] = []
    for e in OPTIONS:
        warning = _check_field(flag_name(*e.key), e.value(config), RULES.get(e.key, _FINITE))
        if warning:
            warnings.append(warning)
    check_cell(config.crystal.cell_A_deg)
    _check_phi(config.crystal)
    return warnings


def _check_field(flag: str, value, rule: Rule) -> Optional[str]:
    items = value if isinstance(value, tuple) else (value,)
    numbers = [float(v) for v in items if isinstance(v, (int, float)) and not isinstance(v, bool)]
    if not numbers:
        return None
    text = f"{flag} {' '.join(f'{v:g}' for v in items if v is not None)}"
    if any(math.isnan(v) or (math.isinf(v) and not rule.inf_ok) for v in numbers):
        if rule.nan_runs:
            return f"{text}: not a finite number; the image will be NaN (as in the C program)"
        raise InputError(f"{text}: expected a finite number")
    if rule.low is not None and any(v < rule.low or (rule.low_open and v == rule.low)
                                    for v in numbers):
        raise InputError(f"{text}: must be {'positive' if rule.low_open else 'non-negative'}")
    if rule.nonzero and not math.hypot(*numbers) > 0.0:
        raise InputError(f"{text}: a direction must not be the zero vector")
    return None


def _check_phi(crystal) -> None:
    """A non-finite oscillation with a phi step gives no countable number of phi steps."""
    osc, step = crystal.osc_deg, crystal.phi_step_deg
    if (osc is not None and not math.isfinite(osc) and crystal.phi_steps is None
            and step is not None and step > 0):
        raise InputError(f"-osc {osc:g} with -phistep {step:g}: the number of phi steps "
                         "cannot be counted; give a finite -osc")


def check_cell(cell) -> None:
    """InputError for -cell values that describe no cell (the C would run on regardless)."""
    if cell is None:
        return
    lengths, angles = cell[:3], cell[3:]
    text = " ".join(f"{v:g}" for v in cell)
    if not all(math.isfinite(v) for v in cell):
        raise InputError(f"-cell {text}: expected finite numbers")
    if not all(v > 0.0 for v in lengths):
        raise InputError(f"-cell {text}: cell lengths must be positive")
    if not all(0.0 < v < 180.0 for v in angles):
        raise InputError(f"-cell {text}: cell angles must lie between 0 and 180 degrees")
    alpha, beta, gamma = angles
    if (alpha + beta + gamma >= 360.0 or alpha >= beta + gamma or beta >= gamma + alpha
            or gamma >= alpha + beta):
        raise InputError(f"-cell {text}: impossible unit cell (each angle must be less than "
                         "the sum of the other two, and all three less than 360 degrees)")
