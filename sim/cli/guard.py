"""How a command-line run ends: every way out is one line on stderr and an exit code.

=====  ==========================================================================
code   meaning
=====  ==========================================================================
0      done
1      ``--compare-trace``: the traces diverge
2      bad input, or a run refused as too large (``error: ...``)
3      internal error: a bug (``internal error: ... please report this``)
130    interrupted (SIGINT, Ctrl-C)
143    terminated (SIGTERM)
=====  ==========================================================================

SIGTERM is turned into an exception like Ctrl-C, so that the same clean-up runs (no output
file half written, no temporary left). ``--debug`` shows the traceback of an internal error.
"""

from __future__ import annotations

import shlex
import signal
import sys
import threading
import traceback
from contextlib import contextmanager
from typing import Callable, List

from sim.errors import InputError, SimulationCancelled

EXIT_INPUT = 2
EXIT_INTERNAL = 3
EXIT_SIGINT = 130
EXIT_SIGTERM = 143


class Terminated(BaseException):
    """SIGTERM arrived (a BaseException, like KeyboardInterrupt, so no handler eats it)."""


def run_guarded(run: Callable[[List[str]], int], argv: List[str]) -> int:
    """``run(argv)``, with each way it can fail turned into one line and an exit code."""
    try:
        with _sigterm_raises():
            return run(argv)
    except InputError as err:
        return _fail(f"error: {err}", EXIT_INPUT)
    except (SimulationCancelled, KeyboardInterrupt):
        return _fail("error: interrupted", EXIT_SIGINT)
    except Terminated:
        return _fail("error: terminated", EXIT_SIGTERM)
    except Exception as err:  # noqa: BLE001 - the last line of defence: a bug, reported
        if "--debug" in argv:
            traceback.print_exc()
        return _fail(internal_error_line(err, argv), EXIT_INTERNAL)


def internal_error_line(err: BaseException, argv: List[str]) -> str:
    """One line naming the error and asking for a report with the command line."""
    what = "out of memory" if isinstance(err, MemoryError) else f"{type(err).__name__}: {err}"
    what = " ".join(what.split())[:300]
    return (f"internal error: {what}; please report this with the command line: "
            f"python -m sim {shlex.join(argv)} (add --debug for the traceback)")


def _fail(line: str, code: int) -> int:
    print(line, file=sys.stderr)
    return code


def _raise_terminated(signum, frame):
    raise Terminated()


@contextmanager
def _sigterm_raises():
    """SIGTERM raises ``Terminated`` while the block runs (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
