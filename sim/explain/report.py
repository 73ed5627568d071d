"""An Explanation in words (the command line and the viewer) and as JSON data."""

from __future__ import annotations

import math
from typing import List

from sim.agreement import Agreement
from sim.explain.explain import Explanation, FittedChange


def describe(change: FittedChange, pixel_mm: float) -> str:
    """One change in words: what moves, by how much, with its error and what that means."""
    p, d, err = change.param, change.change, change.uncertainty
    if p.is_scale:
        return f"ours is multiplied by {d:.4g} (+/- {err:.2g}) ({p.flag} {p.start * d:.4g})"
    amount = f"{d:+.4g} {_unit(p.unit)} (+/- {err:.2g})"
    extra = ""
    if p.field in ("beam_x_mm", "beam_y_mm"):
        extra = f": {d / pixel_mm:+.2f} pixel"
    elif p.unit in ("mm", "A") and p.start:
        extra = f": {100.0 * d / p.start:+.3g}%"
    verb = "moves" if p.field in ("beam_x_mm", "beam_y_mm") else "changes"
    return f"{p.words} {verb} by {amount}{extra} ({p.flag} {p.start + d:.6g})"


def _unit(unit: str) -> str:
    return {"deg": "deg", "A": "A", "mm": "mm"}.get(unit, unit)


def agreement_line(a: Agreement) -> str:
    return (f"Pearson r {a.pearson_r:.9f}, sum error {a.sum_rel_error:+.2e}, "
            f"max |diff| {a.max_rel_error:.2e} of max")


def format_report(e: Explanation) -> List[str]:
    """The report: verdict, ranked explanations, every fitted change, agreement, notes."""
    lines = [f"before the fit: {agreement_line(e.before)}",
             f"after the fit:  {agreement_line(e.after)}"]
    ranked = e.explanations
    if e.explained and ranked:
        lines.append("The other image matches ours if:")
    elif e.explained:
        lines.append("The images already agree to the golden tolerances; no change is needed.")
    else:
        lines.append("NOT EXPLAINED: no choice of the fitted parameters makes the images agree "
                     f"to the golden tolerances ({'; '.join(e.after.failures())}).")
        if ranked:
            lines.append("These changes reduce the difference, but leave part of it unexplained:")
    lines += [f"  {i}. {describe(c, e.pixel_mm)}" for i, c in enumerate(ranked, 1)]
    lines.append("all fitted changes (theirs - ours, 1-sigma error from the curvature and the residuals):")
    lines += [_row(c) for c in e.changes]
    lines += [f"note: {n}" for n in e.notes]
    lines.append(f"fitted on {e.pixels} pixels in {e.iterations} iterations, {e.elapsed_s:.1f} s")
    return lines


def _row(c: FittedChange) -> str:
    p = c.param
    tag = "no effect" if c.no_effect else ("explains" if c.significant else "not significant")
    if math.isinf(c.uncertainty) and not c.no_effect:
        tag = "undetermined: other parameters can make the same change"
    z = "inf" if math.isinf(c.z) else f"{c.z:.3g}"
    unit = "x" if p.is_scale else p.unit
    return f"  {p.flag:<16} {c.change:+.6g} +/- {c.uncertainty:.2g} {unit:<3} (z {z}) {tag}"


def to_json(e: Explanation) -> dict:
    """The report as data: each parameter's C flag, unit, change and error; agreement."""
    return {
        "explained": e.explained,
        "parameters": [_param_json(c) for c in e.changes],
        "explanations": [c.param.flag for c in e.explanations],
        "agreement_before": _agreement_json(e.before),
        "agreement_after": _agreement_json(e.after),
        "notes": list(e.notes),
        "pixels_fitted": e.pixels,
        "iterations": e.iterations,
        "elapsed_s": e.elapsed_s,
    }


def _param_json(c: FittedChange) -> dict:
    p = c.param
    return {"name": p.flag, "group": p.group, "unit": "factor" if p.is_scale else p.unit,
            "ours": p.start, "fitted": c.fitted_value,
            "change": c.change, "uncertainty": c.uncertainty if math.isfinite(c.uncertainty) else None,
            "change_kind": "ratio" if p.is_scale else "difference",
            "significant": c.significant, "no_effect": c.no_effect}


def _agreement_json(a: Agreement) -> dict:
    return {"pearson_r": a.pearson_r, "sum_rel_error": a.sum_rel_error,
            "max_abs_error": a.max_abs_error, "max_rel_error": a.max_rel_error,
            "within_golden": a.within_golden}
