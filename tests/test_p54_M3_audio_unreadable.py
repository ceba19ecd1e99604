"""p54 QA_A finding 2: an audio file that exists but cannot be opened (no permission) was said in libsndfile's words,
"cannot decode x.wav: system error", which reads as a damaged file; device.audio.audiofile says the system's reason
("permission denied") and what to do, in read() and info(), and so does every caller of its one wording of
libsndfile's errors (audiofile.reason: the library's decoder)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from device.audio import audiofile
from hatbox.errors import AudioFileError
from tests.p54_M3_denied import chmod_000, refuse_file, refuse_folder


def _wav(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    audiofile.write(path, np.zeros((1, 4800), np.float32), 48000)
    return path


def _said(call, path: Path) -> AudioFileError:
    with pytest.raises(AudioFileError) as caught:
        call(path)
    return caught.value


def _permission_words(exc: AudioFileError, path: Path) -> None:
    text = str(exc)
    assert text.startswith(f"cannot read {path}: permission denied"), text
    assert "system error" not in text.lower() and "decode" not in text
    assert "chmod" in (exc.hint or "") and "owner" in (exc.hint or ""), exc.hint


@pytest.mark.parametrize("call", [audiofile.read, audiofile.info], ids=["read", "info"])
def test_a_file_that_may_not_be_opened_is_said_as_permission_denied(tmp_path: Path, monkeypatch, call) -> None:
    wav = _wav(tmp_path / "G4.wav")
    refuse_file(monkeypatch, wav)
    _permission_words(_said(call, wav), wav)


@pytest.mark.parametrize("call", [audiofile.read, audiofile.info], ids=["read", "info"])
def test_a_file_of_mode_000_is_said_as_permission_denied(tmp_path: Path, call) -> None:
    wav = _wav(tmp_path / "G4.wav")
    with chmod_000(wav):
        _permission_words(_said(call, wav), wav)


@pytest.mark.parametrize("call", [audiofile.read, audiofile.info], ids=["read", "info"])
def test_a_file_in_a_folder_that_may_not_be_entered_is_said_not_raised(tmp_path: Path, monkeypatch, call) -> None:
    """Before: Path.is_file() raised PermissionError out of read() and info() (an internal error in every trainer)."""
    wav = _wav(tmp_path / "flute" / "G4.wav")
    refuse_folder(monkeypatch, tmp_path / "flute")
    _permission_words(_said(call, wav), wav)


def test_the_one_wording_of_libsndfile_errors_gives_the_systems_reason(tmp_path: Path, monkeypatch) -> None:
    """audiofile.reason, which device.library.decode words its errors with too."""
    wav = _wav(tmp_path / "G4.wav")
    refuse_file(monkeypatch, wav)
    assert audiofile.reason(sf.LibsndfileError(2, f"Error opening {str(wav)!r}: "), wav) == "permission denied"


def test_libsndfiles_other_words_and_a_missing_file_are_as_they_were(tmp_path: Path) -> None:
    bad = tmp_path / "bad.wav"
    bad.write_bytes(b"not audio at all" * 8)
    assert str(_said(audiofile.read, bad)) == f"cannot decode {bad}: format not recognised"
    assert str(_said(audiofile.info, bad)) == f"cannot read {bad}: format not recognised"
    assert str(_said(audiofile.read, tmp_path / "nope.wav")) == f"no audio file at {tmp_path / 'nope.wav'}"
    wav = _wav(tmp_path / "ok.wav")       # a readable file's "System error" (the disk failed): said as libsndfile said
    assert audiofile.reason(sf.LibsndfileError(2, f"Error opening {str(wav)!r}: "), wav) == "system error"
