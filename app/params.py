"""The editable simulation parameters as data: which config field, its label, unit and kind.

The parameters panel builds one editor per ``Param`` and calls ``parse``/``with_value`` to
change the config; ``resolved`` gives the value the simulator picked for a field left on
"auto" (shown as the editor's placeholder). Values are shown so that they read back to the
same float (``repr``), because a trace comparison at 1e-9 needs every digit. No Qt.
"""

from __future__ import annotations

import enum
import os
from dataclasses import dataclass, replace
from typing import Callable, Dict, Optional, Tuple

from sim.cli.args import format_args, parse_args
from sim.model.config import Convention, Pivot, SimConfig
from sim.errors import InputError

FLOAT, INT, CHOICE, FILE = "float", "int", "choice", "file"


@dataclass(frozen=True)
class Param:
    """One editable field: ``section`` (crystal/beam/detector) and ``attr`` of the config.

    ``size`` > 1 means a tuple field edited component by component; ``optional`` means an
    empty editor is None, the C program's automatic choice.
    """

    key: str
    group: str
    label: str
    section: str
    attr: str
    kind: str = FLOAT
    size: int = 1
    optional: bool = False
    choices: Optional[type] = None
    tip: str = ""


def _p(key, group, label, section, attr, kind=FLOAT, size=1, optional=False, choices=None, tip=""):
    return Param(key, group, label, section, attr, kind, size, optional, choices, tip)


C, B, D = "crystal", "beam", "detector"
PARAMS: Tuple[Param, ...] = (
    _p("cell", "Crystal", "Cell (\u00c5, \u00b0)", C, "cell_A_deg", size=6,
       optional=True, tip="-cell: unit cell lengths in Angstrom and angles in degrees"),
    _p("misset", "Crystal", "Misset (\u00b0)", C, "misset_deg", size=3, optional=True,
       tip="-misset: rotations about x, y and z applied to the cell, degrees"),
    _p("N", "Crystal", "N cells a b c", C, "N_cells", INT, size=3,
       tip="-Na -Nb -Nc: crystal size in unit cells along each axis"),
    _p("default_F", "Crystal", "Default F", C, "default_F",
       tip="-default_F: structure factor of reflections not in the HKL file (electrons)"),
    _p("hkl", "Crystal", "HKL file", C, "hkl_file", FILE, optional=True,
       tip="-hkl: structure factors, 'h k l F' per line"),
    _p("matrix", "Crystal", "Matrix file", C, "matrix_file", FILE, optional=True,
       tip="-mat: MOSFLM orientation matrix (sets cell and orientation)"),
    _p("mosaic", "Crystal", "Mosaic (\u00b0)", C, "mosaic_spread_deg", optional=True,
       tip="-mosaic: mosaic spread, degrees"),
    _p("mosaic_domains", "Crystal", "Mosaic domains", C, "mosaic_domains", INT, optional=True,
       tip="-mosaic_domains: number of mosaic domains"),
    _p("phi", "Rotation", "Phi start (\u00b0)", C, "phi_start_deg", tip="-phi: spindle start angle, degrees"),
    _p("osc", "Rotation", "Oscillation (\u00b0)", C, "osc_deg", optional=True,
       tip="-osc: spindle rotation range, degrees"),
    _p("phi_steps", "Rotation", "Phi steps", C, "phi_steps", INT, optional=True,
       tip="-phisteps: steps across the oscillation"),
    _p("wavelength", "Beam", "Wavelength (\u00c5)", B, "wavelength_A", tip="-lambda: wavelength, Angstrom"),
    _p("distance", "Detector", "Distance (mm)", D, "distance_mm", optional=True,
       tip="-distance: sample to beam spot along the beam, mm"),
    _p("pixel", "Detector", "Pixel size (mm)", D, "pixel_mm", tip="-pixel: pixel size, mm"),
    _p("fpixels", "Detector", "Pixels fast", D, "fpixels", INT, optional=True,
       tip="-detpixels_f: pixels along the fast axis"),
    _p("spixels", "Detector", "Pixels slow", D, "spixels", INT, optional=True,
       tip="-detpixels_s: pixels along the slow axis"),
    _p("beam_x", "Detector", "Beam X (mm)", D, "beam_x_mm", optional=True,
       tip="-Xbeam: beam centre in the convention's X, mm"),
    _p("beam_y", "Detector", "Beam Y (mm)", D, "beam_y_mm", optional=True,
       tip="-Ybeam: beam centre in the convention's Y, mm"),
    _p("convention", "Detector", "Convention", D, "convention", CHOICE, choices=Convention,
       tip="Detector convention: axes, beam-centre rules and pivot"),
    _p("pivot", "Detector", "Pivot", D, "pivot", CHOICE, choices=Pivot,
       tip="-pivot: point the detector rotations pivot about"),
    _p("rot", "Detector", "Rotations (\u00b0)", D, "rot_deg", size=3,
       tip="-detector_rotx/y/z: detector rotations, degrees"),
    _p("twotheta", "Detector", "Two-theta (\u00b0)", D, "twotheta_deg",
       tip="-twotheta: detector swing about the two-theta axis, degrees"),
    _p("oversample", "Detector", "Oversample", D, "oversample", INT, optional=True,
       tip="-oversample: sub-pixels per pixel edge (auto: from the crystal size)"),
)

#: Values the simulator picked for fields left on "auto", read from a SimModel.
RESOLVED: Dict[str, Callable] = {
    "oversample": lambda m: m.oversample,
    "distance": lambda m: float(m.detector.distance_m) * 1000.0,
    "fpixels": lambda m: m.detector.fpixels,
    "spixels": lambda m: m.detector.spixels,
    "beam_x": lambda m: m.detector.Xbeam_m * 1000.0,
    "beam_y": lambda m: m.detector.Ybeam_m * 1000.0,
    "phi_steps": lambda m: m.phi.steps,
    "mosaic_domains": lambda m: m.mosaic.domains,
}


def value_of(config: SimConfig, param: Param):
    return getattr(getattr(config, param.section), param.attr)


def with_value(config: SimConfig, param: Param, value) -> SimConfig:
    """``config`` with ``param`` set to ``value`` (a new frozen config)."""
    section = replace(getattr(config, param.section), **{param.attr: value})
    return replace(config, **{param.section: section})


def texts(config: SimConfig, param: Param) -> Tuple[str, ...]:
    """The editor texts of ``param``'s current value: one per component, '' for None."""
    value = value_of(config, param)
    if param.size > 1:
        return tuple(number_text(v) for v in value) if value is not None else ("",) * param.size
    return (_single_text(value),)


def _single_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, enum.Enum):
        return value.name
    return value if isinstance(value, str) else number_text(value)


def number_text(value) -> str:
    """Shortest text that reads back to the same number: 70, 1.000001, 1e-06."""
    if value is None:
        return ""
    if isinstance(value, int):
        return str(value)
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text


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
