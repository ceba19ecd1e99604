"""Fortieth stop: an audio-named link to nothing in a library is listed by `library query --failed`, as `hatbox tag`
counted it failed (before, it had no row: counted, never listed); a link that pointed at a tagged file keeps its
tags while its target is away (a drive not plugged in), and a link put right is tagged."""
from __future__ import annotations

from pathlib import Path

from device.library import tag_library
from device.library.query import failures, tags_of
from device.library.tag import BROKEN_LINK
from tests.test_p39_broken_packs import FACTORY, small_library

PACK = str(FACTORY / "tagger-drums.hatpack")


def test_a_link_to_nothing_is_listed_failed_and_a_tagged_one_keeps_its_tags(tmp_path: Path) -> None:
    lib, db = small_library(tmp_path / "lib"), tmp_path / "t.db"
    away = small_library(tmp_path / "drive")
    (lib / "new.wav").symlink_to(tmp_path / "nowhere.wav")
    (lib / "was.wav").symlink_to(away / "kick.wav")
    first = tag_library(lib, PACK, db)
    assert ("new.wav", BROKEN_LINK) in first.failed
    assert failures(db, "error") == [(lib / "new.wav", BROKEN_LINK)]
    tagged = tags_of(db, lib / "was.wav")
    assert tagged
    (away / "kick.wav").rename(away / "gone.wav")                   # the drive unplugged
    again = tag_library(lib, PACK, db)
    assert ("was.wav", BROKEN_LINK) in again.failed and ("new.wav", BROKEN_LINK) in again.failed
    assert tags_of(db, lib / "was.wav") == tagged                                           # its tags kept
    (lib / "new.wav").unlink()
    (lib / "new.wav").symlink_to(lib / "ride.wav")                   # put right
    tag_library(lib, PACK, db)
    assert failures(db, "error") == []
