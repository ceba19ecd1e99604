"""p42 regression QA 4, 5: `hatbox box-knob` words.  ``nan`` / ``inf`` blamed "the box's answer to GET /knobs" and
said to reinstall (the PUT ran inside that answer's reading): now refused here as no number, nothing sent.  ``5Hz``
for a knob of another unit said render's ``drive=5``: now this command's form; ``2.5 kHz`` (two words) was an
argparse error: now read as one value; ``EFFECT.TONE``: the slot in any case, as the knob."""
from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

from export.manifest import Knob
from export.pack import write_pack
from hatbox.cli import main
from tests.api.conftest import PairedServer
from tests.api.packs import gain_golden, gain_manifest, gain_model


def _knob_msgs(control: Any) -> list[dict[str, Any]]:
    return [m for m in control.sent if m["op"] == "knob"]


@pytest.fixture
def khz(paired_server: PairedServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> PairedServer:
    """The box plays a pack whose one knob is tone, 0..1 kHz."""
    manifest = dataclasses.replace(gain_manifest("toney", "1.0.0"), knobs=[Knob("tone", 0.0, 1.0, 0.5, "kHz")])
    pack = write_pack(tmp_path / "toney.hatpack", manifest, {"model.onnx": gain_model(), "golden.npz": gain_golden()})
    assert main(["push", str(pack), "--activate", "--quiet"]) == 0
    capsys.readouterr()
    return paired_server


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "NaN"])
def test_a_value_that_is_no_finite_number_is_refused_here(khz: PairedServer, capsys: pytest.CaptureFixture[str],
                                                          value: str) -> None:
    assert main(["box-knob", "effect.tone", "--", value]) == 2            # ("--": -inf is no option)
    err = capsys.readouterr().err
    assert f"knob 'tone': {value!r} is not a number" in err, err
    assert "GET /knobs" not in err and "install" not in err, err
    assert _knob_msgs(khz.control) == []


def test_the_hint_for_another_unit_is_in_box_knobs_form(khz: PairedServer, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["box-knob", "effect.tone", "0.5dB"]) == 2
    err = capsys.readouterr().err
    assert "give the number only: hatbox box-knob effect.tone 0.5" in err and "tone=" not in err, err
    assert main(["box-knob", "effect.tone", "0.5MHz"]) == 2
    assert "give the number in kHz: hatbox box-knob effect.tone 500" in capsys.readouterr().err


@pytest.mark.parametrize("words, value", [(["0.25", "kHz"], 0.25), (["250", "Hz"], 0.25), (["0.25kHz"], 0.25)])
def test_a_unit_may_be_a_word_of_its_own(khz: PairedServer, capsys: pytest.CaptureFixture[str],
                                         words: list[str], value: float) -> None:
    assert main(["box-knob", "effect.tone", *words]) == 0, capsys.readouterr().err
    assert _knob_msgs(khz.control)[-1]["value"] == pytest.approx(value)


def test_the_slot_in_any_case(khz: PairedServer, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["box-knob", "EFFECT.TONE", "0.75"]) == 0, capsys.readouterr().err
    assert _knob_msgs(khz.control)[-1] == {"op": "knob", "slot": "effect", "name": "tone", "value": 0.75}
    assert main(["box-knob", "Effect.Tone"]) == 0
    assert capsys.readouterr().out.startswith("effect.tone")


def test_the_render_form_stays_the_default_hint() -> None:
    from device.audio.effect import knob_number
    from hatbox.errors import KnobError
    with pytest.raises(KnobError, match="give the number only: drive=5$"):
        knob_number(Knob("drive", 0.0, 24.0, 12.0, "dB"), "5Hz")
