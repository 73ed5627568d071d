"""Another program's image of the same detector: a raw ``-floatfile``, an SMV ``-intfile``,
or anything fabio reads.

A raw float file is float32 photons whose shape comes from the command line; an SMV
image is 16-bit counts; any other image fabio reads is taken as photons. No torch, no Qt.
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Tuple

import numpy as np

from sim.errors import InputError
from sim.io.floatfile import read_float32
from sim.io.smv import read_smv

PHOTONS = "photons"
COUNTS = "SMV counts"
FLOAT_SUFFIXES = (".bin", ".f32", ".raw", ".flt", ".float")
SMV_SUFFIXES = (".img", ".smv")


@dataclass(frozen=True)
class ReferenceImage:
    """An image to compare with: ``data`` (slow, fast) in ``units``, read from ``source``."""

    data: np.ndarray
    source: str
    units: str = PHOTONS
    #: The ADC offset the file's header states (an export's ADC_OFFSET=0); None where it
    #: states none (the C's own SMV images), so the run's -adc applies.
    adc_offset: Optional[float] = None


def photons_like(reference: ReferenceImage, adc_offset: float) -> Tuple[np.ndarray, Optional[str]]:
    """The image on a scale proportional to photons, and a note when it is SMV counts
    (the ADC offset removed; whole counts are not photons, so a fit may not match them
    to the golden tolerances)."""
    adc_offset = adc_offset if reference.adc_offset is None else reference.adc_offset
    if reference.units != COUNTS:
        return reference.data, None
    return reference.data - adc_offset, ("the other image is SMV counts: compared after removing the "
                                         "ADC offset, the scale absorbs the -intfile scale, and whole "
                                         "counts may not meet the golden tolerances")


def load_reference(path: str, shape: Optional[Tuple[int, int]]) -> ReferenceImage:
    """Read an image; ``shape`` = (slow, fast) is used for headerless float files (see
    :func:`raw_shape`)."""
    suffix = Path(path).suffix.lower()
    if suffix in SMV_SUFFIXES:
        fields, counts = read_smv(path)
        return ReferenceImage(counts.astype(np.float64), str(path), COUNTS, _stated_offset(fields, path))
    if suffix in FLOAT_SUFFIXES:
        return ReferenceImage(read_float32(path, raw_shape(path, shape)), str(path), PHOTONS)
    return ReferenceImage(_read_with_fabio(path), str(path), PHOTONS)


_SHAPE_IN_NAME = re.compile(r"(\d+)x(\d+)")


def raw_shape(path: str, shape: Optional[Tuple[int, int]]) -> Tuple[int, int]:
    """(slow, fast) of a raw float32 file: from ``<rows>x<cols>`` in its name, else ``shape``
    when the size fits it, else the square the size fits; else ``shape`` (the reader then
    says what the size needed is)."""
    named = _SHAPE_IN_NAME.findall(Path(path).stem)
    if named:
        return int(named[-1][0]), int(named[-1][1])
    try:
        pixels = os.path.getsize(path) // 4
    except OSError:
        return tuple(shape)  # the reader names the missing file
    if shape is not None and pixels == shape[0] * shape[1]:
        return tuple(shape)
    side = math.isqrt(pixels)
    return (side, side) if side * side == pixels and side > 0 else tuple(shape)


def _read_with_fabio(path: str) -> np.ndarray:
    import fabio

    try:
        return np.asarray(fabio.open(str(path)).data, dtype=np.float64)
    except FileNotFoundError:
        raise InputError("no such file", path) from None
    except Exception as err:  # fabio raises many kinds for files it cannot read
        raise InputError(f"not an image fabio can read ({type(err).__name__}: {err})", path) from None


def _stated_offset(fields, path) -> Optional[float]:
    text = fields.get("ADC_OFFSET")
    if text is None:
        return None
    try:
        return float(text)
    except ValueError:
        raise InputError(f"ADC_OFFSET={text!r} in the header is not a number", str(path)) from None
