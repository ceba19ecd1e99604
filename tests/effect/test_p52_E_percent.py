"""p52 QA2 #4: a knob typed as a percentage ("fuzz=70%") was told "give the number only: fuzz=70", itself out of the
knob's 0.2 .. 0.8 range.  The hint now takes the percentage along the knob's travel and says the range."""
from __future__ import annotations

from pathlib import Path

import pytest

from device.audio.effect import knob_number
from export.manifest import Knob
from hatbox.cli import main
from hatbox.errors import KnobError

FACTORY_EFFECT = Path(__file__).resolve().parents[2] / "factory" / "effect-drive.hatpack"
FUZZ = Knob(name="fuzz", min=0.2, max=0.8, default=0.5)
DRIVE = Knob(name="drive", min=0.0, max=24.0, default=12.0, unit="dB")
TONE = Knob(name="tone", min=1500.0, max=8000.0, default=3500.0, unit="Hz", scale="log")
MIX = Knob(name="mix", min=0.0, max=100.0, default=50.0)


@pytest.mark.parametrize("knob, text, said", [
    (FUZZ, "70%", "70 % of its travel, 0.2 to 0.8: fuzz=0.62"),
    (DRIVE, "50%", "50 % of its travel, 0 to 24 dB: drive=12"),
    (DRIVE, "100 %", "100 % of its travel, 0 to 24 dB: drive=24"),
    (TONE, "50%", "50 % of its travel, 1500 to 8000 Hz: tone=3464"),     # along a log knob's own travel
    (MIX, "70%", "give the number only: mix=70"),                           # a 0 .. 100 knob: the number itself
    (FUZZ, "170%", "it goes from 0.2 to 0.8: give a number in that range"),
    (FUZZ, "7dB", "give the number only: fuzz=7 (it goes from 0.2 to 0.8)"),
    (DRIVE, "20%", "dB); 20 % of its travel, 0 to 24 dB: drive=4.8"),        # p52 FR2: not drive=20 first
    (Knob(name="mix", min=0.0, max=1.0, default=0.5), "0.5%", "give the number only: mix=0.5, or for 0.5 % of its "
     "travel, 0 to 1: mix=0.01"),
])
def test_p52_E_a_percentage_is_told_as_a_value_in_the_knobs_range(knob, text, said):
    with pytest.raises(KnobError) as caught:
        knob_number(knob, text)
    assert str(caught.value).endswith(said)


def test_p52_E_the_suggested_value_is_in_range_and_taken():
    with pytest.raises(KnobError) as caught:
        knob_number(FUZZ, "70%")
    value = float(str(caught.value).rsplit("fuzz=", 1)[1])
    assert FUZZ.check(value) == pytest.approx(0.62)


def test_p52_E_render_says_it_for_the_factory_drive(tmp_path, capsys):
    rc = main(["render", str(FACTORY_EFFECT), "--input", str(tmp_path / "none.wav"), "--out",
               str(tmp_path / "out.wav"), "--knob", "drive=50%"])
    err = capsys.readouterr().err
    assert rc != 0 and "drive=12" in err and "drive=50\n" not in err and "Traceback" not in err
