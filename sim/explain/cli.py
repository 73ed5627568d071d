"""``python -m sim explain <nanoBragg flags> --against IMAGE``: which parameters explain a difference.

Options (besides the nanoBragg flags and ``--device``/``--dtype``):

    --against IMAGE      the other image (raw float32 -floatfile, SMV, or anything fabio reads)
    --params LIST        groups to fit, comma-separated (default: all; see sim.explain.groups)
    --roi F0 F1 S0 S1    fit and compare only these pixels (inclusive, fast then slow, as -roi)
    --mask FILE          an image of the same shape; its nonzero pixels are left out
    --json FILE          write the report as JSON
    --max-iter N         at most N fit iterations (default 30)

Exit status: 0 when the fitted image agrees with the other one to the golden tolerances,
1 when it does not (the report says what the fit could and could not explain), 2 for bad
input (one line on stderr).
"""

from __future__ import annotations

import json
import sys
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

from sim.errors import InputError, SimulationCancelled

EXIT_EXPLAINED, EXIT_NOT_EXPLAINED, EXIT_BAD_INPUT = 0, 1, 2
#: option -> number of values it takes
_OPTIONS = {"--against": 1, "--params": 1, "--roi": 4, "--mask": 1, "--json": 1, "--max-iter": 1}


def explain_main(argv: Optional[Sequence[str]] = None) -> int:
    """Run ``explain`` with ``argv`` (the arguments after the subcommand)."""
    argv = list(sys.argv[2:] if argv is None else argv)
    try:
        return _run(argv)
    except InputError as err:
        print(f"explain: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except (SimulationCancelled, KeyboardInterrupt):
        print("explain: interrupted", file=sys.stderr)
        return 130


def _run(argv: List[str]) -> int:
    from sim.cli.args import parse_args
    from sim.explain.groups import parse_groups

    own, rest = split_options(argv)
    if "--against" not in own:
        raise InputError("--against IMAGE is required (the image to explain)")
    groups = parse_groups(own.get("--params", [None])[0])
    max_iter = _positive_int("--max-iter", own.get("--max-iter", ["30"])[0])
    parsed = parse_args(rest)
    for warning in parsed.warnings:
        print(f"WARNING: {warning}", file=sys.stderr)
    if own.get("--json"):
        _check_writable(own["--json"][0])
    theirs, notes, mask, window = _inputs(parsed, own)
    from sim.explain.explain import explain
    from sim.explain.report import format_report, to_json

    result = explain(parsed.config, theirs, groups, window=window, mask=mask, device=parsed.device,
                     dtype=parsed.dtype, max_iter=max_iter)
    result.notes.extend(notes)
    print("\n".join(format_report(result)))
    if own.get("--json"):
        with open(own["--json"][0], "w") as out:
            json.dump(to_json(result), out, indent=1)
    return EXIT_EXPLAINED if result.explained else EXIT_NOT_EXPLAINED


def split_options(argv: Sequence[str]) -> Tuple[Dict[str, List[str]], List[str]]:
    """(explain's own options with their values, the remaining arguments)."""
    own: Dict[str, List[str]] = {}
    rest: List[str] = []
    i = 0
    while i < len(argv):
        name = argv[i]
        if name in _OPTIONS:
            count = _OPTIONS[name]
            values = list(argv[i + 1:i + 1 + count])
            if len(values) < count:
                raise InputError(f"{name}: expected {count} value(s) at the end of the command line")
            own[name] = values
            i += 1 + count
            continue
        rest.append(name)
        i += 1
    return own, rest


def _inputs(parsed, own):
    """(their image, notes, mask or None, window or None), read and checked."""
    from sim.model.resolved import build_model
    from sim.io.reference import load_reference, photons_like

    model = build_model(parsed.config)
    shape = model.shape
    theirs, note = photons_like(load_reference(own["--against"][0], shape), parsed.config.output.adc_offset)
    notes = [] if note is None else [note]
    if tuple(theirs.shape) != tuple(shape):
        raise InputError(f"image is {theirs.shape[0]} x {theirs.shape[1]} pixels (slow x fast) but "
                         f"the command line makes {shape[0]} x {shape[1]}", own["--against"][0])
    if not np.all(np.isfinite(theirs)):
        raise InputError("image has pixels that are not finite numbers", own["--against"][0])
    mask = None
    if "--mask" in own:
        mask = load_reference(own["--mask"][0], shape).data != 0
    return theirs, notes, mask, _window(own.get("--roi"), shape)


def _window(values, shape):
    if values is None:
        return None
    f0, f1, s0, s1 = (_int("--roi", v) for v in values)
    if not (0 <= f0 <= f1 < shape[1] and 0 <= s0 <= s1 < shape[0]):
        raise InputError(f"--roi {f0} {f1} {s0} {s1}: outside the {shape[0]} x {shape[1]} detector "
                         "(fast min max, slow min max, inclusive)")
    return s0, s1 + 1, f0, f1 + 1


def _int(option: str, text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise InputError(f"{option}: expected a whole number, got {text!r}") from None


def _positive_int(option: str, text: str) -> int:
    value = _int(option, text)
    if value < 1:
        raise InputError(f"{option}: expected a positive number, got {text!r}")
    return value


def _check_writable(path: str) -> None:
    from sim.io.outputs import check_writable

    check_writable([path])
