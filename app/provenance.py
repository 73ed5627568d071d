"""Does a C trace or C image belong to the command line on show? No Qt, no torch.

A C trace log records the nanoBragg command line when the user captured it (``sim.trace.c_log``
reads a ``nanoBragg -...`` line); a live C trace records the one it ran; a golden case
folder records it in its ``case.json`` (``c_command``) beside the files. Two command lines
belong together when they describe the same physics: output files, noise settings and the
region of interest do not change a pixel's trace or value inside the region.

A trace-comparison export records its own provenance (``export_provenance``): our command
line, where the C trace came from, and the software it was made with.
"""

from __future__ import annotations

import functools
import json
import shlex
from dataclasses import replace
from importlib import metadata
from pathlib import Path
from typing import Dict, List, Optional

import numpy as np

from sim.cli.args import format_args, format_command, parse_args
from sim.model.config import OutputConfig, SimConfig
from sim.errors import InputError

CASE_FILE = "case.json"
#: At most this many differing flags are named.
NAMED_FLAGS = 3
PACKAGE = "nanobragg-studio"


def recorded_command(recorded: Optional[str], source: Optional[str]) -> Optional[str]:
    """The command line a file records, else the ``c_command`` of a case.json beside it."""
    if recorded:
        return recorded
    if not source:
        return None
    case = Path(source).parent / CASE_FILE
    try:
        return json.loads(case.read_text(encoding="utf-8")).get("c_command") or None
    except (OSError, ValueError, AttributeError):
        return None


@functools.lru_cache(maxsize=64)
def command_difference(command: Optional[str], config: SimConfig) -> Optional[str]:
    """None when ``command`` describes ``config``'s physics (or records nothing readable);
    otherwise the flags that differ, e.g. '-lambda default (ours 1.1)'."""
    theirs = _physics_args(command)
    if theirs is None:
        return None
    ours = _flags(format_args(_physics(config)))
    if theirs == ours:
        return None
    names = [n for n in list(theirs) + [n for n in ours if n not in theirs]
             if theirs.get(n) != ours.get(n)]
    parts = [f"{n} {_values(theirs.get(n))} (ours {_values(ours.get(n))})" for n in names[:NAMED_FLAGS]]
    more = len(names) - NAMED_FLAGS
    return ", ".join(parts) + (f" and {more} more" if more > 0 else "")


def _values(values: Optional[List[str]]) -> str:
    if values is None:
        return "default"
    return " ".join(values) or "set"


def _physics_args(command: Optional[str]) -> Optional[Dict[str, List[str]]]:
    if not command:
        return None
    try:
        argv = shlex.split(command)
        argv = argv[1:] if argv and not argv[0].startswith("-") else argv
        config = parse_args(argv).config
    except (ValueError, InputError):
        return None
    return _flags(format_args(_physics(config)))


def _physics(config: SimConfig) -> SimConfig:
    return replace(config, output=OutputConfig(), detector=replace(config.detector, roi=None))


def _flags(args: List[str]) -> Dict[str, List[str]]:
    """Flag -> its values, from a formatted argument list (flags start with '-' and a letter)."""
    flags: Dict[str, List[str]] = {}
    name = None
    for token in args:
        if token.startswith("-") and token[1:2].isalpha():
            name = token
            flags[name] = []
        elif name is not None:
            flags[name].append(token)
    return flags


def export_provenance(config: SimConfig, c_trace, runtime: Dict[str, str]) -> Dict[str, object]:
    """What a trace-comparison export was made from: our command line, the C trace's source
    (a log file and the command line it records, or the binary and command line the viewer
    ran; None when no C trace is loaded), and the versions (``runtime``: torch, Qt, device...
    as the caller knows them, added to ours and numpy's)."""
    if c_trace is None:
        source = None
    elif c_trace.live:
        source = {"binary": c_trace.argv[0], "command": shlex.join(c_trace.argv)}
    else:
        source = {"log": str(Path(c_trace.source).resolve()), "recorded_command": c_trace.command}
    try:
        ours = metadata.version(PACKAGE)
    except metadata.PackageNotFoundError:
        ours = "not installed"
    return {"command": format_command(config), "c_trace": source,
            "versions": {PACKAGE: ours, "numpy": np.__version__, **runtime}}


def provenance_lines(provenance: Dict[str, object], prefix: str = "") -> List[str]:
    """``provenance`` as '# key: value' comment lines, nested keys joined by '.'."""
    lines = []
    for key, value in provenance.items():
        if isinstance(value, dict):
            lines += provenance_lines(value, f"{prefix}{key}.")
        else:
            lines.append(f"# {prefix}{key}: {'none' if value is None else value}")
    return lines
