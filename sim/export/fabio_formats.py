"""EDF and TIFF (float32 photons, written by fabio) and the C's raw float file."""

from __future__ import annotations

from typing import Dict

import numpy as np

from sim.export.files import written_beside
from sim.io.floatfile import write_float32


def write_float_image(path, image: np.ndarray, fmt: str, header: Dict[str, str]) -> None:
    """Write (S, F) photons as ``fmt`` (edf, tiff or raw); EDF carries ``header``."""
    if fmt == "raw":
        write_float32(path, image)
        return
    from fabio.edfimage import EdfImage
    from fabio.tifimage import TifImage

    photons = np.ascontiguousarray(image, dtype=np.float32)
    if fmt == "edf":
        writer = EdfImage(data=photons, header={**header, "UNITS": "photons"})
    else:
        writer = TifImage(data=photons)
    with written_beside(path) as tmp:
        writer.write(tmp)
