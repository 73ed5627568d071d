"""The glibc malloc tuning that keeps eager CPU runs from page-faulting every chunk."""

import sys

import pytest

from sim.kernel.host_memory import keep_freed_memory


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt is Linux-only")
def test_thresholds_are_accepted_once_per_process():
    assert keep_freed_memory() is True
    assert keep_freed_memory() is True
