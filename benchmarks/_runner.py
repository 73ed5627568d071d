"""Run a command as a child process and measure its wall time and peak resident memory."""

from __future__ import annotations

import os
import subprocess
import time
from dataclasses import dataclass
from typing import Optional, Sequence


@dataclass(frozen=True)
class Measured:
    seconds: float
    peak_mb: float
    returncode: int


def measure(argv: Sequence[str], cwd: Optional[str] = None, env: Optional[dict] = None) -> Measured:
    """Wall time and peak RSS (from the child's own rusage) of one run of ``argv``."""
    start = time.perf_counter()
    child = subprocess.Popen(list(argv), cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    return Measured(seconds, usage.ru_maxrss / 1024.0, child.returncode)


def best_of(argv: Sequence[str], repeat: int, cwd: Optional[str] = None) -> Measured:
    """The fastest of ``repeat`` runs (peak memory of that run)."""
    runs = [measure(argv, cwd) for _ in range(repeat)]
    return min(runs, key=lambda m: m.seconds)
