"""Shared fixtures: golden data, a scratch working folder, and the parity table."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

PARITY_ROWS = []


@pytest.fixture(autouse=True, scope="session")
def private_kernel_cache(tmp_path_factory):
    """Compiled kernels go to a folder of this test session: no test reads the user's
    stored kernels (which would change which code path runs) or leaves any behind, and
    background kernel builds end with the session."""
    previous = os.environ.get("NANOBRAGG_KERNEL_CACHE")
    os.environ["NANOBRAGG_KERNEL_CACHE"] = str(tmp_path_factory.mktemp("kernels"))
    yield
    from sim.kernel import build as kernel_build

    kernel_build.wait_for_running()  # no kernel builder started by a test outlives the session
    if previous is None:
        os.environ.pop("NANOBRAGG_KERNEL_CACHE", None)
    else:
        os.environ["NANOBRAGG_KERNEL_CACHE"] = previous


@pytest.fixture
def golden_dir():
    """The golden folder (fails under CI when missing, skips elsewhere): tests.golden."""
    from tests.golden import require_golden

    return require_golden()


@pytest.fixture
def in_scratch(tmp_path, monkeypatch):
    """Run in an empty folder, so nothing is read from or written to the checkout."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def pytest_terminal_summary(terminalreporter):
    if not PARITY_ROWS:
        return
    tr = terminalreporter
    tr.section("golden image parity (float64)")
    tr.write_line(f"{'case':22s} {'pearson r':>12s} {'sum rel err':>12s} {'max|diff|/max':>14s} "
                  f"{'time s':>8s}  status")
    for row in sorted(PARITY_ROWS):
        tr.write_line("{:22s} {:12.9f} {:12.2e} {:14.2e} {:8.2f}  {}".format(*row))
