"""Note folders: pitch from names or audio, the fluidsynth recipe, features."""
from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from hatbox.errors import DataError
from tests.synth.conftest import harmonic_tone, write_notes
from trainer.synth.data import build_fluid_set, load_folder, pitch_from_name, split_heldout
from trainer.synth.features import cents_error, estimate_pitch, loudness_db


@pytest.mark.parametrize("stem,want", [("C4", (60.0, 100)), ("F#3", (54.0, 100)), ("Bb2_soft", (46.0, 49)),
                                       ("60", (60.0, 100)), ("flute_060_080", (60.0, 80)),
                                       ("flute_acoustic_002-067-127", (67.0, 127)), ("take", None)])
def test_pitch_from_name(stem: str, want: tuple[float, int] | None) -> None:
    assert pitch_from_name(stem) == want


def test_load_folder_names_and_estimates(tmp_path: Path) -> None:
    notes = load_folder(write_notes(tmp_path), 24000, 0.5)
    assert {n.instrument for n in notes} == {"soft", "bright"}
    assert all(len(n.audio) == 12000 for n in notes)
    mystery = [n for n in notes if n.path.endswith("mystery.wav")][0]
    assert abs(mystery.pitch - 59) < 0.05          # estimated from the audio


def test_load_folder_errors(tmp_path: Path) -> None:
    with pytest.raises(DataError):
        load_folder(tmp_path / "nope", 24000, 0.5)
    (tmp_path / "empty" / "x").mkdir(parents=True)
    with pytest.raises(DataError):
        load_folder(tmp_path / "empty", 24000, 0.5)


def test_heldout_split_by_pitch(tmp_path: Path) -> None:
    train, held = split_heldout(load_folder(write_notes(tmp_path), 24000, 0.5))
    assert {int(n.pitch) % 4 for n in held} == {1}
    assert not {int(n.pitch) for n in held} & {int(n.pitch) for n in train}


@pytest.mark.skipif(shutil.which("fluidsynth") is None, reason="fluidsynth not installed")
def test_fluid_recipe_renders_tuned_notes(tmp_path: Path) -> None:
    n = build_fluid_set(tmp_path, {"organ": 19}, pitches=range(60, 62), velocities=(100,), note_s=0.8, hold_s=0.6)
    assert n == 2
    notes = load_folder(tmp_path, 24000, 0.8)
    assert [x.pitch for x in notes] == [60.0, 61.0]
    for x in notes:
        assert abs(cents_error(x.audio, 24000, x.pitch, 0.1, 0.4)) < 15


def test_features_of_a_tone() -> None:
    x = harmonic_tone(57.3, 24000, 1.0, n_harm=1, amp=0.5)
    assert abs(estimate_pitch(x, 24000) - 57.3) < 0.01
    loud = loudness_db(x[:24000 // 120 * 120], 120)
    assert abs(np.median(loud) - 20 * np.log10(0.25)) < 0.2      # a sine of amplitude 0.25
