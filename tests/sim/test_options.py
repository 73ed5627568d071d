"""The option table (``sim.model.options``) covers every config field, and what is derived from
it agrees with the C argument loop: each table flag sets its field, each field survives the
formatter's round trip alone, units match the field names, differentiable fields are floats."""

import dataclasses
import enum

import pytest

from sim.cli.args import format_args, parse_args
from sim.cli.options import run_c_loop
from sim.model.config import Convention, SimConfig
from sim.model.options import OPTIONS, entry, flag_name, replaced
from sim.model.params import DIFFERENTIABLE, field_shape

#: The unit each name suffix stands for (the names carry units; the table shows them).
SUFFIX_UNITS = {"_A_deg": "\u00c5, \u00b0", "_mm": "mm", "_A": "\u00c5", "_deg": "\u00b0",
                "_um": "\u00b5m", "_mrad": "mrad", "_pct": "%", "_per_m2": "photons/m\u00b2",
                "_per_s": "photons/s", "_s": "s", "_px": "px", "_m": "m"}
IDS = [f"{e.section}.{e.name}" for e in OPTIONS]


def _config_fields():
    """(section, name) of every field of SimConfig and of its sections, read from dataclasses."""
    config = SimConfig()
    for f in dataclasses.fields(config):
        if dataclasses.is_dataclass(getattr(config, f.name)):
            yield from ((f.name, g.name) for g in dataclasses.fields(getattr(config, f.name)))
        else:
            yield (None, f.name)


def test_the_table_has_every_config_field_with_a_flag_label_and_tip():
    assert [e.key for e in OPTIONS] == list(_config_fields())
    for e in OPTIONS:
        assert e.flags and e.option.label and e.option.tip, e.key
        assert all(flag.startswith("-") for flag in e.flags), e.key


@pytest.mark.parametrize("e", OPTIONS, ids=IDS)
def test_every_flag_of_the_table_sets_its_field(e):
    for flag in e.option.flags + e.option.axis_flags:
        value = next(iter(e.kind)).value if issubclass(e.kind, enum.Enum) else "2"
        state = run_c_loop([flag] + [value] * 6)
        assert e.name in state.fields[e.section], flag
    for value, words in (e.option.switches or {}).items():
        if e.section is None:
            assert e.value(parse_args(words.split()).config) == value, words
        else:
            assert run_c_loop(words.split() + ["2"]).get(e.section, e.name) == value, words


def _sample(kind, i):
    return {float: 2.5 + i, int: 3 + i, str: f"file{i}.txt"}[kind]


def _samples(e):
    """Values other than the default: every other choice, or numbers/texts (a tuple's all
    different and all equal, which the formatter writes differently)."""
    if e.kind is bool:
        return [v for v in (True, False) if v != e.default]
    if issubclass(e.kind, enum.Enum):
        return [m for m in e.kind if m != e.default and m is not Convention.CUSTOM]
    if e.size == 1:
        return [_sample(e.kind, 0)]
    return [tuple(_sample(e.kind, i) for i in range(e.size)), (_sample(e.kind, 0),) * e.size]


@pytest.mark.parametrize("e", OPTIONS, ids=IDS)
def test_every_field_alone_survives_format_then_parse(e):
    # CUSTOM needs a vector flag: tests/sim/test_cli_args.py writes it with one.
    for value in _samples(e):
        config = replaced(SimConfig(), {e.key: value})
        assert e.value(config) == value
        assert parse_args(format_args(config)).config == config, format_args(config)


def test_units_agree_with_the_names():
    for e in OPTIONS:
        suffix = next((s for s in SUFFIX_UNITS if e.name.endswith(s)), None)
        assert e.option.unit == (SUFFIX_UNITS[suffix] if suffix else ""), e.key


def test_differentiable_fields_are_floats_named_once():
    assert DIFFERENTIABLE
    names = [e.name for e in OPTIONS]
    for name in DIFFERENTIABLE:
        (e,) = [e for e in OPTIONS if e.name == name]
        assert e.kind is float and names.count(name) == 1
        assert field_shape(name) == (() if e.size == 1 else (e.size,))
    assert field_shape("cell_A_deg") == (6,) and field_shape("distance_mm") == ()


def test_messages_name_a_flag():
    assert flag_name("detector", "distance_mm") == "-distance"
    assert flag_name("detector", "rot_deg") == "-detector_rotx/-detector_roty/-detector_rotz"
    assert flag_name("detector", "curved") == "-curved_det"
    assert entry(None, "phi0_reuse").flags == ("--no-phi0-reuse",)
