"""The simulated geometry in the frame image formats use (imgCIF / DIALS laboratory frame).

nanoBragg's lab frame depends on the convention (the beam runs along +x for MOSFLM, +z for
XDS...). Image formats describe geometry in the imgCIF frame instead: the beam runs along
-z (from the source, at +z, to the sample) and a goniometer axis perpendicular to the beam
is +x. :func:`export_geometry` rotates the model's resolved vectors (``sim.model.detector``) into
that frame with one proper rotation, so every format gets the same numbers; NeXus's McStas
frame is one more fixed flip (:data:`MCSTAS_FROM_IMGCIF`). Lengths are mm, angles degrees.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Tuple

import numpy as np

from sim import units

Vec3 = Tuple[float, float, float]

#: imgCIF -> NeXus McStas frame (z along the beam, y up): a half turn about y.
MCSTAS_FROM_IMGCIF = np.diag([-1.0, 1.0, -1.0])


@dataclass(frozen=True)
class ExportGeometry:
    """One detector image's geometry in the imgCIF frame (mm, degrees, Angstrom).

    ``origin_mm`` is the outer corner of the first pixel (fast 0, slow 0), ``fast``/``slow``
    unit vectors along increasing pixel index, ``beam`` the unit propagation direction
    (sample to detector), ``beam_centre_px`` where the beam meets the detector (fast, slow;
    0 is the edge of the first pixel), ``distance_mm`` the perpendicular sample-to-plane
    distance, ``beam_distance_mm`` the sample-to-spot distance along the beam,
    ``rotation_axis`` the spindle, ``phi_start_deg``/``osc_deg`` the image's rotation range,
    ``sensor_thickness_mm`` the simulated sensor (0 without ``-detector_thick``),
    ``twotheta_deg`` the detector's two-theta swing (already in the vectors; for headers).
    """

    fpixels: int
    spixels: int
    pixel_mm: float
    origin_mm: Vec3
    fast: Vec3
    slow: Vec3
    normal: Vec3
    beam: Vec3
    wavelength_A: float
    beam_centre_px: Tuple[float, float]
    distance_mm: float
    beam_distance_mm: float
    rotation_axis: Vec3
    phi_start_deg: float
    osc_deg: float
    sensor_thickness_mm: float
    twotheta_deg: float

    def with_phi(self, phi_start_deg: float, osc_deg: float) -> "ExportGeometry":
        """The same geometry for another rotation range (one frame of a sweep)."""
        from dataclasses import replace

        return replace(self, phi_start_deg=phi_start_deg, osc_deg=osc_deg)


def lab_to_imgcif(beam: np.ndarray, spindle: np.ndarray) -> np.ndarray:
    """3x3 proper rotation taking the beam to -z and the spindle's part across the beam to +x.

    A spindle along the beam (custom vectors) leaves the choice of x free: then the lab axis
    most nearly across the beam stands in for it.
    """
    beam = beam / np.linalg.norm(beam)
    across = spindle - np.dot(spindle, beam) * beam
    if np.linalg.norm(across) < 1e-9:
        helper = np.eye(3)[int(np.argmin(np.abs(beam)))]
        across = helper - np.dot(helper, beam) * beam
    x_axis = across / np.linalg.norm(across)
    z_axis = -beam
    return np.array([x_axis, np.cross(z_axis, x_axis), z_axis])


def beam_on_detector(lab: dict) -> Tuple[float, float, float]:
    """(fast, slow, along-beam distance), metres: where the beam ray meets the detector plane.

    The model's ``Fbeam_m``/``Sbeam_m``/``distance_m`` are the C's numbers, which divide by
    the detector normal *before* the two-theta swing; with -twotheta they miss the beam.
    ``lab`` holds the resolved pix0, fdet, sdet, odet and beam vectors.
    """
    along = float(np.dot(lab["pix0"], lab["odet"]) / np.dot(lab["beam"], lab["odet"]))
    spot = along * lab["beam"] - lab["pix0"]
    return float(np.dot(spot, lab["fdet"])), float(np.dot(spot, lab["sdet"])), along


def lab_vectors(model) -> dict:
    """The model's resolved detector vectors as float64 numpy arrays (lab frame, metres)."""
    det = model.detector
    return {name: getattr(det, name).detach().cpu().numpy().astype(np.float64)
            for name in ("fdet", "sdet", "odet", "beam", "spindle", "pix0")}


def export_geometry(model) -> ExportGeometry:
    """The geometry ``model`` (a ``sim.model.resolved.SimModel``) simulated, in the imgCIF frame."""
    det = model.detector
    lab = lab_vectors(model)
    rotation = lab_to_imgcif(lab["beam"], lab["spindle"])

    def turned(v: np.ndarray) -> Vec3:
        return tuple(float(x) for x in rotation @ v)

    fast, slow = turned(lab["fdet"]), turned(lab["sdet"])
    pixel_mm = units.m_to_mm(det.pixel_size_m)
    fbeam_m, sbeam_m, along_m = beam_on_detector(lab)
    return ExportGeometry(
        fpixels=det.fpixels, spixels=det.spixels, pixel_mm=pixel_mm,
        origin_mm=turned(units.m_to_mm(lab["pix0"])), fast=fast, slow=slow,
        normal=tuple(float(x) for x in np.cross(fast, slow)), beam=turned(lab["beam"]),
        wavelength_A=float(model.config.beam.wavelength_A),
        beam_centre_px=(units.m_to_mm(fbeam_m) / pixel_mm, units.m_to_mm(sbeam_m) / pixel_mm),
        distance_mm=abs(units.m_to_mm(float(np.dot(lab["pix0"], lab["odet"])))),
        beam_distance_mm=units.m_to_mm(along_m),
        rotation_axis=turned(lab["spindle"]),
        phi_start_deg=units.rad_to_deg(model.phi.start_rad),
        osc_deg=units.rad_to_deg(model.phi.osc_rad),
        sensor_thickness_mm=units.m_to_mm(model.sensor.thick_m),
        twotheta_deg=units.rad_to_deg(det.twotheta_rad))
