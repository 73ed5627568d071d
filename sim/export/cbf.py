"""Full imgCIF CBF: the detector, beam and goniometer as imgCIF axes, which dxtbx reads
through CBFlib (``FormatCBFFull``) into the exact geometry, tilts and two-theta included.

No library at hand writes imgCIF geometry categories (fabio writes mini-CBF headers, pycbf
needs CBFlib), so the header text is built here; the pixels are fabio's byte-offset
compression and MD5. Axes: a detector translation ``DETECTOR_Z`` along the beam (the
sample-to-spot distance), then the pixel axes ``ELEMENT_X``/``ELEMENT_Y`` along fast/slow,
offset so that the beam meets the detector where the simulation put it (dxtbx takes
CBFlib's position of pixel (0, 0), i.e. the array's first displacement, as the corner of the
first pixel, so that displacement is 0); the goniometer
axis ``GONIOMETER_PHI`` with this frame's rotation range. :func:`write_cbf_frames` numbers
the frames of a sweep ``name_00001.cbf``... so that ``dials.import`` takes them as one scan.
"""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional, Sequence

import numpy as np

from sim.export.files import frame_paths, write_bytes
from sim.export.frames import ExportGeometry

_CRLF = "\r\n"


def cbf_bytes(counts: np.ndarray, geom: ExportGeometry, frame_number: int = 1,
              overload: int = 2 ** 31 - 1, adc_offset: Optional[float] = None) -> bytes:
    """The whole CBF file for (S, F) int32 ``counts`` of one frame; a header comment gives the
    counts' ``adc_offset`` where it is known (dxtbx reads no pedestal from a CBF)."""
    header = _CRLF.join(_header_lines(geom, counts.shape, frame_number, overload, adc_offset))
    counts = np.ascontiguousarray(counts, dtype=np.int32)
    return header.encode("ascii") + _binary_section(counts, still=geom.osc_deg == 0.0)


def write_cbf(path, counts: np.ndarray, geom: ExportGeometry, overload: int = 2 ** 31 - 1,
              adc_offset: Optional[float] = None) -> None:
    write_bytes(path, cbf_bytes(counts, geom, overload=overload, adc_offset=adc_offset))


def write_cbf_frames(path, stack: Sequence[np.ndarray], geoms: Sequence[ExportGeometry],
                     adc_offset: Optional[float] = None) -> List[Path]:
    """One numbered CBF per frame of ``stack`` (each with its own rotation range)."""
    paths = frame_paths(path, len(stack))
    for number, (target, counts, geom) in enumerate(zip(paths, stack, geoms), start=1):
        write_bytes(target, cbf_bytes(counts, geom, number, adc_offset=adc_offset))
    return paths


def _num(value: float) -> str:
    return repr(float(value))


def _loop(names: Sequence[str], rows: Sequence[Sequence[object]]) -> List[str]:
    return ["loop_", *names, *(" ".join(str(v) for v in row) for row in rows), ""]


def _header_lines(g: ExportGeometry, shape, frame_number: int, overload: int,
                  adc_offset: Optional[float]) -> List[str]:
    counts = [] if adc_offset is None else [f"# counts: photons x scale + ADC offset {adc_offset:g}"]
    return ["###CBF: VERSION 1.5", "# nanoBragg simulation, full imgCIF geometry", *counts, "",
            f"data_frame_{frame_number}", "", "_diffrn.id DS1", "",
            *_source_lines(g), *_detector_lines(), *_goniometer_lines(g),
            *_scan_lines(g, frame_number), *_axis_lines(g), *_array_lines(g, shape, overload)]


def _source_lines(g: ExportGeometry) -> List[str]:
    return [*_loop(["_diffrn_source.diffrn_id", "_diffrn_source.source", "_diffrn_source.type"],
                   [["DS1", "simulation", "nanoBragg"]]),
            *_loop(["_diffrn_radiation.diffrn_id", "_diffrn_radiation.wavelength_id",
                    "_diffrn_radiation.probe"], [["DS1", "WAVELENGTH1", "x-ray"]]),
            *_loop(["_diffrn_radiation_wavelength.id", "_diffrn_radiation_wavelength.wavelength",
                    "_diffrn_radiation_wavelength.wt"], [["WAVELENGTH1", _num(g.wavelength_A), "1.0"]])]


