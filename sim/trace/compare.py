"""Compare two traces of one pixel, quantity by quantity, and find where they part ways.

Entries are aligned by (name, occurrence). Numbers agree when
``|diff| <= rtol * scale``, where ``|diff|`` is the largest component difference and
``scale`` the larger of the two Euclidean norms: the tolerance follows a vector's size, so
a component that is ~0 in a large vector does not fail on rounding noise. ``atol`` is a
floor near 0 only, that is where the two values bracket zero (a scalar's signs differ or one
is 0; two vectors' dot product is <= 0): there rounding noise has no scale of its own.
Values that are small only because of their SI unit (lambda ~1e-10 m, r_e_sqr ~8e-30 m^2,
omega ~1e-8 sr) are therefore still compared relatively. Integer quantities must be
equal; text compares with whitespace normalised. Rows follow our trace's order, with rows only the other trace has inserted
where the schema order puts them; the first row that differs is the first divergence.
Rows present on one side only are reported but are not divergences.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple

from sim.agreement import TRACE_ATOL, TRACE_RTOL
from sim.errors import InputError
from sim.trace.format import format_value
from sim.trace.record import TraceEntry, TraceRecord, Value
from sim.trace.schema import BY_NAME, FINAL, GEOMETRY, INT, INT3, ORDER, TEXT, quantity

AGREE = "agree"
DIFFER = "differ"
OURS_ONLY = "ours only"
THEIRS_ONLY = "theirs only"

Key = Tuple[str, int]
_BLOCK_RANK = {GEOMETRY: 0, FINAL: 2}


@dataclass(frozen=True)
class Row:
    """One quantity of the comparison. ``theirs`` is the C (or other) trace's value.

    ``abs_diff`` and ``rel_diff`` are None for text and one-sided rows; ``agree`` is None
    for one-sided rows.
    """

    name: str
    occurrence: int
    unit: str
    ours: Optional[Value]
    theirs: Optional[Value]
    abs_diff: Optional[float]
    rel_diff: Optional[float]
    agree: Optional[bool]
    status: str


@dataclass(frozen=True)
class Comparison:
    """The rows of a comparison in computation order, and the tolerances used."""

    pixel: Optional[Tuple[int, int]]
    rows: Tuple[Row, ...]
    rtol: float
    atol: float

    @property
    def first_divergence(self) -> Optional[Row]:
        """The first row, in computation order, whose values differ; None if all agree."""
        return next((r for r in self.rows if r.status == DIFFER), None)

    @property
    def shared_count(self) -> int:
        """How many rows both traces carry."""
        return sum(1 for r in self.rows if r.status in (AGREE, DIFFER))

    def to_json(self) -> Dict[str, object]:
        """A JSON-ready dict; non-finite numbers are written as the strings 'nan', 'inf'."""
        first = self.first_divergence
        return {
            "pixel": None if self.pixel is None else list(self.pixel),
            "rows": [_row_json(r) for r in self.rows],
            "first_divergence": None if first is None else first.name,
            "first_divergence_occurrence": None if first is None else first.occurrence,
            "rtol": self.rtol,
            "atol": self.atol,
        }


def compare_traces(ours: TraceRecord, theirs: TraceRecord,
                   rtol: float = TRACE_RTOL, atol: float = TRACE_ATOL) -> Comparison:
    """Compare ``ours`` with ``theirs`` (usually the C trace) entry by entry.

    Raises InputError when the two traces are for different pixels.
    """
    pixel = _common_pixel(ours, theirs)
    their_values = {(e.name, e.occurrence): e.value for e in theirs.entries}
    our_keys = {(e.name, e.occurrence) for e in ours.entries}
    rows = [_row(e.name, e.occurrence, e.value, their_values.get((e.name, e.occurrence)),
                 rtol, atol) for e in ours.entries]
    extra = [e for e in theirs.entries if (e.name, e.occurrence) not in our_keys]
    rows = _insert_in_schema_order(rows, ours.entries, extra, theirs.entries, rtol, atol)
    return Comparison(pixel, tuple(rows), rtol, atol)


def _common_pixel(ours: TraceRecord, theirs: TraceRecord) -> Optional[Tuple[int, int]]:
    if ours.pixel is not None and theirs.pixel is not None and ours.pixel != theirs.pixel:
        raise InputError(f"traces are for different pixels: {ours.pixel} in {ours.origin},"
                         f" {theirs.pixel} in {theirs.origin}")
    return ours.pixel if ours.pixel is not None else theirs.pixel


def _insert_in_schema_order(rows: List[Row], our_entries: Sequence[TraceEntry],
                            extra: Sequence[TraceEntry], their_entries: Sequence[TraceEntry],
                            rtol: float, atol: float) -> List[Row]:
    """Insert their-only entries before the first later row, keeping their own order."""
    row_keys = _schema_keys(our_entries)
    extra_keys = _schema_keys(their_entries)
    position = 0
    for entry in extra:
        key = extra_keys[(entry.name, entry.occurrence)]
        while position < len(rows) and row_keys[_key(rows[position])] <= key:
            position += 1
        rows.insert(position, _row(entry.name, entry.occurrence, None, entry.value, rtol, atol))
        row_keys[(entry.name, entry.occurrence)] = key
        position += 1
    return rows


def _schema_keys(entries: Sequence[TraceEntry]) -> Dict[Key, Tuple[int, int, int]]:
    """Sort keys: block (geometry, pixel, final), then occurrence, then schema position.

    A name the schema does not know takes the key of the entry before it.
    """
    keys: Dict[Key, Tuple[int, int, int]] = {}
    previous = (0, 0, -1)
    for e in entries:
        q = BY_NAME.get(e.name)
        if q is not None:
            previous = (_BLOCK_RANK.get(q.block, 1), e.occurrence, ORDER[e.name])
        keys[(e.name, e.occurrence)] = previous
    return keys


def _key(row: Row) -> Key:
    return (row.name, row.occurrence)


def _row(name: str, occurrence: int, ours: Optional[Value], theirs: Optional[Value],
         rtol: float, atol: float) -> Row:
    q = quantity(name)
    if ours is None or theirs is None:
        status = THEIRS_ONLY if ours is None else OURS_ONLY
        return Row(name, occurrence, q.unit, ours, theirs, None, None, None, status)
    abs_diff, rel_diff, agree = _diff(ours, theirs, q.kind in (INT, INT3), rtol, atol)
    return Row(name, occurrence, q.unit, ours, theirs, abs_diff, rel_diff, agree,
               AGREE if agree else DIFFER)


def _diff(ours: Value, theirs: Value, exact: bool, rtol: float,
          atol: float) -> Tuple[Optional[float], Optional[float], bool]:
    """(largest component |diff|, that over the larger norm, agree) for two values."""
    if isinstance(ours, str) or isinstance(theirs, str):
        same = isinstance(ours, str) and isinstance(theirs, str) and ours.split() == theirs.split()
        return None, None, same
    if len(ours) != len(theirs):
        return None, None, False
    abs_diff = max((_component_diff(a, b) for a, b in zip(ours, theirs)), default=0.0)
    scale = max(_norm(ours), _norm(theirs))
    rel_diff = abs_diff / scale if scale > 0 else (0.0 if abs_diff == 0 else math.inf)
    if exact:
        return abs_diff, rel_diff, abs_diff == 0
    tolerance = rtol * scale
    if _dot(ours, theirs) <= 0:
        tolerance = max(tolerance, atol)
    return abs_diff, rel_diff, math.isfinite(abs_diff) and abs_diff <= tolerance


def _component_diff(a: float, b: float) -> float:
    """|a - b|, with equal infinities and two NaNs counting as equal."""
    if a == b or (math.isnan(a) and math.isnan(b)):
        return 0.0
    return abs(a - b)


def _dot(a: Sequence[float], b: Sequence[float]) -> float:
    """Dot product over the components finite on both sides (<= 0: they bracket zero)."""
    return sum(x * y for x, y in zip(a, b) if math.isfinite(x) and math.isfinite(y))


def _norm(values: Sequence[float]) -> float:
    """Euclidean norm of the finite components."""
    return math.sqrt(sum(v * v for v in values if math.isfinite(v)))


def _row_json(row: Row) -> Dict[str, object]:
    return {
        "name": row.name, "occurrence": row.occurrence, "unit": row.unit,
        "ours": _json_value(row.ours), "c": _json_value(row.theirs),
        "abs_diff": _json_number(row.abs_diff), "rel_diff": _json_number(row.rel_diff),
        "agree": row.agree, "status": row.status,
    }


def _json_value(value: Optional[Value]) -> object:
    """Text as is, one number as a number, several as a list (matrices row-major)."""
    if value is None or isinstance(value, str):
        return value
    numbers = [_json_number(v) for v in value]
    return numbers[0] if len(numbers) == 1 else numbers


def _json_number(v: Optional[float]) -> object:
    if isinstance(v, float) and not math.isfinite(v):
        return "%g" % v
    return v


def format_table(comparison: Comparison) -> str:
    """A plain-text table (quantity[occurrence], unit, ours, C, abs, rel, status)."""
    header = ("quantity", "unit", "ours", "C", "abs diff", "rel diff", "status")
    cells = [header] + [_table_cells(r) for r in comparison.rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines + ["", summary(comparison)]) + "\n"


def summary(comparison: Comparison) -> str:
    """One line: the first divergence, or how many shared quantities agree."""
    first = comparison.first_divergence
    one_sided = len(comparison.rows) - comparison.shared_count
    tail = f"; {one_sided} on one side only" if one_sided else ""
    if first is None:
        return f"all {comparison.shared_count} shared quantities agree{tail}"
    return f"first divergence: {first.name} (occurrence {first.occurrence}){tail}"


def to_csv(comparison: Comparison) -> str:
    """The rows as CSV with a header; vectors as space-separated numbers."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["name", "occurrence", "unit", "ours", "c", "abs_diff", "rel_diff",
                     "agree", "status"])
    for r in comparison.rows:
        writer.writerow([r.name, r.occurrence, r.unit, _value_text(r.name, r.ours),
                         _value_text(r.name, r.theirs), _number_text(r.abs_diff),
                         _number_text(r.rel_diff), "" if r.agree is None else r.agree,
                         r.status])
    return out.getvalue()


def _table_cells(row: Row) -> Tuple[str, ...]:
    return (f"{row.name}[{row.occurrence}]", row.unit, _value_text(row.name, row.ours),
            _value_text(row.name, row.theirs), _number_text(row.abs_diff, "%.3g"),
            _number_text(row.rel_diff, "%.3g"), row.status)


def _value_text(name: str, value: Optional[Value]) -> str:
    if value is None:
        return ""
    kind = quantity(name).kind
    try:
        return format_value(value, kind, name)
    except ValueError:
        return format_value(value, TEXT, name)


def _number_text(v: Optional[float], form: str = "%.15g") -> str:
    return "" if v is None else form % v
