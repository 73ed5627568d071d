"""The short run summary ``python -m sim`` prints, in the spirit of the C program's."""

from __future__ import annotations

from typing import List

from sim import units
from sim.model.resolved import SimModel
from sim.io.outputs import ImageStats


def model_summary(model: SimModel) -> List[str]:
    """Lines describing the resolved run: detector, beam centres, crystal, sampling, beam."""
    det, cfg = model.detector, model.config
    mm = units.m_to_mm
    pivot = "direct beam spot" if det.pivot.value == "beam" else "sample"
    a, b, c, al, be, ga = model.cell.parameters()
    na, nb, nc = model.N_cells
    over = (f"auto-selected {model.oversample}-fold oversampling"
            if not cfg.detector.oversample else f"{model.oversample}x{model.oversample} pixel oversample steps")
    lines = [
        f"{det.convention.value} convention selected; pivoting detector around {pivot}",
        f"  detector {det.fpixels}x{det.spixels} pixels of {mm(det.pixel_size_m):g} mm, "
        f"distance {mm(float(det.distance_m)):g} mm, close distance {mm(float(det.close_distance_m)):g} mm",
        f"  beam centre: MOSFLM Xbeam={mm(det.Sbeam_m - 0.5 * det.pixel_size_m):g} "
        f"Ybeam={mm(det.Fbeam_m - 0.5 * det.pixel_size_m):g} mm; "
        f"DENZO {mm(det.Sbeam_m):g} {mm(det.Fbeam_m):g} mm; "
        f"ADXV {mm(det.Fbeam_m):g} {mm(det.detsize_s_m - det.Sbeam_m):g} mm; "
        f"XDS ORGX={det.orgx_px:g} ORGY={det.orgy_px:g} px; "
        "DIALS origin={:g},{:g},{:g} mm".format(*det.dials_origin_mm),
        f"  Unit Cell: {a:g} {b:g} {c:g} {al:g} {be:g} {ga:g}  volume = {float(model.cell.volume_A3):g} A^3",
        f"  {cfg.crystal.shape.value} xtal: {na:.0f}x{nb:.0f}x{nc:.0f} cells",
        f"  {over}",
        f"  created a total of {model.sources.count} sources, {model.mosaic.domains} mosaic domains, "
        f"{model.phi.steps} phi steps: {model.steps} steps per pixel",
        f"  wave={model.wavelength_m:g} meters, incident fluence: {model.fluence_per_m2:g} photons/m^2",
        _structure_factor_line(model),
    ]
    if cfg.crystal.misset_random and model.cell.misset_rad is not None:
        angles = " ".join(f"{float(a) * units.RTD:f}" for a in model.cell.misset_rad)
        lines.append(f"  random orientation misset angles: {angles} deg")
    return lines + [f"WARNING: {w}" for w in model.warnings]


def _structure_factor_line(model: SimModel) -> str:
    sf = model.structure_factors
    if sf.grid is None:
        return f"  all structure factors = {sf.default_F:g}"
    how = "tricubic interpolation" if sf.interpolate else "no interpolation"
    return f"  {sf.count} initialized hkls (all others ={sf.default_F:g}), {how}"


def image_summary(stats: ImageStats, device: str, dtype: str, elapsed_s: float,
                  kernel: str = "eager") -> List[str]:
    s, f = stats.max_at_slow_fast
    how = "" if kernel == "eager" else f" ({kernel} kernel)"
    return [f"simulated on {device} in {dtype}: {elapsed_s:.3f} s{how}",
            f"max_I = {stats.max_I:g}  at pixel (slow {s}, fast {f})",
            f"mean= {stats.mean:g} rms= {stats.rms:g} rmsd= {stats.rmsd:g}"]
