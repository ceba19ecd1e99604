"""Fortieth stop's effect QA: `hatbox render --knob tone=3MHz` said "give the number only: tone=3" and
`--knob tone=1,5kHz` said "tone=1"; the suggestion is now the value in the knob's unit, or the number with a point,
or no number at all when none can be trusted."""
from __future__ import annotations

from pathlib import Path

import pytest

from device.audio.effect import knob_number
from export.manifest import Knob
from hatbox.cli import main
from hatbox.errors import KnobError

FACTORY_EFFECT = Path(__file__).resolve().parents[2] / "factory" / "effect-drive.hatpack"
TONE = Knob(name="tone", min=1500.0, max=8000.0, default=3500.0, unit="Hz")
TIME = Knob(name="time", min=1.0, max=500.0, default=3.0, unit="ms")
MIX = Knob(name="mix", min=0.0, max=1.0, default=0.5)


@pytest.mark.parametrize("knob,text,said", [
    (TONE, "3MHz", "give the number in Hz: tone=3000000"),
    (TIME, "200us", "give the number in ms: time=0.2"),
    (TONE, "1,5kHz", "write the decimal with a point: tone=1.5kHz"),
    (TONE, "1,5", "write the decimal with a point: tone=1.5"),
    (MIX, "-,5", "write the decimal with a point: mix=-0.5"),
    (TONE, "1,500", "tone=1.500 (or tone=1500, if the comma separates thousands)"),
])
def test_the_suggestion_is_the_value_the_text_means(knob: Knob, text: str, said: str) -> None:
    with pytest.raises(KnobError) as caught:
        knob_number(knob, text)
    assert said in str(caught.value)


@pytest.mark.parametrize("text", ["3..5", "3-5", "3.5.1"])
def test_no_number_is_suggested_when_none_can_be_trusted(text: str) -> None:
    with pytest.raises(KnobError) as caught:
        knob_number(TONE, text)
    said = str(caught.value)
    assert said.endswith("give a plain number in Hz") and "tone=" not in said


def test_units_of_the_knob_with_a_prefix_are_still_read() -> None:
    from device.audio.effect import prefixed_scale
    assert knob_number(TONE, "3kHz") == 3000.0 and knob_number(TIME, "0.2s") == 200.0
    assert prefixed_scale("MHz", "Hz") == 1e6 and prefixed_scale("us", "ms") == pytest.approx(1e-3)
    assert prefixed_scale("dB", "Hz") is None


def test_render_says_it_in_one_line(tmp_path: Path, capsys) -> None:
    rc = main(["render", str(FACTORY_EFFECT), "--input", str(tmp_path / "none.wav"), "--out",
               str(tmp_path / "out.wav"), "--knob", "tone=3MHz"])
    err = capsys.readouterr().err
    assert rc != 0 and "tone=3000000" in err and "tone=3\n" not in err and "Traceback" not in err
