"""Write a trace record as text, in the exact line forms of the instrumented C nanoBragg.

Geometry-block quantities are written ``PREFIX:name=v1 v2 v3`` (matrices as
``PREFIX:name=[a b c; d e f; g h i]``, text as it is); per-pixel and final quantities
``PREFIX: name v1 v2 v3``. Floats use C's ``%.15g`` (Python's ``'%.15g'`` gives the same
text, ``-0`` included); integer kinds are written as integers. A
``TRACE_CONFIG: tracing pixel (spixel=S, fpixel=F)`` line goes before the first
non-geometry entry, where the C program prints it.

Quantities the C program does not print (``ours_only``) are written like the others, so
that our logs are complete; they are simply absent from C logs.
"""

from __future__ import annotations

import math
from typing import List, Optional, Sequence, Tuple

from sim.trace.record import TraceEntry, TraceRecord, Value
from sim.trace.schema import GEOMETRY, INT, INT3, MAT3, SCALAR, TEXT, VEC3, quantity

_LENGTH = {SCALAR: 1, INT: 1, VEC3: 3, INT3: 3, MAT3: 9}


def format_trace(record: TraceRecord, prefix: str = "TRACE_PY") -> List[str]:
    """The lines (without newlines) that print ``record`` under ``prefix``.

    Raises ValueError when a value does not fit its schema kind (a tracer bug).
    """
    lines: List[str] = []
    header_due = record.pixel is not None
    for entry in record.entries:
        is_geometry = quantity(entry.name).block == GEOMETRY
        if header_due and not is_geometry:
            lines.append(config_line(record.pixel))
            header_due = False
        lines.append(format_entry(entry, prefix))
    if header_due:
        lines.append(config_line(record.pixel))
    return lines


def config_line(pixel: Tuple[int, int]) -> str:
    """The C program's ``TRACE_CONFIG`` line for ``pixel`` = (slow, fast)."""
    slow, fast = pixel
    return f"TRACE_CONFIG: tracing pixel (spixel={int(slow)}, fpixel={int(fast)})"


def format_entry(entry: TraceEntry, prefix: str = "TRACE_PY") -> str:
    """One trace line: ``=`` form for the geometry block, spaced form otherwise."""
    q = quantity(entry.name)
    text = format_value(entry.value, q.kind, entry.name)
    if q.block == GEOMETRY:
        return f"{prefix}:{entry.name}={text}"
    return f"{prefix}: {entry.name} {text}".rstrip()


def format_value(value: Value, kind: str, name: str = "value") -> str:
    """``value`` as the C program prints a quantity of ``kind``.

    A numeric value of a name the schema does not know (kind TEXT) is written as
    ``%.15g`` numbers.
    """
    if isinstance(value, str):
        if kind != TEXT:
            raise ValueError(f"{name}: expected {kind} numbers, got text {value!r}")
        return value
    if kind == TEXT:
        return _join(value, _float_text)
    _check_length(value, kind, name)
    if kind == MAT3:
        rows = [_join(value[i:i + 3], _float_text) for i in (0, 3, 6)]
        return "[" + "; ".join(rows) + "]"
    if kind in (INT, INT3):
        return _join(value, _int_text)
    return _join(value, _float_text)


def _check_length(value: Sequence[float], kind: str, name: str) -> None:
    expected: Optional[int] = _LENGTH.get(kind)
    if expected is not None and len(value) != expected:
        raise ValueError(f"{name}: a {kind} needs {expected} components, got {len(value)}")


def _join(values: Sequence[float], write) -> str:
    return " ".join(write(v) for v in values)


def _float_text(v: float) -> str:
    return "%.15g" % v


def _int_text(v: float) -> str:
    """C's ``%d`` of an integer value; a non-finite value is written as a float."""
    if isinstance(v, float) and not math.isfinite(v):
        return _float_text(v)
    return "%d" % v
