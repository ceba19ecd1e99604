"""device.audio.audiofile opens any name the file system holds: one that is not valid UTF-8 (a Latin-1
"caf\\xe9.wav" from an old sample CD, held by Python with surrogateescape) is read, measured and written
like any other, its errors name it as text, and so the trainers' loaders built on it (synth note folders,
effect pairs) take it."""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from device.audio import audiofile
from hatbox.errors import AudioFileError

RATE = 48000
LATIN1 = os.fsdecode(b"caf\xe9.wav")             # what os.listdir gives for the bytes c a f 0xE9 . w a v


def _noise(seconds: float = 0.5, seed: int = 0) -> np.ndarray:
    """Mono noise [N] float32 at :data:`RATE`, loud enough for every loader's checks."""
    return (0.3 * np.random.default_rng(seed).standard_normal(int(RATE * seconds))).astype(np.float32)


def _write_raw(path: Path, audio: np.ndarray, rate: int = RATE) -> Path:
    """A WAV at ``path`` written by soundfile through the name's bytes (skip where the file system refuses
    names that are not UTF-8, as some macOS ones do)."""
    try:
        sf.write(os.fsencode(path), audio, rate, subtype="FLOAT")
    except (OSError, RuntimeError) as exc:
        pytest.skip(f"this file system refuses non-UTF-8 names: {exc}")
    return path


def test_info_and_read_open_a_latin1_name_as_its_utf8_twin(tmp_path):
    stereo = np.stack([_noise(seed=1), _noise(seed=2)], axis=1)
    cafe = _write_raw(tmp_path / LATIN1, stereo)
    sf.write(tmp_path / "twin.wav", stereo, RATE, subtype="FLOAT")
    assert audiofile.info(cafe) == audiofile.info(tmp_path / "twin.wav") == (RATE, 2, stereo.shape[0])
    audio, rate = audiofile.read(cafe)
    twin, _ = audiofile.read(tmp_path / "twin.wav")
    assert rate == RATE and audio.shape == (2, stereo.shape[0]) and np.array_equal(audio, twin)
    mono, _ = audiofile.read(str(cafe), mono=True, expect_rate=RATE)              # a str path too
    assert mono.shape == (1, stereo.shape[0])
    head, _ = audiofile.read(cafe, max_frames=100)                                # only the head decoded
    assert np.array_equal(head, twin[:, :100])


def test_a_latin1_name_that_is_no_audio_is_named_as_text(tmp_path):
    bad = tmp_path / LATIN1
    try:
        bad.write_bytes(b"RIFF\x00\x00\x00\x00WAVEjunk" * 4)
    except OSError as exc:
        pytest.skip(f"this file system refuses non-UTF-8 names: {exc}")
    for call, words in ((audiofile.info, "cannot read"), (audiofile.read, "cannot decode")):
        with pytest.raises(AudioFileError) as info:
            call(bad)
        text = str(info.value)
        assert text.startswith(f"{words} {bad}: ") and "surrogates not allowed" not in text and "b'" not in text


def test_a_latin1_name_with_the_wrong_rate_says_so(tmp_path):
    cafe = _write_raw(tmp_path / LATIN1, _noise(), 44100)
    with pytest.raises(AudioFileError, match="is 44100 Hz but 48000 Hz is needed"):
        audiofile.read(cafe, expect_rate=RATE)


def test_write_keeps_the_name_bytes(tmp_path):
    out = audiofile.write(tmp_path / os.fsdecode(b"s\xe9rie.flac"), _noise(), RATE)
    assert os.listdir(os.fsencode(tmp_path)) == [b"s\xe9rie.flac"]
    audio, rate = audiofile.read(out)
    assert rate == RATE and audio.shape == (1, RATE // 2)


def test_ordinary_names_read_as_before(tmp_path):
    x, named = _noise(), tmp_path / "caf\u00e9 \u30ad\u30c3\u30af.wav"          # valid UTF-8: opened as text
    sf.write(named, x, RATE, subtype="FLOAT")
    assert audiofile.sound_name(named) == str(named)
    audio, _ = audiofile.read(named)
    assert np.array_equal(audio[0], x)
    assert audiofile.sound_name(tmp_path / LATIN1) == os.fsencode(tmp_path) + b"/caf\xe9.wav"
    with pytest.raises(AudioFileError, match=f"no audio file at {tmp_path / 'gone.wav'}"):
        audiofile.read(tmp_path / "gone.wav")


def test_a_synth_note_folder_with_a_latin1_name_loads(tmp_path):
    from trainer.synth.data import load_folder
    t = np.arange(RATE) / RATE
    note = (0.5 * np.sin(2 * np.pi * 440.0 * t) * np.exp(-2 * t)).astype(np.float32)
    (tmp_path / "notes" / "flute").mkdir(parents=True)
    _write_raw(tmp_path / "notes" / "flute" / os.fsdecode(b"A4 caf\xe9.wav"), note)
    notes = load_folder(tmp_path / "notes", 16000, 0.5)
    assert [(n.instrument, n.pitch) for n in notes] == [("flute", 69.0)]
    assert os.fsencode(notes[0].path).endswith(b"A4 caf\xe9.wav")


def test_an_effect_pair_with_latin1_names_loads(tmp_path):
    from trainer.effect.data import load_single
    x = _noise(seconds=1.0)
    src = _write_raw(tmp_path / os.fsdecode(b"dry caf\xe9.wav"), x)
    dst = _write_raw(tmp_path / os.fsdecode(b"wet caf\xe9.wav"), 0.5 * x)
    data = load_single(src, dst)
    assert data.rate == RATE and len(data.pairs) == 1 and data.pairs[0].latency == 0
    assert np.allclose(data.pairs[0].output, 0.5 * data.pairs[0].input, atol=1e-6)
