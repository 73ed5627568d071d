"""Trace records: the data a tracer produces and a C log loads into."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple, Union

Value = Union[Tuple[float, ...], str]


@dataclass(frozen=True)
class TraceEntry:
    """One printed quantity: its name, which occurrence of that name it is, its value.

    Numeric values are tuples of floats (1, 3 or 9 components); text values are str.
    """

    name: str
    occurrence: int
    value: Value


@dataclass
class TraceRecord:
    """A whole trace of one pixel, in printing order.

    ``pixel`` is (slow, fast) or None when a log did not say; ``origin`` names where the
    trace came from ("ours" or a file path); ``meta`` holds free-form context (command
    line, device, dtype...).
    """

    pixel: Optional[Tuple[int, int]]
    entries: List[TraceEntry] = field(default_factory=list)
    origin: str = "ours"
    meta: Dict[str, object] = field(default_factory=dict)
    _counts: Dict[str, int] = field(default_factory=dict, repr=False, compare=False)

    def add(self, name: str, value: Value) -> None:
        if not self._counts and self.entries:
            for e in self.entries:
                self._counts[e.name] = self._counts.get(e.name, 0) + 1
        occurrence = self._counts.get(name, 0)
        self._counts[name] = occurrence + 1
        self.entries.append(TraceEntry(name, occurrence, value))

    def values(self, name: str) -> List[Value]:
        return [e.value for e in self.entries if e.name == name]

    def first(self, name: str) -> Optional[Value]:
        for e in self.entries:
            if e.name == name:
                return e.value
        return None

    def last(self, name: str) -> Optional[Value]:
        found = self.values(name)
        return found[-1] if found else None
