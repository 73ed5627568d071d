"""Building blocks of the nanoBragg option table (``sim.cli.options``).

``ParseState`` collects what the C argument loop sets; the handlers here set it, one small
function (or factory) per kind of C branch; the matchers reproduce the C's ``strstr`` and
``strcmp`` tests. Values are converted like C ``atof``/``atoi``, except that a value that is
not a number is an ``InputError`` naming the option rather than a silent 0. No torch, no Qt.
"""

from __future__ import annotations

import math
import re
from typing import Callable, List, Sequence

from sim.model.config import (BeamConfig, Convention, CrystalConfig, DetectorConfig,
                     OutputConfig, Pivot, SimConfig)
from sim.errors import InputError, UnsupportedOption
from sim.units import energy_eV_to_wavelength_A

Apply = Callable[["ParseState", str, Sequence[str]], None]

_DEFAULTS = {"crystal": CrystalConfig(), "beam": BeamConfig(),
             "detector": DetectorConfig(), "output": OutputConfig()}
# ASCII digits only: Python's \d and float() also take full-width and other digits, atof not.
_NUMBER = re.compile(r"[+-]?(([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?|inf(inity)?|nan)$",
                     re.IGNORECASE)
_LEADING_INT = re.compile(r"[+-]?[0-9]*")
_LONG_MAX = 2 ** 63 - 1


def is_number(text: str) -> bool:
    """True for what C ``atof`` reads whole: '12', '-4.5', '1e-3', 'inf'."""
    return bool(_NUMBER.match(text))


class ParseState:
    """Everything the C loop has set so far: config fields by section, trace pixels, warnings."""

    def __init__(self) -> None:
        self.fields = {name: {} for name in _DEFAULTS}
        self.trace_pixels: List[tuple] = []
        self.warnings: List[str] = []

    def get(self, section: str, name: str):
        return self.fields[section].get(name, getattr(_DEFAULTS[section], name))

    def set(self, section: str, name: str, value) -> None:
        self.fields[section][name] = value

    def set_item(self, section: str, name: str, index: int, value) -> None:
        items = list(self.get(section, name))
        items[index] = value
        self.set(section, name, tuple(items))

    def warn(self, message: str) -> None:
        self.warnings.append(message)

    def config(self, phi0_reuse: bool = True) -> SimConfig:
        f = self.fields
        return SimConfig(crystal=CrystalConfig(**f["crystal"]), beam=BeamConfig(**f["beam"]),
                         detector=DetectorConfig(**f["detector"]),
                         output=OutputConfig(**f["output"]), phi0_reuse=phi0_reuse)


# ---- values ---------------------------------------------------------------------------------

def to_float(state: ParseState, opt: str, text: str) -> float:
    """C ``atof``, but a value that is not a number is an error rather than 0."""
    if not is_number(text):
        raise InputError(f"{opt}: expected a number, got {text!r}")
    return float(text)


def to_int(state: ParseState, opt: str, text: str) -> int:
    """C ``atoi`` (leading integer part: '2.5' -> 2), warning when that drops something.

    As glibc's atoi (``(int) strtol``): saturated to a C long, then cut to a 32-bit int,
    so '9223372036854775808' reads as -1, as in the C program.
    """
    to_float(state, opt, text)
    digits = _LEADING_INT.match(text).group()
    value = int(digits) if digits.strip("+-") else 0
    value = max(-_LONG_MAX - 1, min(_LONG_MAX, value))
    value = (value + 2 ** 31) % 2 ** 32 - 2 ** 31
    if float(text) != value:
        state.warn(f"{opt}: {text} read as {value}, as the C program's atoi does")
    return value


def to_str(state: ParseState, opt: str, text: str) -> str:
    return text


def positive(opt: str, value) -> None:
    if not value > 0:
        raise InputError(f"{opt}: must be positive, got {value:g}")


def non_negative(opt: str, value) -> None:
    if not value >= 0:
        raise InputError(f"{opt}: must not be negative, got {value:g}")


# ---- handlers -------------------------------------------------------------------------------

def put(section: str, name: str, conv=to_float, check=None) -> Apply:
    """Set one field from the first value."""
    def apply(state, opt, values):
        value = conv(state, opt, values[0])
        if check is not None:
            check(opt, value)
        state.set(section, name, value)
    return apply


