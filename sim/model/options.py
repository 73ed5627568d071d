"""The option table: every config field with the ``Option`` it declares in ``sim.model.config``.

``OPTIONS`` holds one ``Entry`` per field, in the config's order (crystal, beam, detector,
output, then ``SimConfig``'s own fields), with what the field's type says: the type of one
value, how many values (a tuple field's length) and whether ``None`` (auto) is allowed.
The formatter (``sim.cli.format``), the viewer's parameter panel (``app.params``), the
differentiable parameters (``sim.model.params``) and the validation messages read it; how to
add a parameter is in ``sim.model.config``'s docstring. No torch, no Qt.
"""

from __future__ import annotations

import dataclasses
import typing
from dataclasses import dataclass
from typing import Any, Dict, Mapping, Optional, Tuple

from sim.model.config import OPTION, Option, SimConfig

Key = Tuple[Optional[str], str]


@dataclass(frozen=True)
class Entry:
    """One config field: ``section`` (the SimConfig field holding it, None for SimConfig's
    own), ``name``, its ``option``, ``default``, ``kind`` (float, int, str, bool or the Enum
    of one value), ``size`` (values in a tuple field, 1 for a single value) and ``optional``
    (None allowed)."""

    section: Optional[str]
    name: str
    option: Option
    default: Any
    kind: type
    size: int
    optional: bool

    @property
    def key(self) -> Key:
        return (self.section, self.name)

    @property
    def flags(self) -> Tuple[str, ...]:
        """Every flag that sets the field: value flags, axis flags, then switches' first words."""
        switches = self.option.switches or {}
        return (self.option.flags + self.option.axis_flags
                + tuple(words.split()[0] for words in switches.values()))

    def value(self, config: SimConfig):
        """The field's value in ``config``."""
        holder = config if self.section is None else getattr(config, self.section)
        return getattr(holder, self.name)


def _one_value(hint) -> Tuple[type, bool]:
    """``Optional[X]`` -> (X, True); X -> (X, False)."""
    if typing.get_origin(hint) is typing.Union:
        return next(a for a in typing.get_args(hint) if a is not type(None)), True
    return hint, False


def _entry(section: Optional[str], field: dataclasses.Field, hint) -> Entry:
    kind, optional = _one_value(hint)
    size = 1
    if typing.get_origin(kind) is tuple:
        items = typing.get_args(kind)
        kind, size = _one_value(items[0])[0], len(items)
    return Entry(section, field.name, field.metadata[OPTION], field.default, kind, size, optional)


def _entries(holder: type, section: Optional[str]):
    hints = typing.get_type_hints(holder)
    for f in dataclasses.fields(holder):
        if OPTION in f.metadata:
            yield _entry(section, f, hints[f.name])
        elif section is None:
            yield from _entries(hints[f.name], f.name)
        else:
            raise TypeError(f"{holder.__name__}.{f.name} declares no option")


#: Every config field, in the config's order.
OPTIONS: Tuple[Entry, ...] = tuple(_entries(SimConfig, None))
_BY_KEY: Dict[Key, Entry] = {e.key: e for e in OPTIONS}


def entry(section: Optional[str], name: str) -> Entry:
    """The entry of field ``name`` of ``section`` (None: a field of SimConfig itself)."""
    return _BY_KEY[(section, name)]


def flag_name(section: Optional[str], name: str) -> str:
    """The flag a message names for a field: its first flag, or all its axis flags."""
    e = entry(section, name)
    return "/".join(e.option.axis_flags) if e.option.axis_flags and not e.option.flags else e.flags[0]


def replaced(config: SimConfig, values: Mapping[Key, Any]) -> SimConfig:
    """``config`` with the fields named by (section, name) keys set to ``values``."""
    sections: Dict[Optional[str], Dict[str, Any]] = {}
    for (section, name), value in values.items():
        sections.setdefault(section, {})[name] = value
    changed = sections.pop(None, {})
    changed.update({s: dataclasses.replace(getattr(config, s), **fields)
                    for s, fields in sections.items()})
    return dataclasses.replace(config, **changed) if changed else config
