"""A background kernel build yields the cores to the run that started it.

Started in a session of its own (so that Ctrl-C does not reach it), a build is its own
scheduling group under Linux's autogroup scheduler: its nice alone would not stop it from
taking a whole core from the user's eager run (the heavy line's first run took 17.4 s
beside it instead of 5.5 s).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from sim.kernel import build as kernel_build
from sim.kernel.modules import KernelRequest
from sim.kernel.lattice import LatticeSpec
from sim.model.config import CrystalShape

REQUEST = KernelRequest("sources", LatticeSpec((5.0, 5.0, 5.0), CrystalShape.SQUARE, None, None, False),
                        "float32", False, False)
PROBE = ("import os; from sim.kernel.build import yield_cores; yield_cores(); "
         "print(os.nice(0)); print(open('/proc/self/autogroup').read() if os.path.exists('/proc/self/autogroup') "
         "else 'none')")


def test_only_background_builds_ask_for_low_priority():
    background, _ = kernel_build.build_command(REQUEST, background=True)
    waited, _ = kernel_build.build_command(REQUEST)
    assert background[-1] == "--background"
    assert "--background" not in waited


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="nice and autogroup are Linux's")
def test_a_background_build_runs_at_the_lowest_priority_of_its_own_session():
    # a session of its own, as start_background gives the build: never this test run's group
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True,
                         start_new_session=True, cwd=Path(__file__).resolve().parents[2]).stdout.splitlines()
    assert out[0] == "19"
    if out[1] != "none":
        assert out[1].endswith("nice 19"), out[1]
