"""The synth trainer's note checks: a pitch estimate with nothing to measure (no NumPy warning, a defined
answer), the sounding length of a note (not its file's length), and the report-folder note printed by the
first torchrun process only."""
from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest

from device.audio import audiofile
from hatbox.cli import main
from hatbox.errors import DataError
from tests.synth.conftest import harmonic_tone
from trainer.synth import pipeline
from trainer.synth.data import load_folder, load_note
from trainer.synth.features import estimate_pitch

RATE = 24000


def _click_then_silence(seconds: float = 2.0, click_s: float = 0.01) -> np.ndarray:
    """A ``click_s`` burst of a harmonic tone, then silence to ``seconds`` [N] float32."""
    x = np.zeros(int(seconds * RATE), np.float32)
    x[: int(click_s * RATE)] = harmonic_tone(64, RATE, click_s)
    return x


def _notes(root: Path) -> Path:
    for p in (60, 62):
        audiofile.write(root / "a" / f"{p}.wav", harmonic_tone(p, RATE, 0.5), RATE)
    return root


# ------------------------------------------------------------------- the pitch of (near) silence
@pytest.mark.parametrize("make", [lambda: np.r_[np.full(240, 0.5), np.zeros(2 * RATE)],      # a DC click, silence
                                  lambda: _click_then_silence(),
                                  lambda: np.zeros(RATE),
                                  lambda: np.r_[np.zeros(100), [2e-4], np.zeros(RATE)]])        # one quiet sample
def test_the_pitch_of_a_clip_with_nothing_to_measure_is_defined_and_warns_nothing(make) -> None:
    x = np.asarray(make(), np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("error")                  # "invalid value encountered in log2" was one
        pitch = estimate_pitch(x, RATE)
    assert pitch is None or (np.isfinite(pitch) and 0 < pitch < 128)


def test_digital_silence_and_a_near_silent_clip_have_no_pitch(tmp_path: Path) -> None:
    assert estimate_pitch(np.zeros(RATE, np.float32), RATE) is None
    near = np.r_[np.zeros(100), [2e-4], np.zeros(RATE)].astype(np.float32)          # -112 dB: passes "silent"
    assert estimate_pitch(near, RATE) is None
    assert abs(estimate_pitch(harmonic_tone(57.3, RATE, 1.0), RATE) - 57.3) < 0.01
    audiofile.write(tmp_path / "take.wav", near, RATE)                                # no pitch in the name
    with pytest.raises(DataError, match="no pitch that can be measured") as err:
        load_note(tmp_path / "take.wav", "a", RATE, 1.0)
    assert "C4.wav" in err.value.hint
    audiofile.write(tmp_path / "C4.wav", near, RATE)                                  # the name gives it
    assert load_note(tmp_path / "C4.wav", "a", RATE, 1.0).measured is None


# ------------------------------------------------------------------- sounding length, not file length
def test_a_short_sound_in_a_long_file_is_refused_saying_how_long_it_sounds(tmp_path: Path, monkeypatch,
                                                                             capsys) -> None:
    notes = _notes(tmp_path / "n")
    audiofile.write(notes / "a" / "64.wav", _click_then_silence(), RATE)            # a 2 s file, 10 ms of sound
    with pytest.raises(DataError, match=r"1 note file sounds for less than 188 ms") as err:
        load_folder(notes, RATE, 1.5, check_names=False)
    assert "64.wav sounds for 10 ms" in str(err.value)
    monkeypatch.setattr(pipeline, "train", lambda *a, **k: pytest.fail("training started"))
    assert main(["train", "synth", str(notes), "--out", str(tmp_path / "o.hatpack")]) == 2
    assert "64.wav sounds for 10 ms" in capsys.readouterr().err and not (tmp_path / "o.hatpack").exists()


def test_a_note_that_sounds_long_enough_after_leading_silence_is_taken(tmp_path: Path) -> None:
    notes = _notes(tmp_path / "n")
    x = np.zeros(2 * RATE, np.float32)
    x[RATE // 4: RATE // 4 + RATE // 5] = harmonic_tone(64, RATE, 0.2)               # 200 ms of sound at 250 ms
    audiofile.write(notes / "a" / "64.wav", x, RATE)
    assert [n.pitch for n in load_folder(notes, RATE, 1.5)] == [60.0, 62.0, 64.0]


# ------------------------------------------------------------------- torchrun: one report-folder note
@pytest.mark.parametrize("rank, printed", [("0", True), ("1", False)])
def test_only_the_first_torchrun_process_prints_the_report_folder_note(tmp_path: Path, monkeypatch, capsys,
                                                                       rank: str, printed: bool) -> None:
    notes = _notes(tmp_path / "n")
    _notes(notes / "v1_report")
    (notes / "v1_report" / "metrics.json").write_text("{}")

    class Stop(Exception):
        pass

    def stop(*_a, **_k):
        raise Stop
    monkeypatch.setenv("RANK", rank)
    monkeypatch.setenv("WORLD_SIZE", "2")                  # as torchrun sets them (a stray RANK alone is no torchrun)
    monkeypatch.setattr(pipeline, "train", stop)
    with pytest.raises(Stop):
        pipeline.train_to_pack(notes, tmp_path / "o.hatpack", minutes=0.01)
    assert ("note: skipped" in capsys.readouterr().out) is printed
