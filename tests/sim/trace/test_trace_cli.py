"""``compare-trace``: table or JSON on stdout, exit 0 agree / 1 diverge / 2 bad input."""

import json

import pytest

from sim.trace.cli import compare_trace_main


@pytest.fixture
def logs(tmp_path, oversampled_log, scale_first_value):
    """(c.log, same.log, planted.log): a golden log, a copy, and one with lambda off by 1e-6."""
    text = oversampled_log.read_text(encoding="utf-8")
    same = tmp_path / "same.log"
    same.write_text(text, encoding="utf-8")
    planted = tmp_path / "planted.log"
    planted.write_text(scale_first_value(text, "lambda_meters", 1 + 1e-6), encoding="utf-8")
    return oversampled_log, same, planted


def test_agreeing_traces_exit_0_with_a_table(logs, capsys):
    c_log, same, _ = logs
    assert compare_trace_main([str(same), str(c_log)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].split()[:3] == ["quantity", "unit", "ours"]
    assert "shared quantities agree" in out


def test_diverging_traces_exit_1_naming_the_first_divergence(logs, capsys):
    c_log, _, planted = logs
    assert compare_trace_main([str(planted), str(c_log)]) == 1
    assert "first divergence: lambda_meters (occurrence 0)" in capsys.readouterr().out


def test_a_looser_rtol_lets_the_planted_change_agree(logs):
    c_log, _, planted = logs
    assert compare_trace_main([str(planted), str(c_log), "--rtol", "1e-5"]) == 0


def test_json_output_names_the_first_divergence(logs, capsys):
    c_log, _, planted = logs
    assert compare_trace_main([str(planted), str(c_log), "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["first_divergence"] == "lambda_meters"
    assert data["pixel"] == [256, 256]
    assert {"name", "occurrence", "unit", "ours", "c", "abs_diff", "rel_diff", "agree",
            "status"} == set(data["rows"][0])


def test_csv_output_has_a_header(logs, capsys):
    c_log, same, _ = logs
    assert compare_trace_main([str(same), str(c_log), "--csv"]) == 0
    assert capsys.readouterr().out.startswith("name,occurrence,unit,ours,c,")


def _bad(argv, capsys):
    assert compare_trace_main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.count("\n") == 1
    return captured.err


def test_a_missing_file_exits_2_with_one_line(logs, tmp_path, capsys):
    c_log, _, _ = logs
    err = _bad([str(tmp_path / "absent.log"), str(c_log)], capsys)
    assert "absent.log: no such file" in err


def test_a_log_for_another_pixel_exits_2(logs, tmp_path, small_log, capsys):
    c_log, _, _ = logs
    assert "different pixels" in _bad([str(small_log), str(c_log)], capsys)


@pytest.mark.parametrize("value", ["-1e-9", "-0.5", "abc", "nan"])
def test_a_bad_tolerance_exits_2_with_one_line(logs, capsys, value):
    c_log, same, _ = logs
    assert "--rtol" in _bad([str(same), str(c_log), "--rtol", value], capsys)


def test_missing_arguments_exit_2(capsys):
    assert "required" in _bad(["only_one.log"], capsys)
