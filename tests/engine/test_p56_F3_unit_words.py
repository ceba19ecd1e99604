"""p56 QA_B finding 5: a knob not carried to a pack whose knob of that name has a unit where the one set had none said
"pack 'hatbox-drive' has 'drive' in 'dB', not no unit".  It is said in plain words now, naming the pack the knob was
set on; units of two kinds keep their words ("in '%', not 'dB'")."""
from __future__ import annotations

from device.audio.held import SetKnob, in_units
from export.manifest import Knob


class _Unit:
    def __init__(self, *knobs: Knob) -> None:
        self.knobs = list(knobs)


def _why(set_in: str, pack_unit: str, on: str = "ds1") -> str:
    """Why DRIVE (0.9 in ``set_in``; "": a pack's knob of no unit) on pack ``on`` is not carried to pack hd."""
    fit = in_units(SetKnob("DRIVE", 0.9, set_in, on=on), _Unit(Knob("drive", 0.0, 24.0, 12.0, pack_unit)), "hd")
    assert isinstance(fit, str), fit
    return fit


def test_a_knob_set_with_no_unit_is_said_plainly() -> None:
    assert _why("", "dB") == "pack 'hd' has 'drive' in 'dB', while 'DRIVE' on 'ds1' has no unit"
    assert _why("", "dB", on="") == "pack 'hd' has 'drive' in 'dB', while 'DRIVE' has no unit"    # p56 FR1 6


def test_a_pack_knob_with_no_unit_is_said_plainly() -> None:
    assert _why("dB", "") == "pack 'hd' has 'drive' with no unit, not 'dB' (its unit on 'ds1')"


def test_units_of_two_kinds_keep_their_words() -> None:
    assert _why("%", "dB") == "pack 'hd' has 'drive' in 'dB', not '%'"
    assert "no unit" not in _why("%", "dB")
