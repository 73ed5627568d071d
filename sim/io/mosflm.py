"""MOSFLM orientation ("A") matrix files, as nanoBragg ``-mat`` reads them.

The file's first three lines hold the matrix whose *columns* are a*, b* and c*, each
multiplied by the wavelength (so dimensionless); the lines after them (missets, U matrix,
cell) are ignored, as the C program ignores them.
"""

from __future__ import annotations

import numpy as np

from sim.errors import InputError
from sim.io.files import PathLike, parse_finite, read_lines

_NEEDED = 9


def read_mosflm_matrix(path: PathLike) -> np.ndarray:
    """(3, 3) float64 array whose rows are a*, b*, c* in the file's raw units (lambda x 1/Angstrom).

    Like the C's ``fscanf``, the first nine numbers are taken wherever the line breaks
    fall; a non-number among them, or fewer than nine, is an InputError naming the line.
    """
    numbers: list[float] = []
    last_line = None
    for number, line in enumerate(read_lines(path), start=1):
        for token in line.split():
            value = parse_finite(token)
            if value is None:
                raise InputError(f"expected a number of the A matrix, got '{token}'", path, number)
            numbers.append(value)
            if len(numbers) == _NEEDED:
                return np.array(numbers, dtype=np.float64).reshape(3, 3).T.copy()
        last_line = number
    raise InputError(f"expected 9 numbers of the A matrix, found {len(numbers)}", path, last_line)