def put_items(section: str, name: str, indices, conv=to_float, check=None) -> Apply:
    """Set entries ``indices`` of a tuple field, all from the first value."""
    def apply(state, opt, values):
        value = conv(state, opt, values[0])
        if check is not None:
            check(opt, value)
        for index in indices:
            state.set_item(section, name, index, value)
    return apply


def put_tuple(section: str, name: str, conv=to_float) -> Apply:
    """Set a tuple field from all values (-roi, -misset angles)."""
    def apply(state, opt, values):
        state.set(section, name, tuple(conv(state, opt, v) for v in values))
    return apply


def put_const(section: str, name: str, value) -> Apply:
    def apply(state, opt, values):
        state.set(section, name, value)
    return apply


def set_pivot(pivot: Pivot) -> Apply:
    return put_const("detector", "pivot", pivot)


def chain(*steps: Apply) -> Apply:
    def apply(state, opt, values):
        for step in steps:
            step(state, opt, values)
    return apply


def put_vector(section: str, name: str) -> Apply:
    """A vector flag: three numbers, and the convention becomes CUSTOM (any vector does)."""
    return chain(put_tuple(section, name), put_const("detector", "convention", Convention.CUSTOM))


def convention(conv: Convention, pivot: Pivot) -> Apply:
    return chain(put_const("detector", "convention", conv), set_pivot(pivot))


def unsupported(state, opt, values):
    raise UnsupportedOption(f"{opt} is not supported yet")


def no_effect(state, opt, values):
    to_float(state, opt, values[0])
    state.warn(f"{opt} has no effect in nanoBragg (it is overwritten before use); ignored")


def cell(state, opt, values):
    if len(values) < 6:
        raise InputError(f"{opt}: expected 6 numbers (a b c alpha beta gamma), got {len(values)}"
                         " (the list ends at the first value starting with '-', as in the C)")
    state.set("crystal", "cell_A_deg", tuple(to_float(state, opt, v) for v in values))


def misset_angles(state, opt, values):
    put_tuple("crystal", "misset_deg")(state, opt, values)
    state.set("crystal", "misset_random", False)


def pivot_value(state, opt, values):
    pivot = None
    if "sample" in values[0]:
        pivot = Pivot.SAMPLE
    if "beam" in values[0]:
        pivot = Pivot.BEAM
    if pivot is None:
        raise InputError(f"{opt}: expected 'sample' or 'beam', got {values[0]!r}")
    state.set("detector", "pivot", pivot)


def energy(state, opt, values):
    ev = to_float(state, opt, values[0])
    positive(opt, ev)
    state.set("beam", "wavelength_A", energy_eV_to_wavelength_A(ev))


def detector_abs(state, opt, values):
    """'inf' (anywhere in the value) or 0: no absorption, and the sensor thickness set to 0."""
    text = values[0]
    length = math.inf if "inf" in text else to_float(state, opt, text)
    if math.isinf(length) or length == 0.0:
        state.set("detector", "thick_um", 0.0)
    state.set("detector", "absorption_um", length)


def twotheta(state, opt, values):
    value = to_float(state, opt, values[0])
    if opt.lstrip("-") != "twotheta":
        state.warn(f"{opt} also sets -twotheta to {value:g} degrees and the sample pivot, "
                   "as the C program does (it matches option names by substring)")
    state.set("detector", "twotheta_deg", value)
    state.set("detector", "pivot", Pivot.SAMPLE)


def is_tag(text: str) -> bool:
    """A trace-pixel tag: a third token that is neither a number nor an option."""
    return not is_number(text) and not text.startswith("-")


def trace_pixel(state, opt, values):
    slow, fast = (to_int(state, opt, v) for v in values[:2])
    non_negative(opt, slow)
    non_negative(opt, fast)
    state.trace_pixels.append((slow, fast, values[2] if len(values) > 2 else None))


# ---- matchers -------------------------------------------------------------------------------

def sub(*needles: str) -> Callable[[str], bool]:
    """C ``strstr(arg, needle)`` for any of ``needles``."""
    return lambda arg: any(n in arg for n in needles)


def exact(name: str) -> Callable[[str], bool]:
    """C ``strcmp(arg, name) == 0``, or ``strstr`` with ``strlen(arg) == strlen(name)``."""
    return lambda arg: arg == name


def either(*tests: Callable[[str], bool]) -> Callable[[str], bool]:
    return lambda arg: any(t(arg) for t in tests)
