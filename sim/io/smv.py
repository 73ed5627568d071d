"""SMV (ADSC) images as nanoBragg writes them (``-intfile``, ``-noisefile``).

An SMV file is a text header ``{KEY=VALUE;...}`` padded to HEADER_BYTES, followed by
SIZE2 rows of SIZE1 unsigned 16-bit pixels. :func:`nanobragg_header` reproduces the C
program's header byte for byte, so that files written here are interchangeable with its.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Dict, Optional, Tuple

import numpy as np

from sim import units
from sim.errors import InputError
from sim.io.files import PathLike, atomic_write, read_bytes
from sim.io._rows import row_blocks

HEADER_BYTES = 512
#: The header size used where the C's lines overflow 512 bytes.
LONG_HEADER_BYTES = 1024
#: Largest value of an unsigned 16-bit pixel.
MAX_COUNT = 65535
_BYTE_ORDERS = {"little_endian": "<", "big_endian": ">"}


@dataclass(frozen=True)
class SmvGeometry:
    """Detector and beam values that the C program prints in its SMV header (SI units).

    ``Xbeam_m``/``Ybeam_m`` are the MOSFLM-style beam centre, ``Fbeam_m``/``Sbeam_m`` the
    beam spot along the fast/slow axes, ``detsize_s_m`` the slow size of the detector,
    ``dials_origin_mm`` the DIALS origin (mm), ``orgx``/``orgy`` the XDS origin (pixels).
    """

    fpixels: int
    spixels: int
    pixel_size_m: float
    distance_m: float
    wavelength_m: float
    Xbeam_m: float
    Ybeam_m: float
    Fbeam_m: float
    Sbeam_m: float
    detsize_s_m: float
    dials_origin_mm: Tuple[float, float, float]
    orgx: float
    orgy: float
    close_distance_m: float
    phi0_rad: float
    osc_rad: float
    twotheta_rad: float


def nanobragg_header(geom: SmvGeometry, noise: bool = False) -> str:
    """The C program's SMV header for ``geom``, padded with spaces to 512 (or 1024) characters.

    ``noise`` picks the noise-image variant, whose DENZO lines add rather than subtract
    the zero offset (visible only as the sign of a zero beam centre). Where the C's lines
    need more than 512 bytes (long numbers of rotated detectors), the C writes them anyway
    and every reader then shifts the pixels; here the header says HEADER_BYTES=1024 and is
    padded to that instead (see :func:`is_long_header`).
    """
    for size in (HEADER_BYTES, LONG_HEADER_BYTES):
        text = "".join(line + "\n" for line in _header_lines(geom, noise, size)) + "}\f"
        if len(text) <= size:
            return text.ljust(size)
    raise InputError(f"SMV header needs {len(text)} bytes, more than {LONG_HEADER_BYTES}")


def is_long_header(header_text: str) -> bool:
    """True for a header that did not fit the C's 512 bytes."""
    return len(header_text) > HEADER_BYTES


def _header_lines(g: SmvGeometry, noise: bool, header_bytes: int) -> list[str]:
    """Header lines in the C's order and formats (%g of mm, Angstrom, degrees)."""
    px = g.pixel_size_m
    denzo_x, denzo_y = (g.Sbeam_m + 0.0 * px, g.Fbeam_m + 0.0 * px) if noise else \
        (g.Sbeam_m - 0.0 * px, g.Fbeam_m - 0.0 * px)
    return [
        "{", f"HEADER_BYTES={header_bytes};", "DIM=2;", "BYTE_ORDER=little_endian;",
        "TYPE=unsigned_short;", f"SIZE1={g.fpixels};", f"SIZE2={g.spixels};",
        "PIXEL_SIZE=%g;" % units.m_to_mm(px), "DISTANCE=%g;" % units.m_to_mm(g.distance_m),
        "WAVELENGTH=%g;" % units.m_to_angstrom(g.wavelength_m),
        "BEAM_CENTER_X=%g;" % units.m_to_mm(g.Xbeam_m), "BEAM_CENTER_Y=%g;" % units.m_to_mm(g.Ybeam_m),
        "ADXV_CENTER_X=%g;" % units.m_to_mm(g.Fbeam_m),
        "ADXV_CENTER_Y=%g;" % units.m_to_mm(g.detsize_s_m - g.Sbeam_m),
        "MOSFLM_CENTER_X=%g;" % units.m_to_mm(g.Sbeam_m - 0.5 * px),
        "MOSFLM_CENTER_Y=%g;" % units.m_to_mm(g.Fbeam_m - 0.5 * px),
        "DENZO_X_BEAM=%g;" % units.m_to_mm(denzo_x), "DENZO_Y_BEAM=%g;" % units.m_to_mm(denzo_y),
        "DIALS_ORIGIN=%g,%g,%g" % tuple(g.dials_origin_mm),
        "XDS_ORGX=%g;" % g.orgx, "XDS_ORGY=%g;" % g.orgy,
        "CLOSE_DISTANCE=%g;" % units.m_to_mm(g.close_distance_m),
        "PHI=%g;" % units.rad_to_deg(g.phi0_rad), "OSC_START=%g;" % units.rad_to_deg(g.phi0_rad),
        "OSC_RANGE=%g;" % units.rad_to_deg(g.osc_rad), "TWOTHETA=%g;" % units.rad_to_deg(g.twotheta_rad),
        "DETECTOR_SN=000;", "BEAMLINE=fake;",
    ]


