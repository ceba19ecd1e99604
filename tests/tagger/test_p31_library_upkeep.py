"""Thirty-first stop: `hatbox tag --links` takes away the tag folders it left empty, and a file whose mtime
changed but whose bytes did not (a copied library, a sync tool, `touch`) is not decoded and tagged again."""
from __future__ import annotations

import os

from device import library
from device.library import db as libdb


def _link_folders(links):
    return sorted(p.name for p in links.iterdir() if p.is_dir())


FILES = ("kicks/k1.wav", "kicks/k2.flac", "kicks/k3.aiff", "hats/h1.wav", "hats/deep/h2.ogg")


def _alpha_and_beta(library_dir, small_pack, tmp_path):
    """The library tagged with links, its first file corrected to "alpha", the rest to "beta": (db, links folder)."""
    db, links = tmp_path / "lib.db", tmp_path / "links"
    library.tag_library(library_dir, small_pack, db)
    library.set_tags(db, library_dir / FILES[0], ["alpha"])
    for rel in FILES[1:]:
        library.set_tags(db, library_dir / rel, ["beta"])
    library.tag_library(library_dir, small_pack, db, links_dir=links)
    return db, links


def test_a_tag_folder_left_empty_by_a_re_tag_goes_and_a_producers_folder_stays(library_dir, small_pack, tmp_path):
    db, links = _alpha_and_beta(library_dir, small_pack, tmp_path)
    assert _link_folders(links) == ["alpha", "beta"]
    own = links / "alpha" / "my notes.txt"            # the producer keeps a file of their own in one tag folder
    own.write_text("keep me")
    for rel in FILES:
        library.set_tags(db, library_dir / rel, ["gamma"])
    rep = library.tag_library(library_dir, small_pack, db, links_dir=links)
    assert rep.links == 5
    assert _link_folders(links) == ["alpha", "gamma"], "the empty tag folder beta/ was left behind"
    assert own.read_text() == "keep me" and list((links / "alpha").iterdir()) == [own]


def test_a_file_touched_but_unchanged_is_not_tagged_again(library_dir, small_pack, tmp_path):
    db = tmp_path / "lib.db"
    first = library.tag_library(library_dir, small_pack, db)
    assert first.tagged == 5
    touched = library_dir / "kicks" / "k1.wav"
    st = touched.stat()
    os.utime(touched, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))
    edited = library_dir / "hats" / "h1.wav"
    data = bytearray(edited.read_bytes())
    data[-100] ^= 0x55                                 # same size, other bytes: a real edit
    edited.write_bytes(bytes(data))
    os.utime(edited, ns=(st.st_atime_ns, st.st_mtime_ns + 7_000_000_000))
    again = library.tag_library(library_dir, small_pack, db)
    assert again.tagged == 1, (again.tagged, again.unchanged)       # the edited file only
    assert again.unchanged == 4
    con = libdb.connect(db)
    try:
        known = libdb.known_files(con)
    finally:
        con.close()
    assert known["kicks/k1.wav"][1] == touched.stat().st_mtime_ns    # its new mtime is kept: no hashing next time
    third = library.tag_library(library_dir, small_pack, db)
    assert third.tagged == 0 and third.unchanged == 5


def test_a_tag_folder_filled_again_is_not_remade_and_browser_leftovers_do_not_keep_one(library_dir, small_pack,
                                                                                       tmp_path):
    """The QA pass: every re-tag removed and re-made every tag folder (a Finder colour label, an xattr, a mode set
    on it were lost), and a Finder .DS_Store kept a tag's folder after its last file left."""
    db, links = _alpha_and_beta(library_dir, small_pack, tmp_path)
    (links / "beta").chmod(0o700)                          # the producer's own setting on the folder
    before = (links / "beta").stat().st_ino
    (links / "alpha" / ".DS_Store").write_bytes(b"\0\0\0\1Bud1")
    library.set_tags(db, library_dir / FILES[0], ["beta"])
    library.tag_library(library_dir, small_pack, db, links_dir=links)
    assert _link_folders(links) == ["beta"]
    assert (links / "beta").stat().st_ino == before and (links / "beta").stat().st_mode & 0o777 == 0o700


