"""The parts of a pixel's intensity that our trace carries, for bar charts. No Qt.

Our tracer splits the Bragg sum of a pixel by source, by phi step, by mosaic domain and by
sub-pixel (and sensor layer); each part is one occurrence of a quantity, in order. A phi
step of exactly 0 that the C skips (its rotation reused) shows as a part like the others
but with the value of the step it reuses.
"""

from __future__ import annotations

from typing import Dict, List, Tuple

#: (quantity, title of its chart) in the order the charts are shown.
PARTS: Tuple[Tuple[str, str], ...] = (("source_I", "per source"), ("phi_step_I", "per phi step"),
                                      ("mosaic_domain_I", "per mosaic domain"),
                                      ("subpixel_I", "per sub-pixel (and layer)"))


def parts(record) -> Dict[str, List[float]]:
    """Quantity -> its values in order (empty when the trace does not carry it)."""
    if record is None:
        return {name: [] for name, _ in PARTS}
    return {name: [float(v[0] if isinstance(v, tuple) else v) for v in record.values(name)] for name, _ in PARTS}
