"""p52 QA2 #6: "knob ... was not carried" warnings piled up on every push and switch for knobs of pedals played long
ago.  The knob memory (device/audio/held.py) now marks a knob a switch dropped as ``told``; a later switch to a pack
with no knob of that name does not say it again (held.untold, asked by Engine._carry), a pack that has the knob but
cannot take the value still says so, and a knob carried again is new again.

Each switch goes through the real engine's install (its _carry, _refusal and knob memory: p52 review R4 #5; the tests
had a copy of _carry's logic, which could drift from the engine's while they stayed green)."""
from __future__ import annotations

import re

from device.audio.engine import Engine, EngineConfig
from device.audio.held import SetKnob, knob_spec
from export.manifest import Knob
from hatbox.errors import KnobError


class _Unit:
    """An effect as the engine's knob carrying sees one: its ``knobs``, and ``set_knob`` refusing, as
    EffectProcessor does (manifest.knob, Knob.check), a knob it lacks or a value outside its range."""

    def __init__(self, *knobs: Knob) -> None:
        self.knobs = list(knobs)
        self.values: dict[str, float] = {}

    def set_knob(self, name: str, value: float) -> None:
        spec = knob_spec(self, name)
        if spec is None:
            raise KnobError(f"pack has no knob '{name}'")
        self.values[spec.name] = spec.check(float(value))


FUZZ = (Knob("fuzz", 0.2, 0.8, 0.5), Knob("level", 0.0, 1.0, 0.5))
MUFF = (Knob("sustain", 0.0, 1.0, 0.5),)
NARROW = (Knob("fuzz", 0.2, 0.4, 0.3),)


def _engine() -> Engine:
    return Engine(EngineConfig(rate=48000, block=128, xfade_s=0.0, live_input=False))


def _turn(engine: Engine, name: str, value: float) -> None:
    """The player turns effect knob ``name`` (a control message to the engine)."""
    engine.handle({"op": "knob", "slot": "effect", "name": name, "value": value})


def _switch(engine: Engine, pack: str, knobs: tuple[Knob, ...], turned: dict | None = None) -> list[str]:
    """Install a unit with ``knobs`` as pack ``pack`` in the engine's effect slot (``turned``: knobs turned while it
    loaded); the names of the knobs the switch's warnings say were not carried."""
    engine.begin_load("effect")
    for name, value in (turned or {}).items():
        _turn(engine, name, value)
    engine.install("effect", _Unit(*knobs), {"name": pack})
    engine.end_load("effect")
    said = engine._knob_info["effect"].get("warnings", [])
    return [name for line in said for name in _knobs_in(line)]


def _knobs_in(line: str) -> list[str]:
    """The knobs a switch's note names: "knob 'fuzz' set to ...", or the one note for several a pack without them
    keeps (p53: "'muff' has no fuzz or level (its knobs: sustain): fuzz (0.3) and level (0.8), set on 'fuzz', are
    kept ...")."""
    if (m := re.match(r"knob '([^']+)'", line)):
        return [m.group(1)]
    if not re.match(r"'[^']+' has no ", line):
        return []
    items = re.split(r"\): |has no knobs: ", line, maxsplit=1)[-1]
    items = re.split(r", set on | (?:are|is) kept | as (?:they were|it was) ", items)[0]
    return re.findall(r"(\w+) \(", items)


def test_p52_E_a_dropped_knob_is_said_once_not_at_every_later_switch():
    engine = _engine()
    memory = engine.knob_memory
    assert _switch(engine, "fuzz", FUZZ) == []
    _turn(engine, "fuzz", 0.3)
    _turn(engine, "level", 0.8)
    assert _switch(engine, "muff", MUFF) == ["fuzz", "level"]          # the switch that drops them says it
    assert all(k.told for k in memory.knobs["effect"].values())
    assert _switch(engine, "knob", MUFF) == []                          # before: both again, at every switch
    assert _switch(engine, "muff", MUFF) == []
    assert _switch(engine, "fuzz", FUZZ) == []                          # the roll back carries them
    assert {k.name: k.value for k in memory.knobs["effect"].values()} == {"fuzz": 0.3, "level": 0.8}
    assert _switch(engine, "muff", MUFF) == ["fuzz", "level"]          # carried, then dropped again: said again


def test_p52_E_a_pack_that_has_the_knob_but_not_the_value_says_so():
    engine = _engine()
    _switch(engine, "fuzz", FUZZ)
    _turn(engine, "fuzz", 0.7)
    assert _switch(engine, "muff", MUFF) == ["fuzz"]
    assert _switch(engine, "narrow", NARROW) == ["fuzz"]                # its own fuzz starts at its default


def test_p52_E_a_knob_turned_while_a_pack_loads_is_said():
    engine = _engine()
    _switch(engine, "fuzz", FUZZ)
    _turn(engine, "fuzz", 0.3)
    _switch(engine, "muff", MUFF)
    assert _switch(engine, "knob", MUFF, turned={"fuzz": 0.5}) == ["fuzz"]


def test_p52_E_knobs_held_at_a_start_are_told_only_when_a_pack_plays():
    held = [SetKnob("fuzz", 0.3, "", on="fuzz")]
    playing = _engine()
    _switch(playing, "muff", MUFF)
    playing.knob_memory.hold("effect", held)           # the box started 'muff'; fuzz was kept for the fuzz pack
    assert playing.knob_memory.knobs["effect"]["fuzz"].told
    assert _switch(playing, "knob", MUFF) == []
    empty = _engine()
    empty.knob_memory.hold("effect", held)             # an empty slot: the first pack says what it does not take
    assert not empty.knob_memory.knobs["effect"]["fuzz"].told
    assert _switch(empty, "muff", MUFF) == ["fuzz"]
