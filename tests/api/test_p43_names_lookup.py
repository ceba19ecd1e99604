"""A library file named in the other Unicode form than the library holds it (QA p43): `hatbox box-library LIB --fix
PATH TAGS` and `--like PATH` with "kick ü 02.wav" typed composed (NFC) while the Mac's zip stored it decomposed
(NFD), or the other way round, answered "is not a file of this library".  device.library.query finds the file by
its composed spelling (device.library.paths.on_disk); nothing is renamed."""
from __future__ import annotations

import unicodedata
from pathlib import Path

import numpy as np
import pytest

from device import library
from device.library import db as libdb
from device.library.paths import on_disk
from device.library.query import NotInLibrary, similar

NAMES = {"nfc": "サンプル/キック/kick ü 01.wav", "nfd": unicodedata.normalize("NFD", "Räuspern/kick ü 02.wav")}


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def _library(root: Path) -> Path:
    """A tagged library under ``root``: one file stored composed, one decomposed (as an older box kept a Mac's)."""
    tags = ["kick", "snare"]
    db = root / "tags.db"
    root.mkdir(parents=True)
    con = libdb.connect(db)
    libdb.set_meta(con, root=str(root), tags=",".join(tags), exclusive=1, model="tagger")
    for i, name in enumerate([*NAMES.values(), "plain.wav"]):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(b"RIFF")
        p = np.asarray([0.9, 0.1], np.float32)
        libdb.put_result(con, name, (4, i), f"{i:064x}", "tagger", tags, p, p > 0.5,
                         np.asarray([1.0, 0.1 * i, 0.0], np.float32))
    con.commit()
    con.close()
    return db


@pytest.mark.parametrize("stored", ["nfc", "nfd"])
@pytest.mark.parametrize("typed", [nfc, nfd])
def test_fix_finds_the_file_typed_in_either_form(tmp_path: Path, stored: str, typed) -> None:
    db = _library(tmp_path / "lib")
    assert library.set_tags(db, typed(NAMES[stored]), ["snare"]) == ["snare"]
    assert library.corrected_tags(db, NAMES[stored]) == ["snare"]          # kept under the stored name
    assert library.file_status(db, typed(NAMES[stored])) == ("ok", "")
    assert sorted(p.name for p in (tmp_path / "lib").rglob("*.wav")) == sorted(
        Path(n).name for n in [*NAMES.values(), "plain.wav"])              # nothing renamed


def test_like_finds_the_file_typed_in_the_other_form(tmp_path: Path) -> None:
    db = _library(tmp_path / "lib")
    wanted = (tmp_path / "lib" / nfc(NAMES["nfd"])).resolve()             # the route's absolute path, composed
    hits = similar(db, wanted, 5)
    assert [h.path.name for h in hits] and all(h.path.name != Path(NAMES["nfd"]).name for h in hits)


def test_an_unknown_name_is_still_not_in_the_library(tmp_path: Path) -> None:
    db = _library(tmp_path / "lib")
    with pytest.raises(NotInLibrary):
        library.set_tags(db, "Räuspern/kick ü 03.wav", ["snare"])
    assert on_disk(tmp_path, Path("plain.wav")) == Path("plain.wav")
