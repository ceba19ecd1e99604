"""p55 R3 review 4, 8: the panel's dial rounded a knob's value to a hundredth of its range ("3.6 dB") while the note
on a knob a switched-in pack did not take kept three significant digits ("set to 3.56 dB"): two readings of one
knob.  Both now use device/knob_words.py; where the note cannot know the dial's range, the old rule.  And a value
that is not 0 never reads "0" ("<0.01 s": 1 ms on a 0..1 s knob read "0 s", which is off to a player)."""
from __future__ import annotations

import pytest

from device.audio.held import KnobMemory, SetKnob, carry_notes, not_carried
from device.knob_words import knob_number
from device.ui.pages.effect import format_value
from export.manifest import Knob

DRIVE = Knob("drive", 0.0, 24.0, 6.0, "dB")


class _Unit:
    def __init__(self, *knobs: Knob) -> None:
        self.knobs = list(knobs)


def _dropped(value: float, new: _Unit) -> list[str]:
    """The notes of a switch to ``new`` after the player set drive to ``value`` on a pack with DRIVE."""
    memory = KnobMemory()
    memory.installed("effect", "hatbox-drive", _Unit(DRIVE), [])
    memory.saw("effect", _Unit(DRIVE), "drive", value)
    knob = memory.plan("effect", {})[0]
    return carry_notes([(knob, "refused")], new, "hatbox-drive", "muff")


@pytest.mark.parametrize("value", [3.56375, 0.0398611, 20.94, 6.5])
def test_the_note_reads_the_value_as_the_dial_shows_it(value: float) -> None:
    shown = format_value(DRIVE, value)
    note, = _dropped(value, _Unit(Knob("gain", 0.0, 1.0, 0.5)))
    assert f"knob 'drive' set to {shown} on 'hatbox-drive'" in note, (shown, note)
    kept, = _dropped(value, _Unit())                                  # the one note of a pack without knobs
    assert f"drive ({shown})" in kept, (shown, kept)


def test_the_default_reads_as_the_new_pack_s_dial_shows_it() -> None:
    small = Knob("drive", 0.0, 1.0, 0.123456, "dB")
    note, = _dropped(12.7675, _Unit(small))
    assert "set to 12.8 dB" in note and note.endswith(f"it starts at its default {format_value(small, 0.123456)}")
    assert note.endswith("it starts at its default 0.12 dB")


def test_where_the_dial_is_not_known_the_note_keeps_three_significant_digits() -> None:
    note = not_carried(SetKnob("drive", 3.56375, "dB", on="a"), _Unit(), "", "b", "")   # e.g. kept over a restart
    assert "set to 3.56 dB" in note
    assert knob_number(3.56375) == "3.56" and knob_number(3.56375, 0.0, 24.0) == "3.6"


def test_a_value_that_is_not_zero_never_reads_zero() -> None:
    seconds = Knob("time", 0.0, 1.0, 0.5, "s")
    assert [format_value(seconds, v) for v in (0.001, 0.004, 0.0049)] == ["<0.01 s"] * 3
    assert format_value(seconds, 0.0) == "0 s" and format_value(seconds, 0.005) == "0.01 s"
    assert format_value(Knob("gain", -12.0, 12.0, 0.0, "dB"), -0.03) == ">-0.1 dB"
    assert format_value(Knob("gain", -12.0, 12.0, 0.0, "dB"), -0.0) == "0 dB"
    assert format_value(Knob("rate", 0.0, 48000.0, 0.0, "Hz"), 0.4) == "<1 Hz"
    assert format_value(Knob("tone", 20.0, 20000.0, 1000.0, "Hz", "log"), 21.37) == "21.4 Hz"    # log: as before
