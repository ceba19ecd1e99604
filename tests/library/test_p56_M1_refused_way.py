"""p56 R1 review, finding 1: a library file that is a link into a folder the user may not enter failed in `hatbox tag`
as "cannot stat: Permission denied" (the system's words, no hint): its look (tag._stat) fails before it is read.  It is
now listed as a refusal is, "cannot read: permission denied" with the closed folder's chmod -R.  Real folders of mode
600 where this process is refused (not root), and twins where the refusal is played by a monkeypatched stat (as root,
as CI runs)."""
from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from device.library import tag
from hatbox.cli import main
from hatbox.file_access import access_hint
from tests.api.packs import tagger_pack
from tests.library.test_p50_ff_tagging import _tone
from tests.test_p56_M1_closed_folder import closed, refuse_way


def _library(tmp_path: Path) -> tuple[Path, Path]:
    """(lib: a.wav and hat.wav, a link to elsewhere/locked/hat.wav; the folder locked)."""
    lib, locked = tmp_path / "lib", tmp_path / "elsewhere" / "locked"
    _tone(lib / "a.wav")
    _tone(locked / "hat.wav")
    os.symlink(locked / "hat.wav", lib / "hat.wav")
    return lib, locked


def _refused(locked: Path) -> str:
    return f"cannot read: permission denied ({access_hint(locked, folder=True)})"


def _tag_run(tmp_path: Path, lib: Path, locked: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["tag", str(lib), "--pack", str(tagger_pack(tmp_path / "t.hatpack")), "--out", str(tmp_path / "l.db")]
    capsys.readouterr()
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert f"  failed hat.wav: {_refused(locked)}\n" in out, out
    assert "cannot stat" not in out


def test_a_link_into_a_folder_that_may_not_be_entered_is_listed_with_that_folder_s_chmod(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lib, locked = _library(tmp_path)
    with closed(locked, lib / "hat.wav"):
        _tag_run(tmp_path, lib, locked, capsys)


def test_a_link_into_a_folder_that_may_not_be_entered_is_listed_with_that_folder_s_chmod_twin(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    lib, locked = _library(tmp_path)
    refuse_way(monkeypatch, locked)
    _tag_run(tmp_path, lib, locked, capsys)


def test_the_look_at_the_file_says_it_as_the_failed_list_says_a_refusal(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lib, locked = _library(tmp_path)
    refuse_way(monkeypatch, locked)
    report = tag.LibraryReport()
    assert tag._stat(lib / "hat.wav", "hat.wav", report) is None
    said = tag.failed_words(PermissionError(errno.EACCES, "Permission denied"), lib / "hat.wav")
    assert report.failed == [("hat.wav", _refused(locked))] and said == _refused(locked)


def test_a_refused_file_in_an_open_folder_is_told_its_own_chmod(tmp_path: Path) -> None:
    path = tmp_path / "hat.wav"
    _tone(path)
    assert tag.failed_words(PermissionError(errno.EACCES, "Permission denied"), path) == \
        f"cannot read: permission denied ({access_hint(path)})"
