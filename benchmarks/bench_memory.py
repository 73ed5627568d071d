"""Peak resident memory of `python -m sim` for every golden case and the full 4096x4096 case.

    python benchmarks/bench_memory.py [--golden ../shared/golden]

Each case runs in its own process (from the golden inputs folder, writing into a
scratch folder); the peak comes from the child's rusage. Limit: 1 GiB for every case;
the full 4096 x 4096 detector (seed_hires_4096) also writes its PGM and noise image,
as a plain C command line does.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from _runner import measure

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # this checkout: sim and tests.golden

from tests.golden import golden_root, load_cases  # noqa: E402

FULL_OUTPUTS = "seed_hires_4096"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--golden", type=Path, default=golden_root())
    args = parser.parse_args()
    golden = args.golden.resolve()
    print(f"{'case':22s} {'wall s':>7s} {'peak MB':>8s} {'limit MB':>9s}")
    worst = 0.0
    with tempfile.TemporaryDirectory() as scratch:
        for case in load_cases(golden):
            argv = [sys.executable, "-m", "sim"] + case.resolved_args()
            argv += ["-floatfile", os.path.join(scratch, "f.bin"), "-intfile", os.path.join(scratch, "i.img")]
            if case.name != FULL_OUTPUTS:
                argv += ["-nonoise", "-nopgm"]
            run = measure(argv, cwd=scratch)
            limit = 1024
            worst = max(worst, run.peak_mb / limit)
            print(f"{case.name:22s} {run.seconds:7.2f} {run.peak_mb:8.0f} {limit:9d}"
                  + ("" if run.returncode == 0 else f"  (exit {run.returncode})"))
    print(f"worst peak / limit: {worst:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
