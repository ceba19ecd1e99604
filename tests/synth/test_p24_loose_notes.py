"""Note files put directly in the synth's folder (no instrument folder): said as such, with the move that fixes it
(before: "needs a folder per instrument with note files (found 0 notes)", with three notes right there)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from device.audio import audiofile
from hatbox.errors import DataError
from trainer.synth.data import load_folder


def test_loose_notes_are_named_with_the_move_that_fixes_it(tmp_path: Path) -> None:
    root = tmp_path / "my notes"
    root.mkdir()
    t = np.arange(48000, dtype=np.float32) / 48000
    for name, hz in (("C4", 261.6), ("E4", 329.6), ("G4", 392.0)):
        audiofile.write(root / f"{name}.wav", 0.3 * np.sin(2 * np.pi * hz * t), 48000)
    with pytest.raises(DataError) as err:
        load_folder(root, 48000, 1.0)
    said = str(err.value)
    assert said.startswith(f"3 audio files are directly in {root}, and a synth trains on a folder per instrument")
    assert "C4.wav, E4.wav, G4.wav" in said and "found 0 notes" not in said
    assert f"mkdir '{root}/my-instrument' && mv '{root}'/*.wav '{root}/my-instrument'/" in said


def test_notes_one_folder_too_deep_are_named_with_the_move_up(tmp_path: Path) -> None:
    root = tmp_path / "notes"
    (root / "flute" / "takes").mkdir(parents=True)
    t = np.arange(48000, dtype=np.float32) / 48000
    for name, hz in (("C4", 261.6), ("E4", 329.6), ("G4", 392.0)):
        audiofile.write(root / "flute" / "takes" / f"{name}.wav", 0.3 * np.sin(2 * np.pi * hz * t), 48000)
    with pytest.raises(DataError) as err:
        load_folder(root, 48000, 1.0)
    said = str(err.value)
    assert said.startswith("3 audio files are in folders inside an instrument folder (flute/takes)")
    assert f"mv {root}/flute/takes/* {root}/flute/" in said and "my-instrument" not in said


def test_a_folder_given_one_level_too_high_is_named(tmp_path: Path) -> None:
    """notes/recordings/{flute,violin}: the instruments are one folder down (moving the files up, as the hint for
    one instrument says, would have merged flute and violin into one timbre)."""
    root = tmp_path / "notes"
    t = np.arange(48000, dtype=np.float32) / 48000
    for inst in ("flute", "violin"):
        (root / "recordings" / inst).mkdir(parents=True)
        for name, hz in (("C4", 261.6), ("E4", 329.6)):
            audiofile.write(root / "recordings" / inst / f"{name}.wav", 0.3 * np.sin(2 * np.pi * hz * t), 48000)
    with pytest.raises(DataError) as err:
        load_folder(root, 48000, 1.0)
    said = str(err.value)
    assert said.startswith(f"the instrument folders are inside {root / 'recordings'}")
    assert f"hatbox train synth {root / 'recordings'}" in said and "mv " not in said
