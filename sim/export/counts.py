"""Photons -> integer counts for the integer formats, scaled and rounded as the C's ``-intfile``.

The scale is ``-scale`` or the C's auto scale (brightest ROI pixel to 55000 counts), the
ADC offset is added, pixels outside the ROI are 0. SMV keeps the C's 16-bit ceiling; CBF and
NeXus hold 32-bit integers, so bright pixels are not clipped there.
"""

from __future__ import annotations

import numpy as np

from sim.io.smv import float_to_smv_counts

#: Largest count of a 32-bit signed integer pixel.
MAX_COUNT_INT32 = 2 ** 31 - 1


def int_scale(image: np.ndarray, model) -> float:
    """Photons -> counts factor the C uses for ``-intfile``: ``-scale``, else 55000 / max."""
    from sim.outputs import image_stats, roi_mask, smv_scale

    image32 = np.asarray(image, dtype=np.float32)
    return smv_scale(model.config.output, image_stats(image32, roi_mask(model)).max_I)


def smv_counts(image: np.ndarray, model, scale: float = None) -> np.ndarray:
    """(S, F) uint16 counts of ``image`` (photons) exactly as the C writes its SMV image.

    ``scale`` overrides the per-image scale, so that the frames of a sweep share one.
    """
    from sim.outputs import roi_mask

    image32 = np.asarray(image, dtype=np.float32)
    scale = int_scale(image32, model) if scale is None else scale
    return float_to_smv_counts(image32, scale, model.config.output.adc_offset, roi_mask(model))


def int32_counts(image: np.ndarray, model, scale: float = None) -> np.ndarray:
    """(S, F) int32 counts: the SMV scaling and rounding without the 16-bit clip."""
    from sim.outputs import roi_mask

    image32 = np.asarray(image, dtype=np.float32)
    scale = int_scale(image32, model) if scale is None else scale
    value = image32.astype(np.float64) * scale + model.config.output.adc_offset
    counts = np.floor((np.clip(value, 0.0, float(MAX_COUNT_INT32)) + 0.5).astype(np.float32))
    counts = np.where(np.isfinite(counts), counts, 0.0)
    counts = np.minimum(counts.astype(np.float64), MAX_COUNT_INT32).astype(np.int32)
    counts[~roi_mask(model)] = 0
    return counts
