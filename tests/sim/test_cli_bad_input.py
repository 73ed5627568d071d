"""``python -m sim`` with bad input: one short line on stderr naming the file (and line) or
option and the problem, exit code 2, no traceback, and no output file left behind."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.sim.test_cli_main import SMALL, folder_names, run_sim

#: Small input files a case can ask for: name -> content (None: a folder of that name).
FILES = {
    "bad.hkl": "1 2 3 100\n1 2 x 5\n",
    "bad.mat": "0.01 0 0\n0 zz 0\n0 0 0.01\n",
    "bad_src.txt": "0 0 1 1 1e-10\nfoo bar\n",
    "folder.hkl": None,
    "afile": "not a folder\n",
}

# (id, arguments after SMALL, input files, words the error line must contain)
CASES = [
    ("missing hkl", ["-hkl", "nope.hkl"], [], ["nope.hkl", "cannot read"]),
    ("missing matrix", ["-mat", "nope.mat"], [], ["nope.mat", "cannot read"]),
    ("missing sources", ["-sourcefile", "nope.txt"], [], ["nope.txt", "cannot read"]),
    ("unreadable hkl", ["-hkl", "folder.hkl"], ["folder.hkl"], ["folder.hkl", "cannot read"]),
    ("malformed hkl line", ["-hkl", "bad.hkl"], ["bad.hkl"], ["bad.hkl:2", "1 2 x 5"]),
    ("malformed matrix", ["-mat", "bad.mat"], ["bad.mat"], ["bad.mat:2", "zz"]),
    ("malformed source line", ["-sourcefile", "bad_src.txt"], ["bad_src.txt"],
     ["bad_src.txt:2", "foo"]),
    ("non-numeric value", ["-distance", "abc"], [], ["-distance", "abc"]),
    ("missing value", ["-distance"], [], ["-distance", "missing value"]),
    ("too few cell values", ["-cell", "100", "100", "-N", "1"], [], ["-cell", "6 numbers"]),
    ("impossible cell angles", ["-cell", "10", "10", "10", "10", "10", "170"], [],
     ["-cell", "impossible unit cell"]),
    ("zero cell length a", ["-cell", "0", "100", "100", "90", "90", "90"], [], ["cell", "positive"]),
    ("zero cell length b", ["-cell", "100", "0", "100", "90", "90", "90"], [], ["cell", "positive"]),
    ("cell angle of 180", ["-cell", "100", "100", "100", "90", "90", "180"], [],
     ["-cell", "angles"]),
    ("zero wavelength", ["-lambda", "0"], [], ["-lambda", "positive"]),
    ("zero energy", ["-energy", "0"], [], ["-energy", "positive"]),
    ("negative pixel", ["-pixel", "-1"], [], ["-pixel", "positive"]),
    ("zero detector size", ["-detpixels", "0"], [], ["-detpixels", "positive"]),
    ("trace pixel off the detector", ["-trace_pixel", "999", "0"], [], ["(999, 0)", "off the detector"]),
    ("trace pixel half given", ["-trace_pixel", "5"], [], ["-trace_pixel", "2 values"]),
    ("unwritable floatfile", ["-floatfile", "/nonexistent_dir/x.bin"], [],
     ["/nonexistent_dir/x.bin", "cannot write"]),
    ("unwritable intfile after a good floatfile", ["-floatfile", "x.bin", "-intfile", "nodir/x.img"],
     [], ["nodir/x.img", "cannot write"]),
    ("noisefile is a folder", ["-noisefile", "folder.hkl"], ["folder.hkl"],
     ["folder.hkl", "cannot write"]),
    ("pgmfile under a file", ["-pgmfile", "afile/x.pgm"], ["afile"], ["afile/x.pgm", "cannot write"]),
    ("trace folder under a file", ["-trace_pixel", "5", "5", "--trace-dir", "afile/traces"],
     ["afile"], ["afile/traces", "trace folder"]),
    ("missing C trace log",
     ["-trace_pixel", "5", "5", "-floatfile", "f.bin", "--compare-trace", "nope.log"], [], ["nope.log"]),
    ("compare without a traced pixel", ["--compare-trace", "nope.log"], [],
     ["--compare-trace", "-trace_pixel"]),
    ("bad dtype", ["--dtype", "float16"], [], ["--dtype", "float16"]),
    ("absent CUDA device", ["--device", "cuda:99"], [], ["--device cuda:99"]),
    ("unsupported option", ["-img", "x.img"], [], ["-img", "not supported"]),
]


def _make_files(folder: Path, names) -> None:
    for name in names:
        content = FILES[name]
        if content is None:
            (folder / name).mkdir()
        else:
            (folder / name).write_text(content)


def assert_one_error_line(run, words) -> str:
    assert run.rc == 2, f"exit {run.rc}\n{run.out}\n{run.err}"
    assert "Traceback" not in run.err
    errors = [line for line in run.err.splitlines() if not line.startswith("WARNING:")]
    assert len(errors) == 1, run.err
    line = errors[0]
    assert line.startswith("error: ") and len(line) < 200, line
    for word in words:
        assert word in line, f"{word!r} not in {line!r}"
    return line


@pytest.mark.parametrize("args, files, words", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_is_one_line_exit_2_and_no_files(in_scratch, args, files, words):
    _make_files(in_scratch, files)
    run = run_sim(*SMALL, *args)
    assert_one_error_line(run, words)
    assert folder_names(in_scratch) == set(files), "a failed run leaves no output behind"


def test_no_arguments_is_a_usage_line(in_scratch):
    assert_one_error_line(run_sim(), ["usage: python -m sim"])
    assert folder_names(in_scratch) == set()


def test_unknown_option_is_a_warning_and_the_run_goes_on(in_scratch):
    run = run_sim(*SMALL, "-bogus_option", "-nonoise", "-nopgm")
    assert run.rc == 0, run.err
    assert all(line.startswith("WARNING:") for line in run.err.splitlines())
    assert "-bogus_option" in run.err
    assert folder_names(in_scratch) == {"floatimage.bin", "intimage.img"}


def test_a_leftover_fdump_file_is_ignored_with_a_warning(in_scratch):
    """The C reads ./Fdump.bin silently when no -hkl is given; we ignore it and say so."""
    (in_scratch / "Fdump.bin").write_bytes(b"0 0 0 0 0 0\n\f")
    run = run_sim(*SMALL, "-nonoise", "-nopgm")
    assert run.rc == 0, run.err
    assert "ignoring ./Fdump.bin" in run.err
    with_hkl = run_sim(*SMALL, "-nonoise", "-nopgm", "-hkl", "missing.hkl")
    assert "Fdump.bin" not in with_hkl.err


def test_a_failed_write_removes_the_files_written_before_it(in_scratch, monkeypatch):
    """A write that fails after the checks (disk full, a folder removed meanwhile)."""
    import sim.io.outputs
    from sim.cli.main import main
    from sim.errors import InputError

    def full_disk(path, *args, **kwargs):
        raise InputError("cannot write: No space left on device", path)

    monkeypatch.setattr(sim.io.outputs, "write_pgm", full_disk)
    assert main([*SMALL, "-nonoise"]) == 2
    assert folder_names(in_scratch) == set()
