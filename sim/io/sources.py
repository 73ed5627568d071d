"""Source lists (nanoBragg ``-sourcefile``): one source per line, up to five numbers.

Columns are X Y Z (position of the source, metres; only its direction matters), weight
and wavelength (metres). As in the C's ``read_text_file``, numbers may be separated by
any of `` \\t,;:!``, blank lines are skipped, numbers past the fifth are ignored, and a
column a line does not give is NaN, for the caller to fill with its default.
"""

from __future__ import annotations

import re

import numpy as np

from sim.errors import InputError
from sim.io.files import PathLike, parse_float, read_lines

#: Columns of a source line: X, Y, Z (m), weight, wavelength (m).
COLUMNS = ("X", "Y", "Z", "weight", "wavelength_m")

_DELIMITERS = re.compile(r"[ \t,;:!\r\v\f]+")


def read_source_file(path: PathLike) -> np.ndarray:
    """(n, 5) float64 array of sources; NaN where a line stops short of a column."""
    rows = []
    for number, line in enumerate(read_lines(path), start=1):
        tokens = [token for token in _DELIMITERS.split(line) if token][: len(COLUMNS)]
        if tokens:
            rows.append(_parse_row(tokens, path, number))
    if not rows:
        raise InputError("no sources", path)
    return np.array(rows, dtype=np.float64)


def _parse_row(tokens: list[str], path: PathLike, number: int) -> list[float]:
    """The five columns of one line, NaN-padded."""
    row = [float("nan")] * len(COLUMNS)
    for column, token in enumerate(tokens):
        value = parse_float(token)
        if value is None:
            raise InputError(f"expected a number for {COLUMNS[column]}, got '{token}'", path, number)
        row[column] = value
    return row
