"""What the trace panel says above the table: a hint, a pixel mismatch, the first divergence.

``banner(state)`` picks the one message that matters most, with an optional action (a
pixel to jump to, or a row to show). ``value_text`` writes a traced value as the C prints
it. No Qt.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Tuple

from sim.trace.compare import Row
from sim.trace.format import format_value
from sim.trace.schema import TEXT, quantity

HINT, PENDING, FAILED, MISMATCH, FOREIGN, DIVERGENCE, AGREE, ONE_SIDED = (
    "hint", "pending", "failed", "mismatch", "foreign", "divergence", "agree", "one-sided")


@dataclass(frozen=True)
class Banner:
    """A message of ``kind``; ``jump_to`` is a pixel the button traces, ``row`` a row to show."""

    kind: str
    text: str
    button: str = ""
    jump_to: Optional[Tuple[int, int]] = None
    row: Optional[Row] = None


def banner(state) -> Banner:
    """The message for a ViewerState's current traces."""
    c_pixel = None if state.c_trace is None else state.c_trace.pixel
    if state.pixel is None:
        return _hint(c_pixel)
    if state.pixel_mismatch:
        return Banner(MISMATCH, f"The C trace is for pixel {_p(c_pixel)}, not the traced pixel "
                      f"{_p(state.pixel)}: nothing is compared.", f"Trace {_p(c_pixel)}", c_pixel)
    if state.c_trace_foreign:
        return Banner(FOREIGN, f"The C trace was recorded for another command line "
                      f"({state.c_trace_foreign}): nothing is compared.")
    if state.our_trace is None and state.trace_problem:
        return Banner(FAILED, f"Could not trace pixel {_p(state.pixel)}: {state.trace_problem}")
    if state.our_trace is None:
        return Banner(PENDING, f"Tracing pixel {_p(state.pixel)}\u2026")
    comparison = state.comparison
    first = comparison.first_divergence
    if first is not None:
        return Banner(DIVERGENCE, _divergence_text(first, comparison.rtol), "Show", row=first)
    if state.c_trace is None:
        return Banner(ONE_SIDED, "No C trace: load a C trace log (Ctrl+O, or drop it here) or set "
                      "the C binary below to compare.")
    return Banner(AGREE, f"{_agree_text(comparison)}.")


def nothing_compared(state) -> Optional[str]:
    """Why a loaded C trace was not compared with our trace of the pixel; None when it was
    (or when no C trace is loaded)."""
    if state.c_trace is None:
        return None
    if state.pixel_mismatch:
        return f"the C trace is for pixel {_p(state.c_trace.pixel)}, not the traced pixel {_p(state.pixel)}"
    if state.c_trace_foreign:
        return f"the C trace was recorded for another command line ({state.c_trace_foreign})"
    comparison = state.comparison
    if state.our_trace is None or comparison is None or comparison.shared_count == 0:
        return "the C trace and ours share no quantity"
    return None


def _hint(c_pixel) -> Banner:
    if c_pixel is None:
        return Banner(HINT, "Click a pixel to trace it.")
    return Banner(HINT, f"Click a pixel to trace it. The C trace is for pixel {_p(c_pixel)}.",
                  f"Trace {_p(c_pixel)}", c_pixel)


def _agree_text(comparison) -> str:
    one_sided = len(comparison.rows) - comparison.shared_count
    tail = f"; {one_sided} on one side only" if one_sided else ""
    return (f"All {comparison.shared_count} shared quantities agree "
            f"(rtol {comparison.rtol:g}){tail}")


def _divergence_text(row: Row, rtol: float) -> str:
    q = quantity(row.name)
    unit = f" {q.unit}" if q.unit else ""
    rel = "" if row.rel_diff is None else f", rel diff {row.rel_diff:.3g} > {rtol:g}"
    occurrence = f" [{row.occurrence}]" if row.occurrence else ""
    return (f"First divergence: {row.name}{occurrence} \u2014 ours {value_text(row.name, row.ours)}"
            f"{unit}, C {value_text(row.name, row.theirs)}{unit}{rel}. {q.description}.")


def value_text(name: str, value) -> str:
    """``value`` as the C program prints quantity ``name``; '' for None."""
    if value is None:
        return ""
    try:
        return format_value(value, quantity(name).kind, name)
    except ValueError:
        return format_value(value, TEXT, name)


def _p(pixel) -> str:
    return f"({pixel[0]}, {pixel[1]})"
