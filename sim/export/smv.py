"""SMV for DIALS: the full geometry as a d*TREK header, which dxtbx reads for any detector tilt.

dxtbx picks its SMV reader from the header keys. The C's header (``BEAMLINE=fake``) selects
its JHSim reader, which assumes an untilted detector and a beam centre one pixel off the
C's ADXV numbers; the ADSC reader has no tilt either. The d*TREK keys (detector fast/slow
vectors, beam position in pixels, a detector translation along the beam, source vector)
select ``FormatSMVRigakuSaturn``, which builds the detector from them exactly. The header
also carries the usual ADSC keys with the true beam spot (BEAM_CENTER_X/Y, mm, MOSFLM
sense: X along slow, Y along fast) for other readers, and ADC_OFFSET / IMAGE_PEDESTAL. The
Saturn reader takes no pedestal, so the exports write counts without offset and say 0 here.
"""

from __future__ import annotations

from typing import List

import numpy as np

from sim.export.frames import ExportGeometry
from sim.io.smv import write_smv

#: Header sizes are whole 512-byte blocks, as SMV readers expect.
_BLOCK = 512
_NAME = "CCD_"


def smv_header(geom: ExportGeometry, adc_offset: float) -> str:
    """The header text, padded with spaces to a multiple of 512 bytes."""
    body = "".join(f"{key}={value};\n" for key, value in _fields(geom, adc_offset)) + "}\f"
    size = _BLOCK
    while len(_frame(size, body)) > size:
        size += _BLOCK
    return _frame(size, body).ljust(size)


def write_dials_smv(path, counts: np.ndarray, geom: ExportGeometry, adc_offset: float) -> None:
    """Write (S, F) uint16 ``counts`` with the d*TREK + ADSC header of ``geom``."""
    write_smv(path, counts, smv_header(geom, adc_offset))


def _frame(size: int, body: str) -> str:
    return "{\n" + f"HEADER_BYTES={size:5d};\n" + body


def _vec(*values: float) -> str:
    return " ".join(repr(float(v)) for v in values)


def _fields(g: ExportGeometry, adc_offset: float) -> List[tuple]:
    fast_px, slow_px = g.beam_centre_px
    end = g.phi_start_deg + g.osc_deg
    return [
        ("DIM", 2), ("BYTE_ORDER", "little_endian"), ("TYPE", "unsigned_short"),
        ("Data_type", "unsigned short int"), ("SIZE1", g.fpixels), ("SIZE2", g.spixels),
        ("PIXEL_SIZE", repr(g.pixel_mm)), ("DISTANCE", repr(g.distance_mm)),
        ("WAVELENGTH", repr(g.wavelength_A)),
        ("BEAM_CENTER_X", repr(slow_px * g.pixel_mm)), ("BEAM_CENTER_Y", repr(fast_px * g.pixel_mm)),
        ("PHI", repr(g.phi_start_deg)), ("OSC_START", repr(g.phi_start_deg)),
        ("OSC_RANGE", repr(g.osc_deg)), ("TWOTHETA", repr(g.twotheta_deg)),
        ("ADC_OFFSET", f"{adc_offset:g}"),
        ("IMAGE_PEDESTAL", f"{adc_offset:g}"), ("SATURATED_VALUE", 65535),
        ("DTREK_DATE_TIME", "01-Jan-2000 00:00:00"),
        ("DETECTOR_NUMBER", 1), ("DETECTOR_NAMES", _NAME),
        (_NAME + "DETECTOR_IDENTIFICATION", "nanoBragg simulation, d*TREK saturn-style geometry"),
        (_NAME + "DETECTOR_DIMENSIONS", f"{g.fpixels} {g.spixels}"),
        (_NAME + "DETECTOR_SIZE", _vec(g.fpixels * g.pixel_mm, g.spixels * g.pixel_mm)),
        (_NAME + "DETECTOR_VECTORS", _vec(*g.fast, *g.slow)),
        (_NAME + "GONIO_NUM_VALUES", 1), (_NAME + "GONIO_NAMES", "Dist"),
        (_NAME + "GONIO_UNITS", "mm"), (_NAME + "GONIO_VALUES", repr(g.beam_distance_mm)),
        (_NAME + "GONIO_VECTORS", _vec(*g.beam)),
        (_NAME + "SPATIAL_BEAM_POSITION", _vec(fast_px, slow_px)),
        (_NAME + "SPATIAL_DISTORTION_INFO", _vec(fast_px, slow_px, g.pixel_mm, g.pixel_mm)),
        (_NAME + "SPATIAL_DISTORTION_TYPE", "Simple_spatial"),
        (_NAME + "SPATIAL_DISTORTION_VECTORS", "1 0 0 1"),
        ("CRYSTAL_GONIO_NUM_VALUES", 1), ("CRYSTAL_GONIO_NAMES", "Phi"),
        ("CRYSTAL_GONIO_UNITS", "deg"), ("CRYSTAL_GONIO_VALUES", repr(g.phi_start_deg)),
        ("CRYSTAL_GONIO_VECTORS", _vec(*g.rotation_axis)),
        ("ROTATION", _vec(g.phi_start_deg, end, g.osc_deg, 1.0, 0, 0, 0, 1, 1, 1)),
        ("ROTATION_AXIS_NAME", "Phi"), ("ROTATION_VECTOR", _vec(*g.rotation_axis)),
        ("SOURCE_VECTORS", _vec(*(-np.asarray(g.beam)), 0, 0, 0, 0, 0, 0)),
        ("SOURCE_WAVELENGTH", f"1 {g.wavelength_A!r}"), ("SCAN_WAVELENGTH", repr(g.wavelength_A)),
        ("SOURCE_POLARZ", "0.5 0 1 0"), ("BEAMLINE", "nanoBragg"),
    ]
