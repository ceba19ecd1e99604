"""hatbox tag never walks a link to a folder above the library, and a links list it cannot write is a plain error (the next run clears what it made)."""
from __future__ import annotations

import sqlite3

import pytest
import soundfile as sf

from device import library
from device.library import links as links_mod
from device.library.scan import audio_files
from hatbox.errors import HatboxError
from tests.tagger.conftest import thump


def test_a_link_to_a_folder_above_the_library_is_not_walked(library_dir, tmp_path):
    sf.write(tmp_path / "outside.wav", thump(44100, seed=9), 44100)      # beside the library, not in it
    (library_dir / "up").symlink_to(tmp_path)                             # lib/up -> the folder holding lib
    (library_dir / "kicks" / "top").symlink_to("/")                        # a link to the whole disk
    found = [p.relative_to(library_dir).as_posix() for p in audio_files(library_dir)]
    assert not any(f.startswith(("up/", "kicks/top/")) for f in found)
    assert "kicks/k1.wav" in found and len(found) == 6


def test_a_link_to_a_folder_beside_the_library_is_still_walked(library_dir, tmp_path):
    drive = tmp_path / "drive"
    drive.mkdir()
    sf.write(drive / "far.wav", thump(44100, seed=8), 44100)
    (library_dir / "drive").symlink_to(drive)
    found = [p.relative_to(library_dir).as_posix() for p in audio_files(library_dir)]
    assert "drive/far.wav" in found


def test_a_links_list_that_cannot_be_written_is_a_plain_error_and_the_next_run_tidies_up(
        library_dir, small_pack, tmp_path, monkeypatch):
    db, links = tmp_path / "lib.db", tmp_path / "links"
    rep = library.tag_library(library_dir, small_pack, db, links_dir=links)
    assert rep.links > 0 and not rep.links_error, (rep.links, rep.links_error)

    def no_room(self, *a, **kw):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(links_mod.Path, "write_text", no_room)
    with sqlite3.connect(db) as con, pytest.raises(HatboxError) as err:
        links_mod.write_links(con, library_dir.resolve(), links)
    assert "cannot write" in str(err.value) and "No space left" in str(err.value)
    assert "run the same command again" in err.value.hint
    assert not (links / (links_mod.MADE + ".tmp")).exists()
    monkeypatch.undo()
    rep = library.tag_library(library_dir, small_pack, db, links_dir=links)     # the next run tidies up
    made = [p for p in links.rglob("*") if p.is_symlink()]
    assert len(made) == rep.links and (links / links_mod.MADE).read_bytes().count(b"\0") == rep.links