def auto_int_scale(max_I: float) -> float:
    """The C's default -intfile scale: brightest pixel (photons) to 55000 counts."""
    return 55000.0 / max_I if max_I > 0.0 else 1.0


def float_to_smv_counts(float_image: np.ndarray, scale: float, adc_offset: float,
                        roi_mask: Optional[np.ndarray] = None) -> np.ndarray:
    """(S, F) uint16 counts = float_image (photons) x scale + adc_offset, rounded as the C does.

    The C clips to [0, 65535] in double, then rounds with ``floorf(value + 0.5)``, i.e.
    after converting value + 0.5 to a C float. Pixels outside ``roi_mask`` are 0.
    """
    image = np.asarray(float_image)
    mask = None if roi_mask is None else np.asarray(roi_mask, dtype=bool)
    counts = np.zeros(image.shape, dtype=np.uint16)
    for rows in row_blocks(image.shape):
        value = np.asarray(image[rows], dtype=np.float64) * scale + adc_offset
        value = np.clip(value, 0.0, float(MAX_COUNT))
        rounded = np.floor((value + 0.5).astype(np.float32))
        counts[rows] = np.where(np.isnan(rounded), 0.0, rounded).astype(np.uint16)
        if mask is not None:
            counts[rows][~mask[rows]] = 0
    return counts


def write_smv(path: PathLike, counts: np.ndarray, header_text: str) -> None:
    """Write ``counts`` (SIZE2, SIZE1) uint16 after ``header_text``, in the header's byte order."""
    header = header_text.encode("latin-1")
    fields = parse_header(header_text)
    size, order, header_bytes = _layout(fields, None)
    if len(header) != header_bytes:
        raise ValueError(f"header is {len(header)} bytes but says HEADER_BYTES={header_bytes}")
    if counts.dtype != np.uint16 or counts.shape != size:
        raise ValueError(f"counts must be uint16 of shape {size}, got {counts.dtype} {counts.shape}")
    atomic_write(path, header + np.ascontiguousarray(counts, dtype=order + "u2").tobytes())


def read_smv(path: PathLike) -> Tuple[Dict[str, str], np.ndarray]:
    """Header fields (text values) and the (SIZE2, SIZE1) uint16 pixels of an SMV file."""
    data = read_bytes(path)
    end = data.find(b"}")
    if not data.startswith(b"{") or end < 0:
        raise InputError("not an SMV image: no '{...}' header", path)
    fields = parse_header(data[: end + 1].decode("latin-1"))
    (slow, fast), order, header_bytes = _layout(fields, path)
    needed = header_bytes + 2 * slow * fast
    if len(data) < needed:
        raise InputError(f"truncated: {len(data)} bytes, header and pixels need {needed}", path)
    pixels = np.frombuffer(data, dtype=order + "u2", count=slow * fast, offset=header_bytes)
    return fields, pixels.reshape(slow, fast).astype(np.uint16)


def parse_header(text: str) -> Dict[str, str]:
    """KEY -> VALUE of an SMV header text; entries end at ';' or a line break."""
    fields = {}
    for entry in re.split(r"[;\n]", text.strip().lstrip("{").split("}")[0]):
        key, sep, value = entry.partition("=")
        if sep:
            fields[key.strip()] = value.strip()
    return fields


def _layout(fields: Dict[str, str], path: Optional[PathLike]) -> Tuple[Tuple[int, int], str, int]:
    """((SIZE2, SIZE1), numpy byte-order character, HEADER_BYTES) of a parsed header."""
    size = (_count_field(fields, "SIZE2", path), _count_field(fields, "SIZE1", path))
    header_bytes = _count_field(fields, "HEADER_BYTES", path) if "HEADER_BYTES" in fields \
        else HEADER_BYTES
    if fields.get("TYPE", "unsigned_short") != "unsigned_short":
        raise InputError(f"unsupported SMV TYPE={fields['TYPE']}", path)
    order = _BYTE_ORDERS.get(fields.get("BYTE_ORDER", "little_endian"))
    if order is None:
        raise InputError(f"unknown SMV BYTE_ORDER={fields['BYTE_ORDER']}", path)
    return size, order, header_bytes


def _count_field(fields: Dict[str, str], key: str, path: Optional[PathLike]) -> int:
    """A header field that must be a non-negative integer."""
    text = fields.get(key)
    if text is None or not text.isdigit():
        raise InputError(f"SMV header needs {key}=<integer>, got {text!r}", path)
    return int(text)
