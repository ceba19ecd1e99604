"""p56 final read FR3: device.audio.audiofile still called every OSError a refusal (``refused`` and a chmod hint), so
`hatbox tag` listed a failing drive's I/O error with "chmod -R u+rX ..." although tag.failed_words had learnt that only a
PermissionError is one; and the effect and synth trainers named the folder above the file, not the first closed folder
on its way (device.audio.closed_folder, the rule audiofile took in p56 M1)."""
from __future__ import annotations

import errno
from pathlib import Path

import pytest

from device.audio import audiofile
from device.library import tag
from hatbox.errors import AudioFileError, DataError
from hatbox.file_access import access_hint
from tests.test_p56_M1_closed_folder import refuse_way, wav


def test_an_io_error_on_the_file_s_way_is_no_refusal_and_gets_no_chmod(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    path = wav(tmp_path / "kit" / "hat.wav")

    def is_file(self: Path) -> bool:
        raise OSError(errno.EIO, "Input/output error")
    monkeypatch.setattr(Path, "is_file", is_file)
    with pytest.raises(AudioFileError) as caught:
        audiofile.read(path)
    assert not caught.value.refused and caught.value.hint is None
    assert tag.failed_words(caught.value, path) == "cannot read: input/output error"


def test_libsndfile_s_system_error_from_an_io_error_gets_no_chmod(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    path = wav(tmp_path / "hat.wav")
    monkeypatch.setattr(audiofile, "open_refusal", lambda exc, name: OSError(errno.EIO, "Input/output error"))
    failure = audiofile.decode_failure(path, RuntimeError("System error"), "cannot decode")
    assert not failure.refused and failure.hint is None
    assert failure.message == f"cannot read {path}: input/output error"


def test_the_trainers_name_the_first_closed_folder_on_the_way(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from trainer.effect.data import check_data_path
    from trainer.synth.data import load_folder
    deep = tmp_path / "lib" / "a" / "b" / "takes"
    deep.mkdir(parents=True)
    refuse_way(monkeypatch, tmp_path / "lib" / "a")
    real_is_dir = Path.is_dir

    def is_dir(self: Path) -> bool:                 # as is_dir does where a folder on the way may not be entered
        if str(self).startswith(str(tmp_path / "lib" / "a") + "/"):
            raise PermissionError(errno.EACCES, "Permission denied")
        return real_is_dir(self)
    monkeypatch.setattr(Path, "is_dir", is_dir)
    want = access_hint(tmp_path / "lib" / "a", folder=True)
    with pytest.raises(DataError) as effect:
        check_data_path(deep)
    assert effect.value.hint == want
    with pytest.raises(DataError) as synth:
        load_folder(deep, 16000, 0.5)
    assert synth.value.hint == want
