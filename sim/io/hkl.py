"""Structure-factor files: one reflection ``h k l F`` per line (nanoBragg ``-hkl``).

Matches the C reader: the grid spans the smallest to the largest index seen on each axis,
and a reflection listed twice keeps its last amplitude. Unlike the C (which only warns),
a non-integer index is an error, because the C's second pass would misread the file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from sim.errors import InputError
from sim.io.files import NUMBER, PathLike, parse_finite, read_lines

#: Grid cells beyond which an HKL file is taken for a typo rather than a real data set.
MAX_GRID_CELLS = 200_000_000
_INDEX_LIMIT = 2 ** 31


@dataclass(frozen=True)
class HklTable:
    """Structure-factor amplitudes on the integer grid h_min..h_max x k_min..k_max x l_min..l_max.

    ``F``: (h_range, k_range, l_range) float64 amplitudes (electrons), 0 where the file has
    no entry; ``present``: same shape, True where it has one; ``count``: number of
    reflection lines read (duplicates included, as the C counts them).
    """

    h_min: int
    h_max: int
    k_min: int
    k_max: int
    l_min: int
    l_max: int
    F: np.ndarray
    present: np.ndarray
    count: int

    def filled(self, default_F: float) -> np.ndarray:
        """Copy of ``F`` with every missing reflection set to ``default_F`` (electrons)."""
        out = self.F.copy()
        out[~self.present] = default_F
        return out


def read_hkl(path: PathLike) -> HklTable:
    """Read an HKL text file; InputError naming the file and line for anything malformed."""
    hkl, amplitudes = _parse_reflections(path)
    lo = hkl.min(axis=0)
    hi = hkl.max(axis=0)
    shape = tuple(int(n) for n in hi - lo + 1)
    if int(np.prod(shape, dtype=np.int64)) > MAX_GRID_CELLS:
        raise InputError(f"index range {lo.tolist()}..{hi.tolist()} is too large", path)
    F = np.zeros(shape, dtype=np.float64)
    present = np.zeros(shape, dtype=bool)
    flat = np.ravel_multi_index(tuple((hkl - lo).T), shape)
    cells, last = _last_occurrences(flat)
    F.flat[cells] = amplitudes[last]
    present.flat[cells] = True
    return HklTable(int(lo[0]), int(hi[0]), int(lo[1]), int(hi[1]), int(lo[2]), int(hi[2]),
                    F, present, len(amplitudes))


def _last_occurrences(flat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct values of ``flat`` and, for each, the position of its last occurrence.

    A reflection listed twice keeps its later amplitude, as in the C reader.
    """
    cells, first_from_end = np.unique(flat[::-1], return_index=True)
    return cells, len(flat) - 1 - first_from_end


def _parse_reflections(path: PathLike) -> tuple[np.ndarray, np.ndarray]:
    """(n, 3) int64 Miller indices and (n,) float64 amplitudes, in file order."""
    lines = read_lines(path)
    kept = [text for text in map(str.strip, lines) if text and not text.startswith("#")]
    table = _well_formed(kept)
    if table is not None:
        return table[:, :3].astype(np.int64), table[:, 3].copy()
    return _parse_line_by_line(lines, path)


_ROW = r"[^\S\n]+".join([f"(?:{NUMBER.pattern})"] * 4)
_ROWS = re.compile(rf"{_ROW}(?:\n{_ROW})*", NUMBER.flags)
#: Indices beyond this take the line-by-line reader (and its errors).
_INDEX_LIMIT = 2.0**31


def _well_formed(kept: list[str]) -> np.ndarray | None:
    """(n, 4) values when every kept line is four finite numbers with whole h, k, l (one
    regular expression over the whole file, then ``float``); None sends the file to the line-by-line
    reader, which names the first bad line."""
    text = "\n".join(kept)
    if not kept or _ROWS.fullmatch(text) is None:
        return None
    table = np.array(list(map(float, text.split())), dtype=np.float64).reshape(-1, 4)
    indices = table[:, :3]
    if not (np.isfinite(table).all() and (indices == np.floor(indices)).all()
            and (np.abs(indices) < _INDEX_LIMIT).all()):
        return None
    return table


def _parse_line_by_line(lines: list[str], path: PathLike) -> tuple[np.ndarray, np.ndarray]:
    indices: list[tuple[int, int, int]] = []
    amplitudes: list[float] = []
    for number, line in enumerate(lines, start=1):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        h, k, l, F = _parse_line(text, path, number)
        indices.append((h, k, l))
        amplitudes.append(F)
    if not amplitudes:
        raise InputError("no reflections", path)
    return np.array(indices, dtype=np.int64), np.array(amplitudes, dtype=np.float64)


def _parse_line(text: str, path: PathLike, number: int) -> tuple[int, int, int, float]:
    """h, k, l, F of one non-blank line."""
    tokens = text.split()
    values = [parse_finite(token) for token in tokens]
    if len(tokens) != 4 or None in values:
        raise InputError(f"expected 'h k l F', got '{text}'", path, number)
    for name, value in zip("hkl", values):
        if not value.is_integer():
            raise InputError(f"non-integer {name} index {value:g} in '{text}'", path, number)
        if not abs(value) < _INDEX_LIMIT:  # the C reads indices as 32-bit ints
            raise InputError(f"{name} index {value:g} out of range in '{text}'", path, number)
    return int(values[0]), int(values[1]), int(values[2]), values[3]
