"""p54 final read, finding 6: one unreadable file was said three ways: `hatbox tag`'s failed list ("cannot be read:
no permission to read it"), device.audio.audiofile ("cannot read X: permission denied" and what to do) and the
library's decoder ("cannot decode X: permission denied", nothing to do).  All three now say hatbox.file_access's
words: "cannot read ...: permission denied" with its hint (chmod; ask the owner)."""
from __future__ import annotations

import errno
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from device.audio import audiofile
from device.library import decode, tag
from hatbox.errors import AudioFileError
from hatbox.file_access import access_hint
from tests.p54_M3_denied import refuse_file


def _wav(path: Path) -> Path:
    audiofile.write(path, np.full((1, 4800), 0.5, np.float32), 48000)
    return path


def _soundfile_refused(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    """sf.SoundFile fails on ``path`` as libsndfile does on a file it may not open ("System error")."""
    real = sf.SoundFile

    def soundfile(file, *a, **k):
        if str(file) == str(path):
            raise sf.LibsndfileError(2, f"Error opening {str(file)!r}: ")
        return real(file, *a, **k)
    monkeypatch.setattr(sf, "SoundFile", soundfile)


def _as_audiofile_says(exc: AudioFileError, path: Path) -> None:
    assert exc.message == f"cannot read {path}: permission denied", exc.message
    assert exc.hint == access_hint(path)


@pytest.mark.parametrize("call", [lambda p: decode._read_part(p, 100, 1000), lambda p: decode.first_sound(p, 0.1)],
                         ids=["read_part", "first_sound"])
def test_the_decoder_says_an_unreadable_file_as_audiofile_says_it(tmp_path: Path, monkeypatch, call) -> None:
    wav = _wav(tmp_path / "hat.wav")
    refuse_file(monkeypatch, wav)
    _soundfile_refused(monkeypatch, wav)
    with pytest.raises(AudioFileError) as caught:
        call(wav)
    _as_audiofile_says(caught.value, wav)


def test_the_decoder_keeps_libsndfiles_other_words(tmp_path: Path) -> None:
    bad = tmp_path / "bad.wav"
    bad.write_bytes(b"not audio at all" * 8)
    for call in (lambda p: decode._read_part(p, 0, 10), lambda p: decode.first_sound(p, 0.1)):
        with pytest.raises(AudioFileError) as caught:
            call(bad)
        assert str(caught.value) == f"cannot decode {bad}: format not recognised"


@pytest.mark.parametrize("exc", [PermissionError(errno.EACCES, "Permission denied"),
                                 AudioFileError("cannot read {path}: permission denied", hint="{hint}")],
                         ids=["os", "audiofile"])
def test_the_failed_list_says_it_in_the_same_words_either_way(tmp_path: Path, exc: Exception) -> None:
    """tag.failed_words: what `hatbox tag` lists beside the file's name and the library keeps as its reason.  The
    audiofile case as device.audio.audiofile.decode_failure raises it: ``refused`` (p55 R2 review 7; p56 F1)."""
    path = tmp_path / "kit" / "hat.wav"
    if isinstance(exc, AudioFileError):
        exc = AudioFileError(exc.message.format(path=path), hint=access_hint(path), refused=True)
    said = tag.failed_words(exc, path)
    assert said == f"cannot read: permission denied ({access_hint(path)})"
    assert str(path) not in said.split(" (")[0]


def test_other_failures_are_listed_as_before(tmp_path: Path) -> None:
    path = tmp_path / "hat.wav"
    assert tag.failed_words(AudioFileError(f"cannot decode {path}: format not recognised"), path) == \
        "cannot decode: format not recognised"
    assert tag.failed_words(OSError(errno.EIO, "Input/output error"), path) == "cannot read: input/output error"


def test_a_folder_on_the_way_that_may_not_be_entered_is_listed_with_the_folder_s_chmod(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """p56 F1: audiofile's refusal for a folder on the file's way (its hint the folder's chmod -R) kept its hint in
    the failed list; it was dropped when failed_words compared the hint with the file's."""
    wav = _wav(tmp_path / "kit" / "hat.wav")

    def is_file(self: Path) -> bool:          # as Path.is_file does where a folder on the way may not be entered
        raise PermissionError(errno.EACCES, "Permission denied")
    monkeypatch.setattr(Path, "is_file", is_file)
    with pytest.raises(AudioFileError) as caught:
        audiofile.read(wav)
    assert caught.value.refused and caught.value.hint == access_hint(wav.parent, folder=True)
    assert tag.failed_words(caught.value, wav) == \
        f"cannot read: permission denied ({access_hint(wav.parent, folder=True)})"


def test_a_hint_that_reads_like_chmod_on_an_error_that_is_no_refusal_is_not_listed(tmp_path: Path) -> None:
    path = tmp_path / "hat.wav"
    exc = AudioFileError(f"cannot decode {path}: format not recognised", hint=access_hint(path))
    assert tag.failed_words(exc, path) == "cannot decode: format not recognised"
