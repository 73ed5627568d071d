"""The parameters a difference can be explained by, in groups a user names on the command line.

Each scalar parameter is one component of a differentiable config field (``sim.model.params``),
named by its C flag (``-Xbeam``, ``-misset x``) with its unit and a phrase for the report.
``scale`` is not a config field: it multiplies the whole image (the C's ``-fluence``) and
is fitted as its natural logarithm, so a factor of 1e9 is an ordinary step.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple

from sim.model.config import SimConfig
from sim import units
from sim.errors import InputError
from sim.c_numerics.libm import value
from sim.model.resolved import SimModel
from sim.model.params import field_shape

SCALE = "scale"


@dataclass(frozen=True)
class FitParameter:
    """One scalar: ``field`` of ``sim.model.params`` (component ``index`` of a vector field), or
    ``field == SCALE`` for the overall scale. ``start`` is our value in ``unit``."""

    flag: str
    field: str
    index: Optional[int]
    unit: str
    words: str
    group: str
    start: float

    @property
    def is_scale(self) -> bool:
        return self.field == SCALE

    @property
    def is_angle(self) -> bool:
        return self.unit == "deg"


#: group name -> (field, index, C flag, unit, words), in the report's order.
_GROUPS: Dict[str, Tuple[Tuple[str, Optional[int], str, str, str], ...]] = {
    "beam": (("beam_x_mm", None, "-Xbeam", "mm", "the beam centre in X"),
             ("beam_y_mm", None, "-Ybeam", "mm", "the beam centre in Y")),
    "distance": (("distance_mm", None, "-distance", "mm", "the detector distance"),),
    "wavelength": (("wavelength_A", None, "-lambda", "A", "the wavelength"),),
    "rotations": tuple(("rot_deg", i, f"-detector_rot{axis}", "deg", f"the detector rotation about {axis}")
                       for i, axis in enumerate("xyz")),
    "twotheta": (("twotheta_deg", None, "-twotheta", "deg", "the detector two-theta"),),
    "misset": tuple(("misset_deg", i, f"-misset {axis}", "deg", f"the crystal misset about {axis}")
                    for i, axis in enumerate("xyz")),
    "cell": tuple(("cell_A_deg", i, f"-cell {name}", unit, f"the cell's {name}") for i, (name, unit) in
                  enumerate((("a", "A"), ("b", "A"), ("c", "A"), ("alpha", "deg"), ("beta", "deg"),
                             ("gamma", "deg")))),
    "scale": ((SCALE, None, "-fluence", "x", "the overall scale"),),
}
GROUPS = tuple(_GROUPS)

#: Groups the brief asks for that nanoBragg cannot vary continuously, with the reason.
NOT_CONTINUOUS = {"N": "-N counts whole unit cells (an integer); it has no derivative"}


def parse_groups(text: Optional[str]) -> Tuple[str, ...]:
    """Group names from ``--params beam,distance,...`` (all groups for None).

    InputError names an unknown group.
    """
    if text is None:
        return GROUPS
    names = tuple(n.strip() for n in text.split(",") if n.strip())
    for name in names:
        if name in NOT_CONTINUOUS:
            raise InputError(f"--params: {name} cannot be fitted: {NOT_CONTINUOUS[name]}")
        if name not in _GROUPS:
            raise InputError(f"--params: unknown group {name!r}; choose from {','.join(GROUPS)}")
    if not names:
        raise InputError("--params: no group given")
    return names


def fit_parameters(config: SimConfig, model: SimModel,
                   groups: Sequence[str]) -> Tuple[List[FitParameter], List[str]]:
    """The scalar parameters of ``groups`` with our starting values, and one note for each
    group left out because this configuration has no such value (a matrix file instead of
    a cell, a random misset)."""
    params, notes = [], []
    for group in groups:
        for field, index, flag, unit, words in _GROUPS[group]:
            start = _start(config, model, field, index)
            if start is None:
                notes.append(f"{flag} is not fitted: {_why_not(config, field)}")
                continue
            params.append(FitParameter(flag, field, index, unit, words, group, start))
    return params, notes


def _start(config: SimConfig, model: SimModel, field: str, index: Optional[int]) -> Optional[float]:
    """Our value of a field's component: the config's, else the model's resolved one."""
    crystal, det = config.crystal, model.detector
    resolved = {
        SCALE: model.fluence_per_m2,
        "beam_x_mm": units.m_to_mm(det.Xbeam_m), "beam_y_mm": units.m_to_mm(det.Ybeam_m),
        "distance_mm": units.m_to_mm(value(det.distance_m)),
        "misset_deg": None if crystal.misset_random else (0.0, 0.0, 0.0),
    }
    current = None if field == SCALE else _config_value(config, field)
    if current is None:
        current = resolved.get(field)
    if current is None:
        return None
    return float(current if index is None else current[index])


def _config_value(config: SimConfig, field: str):
    for section in (config.crystal, config.beam, config.detector):
        if hasattr(section, field):
            return getattr(section, field)
    raise KeyError(field)


def _why_not(config: SimConfig, field: str) -> str:
    if field == "cell_A_deg":
        return "the cell comes from the matrix file"
    if field == "misset_deg":
        return "the misset is random"
    return "no value in this configuration"


def start_vector(config: SimConfig, model: SimModel, field: str) -> List[float]:
    """Our values of every component of ``field`` (one value for a scalar field)."""
    shape = field_shape(field)
    if not shape:
        return [_start(config, model, field, None)]
    return [_start(config, model, field, i) for i in range(shape[0])]
