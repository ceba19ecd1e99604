"""Zip member names from a Japanese Windows (QA p43): Shift-JIS (code page 932) bytes without the UTF-8 flag.
Python's zipfile reads an unflagged name as code page 437, so "Win キット/キック.wav" was kept as "Win âLâbâg/...".
Such a name is read as Shift-JIS when its bytes are valid Shift-JIS and give Japanese (kana, or kanji), and the
upload's answer says so; a Mac's UTF-8 names stay UTF-8, and a DOS name that is neither keeps code page 437."""
from __future__ import annotations

from pathlib import Path

import pytest

from device.library.archive import unpack_archive
from device.library.zip_names import SHIFT_JIS_NOTE
from tests.api.conftest import wav_bytes
from tests.api.p43_raw_zip import raw_zip


def test_a_japanese_windows_zip_keeps_its_names(tmp_path: Path) -> None:
    names = ["Win キット/キック 01.wav", "Win キット/スネア.wav", "Win キット/音源.wav", "Win キット/ｷｯｸ.wav"]
    arc = raw_zip(tmp_path / "sjis.zip", [(n.encode("cp932"), wav_bytes()) for n in names])
    report = unpack_archive(arc, tmp_path / "lib")
    assert sorted(f.path for f in report.accepted) == sorted(names), report.to_dict()
    assert (tmp_path / "lib" / "Win キット" / "キック 01.wav").is_file()
    assert report.to_dict()["notes"] == [SHIFT_JIS_NOTE]
    assert "Shift-JIS (a Japanese Windows zip)" in SHIFT_JIS_NOTE


def test_mac_utf8_names_stay_utf8_and_say_nothing(tmp_path: Path) -> None:
    arc = raw_zip(tmp_path / "mac.zip", [("Mac キット/キック.wav".encode(), wav_bytes())])
    report = unpack_archive(arc, tmp_path / "lib")
    assert [f.path for f in report.accepted] == ["Mac キット/キック.wav"]
    assert report.to_dict()["notes"] == []


@pytest.mark.parametrize("name", ["Über.wav", "Bässe.wav", "canción.wav", "Ölfaß.wav"])
def test_dos_names_keep_code_page_437(tmp_path: Path, name: str) -> None:
    arc = raw_zip(tmp_path / "dos.zip", [(name.encode("cp437"), wav_bytes())])
    report = unpack_archive(arc, tmp_path / "lib")
    assert [f.path for f in report.accepted] == [name]
    assert report.to_dict()["notes"] == []


def test_the_library_record_says_how_its_names_were_read(tmp_path: Path) -> None:
    from device.api.libraries import Libraries
    arc = raw_zip(tmp_path / "sjis.zip", [("キット/キック.wav".encode("cp932"), wav_bytes())])
    info = Libraries(tmp_path / "libs").ingest(arc, "sjis", None, None)
    assert info["notes"] == [SHIFT_JIS_NOTE]
    assert [f["path"] for f in info["files"]] == ["キット/キック.wav"]


def test_the_upload_s_answer_says_how_its_names_were_read(box, tmp_path: Path) -> None:
    """The HTTP answer carries the note (device.api.models.Library.notes: it was dropped there)."""
    arc = raw_zip(tmp_path / "sjis.zip", [("キット/キック.wav".encode("cp932"), wav_bytes())])
    r = box.client.post("/libraries", params={"name": "sjis"}, content=arc.read_bytes(), headers=box.auth)
    assert r.status_code == 201, r.text
    assert r.json()["notes"] == [SHIFT_JIS_NOTE]
    assert box.client.get(f"/libraries/{r.json()['id']}", headers=box.auth).json()["notes"] == [SHIFT_JIS_NOTE]
