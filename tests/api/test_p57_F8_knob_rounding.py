"""p57 QA_A 8 (cosmetic): after the demo `hatbox box-knob` and `hatbox status` printed ``effect.drive 0.115407 dB``
while the box's start line rounded the same value to ``0.1 dB``.  Both now write a knob's value as the panel's dial
and the engine's notes do (device/knob_words.py knob_number: no more decimals than a hundredth of its range)."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from export.manifest import Knob
from export.pack import write_pack
from hatbox.cli import main
from hatbox.cmd_box_knob import knob_line
from hatbox.status_report import knob_words
from tests.api.conftest import PairedServer
from tests.api.packs import gain_golden, gain_manifest, gain_model


def _drive_pack(path: Path) -> Path:
    manifest = replace(gain_manifest("loud"), knobs=[Knob("gain", 0.0, 24.0, 0.0, "dB")])
    return write_pack(path, manifest, {"model.onnx": gain_model(), "golden.npz": gain_golden()})


def test_box_knob_and_status_round_a_knob_as_the_panel_does(paired_server: PairedServer, tmp_path: Path,
                                                            capsys) -> None:
    assert main(["push", str(_drive_pack(tmp_path / "loud.hatpack")), "--activate", "--quiet"]) == 0
    assert main(["box-knob", "gain", "0.115407"]) == 0
    out = capsys.readouterr().out
    assert "effect.gain" in out and " 0.1 dB  (0..24 dB, default 0 dB)" in out and "0.115407" not in out
    assert main(["box-knob"]) == 0
    assert "0.115407" not in capsys.readouterr().out
    assert main(["status"]) == 0
    assert "knobs: effect.gain 0.1 dB  (hatbox box-knob" in capsys.readouterr().out


def test_the_json_keeps_the_box_s_own_value(paired_server: PairedServer, tmp_path: Path, capsys) -> None:
    assert main(["push", str(_drive_pack(tmp_path / "loud.hatpack")), "--activate", "--quiet"]) == 0
    capsys.readouterr()
    assert main(["box-knob", "gain", "0.115407", "--json"]) == 0
    assert '"value": 0.115407' in capsys.readouterr().out


def test_a_knob_line_rounds_value_and_default_to_the_range() -> None:
    knob = {"slot": "effect", "name": "drive", "value": 0.115407, "min": 0.0, "max": 24.0, "default": 3.14159,
            "unit": "dB", "scale": "linear"}
    assert knob_line(knob).split(None, 1)[1] == "0.1 dB  (0..24 dB, default 3.1 dB)"
    assert knob_line({**knob, "value": 0.004}).split(None, 1)[1].startswith("<0.1 dB")   # not 0: it is not off


def test_status_words_round_to_the_knob_s_range_and_keep_bare_numbers_without_one() -> None:
    eng = {"slot_knobs": {"effect": {"drive": 0.115407, "tone": 0.123456}}}
    ranges = {"effect.drive": {"unit": "dB", "min": 0.0, "max": 24.0}, "effect.tone": {"unit": "", "min": 0, "max": 1}}
    assert knob_words(eng, ranges) == "effect.drive 0.1 dB, effect.tone 0.12"
    assert knob_words(eng, {"effect.drive": "dB"}) == "effect.drive 0.115407 dB, effect.tone 0.123456"
