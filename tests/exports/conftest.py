"""The DIALS fixture: the exports are checked by DIALS itself (the Debian package ``dials``).

Tests that take ``dials`` run when ``dials.import`` is on the PATH; without it they fail
under CI (CI=true; ``.ci/run`` installs the package) and are skipped elsewhere, saying why.
dxtbx runs in DIALS's own Python (``/usr/bin/python3``), not in ours, so the models it builds
are read through ``dxtbx_probe.py`` in a subprocess, many files per call.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Sequence

import pytest

from tests.golden import missing

PROBE = Path(__file__).with_name("dxtbx_probe.py")


@dataclass(frozen=True)
class Dials:
    """Runs DIALS programs and reads files back through dxtbx."""

    python: str

    def probe(self, paths: Sequence[Path]) -> Dict[str, dict]:
        """What dxtbx makes of each file: format, beam centre, distance, axes... (see the probe)."""
        done = subprocess.run([self.python, str(PROBE), *map(str, paths)], capture_output=True,
                              text=True, timeout=300, check=True)
        return json.loads(done.stdout)

    def run(self, command: List[str], cwd: Path) -> str:
        """Run one DIALS program in ``cwd``; its log text (fails the test on a non-zero exit)."""
        done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, \
            f"{' '.join(command)} failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}"
        return done.stdout


def _dials_python() -> str:
    """The interpreter DIALS's own scripts run with (their shebang)."""
    script = Path(shutil.which("dials.import"))
    first = script.read_text(errors="replace").splitlines()[0]
    return first[2:].strip().split()[0] if first.startswith("#!") else "/usr/bin/python3"


@pytest.fixture(scope="session")
def dials() -> Dials:
    if shutil.which("dials.import") is None:
        missing("DIALS not found (no dials.import on the PATH): apt-get install dials, "
                "as .ci/run does")
    return Dials(_dials_python())
