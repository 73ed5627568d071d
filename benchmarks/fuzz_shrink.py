"""Shrink a failing command line to a minimal one that still fails (the fuzzer's shrinker).

Greedy: drop one option group at a time (never the crystal or structure factors, see
``fuzz_lines.ESSENTIAL``), keeping each drop after which the line still fails, until no
single drop does. A line the port rejects, or that the C cannot run, does not "still fail".
"""

from __future__ import annotations

from typing import Callable

from fuzz_lines import ESSENTIAL, Line


def shrink(line: Line, fails: Callable[[Line], bool], max_tries: int = 40) -> Line:
    """A sub-line of ``line`` on which ``fails`` still holds, no group of which can go."""
    tries = 0
    changed = True
    while changed and tries < max_tries:
        changed = False
        for i in reversed(range(len(line))):
            if line[i][0] in ESSENTIAL or i >= len(line):
                continue
            candidate = line[:i] + line[i + 1:]
            tries += 1
            if fails(candidate):
                line, changed = candidate, True
            if tries >= max_tries:
                break
    return line
