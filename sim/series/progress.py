"""One updating progress line on stderr: frames done / total, frames per second, time left."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class ProgressLine:
    """``series: 40/100 frames  3.2 frames/s  19 s left``, redrawn at most 5 times a second.

    Frames found done at the start count in the total but not in the rate.
    """

    def __init__(self, total: int, done: int, enabled: bool = True, stream: TextIO = sys.stderr):
        self.total, self.done, self.enabled, self.stream = total, done, enabled, stream
        self.start, self.new, self.drawn_at, self.shown = time.perf_counter(), 0, 0.0, False

    def advance(self) -> None:
        self.done += 1
        self.new += 1
        now = time.perf_counter()
        if self.enabled and (now - self.drawn_at >= 0.2 or self.done == self.total):
            self.drawn_at, self.shown = now, True
            self.stream.write("\r" + self.text(now) + "\x1b[K")
            self.stream.flush()

    def rate(self, now: float = None) -> float:
        elapsed = (time.perf_counter() if now is None else now) - self.start
        return self.new / elapsed if elapsed > 0 else 0.0

    def text(self, now: float) -> str:
        rate = self.rate(now)
        left = (self.total - self.done) / rate if rate > 0 else float("inf")
        return (f"series: {self.done}/{self.total} frames  {rate:.2f} frames/s  "
                f"{_duration(left)} left")

    def close(self) -> None:
        if self.shown:
            self.stream.write("\n")
            self.stream.flush()


def _duration(seconds: float) -> str:
    if seconds == float("inf"):
        return "?"
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"
