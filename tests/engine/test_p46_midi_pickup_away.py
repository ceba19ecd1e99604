"""p46 stage QA: a learned CC moved while the pack playing had no such knob, then nudged once the knob came back,
jumped the knob to the fader (18.9 -> 0.2 dB on the factory drive): the pick-up still held the knob "in step"."""
from __future__ import annotations

from types import SimpleNamespace

from device.midi import KnobRanges, MidiMap
from device.midi_pickup import PickUp
from export.manifest import Knob

FADER, DRIVE = ("ctl", 0, 20), ("effect", "drive")


def test_a_control_moved_while_its_knob_was_away_is_not_in_step() -> None:
    pick = PickUp()
    pick.moved(FADER, 0.787)
    assert pick.claims(FADER, DRIVE, 0.787, None, 0.787)        # picked up at 0.787
    previous = pick.moved(FADER, 0.0)                            # pulled down while the knob was away
    assert previous == 0.787
    previous = pick.moved(FADER, 1 / 127)                        # nudged once the knob is back at 0.787
    assert not pick.claims(FADER, DRIVE, 0.787, previous, 1 / 127)
    previous = pick.moved(FADER, 0.79)                           # pushed through the knob's value: picked up
    assert pick.claims(FADER, DRIVE, 0.787, previous, 0.79)


def _manifest(knobs: list[Knob]) -> SimpleNamespace:
    return SimpleNamespace(name="drive" if knobs else "fuzz", knobs=knobs)


def test_midi_map_keeps_the_knob_through_a_pack_without_it() -> None:
    drive = Knob(name="drive", min=0.0, max=24.0, default=0.0)
    knobs = KnobRanges()
    knobs.loaded("effect", _manifest([drive]))
    midi = MidiMap(knobs=knobs)
    midi.bind(20, *DRIVE)
    cc = {"type": "control_change", "channel": 0, "control": 20}
    for value in (0, 50, 100):                                   # picked up at 0, follows to 100
        out = midi.translate({**cc, "value": value}, "ctl")
    assert out and out[0]["value"] > 18.0
    kept = knobs.values[DRIVE]
    knobs.loaded("effect", _manifest([]))                        # a pack with no knobs plays
    assert midi.translate({**cc, "value": 0}, "ctl") == []       # the fader pulled down meanwhile
    knobs.loaded("effect", _manifest([drive]))                   # the drive pack is back, its knob kept:
    knobs.set_value("effect", "drive", kept)
    assert midi.translate({**cc, "value": 1}, "ctl") == []       # no jump on the first nudge
    assert knobs.values[DRIVE] == kept
    assert midi.translate({**cc, "value": 101}, "ctl")[0]["value"] > kept     # through it: picked up again
