"""Write a simulated image in the formats other programs read: SMV, CBF, EDF, TIFF, raw float32.

- SMV (``.img``): the C program's own ``-intfile``, header byte for byte (ADXV, MOSFLM, DENZO,
  DIALS and XDS beam-centre keys) and counts = photons x scale + ADC offset, rounded as the
  C rounds them; the scale is ``-scale`` or the C's auto scale (brightest pixel to 55000).
- CBF (``.cbf``): the same counts as 32-bit integers, without the 16-bit ceiling, and the
  geometry keys as ``# KEY VALUE`` header lines.
- EDF (``.edf``) and TIFF (``.tif``): float32 photons; EDF carries the SMV geometry keys.
- raw (``.bin``): the C's ``-floatfile`` (float32, little-endian, no header).

fabio writes CBF, EDF and TIFF. Importing this module imports neither torch nor Qt.
"""

from __future__ import annotations

from pathlib import Path
from typing import Dict, Optional

import numpy as np

from sim.errors import InputError
from sim.io.floatfile import write_float32
from sim.io.smv import float_to_smv_counts, nanobragg_header, parse_header, write_smv

#: Format name -> the file suffix it is written with by default.
FORMATS: Dict[str, str] = {"smv": ".img", "cbf": ".cbf", "edf": ".edf", "tiff": ".tif", "raw": ".bin"}
_SUFFIXES = {".img": "smv", ".smv": "smv", ".cbf": "cbf", ".edf": "edf", ".tif": "tiff",
             ".tiff": "tiff", ".bin": "raw", ".f32": "raw", ".raw": "raw"}
_LAYOUT_KEYS = ("HEADER_BYTES", "DIM", "BYTE_ORDER", "TYPE", "SIZE1", "SIZE2")


def format_for_path(path) -> str:
    """The export format a file name asks for, from its suffix; InputError if none fits."""
    fmt = _SUFFIXES.get(Path(path).suffix.lower())
    if fmt is None:
        known = ", ".join(sorted(_SUFFIXES))
        raise InputError(f"unknown image format {Path(path).suffix or '(no suffix)'}; use one of {known}",
                         str(path))
    return fmt


def int_scale(image: np.ndarray, model) -> float:
    """Photons -> counts factor the C uses for ``-intfile``: ``-scale``, else 55000 / max."""
    from sim.outputs import image_stats, roi_mask, smv_scale

    image32 = np.asarray(image, dtype=np.float32)
    return smv_scale(model.config.output, image_stats(image32, roi_mask(model)).max_I)


def smv_counts(image: np.ndarray, model) -> np.ndarray:
    """(S, F) uint16 counts of ``image`` (photons) exactly as the C writes its SMV image."""
    from sim.outputs import roi_mask

    image32 = np.asarray(image, dtype=np.float32)
    return float_to_smv_counts(image32, int_scale(image32, model), model.config.output.adc_offset,
                               roi_mask(model))


def cbf_counts(image: np.ndarray, model) -> np.ndarray:
    """(S, F) int32 counts: the SMV scaling and rounding without the 16-bit clip."""
    from sim.outputs import roi_mask

    image32 = np.asarray(image, dtype=np.float32)
    value = image32.astype(np.float64) * int_scale(image32, model) + model.config.output.adc_offset
    counts = np.floor((np.clip(value, 0.0, 2.0 ** 31 - 1) + 0.5).astype(np.float32))
    counts = np.where(np.isfinite(counts), counts, 0.0).astype(np.int32)
    counts[~roi_mask(model)] = 0
    return counts


def geometry_header(model) -> Dict[str, str]:
    """The geometry keys of the C's SMV header (PIXEL_SIZE, DISTANCE, beam centres...)."""
    from sim.outputs import smv_geometry

    fields = parse_header(nanobragg_header(smv_geometry(model)))
    return {k: v for k, v in fields.items() if k not in _LAYOUT_KEYS}


def export_image(path, image: np.ndarray, model, fmt: Optional[str] = None) -> str:
    """Write ``image`` (S, F photons of ``model``) to ``path``; return the format used."""
    fmt = format_for_path(path) if fmt is None else fmt
    if fmt not in FORMATS:
        raise InputError(f"unknown image format {fmt!r}; use one of {', '.join(FORMATS)}")
    if fmt == "smv":
        from sim.outputs import smv_geometry

        write_smv(path, smv_counts(image, model), nanobragg_header(smv_geometry(model)))
    elif fmt == "raw":
        write_float32(path, image)
    else:
        _write_fabio(path, image, model, fmt)
    return fmt


def _write_fabio(path, image: np.ndarray, model, fmt: str) -> None:
    from fabio.cbfimage import CbfImage
    from fabio.edfimage import EdfImage
    from fabio.tifimage import TifImage

    photons = np.ascontiguousarray(image, dtype=np.float32)
    if fmt == "cbf":
        writer = CbfImage(data=cbf_counts(image, model), header=geometry_header(model))
    elif fmt == "edf":
        writer = EdfImage(data=photons, header={**geometry_header(model), "UNITS": "photons"})
    else:
        writer = TifImage(data=photons)
    try:
        writer.write(str(path))
    except OSError as err:
        raise InputError(f"cannot write: {err.strerror or err}", str(path)) from None
