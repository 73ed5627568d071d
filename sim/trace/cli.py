"""``python -m sim compare-trace OURS.log C.log``: compare two pixel traces.

Prints the comparison table (or JSON, or CSV) and returns the exit status: 0 when every
shared quantity agrees, 1 when the traces diverge, 2 for bad input (one line on stderr).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from typing import List, Optional, Sequence

from sim.agreement import TRACE_ATOL, TRACE_RTOL
from sim.errors import InputError
from sim.trace.c_log import load_trace_log
from sim.trace.compare import compare_traces, format_table, to_csv

EXIT_AGREE = 0
EXIT_DIVERGE = 1
EXIT_BAD_INPUT = 2
_VALUE_OPTIONS = ("--rtol", "--atol")


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser that raises InputError instead of printing usage and exiting."""

    def error(self, message: str) -> None:
        raise InputError(message)


def compare_trace_main(argv: Optional[Sequence[str]] = None) -> int:
    """Run ``compare-trace`` with ``argv`` (the arguments after the subcommand)."""
    try:
        args = _parser().parse_args(_join_option_values(sys.argv[1:] if argv is None else argv))
        ours = load_trace_log(args.ours)
        theirs = load_trace_log(args.theirs)
        comparison = compare_traces(ours, theirs, rtol=args.rtol, atol=args.atol)
    except InputError as err:
        print(f"compare-trace: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except SystemExit as done:
        return int(done.code or 0)
    if args.json:
        print(json.dumps(comparison.to_json(), indent=1))
    elif args.csv:
        sys.stdout.write(to_csv(comparison))
    else:
        sys.stdout.write(format_table(comparison))
    return EXIT_AGREE if comparison.first_divergence is None else EXIT_DIVERGE


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m sim compare-trace",
                     description="Compare our trace of one pixel with the C program's.")
    parser.add_argument("ours", help="our trace log (TRACE_PY lines)")
    parser.add_argument("theirs", metavar="c_log",
                        help="the C program's log of the same pixel (TRACE_C lines)")
    parser.add_argument("--rtol", type=_tolerance, default=TRACE_RTOL,
                        help=f"relative tolerance, scaled to each vector's norm (default {TRACE_RTOL:g})")
    parser.add_argument("--atol", type=_tolerance, default=TRACE_ATOL,
                        help=f"absolute tolerance where the two values bracket zero (default {TRACE_ATOL:g})")
    output = parser.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="print the comparison as JSON")
    output.add_argument("--csv", action="store_true", help="print the comparison as CSV")
    return parser


def _join_option_values(argv: Sequence[str]) -> List[str]:
    """Write ``--rtol X`` as ``--rtol=X``, so that argparse takes ``X`` even when it
    starts with '-' (it would read ``-1e-9`` as an unknown option)."""
    joined: List[str] = []
    args = iter(argv)
    for arg in args:
        if arg in _VALUE_OPTIONS:
            arg = f"{arg}={next(args, '')}"
        joined.append(arg)
    return joined


def _tolerance(text: str) -> float:
    """A tolerance: a finite number >= 0."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(f"must be a finite number >= 0, got {text!r}")
    return value


if __name__ == "__main__":
    sys.exit(compare_trace_main())