def _detector_lines() -> List[str]:
    return [*_loop(["_diffrn_detector.diffrn_id", "_diffrn_detector.id", "_diffrn_detector.type",
                    "_diffrn_detector.number_of_axes"], [["DS1", "DETECTOR", "simulated", "1"]]),
            *_loop(["_diffrn_detector_axis.detector_id", "_diffrn_detector_axis.axis_id"],
                   [["DETECTOR", "DETECTOR_Z"]]),
            *_loop(["_diffrn_detector_element.id", "_diffrn_detector_element.detector_id"],
                   [["ELEMENT1", "DETECTOR"]]),
            *_loop(["_diffrn_data_frame.id", "_diffrn_data_frame.detector_element_id",
                    "_diffrn_data_frame.array_id", "_diffrn_data_frame.binary_id"],
                   [["FRAME1", "ELEMENT1", "ARRAY1", "1"]])]


def _scan_lines(g: ExportGeometry, frame_number: int) -> List[str]:
    """The frame's axis settings: phi range, detector distance, pixel axes at 0."""
    distance, phi, osc = _num(g.beam_distance_mm), _num(g.phi_start_deg), _num(g.osc_deg)
    return [
        *_loop(["_diffrn_scan.id", "_diffrn_scan.frame_id_start", "_diffrn_scan.frame_id_end",
                "_diffrn_scan.frames"], [["SCAN1", "FRAME1", "FRAME1", "1"]]),
        *_loop(["_diffrn_scan_axis.scan_id", "_diffrn_scan_axis.axis_id",
                "_diffrn_scan_axis.angle_start", "_diffrn_scan_axis.angle_range",
                "_diffrn_scan_axis.angle_increment", "_diffrn_scan_axis.displacement_start",
                "_diffrn_scan_axis.displacement_range", "_diffrn_scan_axis.displacement_increment"],
               [["SCAN1", "GONIOMETER_PHI", phi, osc, osc, "0.0", "0.0", "0.0"],
                ["SCAN1", "DETECTOR_Z", "0.0", "0.0", "0.0", distance, "0.0", "0.0"],
                *(["SCAN1", axis, *["0.0"] * 6] for axis in ("ELEMENT_X", "ELEMENT_Y"))]),
        *_loop(["_diffrn_scan_frame.frame_id", "_diffrn_scan_frame.frame_number",
                "_diffrn_scan_frame.integration_time", "_diffrn_scan_frame.scan_id",
                "_diffrn_scan_frame.date"],
               [["FRAME1", str(frame_number), "1.0", "SCAN1", "2000-01-01T00:00:00"]]),
        *_loop(["_diffrn_scan_frame_axis.frame_id", "_diffrn_scan_frame_axis.axis_id",
                "_diffrn_scan_frame_axis.angle", "_diffrn_scan_frame_axis.displacement"],
               [["FRAME1", "GONIOMETER_PHI", phi, "0.0"], ["FRAME1", "DETECTOR_Z", "0.0", distance],
                ["FRAME1", "ELEMENT_X", "0.0", "0.0"], ["FRAME1", "ELEMENT_Y", "0.0", "0.0"]])]


def _axis_lines(g: ExportGeometry) -> List[str]:
    """The axes: the pixel axes hang on DETECTOR_Z, offset from the beam spot to the corner."""
    fast_px, slow_px = g.beam_centre_px
    offset = -g.pixel_mm * (fast_px * np.asarray(g.fast) + slow_px * np.asarray(g.slow))
    return _loop(
        ["_axis.id", "_axis.type", "_axis.equipment", "_axis.depends_on", "_axis.vector[1]",
         "_axis.vector[2]", "_axis.vector[3]", "_axis.offset[1]", "_axis.offset[2]", "_axis.offset[3]"],
        [["SOURCE", "general", "source", ".", *map(_num, -np.asarray(g.beam)), "0", "0", "0"],
         ["GRAVITY", "general", "gravity", ".", "0", "-1", "0", "0", "0", "0"],
         ["GONIOMETER_PHI", "rotation", "goniometer", ".", *map(_num, g.rotation_axis), "0", "0", "0"],
         ["DETECTOR_Z", "translation", "detector", ".", *map(_num, g.beam), "0", "0", "0"],
         ["ELEMENT_X", "translation", "detector", "DETECTOR_Z", *map(_num, g.fast), *map(_num, offset)],
         ["ELEMENT_Y", "translation", "detector", "ELEMENT_X", *map(_num, g.slow), "0", "0", "0"]])


