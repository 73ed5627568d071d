"""``python -m sim series <nanoBragg flags> --out DIR (--frames N --osc DEG | --shots N) [...]``.

Series options use two dashes, like this port's other options; everything else is the
nanoBragg line of every frame (with ``--dtype``/``--device``). ``--resume --out DIR`` alone
continues the series whose manifest is in DIR. Bad input: one line, exit 2.
"""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

from sim.cli.args import long_options
from sim.errors import InputError
from sim.series.description import (DEFAULT_NOISE_SEED, SeriesDescription, Spread, check_count, check_osc,
                          normalised_config)

USAGE = ("usage: python -m sim series <nanoBragg flags> --out DIR "
         "(--frames N --osc DEG | --shots N [--shot-seed S]) [--workers K | --scheduler ADDRESS] [--resume]")

#: option -> (field, converter name); converters below.
_VALUES = {"--out": ("out", "path"), "--frames": ("frames", "int"), "--osc": ("osc", "float"),
           "--shots": ("shots", "int"), "--shot-seed": ("shot_seed", "seed"),
           "--spread-size": ("size_pct", "pct"), "--spread-fluence": ("fluence_pct", "pct"),
           "--spread-wavelength": ("wavelength_pct", "pct"), "--format": ("format", "format"),
           "--workers": ("workers", "int"), "--scheduler": ("scheduler", "str")}
_FLAGS = {"--resume": "resume", "--spread-mosaic-seed": "mosaic_seed", "--no-progress": "no_progress"}


def series_main(argv: Sequence[str]) -> int:
    try:
        return _run(list(argv))
    except InputError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("error: interrupted (finished frames are kept; rerun to complete the series)", file=sys.stderr)
        return 130


def _run(argv: List[str]) -> int:
    from sim.series.runner import RunOptions, run_series

    options, line = split_options(argv)
    if "out" not in options:
        raise InputError(f"--out DIR is needed ({USAGE})")
    out_dir = options["out"]
    if options.get("workers") is not None and options["workers"] <= 0:
        raise InputError(f"--workers: needs at least one worker, got {options['workers']}")
    frames = None
    if "scheduler" in options:  # before the model is built: a silent address is reported at once
        from sim.series.cluster import DaskFrames

        frames = DaskFrames(address=options["scheduler"])
    try:
        description = _description(options, line, out_dir)
        print(describe(description, out_dir))
        run = RunOptions(out_dir, options.get("workers"), options.get("scheduler"), _device(line),
                         not options.get("no_progress"))
    except BaseException:
        if frames is not None:
            frames.close()
        raise
    summary = run_series(description, run, frames)
    print(f"wrote {summary.written} frames to {out_dir} in {summary.seconds:.1f} s "
          f"({summary.frames_per_s:.2f} frames/s); {summary.already_done} were already done")
    return 0


def split_options(argv: List[str]) -> Tuple[Dict[str, Any], List[str]]:
    """(series options, the nanoBragg line)."""
    options: Dict[str, Any] = {}
    taken = set()
    for indices, name, value in long_options(argv, _FLAGS, _VALUES):
        taken.update(indices)
        if value is None:
            options[_FLAGS[name]] = True
        else:
            field, kind = _VALUES[name]
            options[field] = _convert(name, kind, value)
    return options, [token for i, token in enumerate(argv) if i not in taken]


def _convert(name: str, kind: str, text: str):
    try:
        if kind in ("int", "seed"):
            value = int(text)
            if kind == "seed" and value < 0:
                raise InputError(f"{name}: a seed must not be negative, got {value}")
            return value
        if kind in ("float", "pct"):
            value = float(text)
            if kind == "pct" and not 0.0 <= value < 100.0:
                raise InputError(f"{name}: a spread in percent from 0 to 100, got {text}")
            return value
    except ValueError:
        whole = "whole " if kind in ("int", "seed") else ""
        raise InputError(f"{name}: expected a {whole}number, got {text!r}") from None
    if kind == "path":
        return Path(text)
    if kind == "format":
        from sim.series.writers import WRITERS

        if text not in WRITERS:
            raise InputError(f"--format: expected one of {', '.join(WRITERS)}, got {text!r}")
    return text


def _device(line: List[str]) -> Optional[str]:
    from sim.cli.args import parse_args

    return parse_args(line).device if line else None


