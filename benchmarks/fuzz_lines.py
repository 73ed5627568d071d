"""Random valid nanoBragg command lines for the differential fuzzer (``fuzz_c.py``).

A line is a list of option groups, each an option and its values as strings, e.g.
``("-twotheta", "15")``, so that a shrinker can drop whole groups. Every drawn line has
a crystal (cell or matrix), structure factors and a small detector; each other feature is
switched on with a probability of a third or so, so that lines combine several
(convention x pivot x rotations x two-theta x oversampling x ROI x mosaic x phi x sources
x crystal shape x sensor x interpolation x curved/point pixel x cell/matrix/misset).

Input files are named as in ``../shared/golden/inputs`` (``INPUT_FILES``); the runner
copies them into each scratch folder.
"""

from __future__ import annotations

import random
from typing import Callable, List, Tuple

Group = Tuple[str, ...]
Line = List[Group]

INPUT_FILES = ("P1_random.hkl", "A_triclinic.mat", "three_sources.txt")
#: Options the port rejects on purpose (sim/cli/options.py: ``unsupported``); never drawn.
UNSUPPORTED = ("-img", "-mask", "-stol", "-stolout", "-4stol", "-Q", "-coherent", "-printout")
#: Groups a shrinker must keep: without them the line is not a simulation (or not a small one).
ESSENTIAL = ("-cell", "-mat", "-default_F", "-hkl", "-detpixels", "-detpixels_f", "-detpixels_s", "-detsize")

#: Orthonormal custom detector bases (fast, slow, normal) with a beam along the normal.
_CUSTOM = (
    ("0 0 1", "0 -1 0", "1 0 0", "1 0 0"),
    ("1 0 0", "0 1 0", "0 0 1", "0 0 1"),
    ("0 1 0", "0 0 1", "1 0 0", "1 0 0"),
    ("0.6 0.8 0", "-0.8 0.6 0", "0 0 1", "0 0 1"),
)


def _num(x: float) -> str:
    return f"{x:.4g}"


def _pick(rng: random.Random, lo: float, hi: float) -> str:
    return _num(rng.uniform(lo, hi))


def _crystal(rng: random.Random) -> Line:
    kind = rng.random()
    if kind < 0.15:
        line = [("-mat", "A_triclinic.mat")]
    elif kind < 0.45:
        a = _pick(rng, 30, 110)
        line = [("-cell", a, a, a, "90", "90", "90")]
    elif kind < 0.7:
        line = [("-cell", _pick(rng, 30, 110), _pick(rng, 30, 110), _pick(rng, 30, 110), "90", "90", "90")]
    else:
        line = [("-cell", _pick(rng, 30, 110), _pick(rng, 30, 110), _pick(rng, 30, 110),
                 _pick(rng, 70, 110), _pick(rng, 70, 110), _pick(rng, 70, 120))]
    if rng.random() < 0.4:
        line.append(("-misset", _pick(rng, -180, 180), _pick(rng, -90, 90), _pick(rng, -180, 180)))
    elif rng.random() < 0.1:
        line += [("-misset", "random"), ("-misset_seed", str(rng.randint(1, 999)))]
    return line


def _size(rng: random.Random) -> Line:
    kind = rng.random()
    if kind < 0.55:
        line = [("-N", str(rng.randint(1, 9)))]
    elif kind < 0.8:
        line = [(f"-N{axis}", str(rng.randint(1, 9))) for axis in "abc"]
    elif kind < 0.9:
        line = [("-xtal_size", _pick(rng, 0.0002, 0.001))]
    else:
        line = [(f"-xtal_{axis}", _pick(rng, 0.0001, 0.0008)) for axis in "xyz"]
    shape = rng.random()
    if shape < 0.45:
        line.append((rng.choice(("-round_xtal", "-gauss_xtal", "-tophat_spots", "-square_xtal")),))
        if rng.random() < 0.4:
            line.append(("-fudge", _pick(rng, 0.5, 2)))
    return line


def _structure_factors(rng: random.Random) -> Line:
    if rng.random() < 0.2:
        line = [("-hkl", "P1_random.hkl")]
        if rng.random() < 0.6:
            line.append((rng.choice(("-interpolate", "-nointerpolate")),))
        return line
    return [("-default_F", _pick(rng, 1, 200))]


def _beam(rng: random.Random) -> Line:
    line = [("-energy", _pick(rng, 6000, 15000))] if rng.random() < 0.2 else [
        (rng.choice(("-lambda", "-lambda", "-wave")), _pick(rng, 0.6, 2.5))]
    if rng.random() < 0.3:
        line += [("-dispersion", _pick(rng, 0.1, 5)), ("-dispsteps", str(rng.randint(1, 3)))]
    if rng.random() < 0.3:
        line += rng.choice((
            [("-divergence", _pick(rng, 0.1, 2)), ("-divsteps", str(rng.randint(1, 3)))],
            [("-hdivrange", _pick(rng, 0.1, 2)), ("-hdivsteps", str(rng.randint(1, 3))),
             ("-vdivrange", _pick(rng, 0.1, 2)), ("-vdivsteps", str(rng.randint(1, 3)))],
            [("-hdivrange", "1"), ("-hdivstep", _pick(rng, 0.4, 1)),
             ("-vdivrange", "0.6"), ("-vdivstep", _pick(rng, 0.3, 0.6))],
        ))
        if rng.random() < 0.4:
            line.append((rng.choice(("-square_div", "-round_div")),))
    elif rng.random() < 0.1:
        line.append(("-sourcefile", "three_sources.txt"))
    if rng.random() < 0.3:
        line.append(rng.choice((("-polar", _pick(rng, 0, 1)), ("-nopolar",))))
    if rng.random() < 0.1:
        line.append(("-polar_vector", *rng.choice(("0 0 1", "0 1 0", "0.6 0 0.8")).split()))
    if rng.random() < 0.2:
        line += [("-flux", "1e12"), ("-exposure", _pick(rng, 0.1, 10)), ("-beamsize", _pick(rng, 0.01, 0.2))]
    elif rng.random() < 0.1:
        line.append(("-fluence", "1e24"))
    if rng.random() < 0.1:
        line.append(("-water", _pick(rng, 1, 200)))
    return line


