"""The nanoBragg command line <-> ``SimConfig``, both directions.

``parse_args`` accepts the C program's command line exactly, quirks included (the option
table and its quirks are in ``sim.cli.options``), plus this port's own options, which use a
double dash so that they never collide with a C flag (the C ignores them):

    --trace-dir DIR        write the trace of each -trace_pixel there
    --compare-trace FILE   compare the trace with a C trace log
    --device cpu|cuda      where to run the kernel
    --dtype float64|float32
    --no-phi0-reuse        corrected phi=0 behaviour (config.phi0_reuse False)
    --force                run even above the work limit (sim.model.work_guard)
    --debug                show the traceback of an internal error
    --wait-kernel          build a missing compiled kernel first instead of in the background
    --sensitivity          with -trace_pixel: d(pixel)/d(parameter) for every parameter
    --export FILE          also write the image with its geometry (.h5 .nxs .cbf .img .edf .tif;
                           repeatable; ``sim.export``): the noise image, or the noiseless
                           one under -nonoise; counts without ADC offset

``format_args`` is the inverse: a command line the C program and ``parse_args`` both accept,
which parses back to an equal config. No torch, no Qt.

>>> parse_args(["-cell", "100", "100", "100", "90", "90", "90", "-N", "5"]).config.crystal.N_cells
(5, 5, 5)
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from typing import Container, Iterator, Optional, Sequence, Tuple

from sim.cli.format import format_args
from sim.cli.options import run_c_loop
from sim.model.config import SimConfig
from sim.errors import InputError

TracePixel = Tuple[int, int, Optional[str]]

#: This port's options that take a value -> ParsedArgs field.
_VALUE_OPTIONS = {"--trace-dir": "trace_dir", "--compare-trace": "compare_trace",
                  "--device": "device", "--dtype": "dtype", "--export": "exports"}
_FLAG_OPTIONS = {"--no-phi0-reuse": "no_phi0_reuse", "--force": "force", "--debug": "debug",
                 "--wait-kernel": "wait_kernel",
                 "--sensitivity": "sensitivity"}
_DTYPES = ("float64", "float32")


@dataclass(frozen=True)
class ParsedArgs:
    """A parsed command line: the simulation config plus how to run and trace it.

    ``trace_pixels`` holds (slow, fast, tag or None) for each ``-trace_pixel S F [TAG]``;
    ``warnings`` the one-line notes about ignored or no-effect options.
    """

    config: SimConfig
    trace_pixels: Tuple[TracePixel, ...] = ()
    warnings: Tuple[str, ...] = ()
    trace_dir: Optional[str] = None
    compare_trace: Optional[str] = None
    device: Optional[str] = None
    dtype: str = "float64"
    no_phi0_reuse: bool = False
    force: bool = False
    debug: bool = False
    wait_kernel: bool = False
    sensitivity: bool = False
    exports: Tuple[str, ...] = ()


def parse_args(argv: Sequence[str]) -> ParsedArgs:
    """Parse a nanoBragg command line (without the program name).

    Raises ``InputError`` (one line, naming the option) for a bad or missing value and
    ``UnsupportedOption`` for a C option this port does not implement.
    """
    argv = [str(a) for a in argv]
    own, skip = _own_options(argv)
    state = run_c_loop(argv, skip)
    config = state.config(phi0_reuse=not own.get("no_phi0_reuse", False))
    return ParsedArgs(config=config, trace_pixels=tuple(state.trace_pixels),
                      warnings=tuple(state.warnings), **own)


def long_options(argv: Sequence[str], flags: Container[str],
                 values: Container[str]) -> Iterator[Tuple[Tuple[int, ...], str, Optional[str]]]:
    """The ``--`` options among nanoBragg flags: (indices of their tokens, name, value)
    for each ``--flag`` (value None), ``--name value`` and ``--name=value`` in ``argv``;
    InputError when a value is missing at the end of the line."""
    i = 0
    while i < len(argv):
        name, eq, value = argv[i].partition("=")
        if name in flags and not eq:
            yield (i,), name, None
        elif name in values:
            if not eq:
                if i + 1 >= len(argv):
                    raise InputError(f"{name}: missing value at the end of the command line")
                i += 1
                value = argv[i]
            yield ((i,) if eq else (i - 1, i)), name, value
        i += 1


def _own_options(argv: Sequence[str]):
    """This port's ``--`` options: (ParsedArgs fields, indices of their tokens)."""
    own, skip = {}, set()
    for indices, name, value in long_options(argv, _FLAG_OPTIONS, _VALUE_OPTIONS):
        skip.update(indices)
        if value is None:
            own[_FLAG_OPTIONS[name]] = True
        elif name == "--export":
            own["exports"] = own.get("exports", ()) + (value,)
        else:
            own[_VALUE_OPTIONS[name]] = _check_own(name, value)
    return own, skip


def _check_own(name: str, value: str) -> str:
    if name == "--dtype" and value not in _DTYPES:
        raise InputError(f"--dtype: expected float64 or float32, got {value!r}")
    if name == "--device" and not (value == "cpu" or value.split(":")[0] == "cuda"):
        raise InputError(f"--device: expected cpu or cuda, got {value!r}")
    return value


def format_command(config: SimConfig, program: str = "nanoBragg",
                   trace_pixels: Sequence[TracePixel] = ()) -> str:
    """The config as one shell-quoted command line ("copy as command line")."""
    return shlex.join([program, *format_args(config, trace_pixels)])


__all__ = ["ParsedArgs", "parse_args", "format_args", "format_command", "long_options"]
