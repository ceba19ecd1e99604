"""p44 QA "the terminal, for everyone": `hatbox status` showed ``knobs: effect.gain 0.75`` without the unit that
`hatbox box-knob` shows (``0.75 dB``); now in box-knob's words."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from export.manifest import Knob
from export.pack import write_pack
from hatbox.cli import main
from hatbox.status_report import knob_words
from tests.api.conftest import PairedServer
from tests.api.packs import gain_golden, gain_manifest, gain_model


def _pack_in_db(path: Path) -> Path:
    manifest = replace(gain_manifest("loud"), knobs=[Knob("gain", 0.0, 1.0, 0.5, "dB")])
    return write_pack(path, manifest, {"model.onnx": gain_model(), "golden.npz": gain_golden()})


def test_status_shows_the_knobs_with_their_units(paired_server: PairedServer, tmp_path: Path, capsys) -> None:
    assert main(["push", str(_pack_in_db(tmp_path / "loud.hatpack")), "--activate", "--quiet"]) == 0
    assert main(["box-knob", "gain", "0.75"]) == 0
    assert "0.75 dB" in capsys.readouterr().out
    assert main(["status"]) == 0
    assert "knobs: effect.gain 0.75 dB  (hatbox box-knob" in capsys.readouterr().out


def test_knob_words_without_units_are_bare_numbers() -> None:
    eng = {"slot_knobs": {"effect": {"drive": 12.0, "tone": 3500.0}}}
    assert knob_words(eng) == "effect.drive 12, effect.tone 3500"
    assert knob_words(eng, {"effect.drive": "dB", "effect.tone": "Hz"}) == "effect.drive 12 dB, effect.tone 3500 Hz"
