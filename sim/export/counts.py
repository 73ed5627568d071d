"""Photons -> integer counts for the integer formats, scaled and rounded as the C's ``-intfile``.

The scale is ``-scale`` or the C's auto scale (brightest ROI pixel to 55000 counts), an ADC
offset is added (the C's ``-adc`` unless one is given), pixels outside the ROI are 0. SMV
keeps the C's 16-bit ceiling; CBF and NeXus hold 32-bit integers, so bright pixels are not
clipped there.

The files for DIALS (``--export`` and every series frame, through ``sim.export.export_counts``)
add no offset (:data:`EXPORT_ADC_OFFSET`): no dxtbx reader that builds
the exact geometry of these files (``FormatNXmx``, ``FormatCBFFull``, the d*TREK
``FormatSMVRigakuSaturn``) reads a pedestal, so a file's counts minus DIALS's pedestal (0)
are the photons times the scale only when the file carries none.
"""

from __future__ import annotations

from typing import Optional

import numpy as np

from sim.io.smv import MAX_COUNT, float_to_smv_counts

#: Largest count of a 32-bit signed integer pixel.
MAX_COUNT_INT32 = 2 ** 31 - 1
#: ADC offset of the exported counts: DIALS reads a pedestal of 0 from every export.
EXPORT_ADC_OFFSET = 0.0


def int_scale(image: np.ndarray, model) -> float:
    """Photons -> counts factor the C uses for ``-intfile``: ``-scale``, else 55000 / max."""
    from sim.io.outputs import image_stats, roi_mask, smv_scale

    image32 = np.asarray(image, dtype=np.float32)
    return smv_scale(model.config.output, image_stats(image32, roi_mask(model)).max_I)


def smv_counts(image: np.ndarray, model, scale: float = None,
               adc_offset: Optional[float] = None) -> np.ndarray:
    """(S, F) uint16 counts of ``image`` (photons) exactly as the C writes its SMV image.

    ``scale`` overrides the per-image scale, so that the frames of a sweep share one;
    ``adc_offset`` the model's ``-adc``.
    """
    from sim.io.outputs import roi_mask

    image32 = np.asarray(image, dtype=np.float32)
    scale = int_scale(image32, model) if scale is None else scale
    return float_to_smv_counts(image32, scale, _offset(model, adc_offset), roi_mask(model))


def int32_counts(image: np.ndarray, model, scale: float = None,
                 adc_offset: Optional[float] = None) -> np.ndarray:
    """(S, F) int32 counts: the SMV scaling and rounding without the 16-bit clip."""
    from sim.io.outputs import roi_mask

    image32 = np.asarray(image, dtype=np.float32)
    scale = int_scale(image32, model) if scale is None else scale
    value = image32.astype(np.float64) * scale + _offset(model, adc_offset)
    counts = np.floor((np.clip(value, 0.0, float(MAX_COUNT_INT32)) + 0.5).astype(np.float32))
    counts = np.where(np.isfinite(counts), counts, 0.0)
    counts = np.minimum(counts.astype(np.float64), MAX_COUNT_INT32).astype(np.int32)
    counts[~roi_mask(model)] = 0
    return counts


def noise_counts(image: np.ndarray, model, seed: int) -> np.ndarray:
    """(S, F) uint16 noise image without ADC offset: the Poisson draw of the C's ``-noisefile``
    for ``-seed seed`` (photons, unscaled, capped at the 16-bit :data:`MAX_COUNT`)."""
    from sim.c_numerics.noise import poisson_noise_image
    from sim.io.outputs import roi_mask

    counts, _, _ = poisson_noise_image(np.asarray(image, dtype=np.float32), seed, EXPORT_ADC_OFFSET,
                                       roi_mask(model))
    return counts


def _offset(model, adc_offset: Optional[float]) -> float:
    return model.config.output.adc_offset if adc_offset is None else adc_offset


__all__ = ["MAX_COUNT", "MAX_COUNT_INT32", "EXPORT_ADC_OFFSET", "int_scale", "smv_counts",
           "int32_counts", "noise_counts"]
