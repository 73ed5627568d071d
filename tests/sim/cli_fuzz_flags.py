"""The nanoBragg flags that take numbers, and hostile values for them: the input of the
command-line fuzz test (tests/sim/test_cli_fuzz.py) and its longer run (benchmarks/fuzz_cli.py).

Written out by hand rather than read from ``sim.cli.options``, so that a flag the option
table handles wrongly is still tried.
"""

from __future__ import annotations

import random
from typing import List

#: flag -> how many values it reads.
NUMERIC_FLAGS = {
    "-Na": 1, "-Nb": 1, "-Nc": 1, "-N": 1, "-cell": 6, "-misset": 3, "-samplesize": 1,
    "-xtalsize": 1, "-xtal_thick": 1, "-xtal_width": 1, "-xtal_height": 1, "-Xbeam": 1,
    "-Ybeam": 1, "-Xclose": 1, "-Yclose": 1, "-ORGX": 1, "-ORGY": 1, "-fdet_vector": 3,
    "-sdet_vector": 3, "-odet_vector": 3, "-beam_vector": 3, "-polar_vector": 3,
    "-spindle_axis": 3, "-twotheta_axis": 3, "-distance": 1, "-close_distance": 1,
    "-detector_abs": 1, "-detector_thick": 1, "-detector_thicksteps": 1, "-twotheta": 1,
    "-detector_rotx": 1, "-detector_roty": 1, "-detector_rotz": 1, "-detsize": 1,
    "-detsize_f": 1, "-detsize_s": 1, "-detpixels": 1, "-detpixels_f": 1, "-detpixels_s": 1,
    "-pixel": 1, "-polar": 1, "-oversample": 1, "-roi": 4, "-lambda": 1, "-energy": 1,
    "-fluence": 1, "-flux": 1, "-exposure": 1, "-beamsize": 1, "-mosaic": 1,
    "-mosaic_dom": 1, "-dispersion": 1, "-dispsteps": 1, "-divergence": 1, "-hdivrange": 1,
    "-vdivrange": 1, "-hdivstep": 1, "-hdivsteps": 1, "-vdivstep": 1, "-vdivsteps": 1,
    "-divsteps": 1, "-adc": 1, "-phi": 1, "-osc": 1, "-phistep": 1, "-phisteps": 1,
    "-dmin": 1, "-default_F": 1, "-scale": 1, "-pgmscale": 1, "-fudge": 1, "-trace_pixel": 2,
    "-seed": 1, "-mosaic_seed": 1, "-misset_seed": 1, "-water": 1,
}

#: Values a hostile user types: non-finite, zero, negative, huge, tiny, not numbers.
SPECIAL_VALUES = ("inf", "-inf", "nan", "NaN", "0", "-0", "-1", "1", "2", "3", "10", "90",
                  "1e-320", "1e-300", "-1e-300", "1e300", "-1e300", "1e20", "9223372036854775808",
                  "1e6", "200000", "0.5", "-0.5", "abc", "1,5", "\uff11\uff12", "0x10", "")

#: A line that runs in well under a second: the fuzzed flags go between it and TAIL.
BASE = ["-cell", "100", "100", "100", "90", "90", "90", "-default_F", "100", "-N", "2",
        "-lambda", "1", "-distance", "100"]
#: Appended last so that every run stays small (a later flag wins, as in the C).
TAIL = ["-detpixels", "16", "-pixel", "0.1", "-noprogress"]


def random_value(rng: random.Random) -> str:
    """A special value, or a random float of random magnitude and sign."""
    if rng.random() < 0.6:
        return rng.choice(SPECIAL_VALUES)
    return f"{rng.choice((-1, 1)) * 10 ** rng.uniform(-8, 8):.6g}"


def random_flags(rng: random.Random, max_flags: int = 4) -> List[str]:
    """1..max_flags numeric flags with random values; sometimes one value too few."""
    words: List[str] = []
    for _ in range(rng.randint(1, max_flags)):
        flag = rng.choice(sorted(NUMERIC_FLAGS))
        count = NUMERIC_FLAGS[flag] - (1 if rng.random() < 0.05 else 0)
        words += [flag] + [random_value(rng) for _ in range(count)]
    return words
