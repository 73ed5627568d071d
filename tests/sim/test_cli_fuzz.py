"""Property: any mix of numeric flags and values ends in an image (exit 0) or in one
``error:`` line with exit 2, never a traceback, an internal error or a signal.

Runs ``sim.cli.main.main`` in this process on a 16x16 detector (flags from
tests/sim/cli_fuzz_flags.py). The work guard's limits are lowered so that heavy
combinations are refused at once rather than run; benchmarks/fuzz_cli.py runs many
more lines at the real limits, in real processes.
"""

from __future__ import annotations

import contextlib
import io
import os
import tempfile

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from sim.model import work_guard
from sim.cli.main import main
from tests.sim.cli_fuzz_flags import BASE, NUMERIC_FLAGS, SPECIAL_VALUES, TAIL

_VALUE = st.one_of(st.sampled_from(SPECIAL_VALUES),
                   st.floats(allow_nan=True, allow_infinity=True).map(repr),
                   st.integers(-(2 ** 70), 2 ** 70).map(str))


@st.composite
def flag_mixes(draw):
    """1-4 numeric flags with values; now and then one value short (a missing value)."""
    words = []
    for _ in range(draw(st.integers(1, 4))):
        flag = draw(st.sampled_from(sorted(NUMERIC_FLAGS)))
        count = NUMERIC_FLAGS[flag] - draw(st.sampled_from((0,) * 19 + (1,)))
        words += [flag] + draw(st.lists(_VALUE, min_size=count, max_size=count))
    return words


@pytest.fixture(scope="module")
def scratch():
    previous = os.getcwd()
    with tempfile.TemporaryDirectory() as folder:
        os.chdir(folder)
        yield folder
        os.chdir(previous)


@pytest.fixture(scope="module")
def small_limits():
    saved = work_guard.MAX_ITERATIONS, work_guard.MAX_LOOP_ITEMS
    work_guard.MAX_ITERATIONS, work_guard.MAX_LOOP_ITEMS = 10 ** 7, 10 ** 4
    yield
    work_guard.MAX_ITERATIONS, work_guard.MAX_LOOP_ITEMS = saved


def run_main(argv):
    """``python -m sim ARGV`` in this process: (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        rc = main(argv)
    return rc, out.getvalue(), err.getvalue()


@settings(max_examples=120, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(flags=flag_mixes())
def test_any_flag_mix_ends_in_an_image_or_one_error_line(scratch, small_limits, flags):
    argv = BASE + flags + TAIL
    rc, _, err = run_main(argv)
    lines = [line for line in err.splitlines() if line.strip()
             and not line.startswith(("WARNING:", "note:"))]
    assert "Traceback" not in err, err
    assert rc in (0, 2), f"exit {rc}: {err}"
    if rc == 2:
        assert len(lines) == 1 and lines[0].startswith("error: "), err
