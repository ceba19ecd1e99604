"""Fortieth stop's effect QA, the recordings as they are loaded: a DC offset is taken out (a +0.1 offset trained a
pack that put out -20 dBFS on silence, bypassed by the box as a runaway), and a stereo recording mixed to mono is
said once per file, with a warning when one channel is the DI and the other the gear."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from hatbox.errors import DataError
from tests.effect.synth import drive, plucks, write
from trainer.effect.data import load_folder, load_single


def _pairs(folder: Path, rows: list[tuple[str, str, float]]) -> Path:
    lines = ["input,output,drive[dB]"] + [f"{a},{b},{d:g}" for a, b, d in rows]
    (folder / "pairs.csv").write_text("\n".join(lines) + "\n")
    return folder


def test_a_dc_offset_is_taken_out_of_every_recording_and_said(tmp_path: Path) -> None:
    x = plucks(1.5)
    write(tmp_path / "in.wav", x - 0.05)
    write(tmp_path / "out.wav", np.concatenate([np.zeros(30, np.float32), drive(x, 12)])[: x.size] + 0.1)
    data = load_folder(_pairs(tmp_path, [("in.wav", "out.wav", 0), ("in.wav", "out.wav", 0)]))
    pair = data.pairs[0]
    assert abs(float(np.mean(pair.output))) < 0.005 and abs(float(np.mean(pair.input))) < 0.005
    assert pair.latency == 30                                      # the latency search is not thrown by it
    said = [n for n in data.notes if "DC offset" in n]
    assert len(said) == 2, data.notes                              # once per file, though two rows list them
    assert any("out.wav: a DC offset of +0.10" in n for n in said), said
    assert any("in.wav: a DC offset of -0.04" in n for n in said), said       # -0.05 and the plucks' own +0.001


def test_a_small_average_is_no_offset_and_is_not_said(tmp_path: Path) -> None:
    x = plucks(1.5)
    write(tmp_path / "in.wav", x)
    write(tmp_path / "out.wav", drive(x, 12) + 0.003)
    data = load_single(tmp_path / "in.wav", tmp_path / "out.wav")
    assert not any("DC offset" in n for n in data.notes)


def test_a_recording_clipped_with_its_offset_is_still_refused_as_clipped(tmp_path: Path) -> None:
    x = plucks(1.5)
    write(tmp_path / "in.wav", x)
    write(tmp_path / "out.wav", np.clip(3 * drive(x, 12) + 0.2, -1.0, 1.0))    # clipped at full scale, offset +0.2
    with pytest.raises(DataError, match="is clipped"):
        load_single(tmp_path / "in.wav", tmp_path / "out.wav")


def test_an_output_of_nothing_but_an_offset_is_silent(tmp_path: Path) -> None:
    x = plucks(1.5)
    write(tmp_path / "in.wav", x)
    write(tmp_path / "out.wav", np.full(x.size, 0.1, np.float32))
    with pytest.raises(DataError, match="out.wav is silent"):
        load_single(tmp_path / "in.wav", tmp_path / "out.wav")


def test_a_stereo_recording_mixed_to_mono_is_said_once_per_file(tmp_path: Path) -> None:
    x = plucks(1.5)
    write(tmp_path / "in.wav", np.stack([x, 0.9 * x], 1))
    for d in (0, 12):
        write(tmp_path / f"out_{d}.wav", drive(x, d))
    data = load_folder(_pairs(tmp_path, [("in.wav", "out_0.wav", 0), ("in.wav", "out_12.wav", 12)]))
    said = [n for n in data.notes if "mixed to mono" in n]
    assert said == ["pairs.csv line 2: in.wav: its 2 channels were mixed to mono (a pack is mono)"], data.notes
    assert not any("DI" in w for w in data.warnings)


def test_a_di_on_one_channel_and_the_gear_on_the_other_is_warned(tmp_path: Path) -> None:
    x = plucks(3.0)
    write(tmp_path / "di.wav", x)
    write(tmp_path / "rec.wav", np.stack([x, drive(x, 12)], 1))      # sox -M di.wav wet.wav rec.wav
    data = load_single(tmp_path / "di.wav", tmp_path / "rec.wav")
    assert any("rec.wav: its 2 channels were mixed to mono" in n for n in data.notes), data.notes
    warned = [w for w in data.warnings if "DI" in w]
    assert len(warned) == 1, data.warnings
    assert "channel 1 is nearly the input itself" in warned[0] and "remix 2" in warned[0]


def test_two_channels_of_the_gear_are_not_taken_for_a_di(tmp_path: Path) -> None:
    x = plucks(3.0)
    write(tmp_path / "di.wav", x)
    write(tmp_path / "rec.wav", np.stack([drive(x, 12), drive(x, 24)], 1))
    data = load_single(tmp_path / "di.wav", tmp_path / "rec.wav")
    assert not any("DI" in w for w in data.warnings)
