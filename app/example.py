"""The built-in example: the triclinic_misset golden case of the C nanoBragg.

``resources/example`` holds its ``case.json`` (the C command line) and the C program's
trace logs for three pixels (see ``resources/README.md``); the C image is read from the
golden data beside the checkout when it is there (it is not copied into the repository). The viewer opens
on it with the log of pixel (368, 262) loaded, so a new user sees a full comparison after
one click.
"""

from __future__ import annotations

import json
import os
import shlex
import sys
from pathlib import Path
from typing import List, Optional

def _example_dir() -> Path:
    """resources/example of the checkout, or its installed copy under <prefix>/share."""
    checkout = Path(__file__).resolve().parents[1] / "resources" / "example"
    installed = Path(sys.prefix) / "share" / "nanobragg-studio" / "example"
    return checkout if checkout.is_dir() or not installed.is_dir() else installed


EXAMPLE_DIR = _example_dir()
EXAMPLE_PIXEL = (368, 262)


def example_args() -> List[str]:
    """The example's C arguments (no program name, no output flags)."""
    case = json.loads((EXAMPLE_DIR / "case.json").read_text(encoding="utf-8"))
    return [str(a) for a in case["c_args"]]


def example_command() -> str:
    return shlex.join(example_args())


def example_config():
    from sim.cli.args import parse_args

    return parse_args(example_args()).config


def example_trace_log(pixel=EXAMPLE_PIXEL) -> Path:
    """The C trace log of ``pixel`` = (slow, fast) of the example."""
    return EXAMPLE_DIR / f"trace_s{pixel[0]}_f{pixel[1]}.log"


def example_c_image() -> Optional[Path]:
    """The C program's float image of the example from the golden data, if it is there."""
    checkout = Path(__file__).resolve().parents[1]
    golden = Path(os.environ.get("NANOBRAGG_GOLDEN", checkout.parent / "shared" / "golden"))
    path = golden / "triclinic_misset" / "image.f32"
    return path if path.is_file() else None