def test_your_tags_follow_a_renamed_folder_and_a_deleted_files_are_named(library_dir, small_pack, tmp_path, capsys):
    """The QA pass: renaming a folder dropped the producer's corrections of its files silently ("4 removed")."""
    from hatbox.cli import main
    db = tmp_path / "lib.db"
    library.tag_library(library_dir, small_pack, db)
    library.set_tags(db, library_dir / "kicks" / "k1.wav", ["808"])
    library.set_tags(db, library_dir / "hats" / "h1.wav", ["dusty"])
    (library_dir / "kicks").rename(library_dir / "Kicks 808")          # a folder renamed
    (library_dir / "hats" / "h1.wav").unlink()                         # a corrected file deleted
    capsys.readouterr()
    assert main(["tag", str(library_dir), "--pack", str(small_pack), "--out", str(db)]) == 0
    out = capsys.readouterr().out
    assert "your tags followed 1 file to its new name" in out, out
    assert "note: 1 file that carried your tags left the library, and the tags with it: hats/h1.wav" in out, out
    assert library.corrected_tags(db, library_dir / "Kicks 808" / "k1.wav") == ["808"]
    assert [h.path.name for h in library.files_with_tag(db, "808")] == ["k1.wav"]
    assert "dusty" not in library.list_tags(db)


def test_a_skipped_file_touched_is_not_decoded_again(library_dir, small_pack, tmp_path):
    import numpy as np
    import soundfile as sf
    silent = library_dir / "kicks" / "silent.wav"
    sf.write(silent, np.zeros(20000, np.float32), 44100)
    db = tmp_path / "lib.db"
    first = library.tag_library(library_dir, small_pack, db)
    assert [r for r, _ in first.skipped] == ["kicks/silent.wav"]
    st = silent.stat()
    os.utime(silent, ns=(st.st_atime_ns, st.st_mtime_ns + 3_000_000_000))
    again = library.tag_library(library_dir, small_pack, db)
    assert again.skipped == [] and again.unchanged == 6, (again.skipped, again.unchanged)


def test_a_library_copied_with_its_database_lists_and_corrects_its_own_files(library_dir, small_pack, tmp_path,
                                                                             capsys):
    """The QA pass: a library copied (or moved) with the database `hatbox tag` keeps inside it listed the old
    folder's files, and `library fix` on the copy's files said "not a file of this library"."""
    import shutil

    from hatbox.cli import main
    assert main(["tag", str(library_dir), "--pack", str(small_pack)]) == 0
    copy = tmp_path / "copy"
    shutil.copytree(library_dir, copy)
    capsys.readouterr()
    assert main(["library", "query", str(copy), "--tag", "kick", "-k", "50"]) == 0
    listed = [line.split(maxsplit=1)[1] for line in capsys.readouterr().out.splitlines()[1:] if line.strip()]
    assert listed and all(p.startswith(str(copy)) for p in listed), listed
    assert main(["library", "fix", str(copy), str(copy / "kicks" / "k1.wav"), "mine"]) == 0
    assert library.corrected_tags(copy / ".hatbox-tags.sqlite", copy / "kicks" / "k1.wav") == ["mine"]
    assert library.corrected_tags(library_dir / ".hatbox-tags.sqlite", library_dir / "kicks" / "k1.wav") == []


def test_a_database_named_like_the_default_but_kept_elsewhere_keeps_its_library(library_dir, small_pack, tmp_path):
    """--out somewhere/.hatbox-tags.sqlite (outside the library) still stands for the library it was tagged from."""
    elsewhere = tmp_path / "dbs" / ".hatbox-tags.sqlite"
    library.tag_library(library_dir, small_pack, elsewhere)
    library.set_tags(elsewhere, library_dir / "kicks" / "k1.wav", ["mine"])
    assert [h.path for h in library.files_with_tag(elsewhere, "mine")] == [library_dir.resolve() / "kicks" / "k1.wav"]
