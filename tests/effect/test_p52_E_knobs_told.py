"""p52 QA2 #6: "knob ... was not carried" warnings piled up on every push and switch for knobs of pedals played long
ago.  The knob memory (device/audio/held.py) now marks a knob a switch dropped as ``told``; a later switch to a pack
with no knob of that name does not say it again (held.untold: the engine's handover, /tmp/p52/fix/E-handover.patch),
a pack that has the knob but cannot take the value still says so, and a knob carried again is new again."""
from __future__ import annotations

from types import SimpleNamespace

from device.audio.held import KnobMemory, SetKnob, untold
from export.manifest import Knob

FUZZ = SimpleNamespace(knobs=[Knob("fuzz", 0.2, 0.8, 0.5), Knob("level", 0.0, 1.0, 0.5)])
MUFF = SimpleNamespace(knobs=[Knob("sustain", 0.0, 1.0, 0.5)])
NARROW = SimpleNamespace(knobs=[Knob("fuzz", 0.2, 0.4, 0.3)])


def _switch(memory: KnobMemory, pack: str, unit: SimpleNamespace, turned: dict | None = None) -> list[str]:
    """What the engine does at a switch (Engine._carry with the handover): the knobs ``unit`` takes, and the names of
    those it says it does not take."""
    said, kept = [], []
    for knob in memory.plan("effect", turned or {}):
        spec = next((k for k in unit.knobs if k.name == knob.name), None)
        if spec is not None and spec.min <= knob.value <= spec.max:
            kept.append(knob)
        elif untold(knob, unit):
            said.append(knob.name)
    memory.installed("effect", pack, unit, kept)
    return said


def test_p52_E_a_dropped_knob_is_said_once_not_at_every_later_switch():
    memory = KnobMemory()
    assert _switch(memory, "fuzz", FUZZ) == []
    memory.saw("effect", FUZZ, "fuzz", 0.3)
    memory.saw("effect", FUZZ, "level", 0.8)
    assert _switch(memory, "muff", MUFF) == ["fuzz", "level"]          # the switch that drops them says it
    assert all(k.told for k in memory.knobs["effect"].values())
    assert _switch(memory, "knob", MUFF) == []                          # before: both again, at every switch
    assert _switch(memory, "muff", MUFF) == []
    assert _switch(memory, "fuzz", FUZZ) == []                          # the roll back carries them
    assert {k.name: k.value for k in memory.knobs["effect"].values()} == {"fuzz": 0.3, "level": 0.8}
    assert _switch(memory, "muff", MUFF) == ["fuzz", "level"]          # carried, then dropped again: said again


def test_p52_E_a_pack_that_has_the_knob_but_not_the_value_says_so():
    memory = KnobMemory()
    _switch(memory, "fuzz", FUZZ)
    memory.saw("effect", FUZZ, "fuzz", 0.7)
    assert _switch(memory, "muff", MUFF) == ["fuzz"]
    assert _switch(memory, "narrow", NARROW) == ["fuzz"]                # its own fuzz starts at its default


def test_p52_E_a_knob_turned_while_a_pack_loads_is_said():
    memory = KnobMemory()
    _switch(memory, "fuzz", FUZZ)
    memory.saw("effect", FUZZ, "fuzz", 0.3)
    _switch(memory, "muff", MUFF)
    assert _switch(memory, "knob", MUFF, turned={"fuzz": 0.5}) == ["fuzz"]


def test_p52_E_knobs_held_at_a_start_are_told_only_when_a_pack_plays():
    held = [SetKnob("fuzz", 0.3, "", on="fuzz")]
    playing = KnobMemory()
    playing.installed("effect", "muff", MUFF, [])
    playing.hold("effect", held)                       # the box started 'muff'; fuzz was kept for the fuzz pack
    assert playing.knobs["effect"]["fuzz"].told
    empty = KnobMemory()
    empty.hold("effect", held)                         # an empty slot: the first pack says what it does not take
    assert not empty.knobs["effect"]["fuzz"].told
    assert _switch(empty, "muff", MUFF) == ["fuzz"]
