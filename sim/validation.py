"""Checks of user values that need no torch (so the command line can fail fast)."""

from __future__ import annotations

from .errors import InputError


def check_cell(cell) -> None:
    """InputError for -cell values that describe no cell (the C would run on regardless)."""
    if cell is None:
        return
    lengths, angles = cell[:3], cell[3:]
    text = " ".join(f"{v:g}" for v in cell)
    if not all(v > 0.0 for v in lengths):
        raise InputError(f"-cell {text}: cell lengths must be positive")
    if not all(0.0 < v < 180.0 for v in angles):
        raise InputError(f"-cell {text}: cell angles must lie between 0 and 180 degrees")
    alpha, beta, gamma = angles
    if (alpha + beta + gamma >= 360.0 or alpha >= beta + gamma or beta >= gamma + alpha
            or gamma >= alpha + beta):
        raise InputError(f"-cell {text}: impossible unit cell (each angle must be less than "
                         "the sum of the other two, and all three less than 360 degrees)")
