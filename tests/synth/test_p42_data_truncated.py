"""A note WAV cut short (its header claims more audio than the file holds: "D4 mf (export crashed).wav" of the
forty-second stop's QA) was trained on padded with silence, without a word: it is skipped with a warning, in the
words `hatbox tag` and the box's library use."""
from __future__ import annotations

from pathlib import Path

import pytest

from device.audio import audiofile
from device.library.member_checks import audio_problem
from hatbox.errors import DataError
from tests.synth.conftest import harmonic_tone
from trainer.synth.data import load_folder, load_note

RATE = 24000


def _cut(path: Path, pitch: int, keep: float = 1 / 3) -> Path:
    """A 2 s note WAV of ``pitch`` whose bytes are cut to ``keep`` of them (its header still says 2 s)."""
    audiofile.write(path, harmonic_tone(pitch, RATE, 2.0), RATE, subtype="PCM_16")
    data = path.read_bytes()
    path.write_bytes(data[:int(len(data) * keep)])
    return path


def test_a_cut_short_note_is_skipped_with_the_library_s_words(tmp_path: Path) -> None:
    for pitch in (60, 64):
        audiofile.write(tmp_path / "piano" / f"{pitch}.wav", harmonic_tone(pitch, RATE, 1.0), RATE)
    cut = _cut(tmp_path / "piano" / "D4 mf (export crashed).wav", 62)
    warned: list[str] = []
    notes = load_folder(tmp_path, RATE, 1.0, warn=warned.append)
    assert [round(n.pitch) for n in notes] == [60, 64]
    said = [w for w in warned if str(cut) in w]
    assert said == [f"{cut}: {audio_problem(cut)[0]}: skipped, training goes on with the other notes"]
    assert "header claims" in said[0] and "the file is cut short (copy or export it again)" in said[0]


def test_an_instrument_of_cut_short_notes_only_is_refused_naming_it(tmp_path: Path) -> None:
    audiofile.write(tmp_path / "piano" / "60.wav", harmonic_tone(60, RATE, 1.0), RATE)
    _cut(tmp_path / "organ" / "C4.wav", 60)
    with pytest.raises(DataError, match=r"no note of instrument organ can be used: .*C4\.wav: WAV header claims"):
        load_folder(tmp_path, RATE, 1.0, warn=lambda _said: None)
    with pytest.raises(DataError, match="cut short"):
        load_note(tmp_path / "organ" / "C4.wav", "organ", RATE, 1.0, lambda _said: None)
    load_note(tmp_path / "piano" / "60.wav", "piano", RATE, 1.0, lambda _said: None)      # a whole file loads
