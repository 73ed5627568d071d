"""What a series is: one nanoBragg line, repeated as a rotation sweep or as serial shots.

A ``SeriesDescription`` holds everything that decides the frames and nothing about how
they are computed (workers, device): two runs of one description give the same files,
however the work is split. It is stored in the manifest as JSON, and its digest tells a
rerun whether the frames already in a folder belong to it. No torch.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Optional, Tuple

from sim.cli.args import parse_args
from sim.model.config import OutputConfig, SimConfig
from sim.errors import InputError

SCHEMA = 1
KINDS = ("sweep", "shots")
#: The noise seed of frame 0's stream when the line has no -seed (the C's would be the clock).
DEFAULT_NOISE_SEED = 1


@dataclass(frozen=True)
class Spread:
    """Per-shot variation: a random mosaic seed, and relative sigmas (percent) of the crystal
    size, the fluence and the wavelength (0 = no spread)."""

    mosaic_seed: bool = False
    size_pct: float = 0.0
    fluence_pct: float = 0.0
    wavelength_pct: float = 0.0


@dataclass(frozen=True)
class SeriesDescription:
    """A series: ``count`` frames of ``kind`` from the nanoBragg line ``args`` (normalised).

    Sweep: frame k covers ``phi_start_deg + k * osc_deg`` to ``+ (k + 1) * osc_deg`` in
    ``phi_steps`` steps. Shots: frame k has a random orientation drawn from
    (``shot_seed``, k), with ``spread``. ``noise_seed`` None: noise-free frames.
    """

    kind: str
    count: int
    args: Tuple[str, ...]
    dtype: str = "float64"
    format: str = "nxmx"
    osc_deg: float = 0.0
    phi_start_deg: float = 0.0
    phi_steps: int = 1
    shot_seed: int = 0
    spread: Spread = Spread()
    noise_seed: Optional[int] = None

    def config(self) -> SimConfig:
        """The line's config (every frame's config starts from it)."""
        return _parsed(self.args)

    def to_json(self) -> Dict[str, Any]:
        data = dataclasses.asdict(self)
        data["args"] = list(self.args)
        return {"schema": SCHEMA, **data}

    @classmethod
    def from_json(cls, data: Dict[str, Any], path: Optional[str] = None) -> "SeriesDescription":
        data = dict(data)
        if data.pop("schema", None) != SCHEMA:
            raise InputError(f"not a series manifest of schema {SCHEMA}", path)
        try:
            data["spread"] = Spread(**data["spread"])
            data["args"] = tuple(data["args"])
            return cls(**data)
        except (KeyError, TypeError) as err:
            raise InputError(f"damaged series description ({err})", path) from None

    def digest(self) -> str:
        text = json.dumps(self.to_json(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()


@functools.lru_cache(maxsize=4)
def _parsed(args: Tuple[str, ...]) -> SimConfig:
    return parse_args(list(args)).config


def differences(ours: SeriesDescription, theirs: SeriesDescription) -> str:
    """The settings in which two descriptions differ, for a one-line refusal."""
    a, b = ours.to_json(), theirs.to_json()
    parts = [f"{name} {_short(b.get(name))} there, {_short(a[name])} now"
             for name in a if name != "args" and a[name] != b.get(name)]
    parts += _line_differences(ours.config(), theirs.config())
    return "; ".join(parts[:3]) + ("; ..." if len(parts) > 3 else "")


def _line_differences(ours: SimConfig, theirs: SimConfig):
    for section in ("crystal", "beam", "detector", "output"):
        mine, other = getattr(ours, section), getattr(theirs, section)
        for field in dataclasses.fields(mine):
            x, y = getattr(mine, field.name), getattr(other, field.name)
            if x != y:
                yield f"{field.name} {_short(y)} there, {_short(x)} now"


def _short(value) -> str:
    text = json.dumps(value, default=str)
    return text if len(text) <= 40 else text[:37] + "..."


def normalised_config(config: SimConfig, base_dir: Path) -> SimConfig:
    """``config`` with absolute input paths (workers may run elsewhere) and without output
    files (the series names its own); noise seed, scale and ADC offset are kept."""
    crystal, beam = config.crystal, config.beam
    absolute = lambda p: None if p is None else str((base_dir / p).resolve())  # noqa: E731
    out = config.output
    return dataclasses.replace(
        config,
        crystal=dataclasses.replace(crystal, hkl_file=absolute(crystal.hkl_file),
                                    matrix_file=absolute(crystal.matrix_file)),
        beam=dataclasses.replace(beam, source_file=absolute(beam.source_file)),
        output=OutputConfig(nonoise=out.nonoise, intfile_scale=out.intfile_scale,
                            adc_offset=out.adc_offset, seed=out.seed, nopgm=True))


def check_count(option: str, count: int) -> None:
    if count <= 0:
        raise InputError(f"{option}: needs at least one frame, got {count}")


def check_osc(osc_deg: Optional[float]) -> float:
    if osc_deg is None:
        raise InputError("--frames needs the rotation per frame: give --osc DEG (or -osc on the line)")
    if not math.isfinite(osc_deg) or osc_deg == 0.0:
        raise InputError(f"--osc: the rotation per frame must be a non-zero number of degrees, got {osc_deg:g}")
    return osc_deg