def _array_lines(g: ExportGeometry, shape, overload: int) -> List[str]:
    slow_n, fast_n = shape
    px = _num(g.pixel_mm)
    return [
        *_loop(["_array_structure_list.array_id", "_array_structure_list.index",
                "_array_structure_list.dimension", "_array_structure_list.precedence",
                "_array_structure_list.direction", "_array_structure_list.axis_set_id"],
               [["ARRAY1", "1", str(fast_n), "1", "increasing", "ELEMENT_X"],
                ["ARRAY1", "2", str(slow_n), "2", "increasing", "ELEMENT_Y"]]),
        *_loop(["_array_structure_list_axis.axis_set_id", "_array_structure_list_axis.axis_id",
                "_array_structure_list_axis.displacement",
                "_array_structure_list_axis.displacement_increment"],
               [["ELEMENT_X", "ELEMENT_X", "0.0", px], ["ELEMENT_Y", "ELEMENT_Y", "0.0", px]]),
        *_loop(["_array_intensities.array_id", "_array_intensities.binary_id",
                "_array_intensities.linearity", "_array_intensities.gain",
                "_array_intensities.gain_esd", "_array_intensities.overload",
                "_array_intensities.undefined_value"],
               [["ARRAY1", "1", "linear", "1.0", "0.0", str(overload), "-1"]]),
        *_loop(["_array_structure.id", "_array_structure.encoding_type",
                "_array_structure.compression_type", "_array_structure.byte_order"],
               [["ARRAY1", "'signed 32-bit integer'", "x-CBF_BYTE_OFFSET", "little_endian"]]),
        "_array_data.array_id ARRAY1", "_array_data.binary_id 1", "_array_data.data", ""]


def _goniometer_lines(g: ExportGeometry) -> List[str]:
    """The goniometer of a rotation image; none for a still (no phi range), which dxtbx then
    reads as a still (``FormatCBFFullStill``), as CBFlib finds no rotating axis in it."""
    if g.osc_deg == 0.0:
        return []
    return [*_loop(["_diffrn_measurement.diffrn_id", "_diffrn_measurement.id",
                    "_diffrn_measurement.number_of_axes", "_diffrn_measurement.method"],
                   [["DS1", "GONIOMETER", "1", "rotation"]]),
            *_loop(["_diffrn_measurement_axis.measurement_id", "_diffrn_measurement_axis.axis_id"],
                   [["GONIOMETER", "GONIOMETER_PHI"]])]


def _binary_section(counts: np.ndarray, still: bool) -> bytes:
    """The MIME-framed byte-offset section, as fabio's own CBF writer frames it.

    dxtbx reads a byte-offset full CBF with ``FormatCBFFullByteOffset``, which needs a
    rotation axis; it takes the file only when the boundary line ends in CRLF. A still's
    boundary line ends in LF (CBFlib and fabio read both), so that dxtbx reads it with
    ``FormatCBFFullStill`` instead, which reads the pixels only when the third dimension is
    given (1).
    """
    from fabio.compression import compByteOffset, md5sum

    blob = compByteOffset(counts)
    slow_n, fast_n = counts.shape
    boundary = "--CIF-BINARY-FORMAT-SECTION--" + ("\n" if still else _CRLF)
    head = ";" + _CRLF + boundary + _CRLF.join([
        "Content-Type: application/octet-stream;",
        '     conversions="x-CBF_BYTE_OFFSET"', "Content-Transfer-Encoding: BINARY",
        f"X-Binary-Size: {len(blob)}", "X-Binary-ID: 1",
        'X-Binary-Element-Type: "signed 32-bit integer"', "X-Binary-Element-Byte-Order: LITTLE_ENDIAN",
        "Content-MD5: " + md5sum(blob).decode("ascii"), f"X-Binary-Number-of-Elements: {counts.size}",
        f"X-Binary-Size-Fastest-Dimension: {fast_n}", f"X-Binary-Size-Second-Dimension: {slow_n}",
        "X-Binary-Size-Third-Dimension: 1", "X-Binary-Size-Padding: 4095", "", ""])
    tail = _CRLF + "--CIF-BINARY-FORMAT-SECTION----" + _CRLF + ";" + _CRLF + _CRLF
    return head.encode("ascii") + b"\x0c\x1a\x04\xd5" + blob + b"\0" * 4095 + tail.encode("ascii")
