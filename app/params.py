"""The viewer's parameter editors: which config fields, in which groups and order.

Everything else about a field (label, unit, tool tip, C flags, how many values, whether it
may be left on "auto") is the option table's (``sim.model.options``); the editor kind
follows the field's type. The parameters panel builds one editor per ``Param`` and calls
``parse``/``with_value`` to change the config; ``resolved`` gives the value the simulator
picked for a field left on "auto" (shown as the editor's placeholder). Values are shown so
that they read back to the same float (``number_text``), because a trace comparison at 1e-9
needs every digit. No Qt.
"""

from __future__ import annotations

import enum
import os
from dataclasses import dataclass
from typing import Callable, Dict, Optional, Tuple

from sim.cli.args import format_args, parse_args
from sim.cli.format import number_text
from sim.model.config import SimConfig
from sim.model.options import Entry, entry, replaced
from sim.errors import InputError
from sim.units import m_to_mm

FLOAT, INT, CHOICE, FILE = "float", "int", "choice", "file"
_KINDS = {float: FLOAT, int: INT, str: FILE}


@dataclass(frozen=True)
class Param:
    """One editor, named ``key``, in ``group``, for the config field of ``entry``.

    ``size`` > 1 means a tuple field edited component by component; ``optional`` means an
    empty editor is None, the C program's automatic choice.
    """

    key: str
    group: str
    entry: Entry

    @property
    def kind(self) -> str:
        return CHOICE if issubclass(self.entry.kind, enum.Enum) else _KINDS[self.entry.kind]

    @property
    def label(self) -> str:
        option = self.entry.option
        return f"{option.label} ({option.unit})" if option.unit else option.label

    @property
    def tip(self) -> str:
        return f"{' '.join(self.entry.flags)}: {self.entry.option.tip}"

    @property
    def choices(self) -> Optional[type]:
        return self.entry.kind if self.kind == CHOICE else None

    @property
    def size(self) -> int:
        return self.entry.size

    @property
    def optional(self) -> bool:
        return self.entry.optional


C, B, D = "crystal", "beam", "detector"
#: Editor groups, each with its editors in order: (key, section, field).
LAYOUT = (
    ("Crystal", (("cell", C, "cell_A_deg"), ("misset", C, "misset_deg"), ("N", C, "N_cells"),
                 ("default_F", C, "default_F"), ("hkl", C, "hkl_file"),
                 ("matrix", C, "matrix_file"), ("mosaic", C, "mosaic_spread_deg"),
                 ("mosaic_domains", C, "mosaic_domains"))),
    ("Rotation", (("phi", C, "phi_start_deg"), ("osc", C, "osc_deg"),
                  ("phi_steps", C, "phi_steps"))),
    ("Beam", (("wavelength", B, "wavelength_A"),)),
    ("Detector", (("distance", D, "distance_mm"), ("pixel", D, "pixel_mm"),
                  ("fpixels", D, "fpixels"), ("spixels", D, "spixels"),
                  ("beam_x", D, "beam_x_mm"), ("beam_y", D, "beam_y_mm"),
                  ("convention", D, "convention"), ("pivot", D, "pivot"), ("rot", D, "rot_deg"),
                  ("twotheta", D, "twotheta_deg"), ("oversample", D, "oversample"))),
)
PARAMS: Tuple[Param, ...] = tuple(Param(key, group, entry(section, name))
                                  for group, editors in LAYOUT
                                  for key, section, name in editors)

#: Values the simulator picked for fields left on "auto", read from a SimModel.
RESOLVED: Dict[str, Callable] = {
    "oversample": lambda m: m.oversample,
    "distance": lambda m: m_to_mm(float(m.detector.distance_m)),
    "fpixels": lambda m: m.detector.fpixels,
    "spixels": lambda m: m.detector.spixels,
    "beam_x": lambda m: m_to_mm(m.detector.Xbeam_m),
    "beam_y": lambda m: m_to_mm(m.detector.Ybeam_m),
    "phi_steps": lambda m: m.phi.steps,
    "mosaic_domains": lambda m: m.mosaic.domains,
}


def value_of(config: SimConfig, param: Param):
    return param.entry.value(config)


def with_value(config: SimConfig, param: Param, value) -> SimConfig:
    """``config`` with ``param`` set to ``value`` (a new frozen config)."""
    return replaced(config, {param.entry.key: value})


def texts(config: SimConfig, param: Param) -> Tuple[str, ...]:
    """The editor texts of ``param``'s current value: one per component, '' for None."""
    value = value_of(config, param)
    if param.size > 1:
        return tuple(map(_single_text, value)) if value is not None else ("",) * param.size
    return (_single_text(value),)


def _single_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, enum.Enum):
        return value.name
    return value if isinstance(value, str) else number_text(value)


def parse(param: Param, entries: Tuple[str, ...]):
    """The value of ``param`` from its editor texts; ValueError with a one-line reason."""
    entries = tuple(e.strip() for e in entries)
    if param.optional and not any(entries):
        return None
    if param.kind == CHOICE:
        return param.choices[entries[0].upper()]
    if param.kind == FILE:
        if not os.path.isfile(entries[0]):
            raise ValueError(f"{param.label}: no such file {entries[0]!r}")
        return entries[0]
    if not all(entries):
        raise ValueError(f"{param.label}: give all {param.size} values or none")
    values = tuple(_number(param, e) for e in entries)
    return values if param.size > 1 else values[0]


def _number(param: Param, text: str):
    try:
        return int(text) if param.kind == INT else float(text)
    except ValueError:
        what = "a whole number" if param.kind == INT else "a number"
        raise ValueError(f"{param.label}: {text!r} is not {what}") from None


def config_problem(config: SimConfig) -> Optional[str]:
    """Why the command line would refuse ``config`` (its own checks, run on the formatted
    flags), or None. Edits are checked here before they reach the simulator."""
    try:
        parse_args(format_args(config))
    except (InputError, ValueError) as err:
        return str(err)
    return None


def resolved_text(model, param: Param) -> str:
    """Placeholder text for an empty optional editor: 'auto' and what auto gave."""
    getter = RESOLVED.get(param.key)
    if model is None or getter is None:
        return "auto"
    value = getter(model)
    return f"auto ({value if isinstance(value, int) else format(value, '.6g')})"
