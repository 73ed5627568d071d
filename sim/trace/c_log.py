"""Load a pixel trace from a whole program log, as users capture it.

A log is what ``nanoBragg ... -trace_pixel S F > c.log`` writes: banner, progress lines,
``TRACE:`` prose, ``DETECTOR_*`` lines and, among them, the trace lines in two forms::

    TRACE_C:name=v1 v2 v3          geometry block (matrices as [a b c; d e f; g h i])
    TRACE_C: name v1 v2 v3         per-pixel and final blocks

Our own logs (prefix ``TRACE_PY``) load the same way. Every other line is ignored. The
traced pixel comes from the ``TRACE_CONFIG: tracing pixel (spixel=S, fpixel=F)`` line.
Each value is read as its schema kind says; names the schema does not know become numbers
when every token is a number, text otherwise.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import List, Optional, Tuple, Union

from sim.errors import InputError
from sim.trace.record import TraceEntry, TraceRecord, Value
from sim.trace.schema import (BY_NAME, FINAL_NAMES, GEOMETRY, INT, INT3, MAT3, SCALAR, TEXT,
                              VEC3, quantity)

PREFIXES = ("TRACE_C", "TRACE_PY")

# A trace line may follow unterminated output on the same line (the C program's
# "WARNING: further warnings will not be printed! " has no newline), so it is searched for;
# only a line that starts with a prefix must be a well-formed trace line.
_TRACE = re.compile(
    r"(?P<prefix>TRACE_C|TRACE_PY):\s*(?P<name>[A-Za-z_][A-Za-z0-9_]*)"
    r"(?:=(?P<eq>.*)|\s+(?P<spaced>.*)|$)")
_TRACE_START = re.compile(r"(TRACE_C|TRACE_PY):")
_CONFIG = re.compile(r"TRACE_CONFIG:\s*tracing pixel \(spixel=(-?\d+), fpixel=(-?\d+)\)")
_COMMAND = re.compile(r"^\s*(?:\$\s*)?(\S*nanoBragg\s+-.*?)\s*$")
_FLOAT = re.compile(r"[-+]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|nan|inf|infinity)$",
                    re.IGNORECASE)
_INT = re.compile(r"[-+]?\d+$")
_COUNTS = {SCALAR: 1, VEC3: 3, MAT3: 9}
_C_FINAL = tuple(n for n in FINAL_NAMES if not BY_NAME[n].ours_only)


@dataclass
class _Parsed:
    """What a pass over the lines found, with the line numbers errors need (1-based)."""

    origin: str
    record: TraceRecord
    prefix: Optional[str] = None
    config_line: Optional[int] = None
    last_line: int = 1
    counts: Counter = field(default_factory=Counter)


def load_trace_log(path: Union[str, Path],
                   expected_pixel: Optional[Tuple[int, int]] = None) -> TraceRecord:
    """The trace in the log file at ``path`` (read as UTF-8, bad bytes replaced).

    ``expected_pixel`` = (slow, fast), when given, must be the pixel the log traces.
    Raises InputError naming the file and line for an unreadable file, a log without
    trace lines, a truncated trace, a value that does not parse, or the wrong pixel.
    """
    origin = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        raise InputError("no such file", origin) from None
    except OSError as err:
        raise InputError(f"cannot read: {err.strerror or err}", origin) from None
    return parse_trace_text(text, origin, expected_pixel)


def parse_trace_text(text: str, origin: str = "<text>",
                     expected_pixel: Optional[Tuple[int, int]] = None) -> TraceRecord:
    """The trace in the in-memory log ``text``; ``origin`` names it in errors.

    Same rules and errors as :func:`load_trace_log`.
    """
    parsed = _Parsed(origin, TraceRecord(pixel=None, origin=origin, meta={"command": None}))
    for number, line in enumerate(text.splitlines(), start=1):
        parsed.last_line = number
        _read_line(parsed, line, number)
    _check_complete(parsed)
    if expected_pixel is not None:
        _check_pixel(parsed, tuple(expected_pixel))
    parsed.record.meta["prefix"] = parsed.prefix
    return parsed.record


def _read_line(parsed: _Parsed, line: str, number: int) -> None:
    config = _CONFIG.search(line)
    if config:
        _read_config(parsed, config, number)
        return
    start = _TRACE_START.search(line)
    if start is None:
        _read_command(parsed, line)
        return
    match = _TRACE.match(line, start.start())
    if match is None:
        if start.start() > 0:
            return  # prose that mentions a prefix
        raise InputError(f"unreadable trace line {line.strip()!r}", parsed.origin, number)
    _check_prefix(parsed, match.group("prefix"), number)
    name = match.group("name")
    raw = match.group("eq") if match.group("eq") is not None else match.group("spaced") or ""
    value = _value_or_error(name, raw, parsed.origin, number)
    record = parsed.record
    record.entries.append(TraceEntry(name, parsed.counts[name], value))
    parsed.counts[name] += 1


def _read_config(parsed: _Parsed, match: re.Match, number: int) -> None:
    if parsed.config_line is not None:
        raise InputError(f"a second TRACE_CONFIG line (the first is line {parsed.config_line}):"
                         " the log holds more than one trace", parsed.origin, number)
    parsed.record.pixel = (int(match.group(1)), int(match.group(2)))
    parsed.config_line = number


def _read_command(parsed: _Parsed, line: str) -> None:
    if parsed.record.meta["command"] is None:
        command = _COMMAND.match(line)
        if command:
            parsed.record.meta["command"] = command.group(1)


def _check_prefix(parsed: _Parsed, prefix: str, number: int) -> None:
    if parsed.prefix is None:
        parsed.prefix = prefix
    elif prefix != parsed.prefix:
        raise InputError(f"{prefix} line in a {parsed.prefix} log: one trace per file",
                         parsed.origin, number)


def _value_or_error(name: str, raw: str, origin: str, number: int) -> Value:
    try:
        return parse_value(name, raw)
    except ValueError as err:
        raise InputError(str(err), origin, number) from None


def parse_value(name: str, raw: str) -> Value:
    """The value of quantity ``name`` from its printed text ``raw``, read as its kind says.

    Numbers come back as a tuple (ints for the integer kinds), text as a stripped str.
    Raises ValueError saying what was expected.
    """
    raw = raw.strip()
    known = BY_NAME.get(name)
    if known is None:
        tokens = raw.split()
        numeric = bool(tokens) and all(_FLOAT.match(t) for t in tokens)
        return tuple(float(t) for t in tokens) if numeric else raw
    kind = known.kind
    if kind == TEXT:
        return raw
    if kind == MAT3:
        return _parse_matrix(name, raw)
    if kind in (INT, INT3):
        return _parse_tokens(name, raw.split(), 1 if kind == INT else 3, _INT, int, "integer")
    return _parse_tokens(name, raw.split(), _COUNTS[kind], _FLOAT, float, "number")


def _parse_tokens(name: str, tokens: List[str], count: int, pattern: re.Pattern,
                  convert, what: str) -> Tuple:
    if len(tokens) != count or not all(pattern.match(t) for t in tokens):
        plural = what if count == 1 else what + "s"
        raise ValueError(f"{name}: expected {count} {plural}, got {' '.join(tokens)!r}")
    return tuple(convert(t) for t in tokens)


def _parse_matrix(name: str, raw: str) -> Tuple[float, ...]:
    rows = raw[1:-1].split(";") if raw.startswith("[") and raw.endswith("]") else []
    if len(rows) != 3:
        raise ValueError(f"{name}: expected a matrix [a b c; d e f; g h i], got {raw!r}")
    values: Tuple[float, ...] = ()
    for row in rows:
        values += _parse_tokens(name, row.split(), 3, _FLOAT, float, "number")
    return values


def _check_complete(parsed: _Parsed) -> None:
    """A log must carry a pixel block and the whole final block."""
    origin, end, record = parsed.origin, parsed.last_line, parsed.record
    if not record.entries:
        raise InputError("no trace lines found (expected TRACE_C: or TRACE_PY: lines)",
                         origin, end)
    if all(quantity(e.name).block == GEOMETRY for e in record.entries):
        where = "" if record.pixel is None else f" for pixel {record.pixel}"
        raise InputError(f"no per-pixel trace lines{where}: is the pixel inside the detector"
                         " and the region of interest?", origin, end)
    missing = [name for name in _C_FINAL if parsed.counts[name] == 0]
    if missing:
        raise InputError(f"truncated trace: final block has no {missing[0]!r}"
                         f" ({len(missing)} final quantities missing)", origin, end)


def _check_pixel(parsed: _Parsed, expected: Tuple[int, int]) -> None:
    pixel = parsed.record.pixel
    if pixel is None:
        raise InputError(f"trace does not say its pixel (no TRACE_CONFIG line), expected"
                         f" {expected}", parsed.origin, parsed.last_line)
    if pixel != expected:
        raise InputError(f"trace is for pixel {pixel}, not {expected}",
                         parsed.origin, parsed.config_line)