def _detector_frame(rng: random.Random) -> Line:
    kind = rng.random()
    if kind < 0.12:
        f, s, o, b = rng.choice(_CUSTOM)
        line = [("-fdet_vector", *f.split()), ("-sdet_vector", *s.split()), ("-odet_vector", *o.split()),
                ("-beam_vector", *b.split())]
    elif kind < 0.3:
        line = []
    else:
        line = [(rng.choice(("-mosflm", "-xds", "-dials", "-adxv", "-denzo")),)]
    if rng.random() < 0.3:
        line.append(("-pivot", rng.choice(("beam", "sample"))))
    return line


def _detector(rng: random.Random) -> Line:
    pixel = rng.choice((0.1, 0.172, 0.2, 0.3, 0.5, 1.0))
    line = _detector_frame(rng) + [("-pixel", _num(pixel))]
    line.append(rng.choice((("-distance", _pick(rng, 30, 300)), ("-close_distance", _pick(rng, 30, 300)))))
    if rng.random() < 0.1:
        line.append(("-detsize", _num(rng.randint(4, 16) * pixel)))
    elif rng.random() < 0.7:
        line.append(("-detpixels", str(rng.randint(4, 16))))
    else:
        line += [("-detpixels_f", str(rng.randint(4, 16))), ("-detpixels_s", str(rng.randint(4, 16)))]
    size_mm = 12 * pixel
    centre = rng.random()
    if centre < 0.2:
        line += [("-Xbeam", _pick(rng, 0, size_mm)), ("-Ybeam", _pick(rng, 0, size_mm))]
    elif centre < 0.3:
        line += [("-ORGX", _pick(rng, 0, 12)), ("-ORGY", _pick(rng, 0, 12))]
    elif centre < 0.35:
        line += [("-Xclose", _pick(rng, 0, size_mm)), ("-Yclose", _pick(rng, 0, size_mm))]
    for axis in "xyz":
        if rng.random() < 0.2:
            line.append((f"-detector_rot{axis}", _pick(rng, -10, 10)))
    if rng.random() < 0.3:
        line.append(("-twotheta", _pick(rng, -30, 30)))
        if rng.random() < 0.2:
            line.append(("-twotheta_axis", *rng.choice(("1 0 0", "0 1 0", "0 0 1", "0 -1 0")).split()))
    return line


def _sampling(rng: random.Random) -> Line:
    line = []
    if rng.random() < 0.5:
        line.append(("-oversample", str(rng.randint(1, 3))))
    for flag in ("-oversample_thick", "-oversample_polar", "-oversample_omega"):
        if rng.random() < 0.1:
            line.append((flag,))
    if rng.random() < 0.1:
        line.append(("-curved_det",))
    if rng.random() < 0.1:
        line.append(("-point_pixel",))
    if rng.random() < 0.2:
        f0, s0 = rng.randint(0, 8), rng.randint(0, 8)
        line.append(("-roi", str(f0), str(f0 + rng.randint(0, 8)), str(s0), str(s0 + rng.randint(0, 8))))
    if rng.random() < 0.15:
        line += [("-detector_thick", _pick(rng, 10, 300)), ("-thicksteps", str(rng.randint(1, 3)))]
        if rng.random() < 0.6:
            line.append(("-detector_abs", _pick(rng, 10, 500)))
    if rng.random() < 0.1:
        line.append(("-dmin", _pick(rng, 1, 6)))
    return line


def _rotation(rng: random.Random) -> Line:
    line = []
    if rng.random() < 0.35:
        phi = rng.choice(("0", "0", _pick(rng, -30, 30)))
        osc = _pick(rng, 0.1, 3)
        steps = ("-phisteps", str(rng.randint(1, 3))) if rng.random() < 0.8 else ("-phistep", _num(float(osc) / 2))
        line += [("-phi", phi), ("-osc", osc), steps]
        if rng.random() < 0.2:
            line.append(("-spindle_axis", *rng.choice(("1 0 0", "0 1 0", "0 0 1", "0.6 0 0.8")).split()))
    if rng.random() < 0.25:
        line += [("-mosaic", _pick(rng, 0.05, 2)), ("-mosaic_dom", str(rng.randint(1, 4))),
                 ("-mosaic_seed", str(rng.randint(1, 9999)))]
    return line


PARTS: Tuple[Callable[[random.Random], Line], ...] = (
    _crystal, _size, _structure_factors, _beam, _detector, _sampling, _rotation)


def draw_line(rng: random.Random) -> Line:
    """One random line (option groups), every part drawn in a fixed order."""
    line: Line = []
    for part in PARTS:
        line += part(rng)
    return line


def argv_of(line: Line) -> List[str]:
    return [token for group in line for token in group]


def text_of(line: Line) -> str:
    return " ".join(argv_of(line))


def parse_line(text: str) -> Line:
    """Option groups of a command line (an option and the values after it)."""
    groups: Line = []
    for token in text.split():
        starts = token.startswith("-") and not _is_number(token)
        if starts or not groups:
            groups.append((token,))
        else:
            groups[-1] = groups[-1] + (token,)
    return groups


def _is_number(token: str) -> bool:
    try:
        float(token)
    except ValueError:
        return False
    return True
