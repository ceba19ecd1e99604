"""QA round 21 of `hatbox tag`: what a producer's laptop library throws at it (a locked database, a full disk,
an unreadable folder, symlink loops and linked folders, deep or odd file names for --links, wrong paths)."""
from __future__ import annotations

import os
import sqlite3

import pytest
import soundfile as sf

from device import library
from device.library import db as libdb
from hatbox.cli import main
from hatbox.errors import HatboxError
from tests.tagger.conftest import thump


def _rows(db) -> int:
    with sqlite3.connect(db) as con:
        return con.execute("SELECT count(*) FROM files").fetchone()[0]


def test_a_database_locked_by_another_program_part_way_stops_with_a_plain_error_and_resumes(
        library_dir, small_pack, tmp_path, monkeypatch):
    db, holder = tmp_path / "lib.db", []
    real = sqlite3.connect
    monkeypatch.setattr(sqlite3, "connect", lambda path, timeout=5.0, **kw: real(path, timeout=0.2, **kw))

    def lock_after_first_batch(done: int, total: int) -> None:      # another program takes the database
        if done == 3 and not holder:
            holder.append(real(db, isolation_level=None))
            holder[0].execute("BEGIN EXCLUSIVE")
            holder[0].execute("DELETE FROM meta WHERE key = 'nothing'")

    with pytest.raises(HatboxError) as err:
        library.tag_library(library_dir, small_pack, db, progress=lock_after_first_batch, batch=2)
    assert "is locked by another program" in str(err.value) and "tagged before are kept" in str(err.value)
    assert "run the same command again" in err.value.hint
    holder[0].execute("ROLLBACK")
    holder[0].close()
    assert _rows(db) == 3                  # the first batch stayed: hats/broken.wav (failed), h1.wav, deep/h2.ogg
    rep = library.tag_library(library_dir, small_pack, db)
    assert rep.unchanged == 2 and rep.tagged + len(rep.failed) == 4 and _rows(db) == 6


def test_a_full_disk_while_writing_the_database_is_a_plain_error(library_dir, small_pack, tmp_path, monkeypatch):
    db = tmp_path / "lib.db"

    def full(*_args, **_kw):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(libdb, "put_result", full)
    with pytest.raises(HatboxError) as err:
        library.tag_library(library_dir, small_pack, db)
    assert "the disk is full" in str(err.value) and "free some space" in err.value.hint


def test_an_unreadable_folder_is_reported_and_its_files_keep_their_rows_and_corrections(
        library_dir, small_pack, tmp_path, monkeypatch):
    db = tmp_path / "lib.db"
    library.tag_library(library_dir, small_pack, db)
    library.set_tags(db, "hats/h1.wav", ["shaker"])
    real = os.scandir
    denied = {str(library_dir / "hats")}

    def scandir(path="."):                       # as chmod 000 makes it for anyone but root (the tests may run as root)
        if str(path) in denied:
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    rep = library.tag_library(library_dir, small_pack, db)
    assert rep.removed == 0 and ("hats/", "cannot open the folder (Permission denied); its files in the database "
                                          "are kept as they were") in rep.failed
    assert library.corrected_tags(db, "hats/h1.wav") == ["shaker"] and _rows(db) == 6
    denied.add(str(library_dir))
    with pytest.raises(HatboxError, match="cannot open the library folder"):
        library.tag_library(library_dir, small_pack, db)
    assert _rows(db) == 6


def test_symlink_loops_are_skipped_and_a_linked_folder_elsewhere_is_tagged_once(tmp_path, small_pack):
    lib, drive = tmp_path / "lib", tmp_path / "drive" / "drums"
    lib.mkdir()
    drive.mkdir(parents=True)
    sf.write(lib / "own.wav", thump(44100, seed=1), 44100)
    sf.write(drive / "far.wav", thump(44100, seed=2), 44100)
    (lib / "self.wav").symlink_to("self.wav")                   # a loop with an audio name
    (lib / "up").symlink_to("..")                               # a link back above the library
    (lib / "drive").symlink_to(drive)                           # a sample drive linked in
    (lib / "drive-again").symlink_to(drive)                     # ... twice
    (drive / "back").symlink_to(lib)                            # which links back into the library
    rep = library.tag_library(lib, small_pack, tmp_path / "lib.db")
    assert rep.total == 2 and rep.tagged == 2 and not rep.failed
    assert sorted(library.file_status(tmp_path / "lib.db", rel)[0] for rel in ("own.wav", "drive/far.wav")) == \
        ["ok", "ok"]


def test_a_deep_path_still_gets_its_link_under_the_file_name_limit(tmp_path, small_pack):
    lib = tmp_path / "lib"
    deep = lib / ("Producer Essentials Vol 3 (Deluxe Edition) " * 3).strip() / ("One Shots " * 12).strip()
    deep.mkdir(parents=True)
    names = [f"PES3_Acoustic_Kick_Deep_Roomy_Vintage_Ludwig_0{i}.wav" for i in (1, 2)]
    for i, name in enumerate(names):
        sf.write(deep / name, thump(44100, seed=i), 44100)
    sf.write(lib / "short.wav", thump(44100, seed=9), 44100)
    db, links = tmp_path / "lib.db", tmp_path / "links"
    library.tag_library(lib, small_pack, db)
    for p in [deep / n for n in names] + [lib / "short.wav"]:
        library.set_tags(db, str(p), ["kick"])
    for _ in range(2):                                       # again: the same links, none left over
        rep = library.tag_library(lib, small_pack, db, links_dir=links)
        assert rep.links == 3 and not rep.links_error
    made = sorted((links / "kick").iterdir())
    assert len(made) == 3 and all(len(os.fsencode(p.name)) <= 255 for p in made)
    wanted = [(deep / n).resolve() for n in names] + [(lib / "short.wav").resolve()]
    assert sorted(p.resolve() for p in made) == sorted(wanted)
    assert sum(p.name.endswith(("_01.wav", "_02.wav")) for p in made) == 2


def test_a_name_with_a_line_break_leaves_no_stale_links(tmp_path, small_pack):
    lib = tmp_path / "lib"
    lib.mkdir()
    sf.write(lib / "new\nline.wav", thump(44100), 44100)
    db, links = tmp_path / "lib.db", tmp_path / "links"
    library.tag_library(lib, small_pack, db)
    library.set_tags(db, "new\nline.wav", ["kick"])
    for _ in range(3):
        assert library.tag_library(lib, small_pack, db, links_dir=links).links == 1
    assert [p.name for p in (links / "kick").iterdir()] == ["new\nline.wav"]


def test_wrong_paths_are_named_plainly(library_dir, small_pack, tmp_path, capsys):
    (tmp_path / "dbs").mkdir()
    assert main(["tag", str(library_dir), "--pack", str(small_pack), "--out", str(tmp_path / "dbs")]) == 2
    err = capsys.readouterr().err
    assert "is a folder: give the database file to write" in err and "locked" not in err
    assert main(["tag", str(library_dir / "kicks" / "k1.wav"), "--pack", str(small_pack),
                 "--out", str(tmp_path / "x.db")]) == 2
    assert "is a file, not a folder" in capsys.readouterr().err
