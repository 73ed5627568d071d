"""Errors that reach the user as one clear line (file, line, problem)."""

from __future__ import annotations

from typing import Optional


class InputError(Exception):
    """Bad input: a file, a line in it, or a command-line value.

    ``str(err)`` is the one line shown to the user, e.g.
    ``P1.hkl:12: expected 'h k l F', got 'x 1 2'``.
    """

    def __init__(self, problem: str, path: Optional[str] = None, line: Optional[int] = None):
        self.problem = problem
        self.path = None if path is None else str(path)
        self.line = line
        super().__init__(self.message)

    @property
    def message(self) -> str:
        where = ""
        if self.path is not None:
            where = self.path if self.line is None else f"{self.path}:{self.line}"
            where += ": "
        return where + self.problem


class UnsupportedOption(InputError):
    """A flag the C program knows but this port does not implement."""


class SimulationCancelled(Exception):
    """Raised inside simulate() when the caller's cancel check returns True."""
