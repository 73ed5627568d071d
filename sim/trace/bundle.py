"""Trace bundles: one folder that says exactly what was traced, where and how.

Per pixel ``pixel_S_F.log`` (the TRACE_PY lines) and ``pixel_S_F_metadata.json`` (and,
with ``--sensitivity``, ``pixel_S_F_sensitivity.json``: d(photons)/d(parameter)), plus
``env.json`` (commit, Python, torch, device, dtype) and ``commands.txt``.
"""

from __future__ import annotations

import json
import platform
import subprocess
from pathlib import Path
from typing import Optional, Sequence

from sim.errors import InputError
from sim.io.files import atomic_write
from sim.trace.format import format_trace
from sim.trace.record import TraceRecord


def _commit() -> Optional[str]:
    try:
        here = Path(__file__).resolve().parent
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=here, capture_output=True, text=True,
                             timeout=5)
        return out.stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        return None


def write_bundle(folder: str, records: Sequence[TraceRecord], tags: Sequence[Optional[str]],
                 command_line: str, device: str, dtype: str,
                 sensitivities: Optional[Sequence] = None) -> None:
    """Write the bundle for ``records`` (one per traced pixel) into ``folder``; with
    ``sensitivities`` (``sim.explain.sensitivity.PixelSensitivity``, one per record), each
    pixel's derivatives too."""
    import torch

    path = Path(folder)
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise InputError(f"cannot create trace folder: {err.strerror}", folder) from None
    for i, (record, tag) in enumerate(zip(records, tags)):
        s, f = record.pixel
        lines = format_trace(record)
        atomic_write(path / f"pixel_{s}_{f}.log", ("\n".join(lines) + "\n").encode())
        meta = {"pixel": [s, f], "tag": tag, "final_intensity": record.last("I_pixel_final")[0],
                "lines": len(lines)}
        if sensitivities:
            meta["sensitivity"] = f"pixel_{s}_{f}_sensitivity.json"
            atomic_write(path / meta["sensitivity"], _json(sensitivities[i].to_json()))
        atomic_write(path / f"pixel_{s}_{f}_metadata.json", _json(meta))
    env = {"commit": _commit(), "python": platform.python_version(), "torch": torch.__version__,
           "device": device, "dtype": dtype, "platform": platform.platform()}
    atomic_write(path / "env.json", _json(env))
    atomic_write(path / "commands.txt", (command_line + "\n").encode())


def _json(data) -> bytes:
    return (json.dumps(data, indent=2) + "\n").encode()
