"""p56 review R3 finding 9: "1 listed file does not exist, e.g. typo/out_drve5.wav" gave an example of one; and a
knob turned with no unit while a pack loaded was "'DRIVE' as set has no unit"."""
from __future__ import annotations

from pathlib import Path

from device.audio.held import SetKnob, in_units
from export.manifest import Knob
from trainer.csvtext import missing_error


def _said(folder: Path, names: list[str]) -> str:
    return str(missing_error("pairs.csv", folder, [(n, folder / n, f"line {k + 2}") for k, n in enumerate(names)]))


def test_one_missing_file_is_named_with_no_for_example(tmp_path: Path) -> None:
    said = _said(tmp_path, ["gone.wav"])
    assert said.startswith("pairs.csv: 1 listed file does not exist: gone.wav (line 2)"), said     # the cell (p57 F2)
    assert "e.g." not in said, said


def test_all_shown_need_no_for_example_and_more_than_shown_do(tmp_path: Path) -> None:
    names = [f"{chr(97 + k)}.wav" for k in range(11)]
    assert "e.g." not in _said(tmp_path, names[:4])                        # four named whole (p59 Q2 9: three were)
    assert "e.g." not in _said(tmp_path, names[:10])
    said = _said(tmp_path, names)
    assert "11 listed files do not exist, e.g. " in said and "; and 1 more" in said and "j.wav" in said, said


class _Unit:
    knobs = [Knob("drive", 0.0, 24.0, 12.0, "dB")]


def test_a_knob_turned_with_no_unit_while_a_pack_loaded_is_said_so() -> None:
    fit = in_units(SetKnob("DRIVE", 0.9, "", during_load=True), _Unit(), "hd")     # no ``on``: see test_p56_MF1
    assert fit == "pack 'hd' has 'drive' in 'dB', while 'DRIVE' was turned with no unit", fit
