"""Another program's image of the same detector: a raw ``-floatfile``, an SMV ``-intfile``,
or anything fabio reads.

A raw float file is float32 photons whose shape comes from the command line; an SMV
image is 16-bit counts; any other image fabio reads is taken as photons. No torch, no Qt.
"""

from __future__ import annotations

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


def photons_like(reference: ReferenceImage, adc_offset: float) -> Tuple[np.ndarray, Optional[str]]:
    """The image on a scale proportional to photons, and a note when it is SMV counts
    (the ADC offset removed; whole counts are not photons, so a fit may not match them
    to the golden tolerances)."""
    if reference.units != COUNTS:
        return reference.data, None
    return reference.data - adc_offset, ("the other image is SMV counts: compared after removing the "
                                         "ADC offset, the scale absorbs the -intfile scale, and whole "
                                         "counts may not meet the golden tolerances")


def load_reference(path: str, shape: Tuple[int, int]) -> ReferenceImage:
    """Read an image; ``shape`` = (slow, fast) is needed for headerless float files."""
    suffix = Path(path).suffix.lower()
    if suffix in SMV_SUFFIXES:
        _, counts = read_smv(path)
        return ReferenceImage(counts.astype(np.float64), str(path), COUNTS)
    if suffix in FLOAT_SUFFIXES:
        return ReferenceImage(read_float32(path, tuple(shape)), str(path), PHOTONS)
    return ReferenceImage(_read_with_fabio(path), str(path), PHOTONS)


def _read_with_fabio(path: str) -> np.ndarray:
    import fabio

    try:
        return np.asarray(fabio.open(str(path)).data, dtype=np.float64)
    except FileNotFoundError:
        raise InputError("no such file", path) from None
    except Exception as err:  # fabio raises many kinds for files it cannot read
        raise InputError(f"not an image fabio can read ({type(err).__name__}: {err})", path) from None
