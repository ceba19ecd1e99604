"""p43 review: MidiMap._pad repeated the pick-up of MidiMap._knob; now one path (PickUp.claims) serves knobs and the
pad's axes alike."""
from __future__ import annotations

from device.midi_pickup import PICKUP, PickUp

KNOB, FADER, OTHER = ("hatbox", 0, 21), ("ctl", 0, 21), ("ctl", 1, 21)


def test_claims_takes_and_keeps_in_step() -> None:
    pick = PickUp()
    assert not pick.claims(FADER, ("fx", "drive"), 0.5, None, 0.9)             # far from the knob: not picked up
    assert pick.held == {}
    assert pick.claims(FADER, ("fx", "drive"), 0.5, None, 0.5 + PICKUP / 2)    # near it: picked up, held
    assert pick.held == {("fx", "drive"): (FADER, 0.5 + PICKUP / 2)}
    assert pick.claims(FADER, ("fx", "drive"), 0.5 + PICKUP / 2, 0.5, 0.9)     # in step: follows the jump
    assert not pick.claims(OTHER, ("fx", "drive"), 0.9, None, 0.1)             # another control resting elsewhere
    assert pick.claims(OTHER, ("fx", "drive"), 0.9, 0.8, 0.95)                 # ... until it crosses the value
    assert pick.held[("fx", "drive")] == (OTHER, 0.95)


def test_the_pad_is_picked_up_as_a_knob_is() -> None:
    from device.midi import KnobRanges, MidiMap
    knobs = KnobRanges()
    knobs.set_pad(0.5, 0.25)
    midi = MidiMap(knobs=knobs)
    midi.bind(21, "pad", "x")
    cc = {"type": "control_change", "channel": 0, "control": 21}
    assert midi.translate({**cc, "value": 127}, "ctl") == []                        # far from x = 0.5: not yet
    assert midi.translate({**cc, "value": 64}, "ctl") == [{"op": "xy", "x": 64 / 127, "y": 0.25}]   # crossed it
    assert midi.translate({**cc, "value": 127}, "ctl") == [{"op": "xy", "x": 1.0, "y": 0.25}]       # in step
    assert knobs.pad == (1.0, 0.25)
