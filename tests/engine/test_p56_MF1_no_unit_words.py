"""p56 final read FR1 finding 6: device/audio/held.units_apart read a knob with no pack name (``on`` "") as one
turned while a pack loaded ("'DRIVE' was turned with no unit"), but SetKnob says that in ``during_load``; ``on`` is
also empty for a knobs.json entry without "on" and for a knob set on a slot with no pack name yet, and for those
the note (not_carried) says "set on '<the old pack>'".  Now only a knob turned while the pack loaded is said to have
been turned so; another with no pack name "has no unit"."""
from __future__ import annotations

from device.audio.held import KnobMemory, SetKnob, in_units
from export.manifest import Knob


class _Unit:
    def __init__(self, *knobs: Knob) -> None:
        self.knobs = list(knobs)


HD = _Unit(Knob("drive", 0.0, 24.0, 12.0, "dB"))


def test_a_knob_set_with_no_pack_name_is_not_said_to_be_turned_while_loading() -> None:
    fit = in_units(SetKnob("DRIVE", 0.9, "", on=""), HD, "hd")
    assert fit == "pack 'hd' has 'drive' in 'dB', while 'DRIVE' has no unit", fit


def test_a_knob_turned_while_the_pack_loaded_is_said_so() -> None:
    fit = in_units(SetKnob("DRIVE", 0.9, "", during_load=True), HD, "hd")
    assert fit == "pack 'hd' has 'drive' in 'dB', while 'DRIVE' was turned with no unit", fit


def test_a_knob_the_memory_saw_before_the_slot_had_a_pack_name() -> None:
    memory = KnobMemory()
    memory.saw("fx", _Unit(Knob("DRIVE", 0.0, 1.0, 0.5, "")), "DRIVE", 0.9)     # no pack name for "fx" yet
    (knob,) = memory.plan("fx", {})
    assert knob.on == "" and not knob.during_load
    fit = in_units(knob, HD, "hd")
    assert isinstance(fit, str) and "turned" not in fit and "has no unit" in fit, fit
