"""Forty-seventh stop, review of the box side (K2): kept corrections come back only with bytes new to the library.

A producer corrected one of two copies of the same bytes (a/kick.wav; b/kick copy.wav left untagged) and deleted it:
its tags were kept (device.library.kept).  The untagged copy, which never left, then got them as the producer's own
when the pack changed (every file tagged again) or when it was renamed, and `hatbox tag` said "your tags came back".
Now only a file new to the library, or whose size or mtime changed, is given kept tags back."""
from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from device import library


def _two_copies_one_corrected_then_deleted(lib: Path, pack: Path, db: Path) -> Path:
    """``lib`` holds a/kick.wav and its copy b/kick copy.wav; a/kick.wav is corrected to snare808 and deleted
    (its correction kept); returns the copy."""
    (lib / "b").mkdir()
    copy = lib / "b" / "kick copy.wav"
    shutil.copyfile(lib / "kicks" / "k1.wav", copy)
    library.tag_library(lib, pack, db)
    library.set_tags(db, lib / "kicks" / "k1.wav", ["snare808"])
    (lib / "kicks" / "k1.wav").unlink()
    rep = library.tag_library(lib, pack, db)
    assert rep.tags_lost == ["kicks/k1.wav"] and rep.tags_back == []
    assert library.corrected_tags(db, copy) == []
    return copy


def _kept_paths(db: Path) -> list[str]:
    con = sqlite3.connect(db)
    try:
        return sorted({str(p) for (p,) in con.execute("SELECT path FROM kept_tags")})
    finally:
        con.close()


def test_a_copy_tagged_again_for_a_new_pack_does_not_take_a_deleted_files_tags(library_dir, small_pack, tmp_path):
    db = tmp_path / "lib.db"
    copy = _two_copies_one_corrected_then_deleted(library_dir, small_pack, db)
    con = sqlite3.connect(db)
    con.execute("UPDATE files SET model = 'an-older-pack'")       # the pack changed: every file is tagged again
    con.commit()
    con.close()
    rep = library.tag_library(library_dir, small_pack, db)
    assert rep.tagged >= 1 and rep.tags_back == []
    assert library.corrected_tags(db, copy) == []
    assert _kept_paths(db) == ["kicks/k1.wav"]                    # still kept for those bytes coming back


def test_a_renamed_copy_does_not_take_a_deleted_files_tags(library_dir, small_pack, tmp_path):
    db = tmp_path / "lib.db"
    copy = _two_copies_one_corrected_then_deleted(library_dir, small_pack, db)
    renamed = copy.with_name("kick renamed.wav")
    copy.rename(renamed)
    rep = library.tag_library(library_dir, small_pack, db)
    assert rep.renamed == 1 and rep.tags_back == []
    assert library.corrected_tags(db, renamed) == []
    assert _kept_paths(db) == ["kicks/k1.wav"]


def test_the_deleted_file_put_back_still_gets_its_tags(library_dir, small_pack, tmp_path):
    """The bytes that left, back under a new name (a file new to the library): the kept tags come back."""
    db = tmp_path / "lib.db"
    copy = _two_copies_one_corrected_then_deleted(library_dir, small_pack, db)
    back = library_dir / "kicks" / "k1 back.wav"
    shutil.copyfile(copy, back)
    rep = library.tag_library(library_dir, small_pack, db)
    assert rep.tags_back == ["kicks/k1 back.wav"]
    assert library.corrected_tags(db, back) == ["snare808"] and library.corrected_tags(db, copy) == []
