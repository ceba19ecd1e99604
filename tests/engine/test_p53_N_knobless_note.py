"""p53 QA #1: `hatbox box-pack qa-od --activate` (a pack with no knobs) while 'hatbox-drive' played at drive 24 dB,
tone 8000 Hz printed a warning per knob, each ending "pack 'qa-od' has no knobs (asked for 'drive')".  Now one line
says both and that they are kept (a roll back carries them); a knob a pack with other knobs lacks is still named
one a line, its reason naming the pack's knobs, not again the knob."""
from __future__ import annotations

from device.audio.held import SetKnob, carry_notes
from export.manifest import Knob
from hatbox.status_report import slot_warning_lines

BOTH = "'qa-od' has no knobs: drive (24 dB) and tone (8000 Hz), set on 'drive-a', are kept for a pack that has them"


class _Unit:
    def __init__(self, *knobs: Knob) -> None:
        self.knobs = list(knobs)


def _set(name: str, value: float, unit: str | None, **kw: object) -> tuple[SetKnob, str]:
    return SetKnob(name, value, unit, **kw), "refused"      # (the unit's own words: not used for a missing knob)


def test_a_pack_with_no_knobs_gets_one_note_for_the_knobs_it_keeps() -> None:
    dropped = [_set("drive", 24.0, "dB", on="drive-a"), _set("tone", 8000.0, "Hz", on="drive-a")]
    assert carry_notes(dropped, _Unit(), "drive-a", "qa-od") == [BOTH]
    one = carry_notes([_set("drive", 24.0, "dB", restored=True)], _Unit(), "drive-a", "qa-od")
    assert one == ["'qa-od' has no knobs: drive (24 dB), as it was on 'drive-a' when the box stopped, is kept for a "
                   "pack that has it"]
    mixed = carry_notes([_set("drive", 24.0, "dB", on="a"), _set("tone", 8e3, "Hz", on="b"),
                         _set("level", 3.0, None, during_load=True)], _Unit(), "a", "qa-od")
    assert mixed == ["'qa-od' has no knobs: drive (24 dB on 'a') and tone (8000 Hz on 'b') are kept for a pack "
                     "that has them", "knob 'level' turned to 3 while 'qa-od' loaded was dropped: it has no knobs"]


def test_a_knob_a_pack_with_other_knobs_lacks_is_named_once_a_line() -> None:
    unit = _Unit(Knob("drive", 0.0, 24.0, 12.0, "dB"), Knob("sustain", 0.0, 1.0, 0.5))
    assert carry_notes([_set("tone", 5000.0, "Hz", on="drive-a")], unit, "drive-a", "muff") == [
        "knob 'tone' set to 5000 Hz on 'drive-a' was not carried to 'muff': it has no knob of that name (its knobs: "
        "drive, sustain); kept for a pack that has it"]
    ranged = carry_notes([_set("drive", 30.0, "dB", on="drive-a")], unit, "drive-a", "muff")
    assert ranged == ["knob 'drive' set to 30 dB on 'drive-a' was not carried to 'muff': refused; it starts at its "
                      "default 12 dB"]


def test_hatbox_status_says_when_the_one_line_was_noted() -> None:
    s = {"active": {"effect": "effect-qa-od-1"}, "packs": [{"id": "effect-qa-od-1", "activated_ago_s": 60.0}]}
    eng = {"active": {"effect": {"name": "qa-od", "warnings": [BOTH]}}}
    (line,) = slot_warning_lines(s, eng)
    assert line.startswith(BOTH + " (at ") and line.endswith(", when it was made active)")
