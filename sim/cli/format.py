"""``SimConfig`` -> nanoBragg command line, the inverse of ``sim.cli.args.parse_args``.

Only fields that differ from their defaults are written, with the first flag the option
table (``sim.model.options``) gives each field and shortest round-trip numbers
(``number_text``), so that ``parse_args(format_args(c)).config == c``. A tuple field with axis
flags is written whole when its values agree (``-N 5``), else axis by axis (``-Nc 9``).

Written in the config's order, except where a C flag has side effects: flags that undo a
side effect of others come after them (``_LAST``): ``-misset random`` after ``-misset``
angles (which clear it), ``-twotheta`` after ``-twotheta_axis`` (which also sets it),
``-detector_thick`` after ``-detector_abs`` (which may zero it), ``-nopolar`` after
``-polar``, ``-nonoise`` after ``-noisefile``, ``-nopgm`` after ``-pgmfile``/``-pgmscale``;
then the convention flag, when the flags before it (a vector flag switches the C to CUSTOM)
leave another convention, and ``-pivot``, when they leave another pivot; this port's own
options last. Special cases: ``-detpixels``/``-detsize`` once for two equal axes, else per
axis; ``-twotheta`` also when ``-twotheta_axis`` is given; ``-cell`` refuses negative values
(the C stops reading it at a '-'); ``-pivot`` also when ``-curved_det`` would end the line
(the C ignores it there). No torch, no Qt.
"""

from __future__ import annotations

import enum
from typing import List, Optional, Sequence, Tuple

from sim.cli.handlers import is_tag
from sim.cli.options import run_c_loop
from sim.model.config import Convention, SimConfig
from sim.model.options import OPTIONS, Entry, entry
from sim.errors import InputError

C, D = "crystal", "detector"
#: Fields written after all others, in this order (see the module docstring).
_LAST = ((C, "misset_random"), (D, "twotheta_deg"), (D, "thick_um"), ("beam", "nopolar"),
         ("output", "nonoise"), ("output", "nopgm"))
#: Axis pairs that one flag sets together.
_PAIRS = {(D, "fpixels"): (D, "spixels"), (D, "detsize_f_mm"): (D, "detsize_s_mm")}


def format_args(config: SimConfig,
                trace_pixels: Sequence[Tuple[int, int, Optional[str]]] = ()) -> List[str]:
    """A nanoBragg command line (without the program name) that parses back to ``config``."""
    c_flags = [e for e in OPTIONS if e.section is not None and e.key not in _LAST]
    args = _args(config, c_flags + [entry(*key) for key in _LAST])
    args += _convention_args(config, args)
    args += _pivot_args(config, args)
    args += _args(config, [e for e in OPTIONS if e.section is None])
    for slow, fast, *tag in trace_pixels:
        args += ["-trace_pixel", number_text(slow), number_text(fast)]
        args += _tag(tag[0] if tag else None)
    return args


def number_text(value) -> str:
    """Shortest text that reads back as the same number ('100', '0.1', '1e+13', 'inf')."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    value = float(value)
    text = repr(value)
    text = text[:-2] if text.endswith(".0") else text
    exponent = next(s for s in ("%.*g" % (p, value) for p in range(1, 18))
                    if float(s) == value or s == "nan")
    return exponent if len(exponent) < len(text) else text


def _args(config: SimConfig, entries: Sequence[Entry]) -> List[str]:
    return [arg for e in entries for arg in _SPECIAL.get(e.key, _field_args)(config, e)]


def _field_args(config: SimConfig, e: Entry) -> List[str]:
    """The words for one field: none at its default, else its switch, axis flags or flag."""
    value = e.value(config)
    if value == e.default:
        return []
    if e.option.switches is not None:
        return e.option.switches[value].split()
    if e.option.axis_flags:
        return _axis_args(e, value)
    flag = e.option.flags[0]
    return [flag, *(map(number_text, value) if e.size > 1 else [_value(flag, value)])]


def _value(flag: str, value) -> str:
    if isinstance(value, enum.Enum):
        return value.value
    text = value if isinstance(value, str) else number_text(value)
    if text.startswith("-") and isinstance(value, str):
        raise InputError(f"{flag}: {text!r} starts with '-', which nanoBragg reads as an option")
    return text


def _axis_args(e: Entry, values) -> List[str]:
    """The whole flag once when every axis has the same value, else each axis that differs."""
    if e.option.flags and len(set(values)) == 1:
        return [e.option.flags[0], number_text(values[0])]
    return [word for flag, value, default in zip(e.option.axis_flags, values, e.default)
            if value != default for word in (flag, number_text(value))]


def _cell_args(config: SimConfig, e: Entry) -> List[str]:
    cell = e.value(config)
    if cell is not None and any(v < 0 for v in cell):
        raise InputError("-cell: nanoBragg cannot read negative cell values")
    return _field_args(config, e)


def _pair_args(config: SimConfig, fast: Entry) -> List[str]:
    """One shared flag (``-detpixels N``) when both axes agree, else a flag per axis."""
    slow = entry(*_PAIRS[fast.key])
    value = fast.value(config)
    if value is not None and value == slow.value(config):
        return [next(f for f in fast.option.flags if f in slow.option.flags), number_text(value)]
    return _field_args(config, fast) + _field_args(config, slow)


def _twotheta_args(config: SimConfig, e: Entry) -> List[str]:
    """-twotheta also at 0 after -twotheta_axis, which sets it to the axis's first value."""
    det = config.detector
    if det.twotheta_axis is None and det.twotheta_deg == e.default:
        return []
    return [e.option.flags[0], number_text(det.twotheta_deg)]


def _convention_args(config: SimConfig, args: List[str]) -> List[str]:
    """The convention flag, when the flags before it leave another convention."""
    conv = config.detector.convention
    implied = run_c_loop(args).get("detector", "convention")
    if conv is Convention.CUSTOM and implied is not conv:
        raise InputError("the CUSTOM convention needs at least one vector "
                         "(-fdet_vector, -beam_vector, ...) on the nanoBragg command line")
    return [] if implied is conv else [entry(D, "convention").option.switches[conv]]


def _pivot_args(config: SimConfig, args: List[str]) -> List[str]:
    """``-pivot`` when the flags before it leave another pivot (or -curved_det needs a follower)."""
    pivot = config.detector.pivot
    implied = run_c_loop(args).get("detector", "pivot")
    if implied is not pivot or (args and args[-1] == "-curved_det"):
        return [entry(D, "pivot").option.flags[0], pivot.value]
    return []


def _tag(tag: Optional[str]) -> List[str]:
    if tag is None:
        return []
    if not is_tag(tag):
        raise InputError(f"-trace_pixel: tag {tag!r} would read as a number or an option")
    return [tag]


def _written_elsewhere(config: SimConfig, e: Entry) -> List[str]:
    return []


#: Fields not written by ``_field_args`` (see the module docstring).
_SPECIAL = {(C, "cell_A_deg"): _cell_args, (D, "twotheta_deg"): _twotheta_args,
            **{fast: _pair_args for fast in _PAIRS},
            **{slow: _written_elsewhere for slow in _PAIRS.values()},
            (D, "convention"): _written_elsewhere, (D, "pivot"): _written_elsewhere}