def _description(options: Dict[str, Any], line: List[str], out_dir: Path) -> SeriesDescription:
    from sim.series.manifest import read_description

    if options.get("resume") and not line:
        existing = read_description(out_dir)
        if existing is None:
            raise InputError("--resume: no series manifest here to continue", str(out_dir))
        return existing
    if not line:
        raise InputError(f"no nanoBragg flags given ({USAGE})")
    return build_description(options, line)


def build_description(options: Dict[str, Any], line: List[str], base_dir: Path = Path(".")) -> SeriesDescription:
    """The series the command line asks for (InputError for a bad combination)."""
    from sim.cli.args import parse_args
    from sim.model.validation import check_cell

    parsed = parse_args(line)
    for warning in parsed.warnings:
        print(f"WARNING: {warning}", file=sys.stderr)
    check_cell(parsed.config.crystal.cell_A_deg)
    config = normalised_config(parsed.config, base_dir)
    frames, shots = options.get("frames"), options.get("shots")
    if (frames is None) == (shots is None):
        raise InputError("give either --frames N --osc DEG (a rotation sweep) or --shots N (serial shots) "
                         f"({USAGE})")
    noise_seed = None if config.output.nonoise else (config.output.seed or DEFAULT_NOISE_SEED)
    common = dict(dtype=parsed.dtype, noise_seed=noise_seed)
    if "format" in options:
        common["format"] = options["format"]
    if frames is not None:
        return with_common_scale(_sweep(options, config, frames, common))
    check_count("--shots", shots)
    spread = Spread(bool(options.get("mosaic_seed")), options.get("size_pct", 0.0),
                    options.get("fluence_pct", 0.0), options.get("wavelength_pct", 0.0))
    return with_common_scale(SeriesDescription("shots", shots, _args(config), shot_seed=options.get("shot_seed", 0),
                                               spread=spread, **common))


def with_common_scale(description: SeriesDescription) -> SeriesDescription:
    """Noise-free frames share one count scale: the line's -scale, else the C's auto scale of
    the first frame (its brightest pixel to 55000 counts), written into the line as -scale.
    Frames scaled one by one would pull DIALS's centroids towards the brighter-scaled
    neighbour of each spot that spans frames. (Noise frames are photon counts.)"""
    line = description.config()
    if description.noise_seed is not None or line.output.intfile_scale > 0.0:
        return description
    from sim.export.counts import int_scale
    from sim.series.render import FrameRenderer

    image, _, model = FrameRenderer(description, Path(".")).image(0)
    output = dataclasses.replace(line.output, intfile_scale=int_scale(image, model))
    return dataclasses.replace(description, args=_args(dataclasses.replace(line, output=output)))


def _sweep(options, config, frames: int, common) -> SeriesDescription:
    from sim.model.resolved import build_model
    from sim.series.sampling import auto_phi_steps

    check_count("--frames", frames)
    if options.keys() & {"shot_seed", "mosaic_seed", "size_pct", "fluence_pct", "wavelength_pct"}:
        raise InputError("--shot-seed and --spread-* are for --shots, not --frames")
    crystal = config.crystal
    osc = check_osc(options.get("osc", crystal.osc_deg))
    if osc < 0:
        raise InputError(f"--osc: the rotation per frame must be positive, got {osc:g}")
    if crystal.misset_random and crystal.misset_seed is None:
        raise InputError("-misset random: give -misset_seed S too, so that every frame has the same crystal")
    steps = crystal.phi_steps if crystal.phi_steps else auto_phi_steps(build_model(config), osc)
    line = dataclasses.replace(config, crystal=dataclasses.replace(
        crystal, phi_start_deg=0.0, osc_deg=None, phi_step_deg=None, phi_steps=None))
    return SeriesDescription("sweep", frames, _args(line), osc_deg=osc, phi_start_deg=crystal.phi_start_deg,
                             phi_steps=steps, **common)


def _args(config) -> Tuple[str, ...]:
    from sim.cli.args import format_args

    return tuple(format_args(config))


def describe(d: SeriesDescription, out_dir: Path) -> str:
    """One line saying what the run will make."""
    what = (f"rotation sweep of {d.count} frames, {d.osc_deg:g} deg each from phi {d.phi_start_deg:g} "
            f"in {d.phi_steps} phi steps" if d.kind == "sweep" else
            f"{d.count} serial shots (random orientations, seed {d.shot_seed})")
    noise = (f"noise-free, counts = photons x {d.config().output.intfile_scale:g}" if d.noise_seed is None
             else f"Poisson noise from seed {d.noise_seed}")
    noise += " (no ADC offset, as every export)"
    return f"series: {what}, {d.dtype}, {noise}, {d.format} files in {out_dir}"
