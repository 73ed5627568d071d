"""One-line warnings where the C program's own output would mislead (its header, its beam).

- Under -xds and -dials the C places the detector by ORGX/ORGY (or its centre) and pivots
  about the sample, so -Xbeam/-Ybeam move nothing.
- The C's SMV header beam centres (BEAM_CENTER, ADXV, MOSFLM, DENZO) come from a distance it
  divides by the detector normal before the two-theta swing; with -twotheta they are not
  where the beam meets the detector. ``--export`` files carry the true position.
"""

from __future__ import annotations

from typing import List

from sim import units
from sim.model.config import Convention
from sim.export.frames import beam_on_detector, lab_vectors

#: A header centre farther than this from the beam (pixels) is worth a warning.
_OFF_BEAM_PX = 0.01


def header_warnings(model) -> List[str]:
    """The warnings for ``model`` (a ``sim.model.resolved.SimModel``), one line each."""
    det_cfg = model.config.detector
    warnings = []
    given = det_cfg.beam_x_mm is not None or det_cfg.beam_y_mm is not None
    if given and det_cfg.convention in (Convention.XDS, Convention.DIALS):
        warnings.append(f"-Xbeam/-Ybeam have no effect under -{det_cfg.convention.name.lower()} "
                        "(the C places the detector by -ORGX/-ORGY, else its centre)")
    det = model.detector
    fast_m, slow_m, _ = beam_on_detector(lab_vectors(model))
    off_px = max(abs(fast_m - det.Fbeam_m), abs(slow_m - det.Sbeam_m)) / det.pixel_size_m
    if off_px > _OFF_BEAM_PX and det_cfg.convention in (Convention.ADXV, Convention.MOSFLM,
                                                        Convention.DENZO):
        warnings.append(
            f"the SMV header's beam centres are {off_px:.2f} pixels from where the beam meets the "
            f"detector (-twotheta; the beam is at fast {units.m_to_mm(fast_m):.4f} mm, slow "
            f"{units.m_to_mm(slow_m):.4f} mm); --export files carry the true geometry")
    return warnings
