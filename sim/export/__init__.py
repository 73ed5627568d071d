"""Write simulated images with their geometry in the formats other programs read.

- NeXus NXmx (``.h5``, ``.nxs``): int32 counts, detector module vectors, beam, phi scan.
- CBF (``.cbf``): int32 counts with full imgCIF axes (detector, beam, goniometer).
- SMV (``.img``): uint16 counts with a d*TREK + ADSC header that DIALS reads exactly.
- EDF (``.edf``) and TIFF (``.tif``): float32 photons (fabio); EDF with the C's header keys.
- raw (``.bin``): the C's ``-floatfile`` (float32, little-endian, no header).

Integer counts are scaled as the C's ``-intfile`` but carry no ADC offset, as no dxtbx reader
of these files takes a pedestal (``sim.export.counts``); the geometry comes
from the model in the imgCIF frame (``sim.export.frames``). :func:`export_image` writes one
image, :func:`export_sweep` a stack of frames with a rotation range each (one NXmx file, or
numbered CBF/SMV files). Every file goes through a temporary name in its folder. Importing
this package imports neither torch nor Qt.
"""

from __future__ import annotations

from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

from sim.errors import InputError
from sim.export.counts import (EXPORT_ADC_OFFSET, MAX_COUNT, MAX_COUNT_INT32, int32_counts, int_scale,
                               noise_counts, smv_counts)
from sim.io.smv import nanobragg_header, parse_header

#: Format name -> the file suffix it is written with by default.
FORMATS: Dict[str, str] = {"nxmx": ".h5", "cbf": ".cbf", "smv": ".img", "edf": ".edf",
                           "tiff": ".tif", "raw": ".bin"}
_SUFFIXES = {".h5": "nxmx", ".nxs": "nxmx", ".img": "smv", ".smv": "smv", ".cbf": "cbf",
             ".edf": "edf", ".tif": "tiff", ".tiff": "tiff", ".bin": "raw", ".f32": "raw", ".raw": "raw"}
_LAYOUT_KEYS = ("HEADER_BYTES", "DIM", "BYTE_ORDER", "TYPE", "SIZE1", "SIZE2")
#: Formats that hold a sweep (several frames with their rotation ranges).
SWEEP_FORMATS = ("nxmx", "cbf", "smv")

cbf_counts = int32_counts


def format_for_path(path) -> str:
    """The export format a file name asks for, from its suffix; InputError if none fits."""
    fmt = _SUFFIXES.get(Path(path).suffix.lower())
    if fmt is None:
        known = ", ".join(sorted(_SUFFIXES))
        raise InputError(f"unknown image format {Path(path).suffix or '(no suffix)'}; use one of {known}",
                         str(path))
    return fmt


def check_export_path(path) -> str:
    """The format of ``path``; InputError (naming it) for an unknown suffix or an unwritable folder."""
    from sim.io.outputs import check_writable

    fmt = format_for_path(path)
    check_writable([str(path)])
    return fmt


def geometry_header(model) -> Dict[str, str]:
    """The geometry keys of the C's SMV header (PIXEL_SIZE, DISTANCE, beam centres...)."""
    from sim.io.outputs import smv_geometry

    fields = parse_header(nanobragg_header(smv_geometry(model)))
    return {k: v for k, v in fields.items() if k not in _LAYOUT_KEYS}


def export_image(path, image: np.ndarray, model, fmt: Optional[str] = None,
                 noise_seed: Optional[int] = None) -> str:
    """Write ``image`` (S, F photons of ``model``) to ``path``; return the format used.

    Integer formats hold photons x scale without ADC offset (DIALS's pedestal is 0). With
    ``noise_seed`` the file holds the noise image instead: the C's ``-noisefile`` Poisson draw
    for that seed, in photons (scale 1), without offset; EDF/TIFF hold it as float32.
    """
    from sim.export.frames import export_geometry

    fmt = _checked_format(path, fmt)
    geom = export_geometry(model)
    if fmt in ("edf", "tiff", "raw"):
        from sim.export.fabio_formats import write_float_image

        photons = image if noise_seed is None else noise_counts(image, model, noise_seed)
        write_float_image(path, np.asarray(photons, dtype=np.float32), fmt, geometry_header(model))
        return fmt
    counts, overload = export_counts(fmt, image, model, noise_seed=noise_seed)
    if fmt == "nxmx":
        from sim.export.nxmx import write_nxmx

        write_nxmx(path, counts[None], geom, [geom.phi_start_deg], geom.osc_deg, overload)
    elif fmt == "cbf":
        from sim.export.cbf import write_cbf

        write_cbf(path, counts, geom, overload, EXPORT_ADC_OFFSET)
    else:
        from sim.export.smv import write_dials_smv

        write_dials_smv(path, counts, geom, EXPORT_ADC_OFFSET)
    return fmt


