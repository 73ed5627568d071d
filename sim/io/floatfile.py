"""Raw float images (nanoBragg ``-floatfile``): float32, little-endian, row-major, no header."""

from __future__ import annotations

from typing import Tuple

import numpy as np

from sim.errors import InputError
from sim.io.files import PathLike, atomic_write, read_bytes

_DTYPE = np.dtype("<f4")


def write_float32(path: PathLike, image: np.ndarray) -> None:
    """Write ``image`` (S, F), photons per pixel, as the C's float file: slow rows of fast pixels."""
    atomic_write(path, np.ascontiguousarray(image, dtype=_DTYPE).tobytes())


def read_float32(path: PathLike, shape: Tuple[int, int]) -> np.ndarray:
    """Read a float file as a float32 (S, F) = ``shape`` array; InputError when the size differs."""
    data = read_bytes(path)
    expected = int(np.prod(shape)) * _DTYPE.itemsize
    if len(data) != expected:
        raise InputError(f"file has {len(data)} bytes, but {shape[0]}x{shape[1]} float32 pixels "
                         f"need {expected}", path)
    return np.frombuffer(data, dtype=_DTYPE).reshape(shape).astype(np.float32)
