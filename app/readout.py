"""Text and geometry the image panel shows about pixels: hover readout, beam centre, rings.

Everything physical comes from ``sim.kernel.pixel_info``; this module only picks and formats.
Coordinates are the image panel's: x along fast, y along slow, in pixels, with pixel
(s, f) covering [f, f + 1) x [s, s + 1). No Qt.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import List, Optional, Tuple

from sim.kernel.pixel_info import pixel_info, resolution_ring_radius_px

from .display import OURS, on_image

#: Resolutions (Angstrom) that rings may be drawn at, low to high resolution.
NICE_RESOLUTIONS_A = (50.0, 30.0, 20.0, 15.0, 10.0, 8.0, 6.0, 5.0, 4.0, 3.5, 3.0, 2.5, 2.2, 2.0,
                      1.8, 1.6, 1.5, 1.4, 1.3, 1.2, 1.1, 1.0, 0.9, 0.8, 0.7, 0.6, 0.5)


def beam_centre_px(model) -> Tuple[float, float]:
    """(x, y) of the direct-beam spot: (Fbeam, Sbeam) in pixel units."""
    det = model.detector
    return det.Fbeam_m / det.pixel_size_m, det.Sbeam_m / det.pixel_size_m


def ring_radii(model, count: int = 5) -> List[Tuple[float, float]]:
    """Up to ``count`` (d in Angstrom, radius in pixels) rings spread out to the far corner."""
    x0, y0 = beam_centre_px(model)
    fast, slow = model.detector.fpixels, model.detector.spixels
    r_max = max(math.hypot(x - x0, y - y0) for x in (0, fast) for y in (0, slow))
    candidates = [(d, resolution_ring_radius_px(model, d)) for d in NICE_RESOLUTIONS_A]
    candidates = [(d, r) for d, r in candidates if math.isfinite(r) and 0 < r <= r_max]
    rings = []
    for i in range(1, count + 1):
        if candidates:
            best = min(candidates, key=lambda c: abs(c[1] - r_max * i / count))
            if best not in rings:
                rings.append(best)
    return sorted(rings, key=lambda c: c[1])


def rings_are_exact(model) -> bool:
    """Rings are circles only on a detector normal to the beam (no rotations, no twotheta)."""
    det = model.config.detector
    return det.twotheta_deg == 0.0 and all(a == 0.0 for a in det.rot_deg) and det.fdet_vector is None


def readout(state, slow: int, fast: int, view: str = OURS) -> str:
    """Status-bar text for pixel (slow, fast) of ``view``: values, d, 2theta and fractional hkl;
    for an image viewed but not compared (another size), its value and where the pixel lies."""
    if view != OURS and state.image_comparison is None and state.reference is not None:
        return _viewed(state, slow, fast)
    if not on_image((slow, fast), state.shape):
        return f"slow {slow}  fast {fast}  (off the detector)"
    parts = [f"slow {slow}  fast {fast}", _values(state, slow, fast)]
    geometry = _geometry(state.model, slow, fast)
    if geometry:
        parts.append(geometry)
    return "    ".join(parts)


def _viewed(state, slow: int, fast: int) -> str:
    """Readout over an image that is not compared with ours: its own value, and whether the
    pixel exists on the simulated detector (the pixel a click traces)."""
    reference = state.reference
    rows, cols = reference.data.shape
    name = f"{Path(reference.source).name}, {rows} x {cols}"
    if not on_image((slow, fast), (rows, cols)):
        return f"slow {slow}  fast {fast}  (off {name})"
    value = f"slow {slow}  fast {fast}    {reference.data[slow, fast]:.6g} {reference.units}  ({name}, not compared)"
    if state.shape is None:
        return value
    where = "on" if on_image((slow, fast), state.shape) else "outside"
    return f"{value}    {where} the simulated detector ({state.shape[0]} x {state.shape[1]})"


def _values(state, slow: int, fast: int) -> str:
    c = state.image_comparison
    if c is None:
        return f"I {state.result.image[slow, fast]:.6g} photons"
    return (f"ours {c.ours[slow, fast]:.6g}  C {c.theirs[slow, fast]:.6g}  "
            f"diff {c.difference[slow, fast]:.3g} {c.units}")


def _geometry(model, slow: int, fast: int) -> Optional[str]:
    info = pixel_info(model, slow, fast)
    h, k, l = info.hkl
    d = "inf" if math.isinf(info.resolution_A) else f"{info.resolution_A:.3f}"
    return f"d {d} \u00c5  2\u03b8 {info.two_theta_deg:.3f}\u00b0  hkl {h:.2f} {k:.2f} {l:.2f}"
