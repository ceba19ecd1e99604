"""The synth trainer's hints agree in number with the files they name: "rename it" / "remove it ... it would
train" for one file, "them" / "they" for several (hatbox.text.them; the unreadable-format hint is checked with its
count in tests/test_p22_plurals_rest.py)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from hatbox.errors import DataError
from hatbox.text import them
from trainer.synth.data import Note, check_name_pitches, check_note_lengths, check_sounding_lengths

RATE = 24000


def _wav(path: Path, seconds: float = 0.5) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    sf.write(path, 0.1 * np.ones(int(RATE * seconds), np.float32), RATE)
    return path


def test_them_is_it_for_one() -> None:
    assert [them(n) for n in (0, 1, 2, 7)] == ["them", "it", "them", "them"]


@pytest.mark.parametrize(("n", "said"), [(1, "remove it or record longer notes: padded with silence it would"),
                                         (2, "remove them or record longer notes: padded with silence they would")])
def test_short_note_files_hint(tmp_path: Path, n: int, said: str) -> None:
    files = [_wav(tmp_path / "soft" / f"{60 + i}.wav", seconds=0.05) for i in range(n)]
    with pytest.raises(DataError) as err:
        check_note_lengths(files + [_wav(tmp_path / "soft" / "70.wav")], 2.0)
    assert said in err.value.hint


@pytest.mark.parametrize(("n", "said"), [(1, "remove it or record the notes held longer: mostly silence, it would"),
                                         (2, "remove them or record the notes held longer: mostly silence, they")])
def test_notes_that_hardly_sound_hint(n: int, said: str) -> None:
    click = np.zeros(RATE, np.float32)
    click[10] = 0.5
    notes = [Note("soft", 60 + i, 100, click, f"soft/{60 + i}.wav") for i in range(n)]
    with pytest.raises(DataError) as err:
        check_sounding_lengths(notes, RATE, 1.0)
    assert said in err.value.hint


@pytest.mark.parametrize(("n", "said"), [(1, "rename it (C4.wav"), (2, "rename them (C4.wav")])
def test_misnamed_notes_hint(n: int, said: str) -> None:
    notes = [Note("soft", 60 + i, 100, np.zeros(4, np.float32), f"soft/{60 + i}.wav", measured=65.0 + i)
             for i in range(n)]
    with pytest.raises(DataError) as err:
        check_name_pitches(notes)
    assert err.value.hint.startswith(said)