def export_counts(fmt: str, image: np.ndarray, model, scale: Optional[float] = None,
                  noise_seed: Optional[int] = None) -> Tuple[np.ndarray, int]:
    """The integer pixels a file of ``fmt`` (nxmx, cbf, smv) holds and their overload value:
    every export and every series frame, without ADC offset (:data:`EXPORT_ADC_OFFSET`).
    ``noise_seed``: the C's ``-noisefile`` Poisson draw in photons, else photons x scale."""
    overload = export_overload(fmt, noise_seed is not None)
    if noise_seed is not None:
        counts = noise_counts(image, model, noise_seed)
        return (counts if fmt == "smv" else counts.astype(np.int32)), overload
    if fmt == "smv":
        return smv_counts(image, model, scale, EXPORT_ADC_OFFSET), overload
    return int32_counts(image, model, scale, EXPORT_ADC_OFFSET), overload


def export_overload(fmt: str, noisy: bool) -> int:
    """The largest count a file of ``fmt`` can hold: 16-bit for SMV and noise images."""
    return MAX_COUNT if noisy or fmt == "smv" else MAX_COUNT_INT32


def export_sweep(path, images: Sequence[np.ndarray], model, phi_starts_deg: Sequence[float],
                 osc_deg: float, fmt: Optional[str] = None) -> List[str]:
    """Write frames (each S, F photons) of one rotation sweep; return the files written.

    Frame i covers ``phi_starts_deg[i]`` to ``+ osc_deg`` about the model's spindle. All
    frames share one count scale (``-scale``, else the brightest frame to 55000), so that
    intensities compare across the sweep; no ADC offset. NXmx: one file; CBF and SMV:
    ``stem_00001.cbf``...
    """
    from sim.export.frames import export_geometry

    fmt = _checked_format(path, fmt)
    if fmt not in SWEEP_FORMATS:
        raise InputError(f"a sweep is written as {', '.join(SWEEP_FORMATS)}, not {fmt}", str(path))
    geom = export_geometry(model)
    scale = int_scale(np.max(np.stack(images), axis=0), model)
    stack = [export_counts(fmt, image, model, scale)[0] for image in images]
    geoms = [geom.with_phi(start, osc_deg) for start in phi_starts_deg]
    if fmt == "nxmx":
        from sim.export.nxmx import write_nxmx

        write_nxmx(path, np.stack(stack), geom, phi_starts_deg, osc_deg)
        return [str(path)]
    if fmt == "cbf":
        from sim.export.cbf import write_cbf_frames

        return [str(p) for p in write_cbf_frames(path, stack, geoms, EXPORT_ADC_OFFSET)]
    from sim.export.files import frame_paths
    from sim.export.smv import write_dials_smv

    paths = frame_paths(path, len(images))
    for target, counts, frame in zip(paths, stack, geoms):
        write_dials_smv(target, counts, frame, EXPORT_ADC_OFFSET)
    return [str(p) for p in paths]


def _checked_format(path, fmt: Optional[str]) -> str:
    fmt = format_for_path(path) if fmt is None else fmt
    if fmt not in FORMATS:
        raise InputError(f"unknown image format {fmt!r}; use one of {', '.join(FORMATS)}")
    return fmt


__all__ = ["FORMATS", "SWEEP_FORMATS", "format_for_path", "check_export_path", "export_image",
           "export_sweep", "smv_counts", "cbf_counts", "int32_counts", "int_scale", "noise_counts",
           "geometry_header", "EXPORT_ADC_OFFSET", "export_counts", "export_overload"]
