"""p56 read RD3 finding 6: the effect trainer said "chmod -R" for every OSError on a file's or the data folder's way;
a failing drive (EIO) now gets the system's words alone, as device.audio.audiofile says it (p56 FR3), and only a
refusal (PermissionError) the chmod of the first closed folder (device.audio.closed_folder.way_hint)."""
from __future__ import annotations

import errno
from pathlib import Path

import pytest

from hatbox.errors import DataError
from hatbox.file_access import access_hint
from trainer.effect.data import check_data_path, load_folder, refused_files

EIO = OSError(errno.EIO, "Input/output error")


def _failing_drive(monkeypatch: pytest.MonkeyPatch, below: Path, method: str) -> None:
    """``Path.<method>`` raises EIO for every path under ``below`` (a failing drive)."""
    real = getattr(Path, method)

    def failing(self: Path) -> bool:
        if str(self).startswith(str(below) + "/"):
            raise OSError(errno.EIO, "Input/output error")
        return real(self)
    monkeypatch.setattr(Path, method, failing)


def test_a_data_folder_on_a_failing_drive_gets_the_system_s_words_and_no_chmod(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _failing_drive(monkeypatch, tmp_path / "drive", "is_dir")
    with pytest.raises(DataError) as caught:
        check_data_path(tmp_path / "drive" / "takes")
    assert caught.value.message == f"cannot read {tmp_path / 'drive' / 'takes'}: input/output error"
    assert caught.value.hint is None


def test_a_refused_data_folder_still_gets_the_chmod(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def is_dir(self: Path) -> bool:
        raise PermissionError(errno.EACCES, "Permission denied")
    monkeypatch.setattr(Path, "is_dir", is_dir)
    with pytest.raises(DataError) as caught:
        check_data_path(tmp_path / "takes")
    assert caught.value.hint == access_hint(tmp_path, folder=True)


def test_listed_files_on_a_failing_drive_get_no_chmod_and_refused_ones_do(tmp_path: Path) -> None:
    bad, shut = tmp_path / "di.wav", tmp_path / "out.wav"
    said = refused_files("pairs.csv", [2, 3], [(bad, shut), (bad, tmp_path / "ok.wav")],
                         {bad: EIO, shut: PermissionError(errno.EACCES, "Permission denied"),
                          tmp_path / "ok.wav": True})
    assert [e.message for e in said] == [f"pairs.csv lines 2 and 3: cannot read {bad}: input/output error",
                                         f"pairs.csv line 2: cannot read {shut}: permission denied"]
    assert said[0].hint is None and said[1].hint == access_hint(tmp_path, folder=True)


def test_load_folder_says_a_failing_drive_s_file_without_chmod(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "pairs.csv").write_text("input,output\ndrive/di.wav,drive/out.wav\n")
    _failing_drive(monkeypatch, tmp_path / "drive", "is_file")
    with pytest.raises(DataError) as caught:
        load_folder(tmp_path)
    assert "input/output error" in caught.value.args[0] and "chmod" not in str(caught.value), caught.value
