"""Thirty-ninth stop's panel QA: "more like this" searched only the selected sample's own library, while the
Library page lists every library's files together (a byte-identical copy in another library was not found)."""
from __future__ import annotations

import shutil
from pathlib import Path

from device import library
from device.ui.data import StoreData
from tests.test_p39_broken_packs import FACTORY, small_library


def _library(store: Path, name: str, pack: Path) -> Path:
    files = small_library(store / "libraries" / name / "files")
    library.tag_library(files, pack, files.parent / "tags.db")
    return files


def test_more_like_this_searches_every_library_of_the_same_pack(tmp_path: Path) -> None:
    from tests.tagger.test_p32_own_words import _picky_pack
    store = tmp_path / "box"
    a = _library(store, "lib-a-000001", FACTORY / "tagger-drums.hatpack")
    b = store / "libraries" / "lib-b-000002" / "files"
    b.mkdir(parents=True)
    shutil.copy(a / "hat.wav", b / "copy of hat.wav")
    library.tag_library(b, FACTORY / "tagger-drums.hatpack", b.parent / "tags.db")
    _library(store, "lib-c-000003", _picky_pack(tmp_path))          # another pack: its embeddings mean other things
    found = StoreData(store).similar(str(a / "hat.wav"))
    assert found[0].name == "copy of hat.wav" and found[0].score > 0.999
    assert {s.name for s in found} == {"copy of hat.wav", "kick.wav", "ride.wav"}    # a's two others, not c's
    assert all("lib-c" not in s.path for s in found)
