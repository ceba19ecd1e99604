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
    assert "4 unchanged (3 of them renamed: the same bytes under a new name), 1 failed" in out, out
    assert ("note: 1 file that carried your tags left the library: your tags are kept and come back with it (the "
            "same bytes under any name, at a later hatbox tag): hats/h1.wav") in out, out   # p47 G3: kept
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


def _mine(db, path):
    return library.corrected_tags(db, path)


def test_a_renamed_folder_moves_its_rows_and_is_not_tagged_again(library_dir, small_pack, tmp_path):
    """The second QA pass: a renamed folder's files were decoded and tagged again, and "removed"."""
    db = tmp_path / "lib.db"
    library.tag_library(library_dir, small_pack, db)
    before = library.tags_of(db, library_dir / "kicks" / "k2.flac")
    (library_dir / "kicks").rename(library_dir / "808s")
    rep = library.tag_library(library_dir, small_pack, db)
    assert (rep.renamed, rep.tagged, rep.removed, rep.unchanged) == (3, 0, 0, 5), rep
    assert library.tags_of(db, library_dir / "808s" / "k2.flac") == before


def test_corrections_stay_with_their_sound_when_names_swap_or_a_file_is_exported_under_an_old_name(
        library_dir, small_pack, tmp_path):
    db = tmp_path / "lib.db"
    k1, k3, h1 = library_dir / "kicks" / "k1.wav", library_dir / "kicks" / "k3.aiff", library_dir / "hats" / "h1.wav"
    library.tag_library(library_dir, small_pack, db)
    library.set_tags(db, k1, ["boom"])
    library.set_tags(db, h1, ["crack"])
    # swap the names of two corrected files (same format: a .wav each)
    hat2 = library_dir / "hats" / "h2.wav"
    k1.rename(tmp_path / "t.wav")
    h1.rename(k1)
    (tmp_path / "t.wav").rename(h1)
    rep = library.tag_library(library_dir, small_pack, db)
    assert _mine(db, k1) == ["crack"] and _mine(db, h1) == ["boom"], rep
    assert rep.tagged == 0 and rep.renamed == 2
    # the real kick moved aside, another sound exported under its old name: the tags stay with the kick
    h1.rename(hat2)
    import shutil
    shutil.copyfile(k3, h1)
    rep = library.tag_library(library_dir, small_pack, db)
    # the kick's tags go with its bytes and stay on the name too (a file edited after a backup copy is the same
    # picture), with a note: the producer says which is right
    assert _mine(db, hat2) == ["boom"] and _mine(db, h1) == ["boom"], rep
    assert rep.tags_lost == [] and rep.tags_doubled == [("hats/h1.wav", "hats/h2.wav")]


def test_identical_copies_keep_their_own_corrections_when_their_folders_move(library_dir, small_pack, tmp_path):
    db = tmp_path / "lib.db"
    import shutil
    (library_dir / "kitB").mkdir()
    shutil.copyfile(library_dir / "kicks" / "k1.wav", library_dir / "kitB" / "k1.wav")
    library.tag_library(library_dir, small_pack, db)
    library.set_tags(db, library_dir / "kicks" / "k1.wav", ["main"])
    library.set_tags(db, library_dir / "kitB" / "k1.wav", ["layer"])
    (library_dir / "all").mkdir()
    (library_dir / "kicks").rename(library_dir / "all" / "kicks")
    (library_dir / "kitB").rename(library_dir / "all" / "kitB")
    rep = library.tag_library(library_dir, small_pack, db)
    assert _mine(db, library_dir / "all" / "kicks" / "k1.wav") == ["main"]
    assert _mine(db, library_dir / "all" / "kitB" / "k1.wav") == ["layer"]
    assert rep.tags_followed == 2 and rep.tags_lost == []


def test_a_library_moved_and_reorganised_with_its_database_inside_is_still_tagged(library_dir, small_pack, tmp_path):
    library.tag_library(library_dir, small_pack, library_dir / ".hatbox-tags.sqlite")
    library.set_tags(library_dir / ".hatbox-tags.sqlite", library_dir / "kicks" / "k1.wav", ["boom"])
    moved = tmp_path / "moved"
    library_dir.rename(moved)
    (moved / "Samples").mkdir()
    for name in ("kicks", "hats"):
        (moved / name).rename(moved / "Samples" / name)
    rep = library.tag_library(moved, small_pack, moved / ".hatbox-tags.sqlite")
    assert rep.renamed == 5 and rep.tagged == 0 and len(rep.failed) == 1     # the undecodable one moved, tried again
    assert _mine(moved / ".hatbox-tags.sqlite", moved / "Samples" / "kicks" / "k1.wav") == ["boom"]


def test_a_backup_of_the_database_alone_still_stands_for_its_library(library_dir, small_pack, tmp_path):
    """The second QA pass: a copy of LIB/.hatbox-tags.sqlite in a backup folder listed files under the backup folder."""
    import shutil
    db = library_dir / ".hatbox-tags.sqlite"
    library.tag_library(library_dir, small_pack, db)
    library.set_tags(db, library_dir / "kicks" / "k1.wav", ["boom"])
    backup = tmp_path / "backups" / ".hatbox-tags.sqlite"
    backup.parent.mkdir()
    shutil.copyfile(db, backup)
    assert [h.path for h in library.files_with_tag(backup, "boom")] == [library_dir.resolve() / "kicks" / "k1.wav"]


def test_a_links_folder_inside_a_copied_library_is_not_tagged_as_samples(library_dir, small_pack, tmp_path):
    """The second QA pass: a copy of a library holding its --links folder walked the links (into the old library) as
    more samples: every file twice."""
    import shutil
    library.tag_library(library_dir, small_pack, tmp_path / "a.db", links_dir=library_dir / "by-tag")
    copy = tmp_path / "copy"
    shutil.copytree(library_dir, copy, symlinks=True)
    rep = library.tag_library(copy, small_pack, tmp_path / "b.db")
    assert rep.total == 6 and not any(r.startswith("by-tag/") for r, _ in rep.failed + rep.skipped)


def test_an_unplugged_drive_linked_into_the_library_keeps_its_files_rows_and_corrections(library_dir, small_pack,
                                                                                         tmp_path):
    """The second QA pass: a sample drive linked into the library and unplugged lost its files' rows and the
    producer's tags on the next run ("removed"), and plugged back in they were gone."""
    import numpy as np
    import soundfile as sf
    drive = tmp_path / "drive"
    (drive / "Samples").mkdir(parents=True)
    sf.write(drive / "Samples" / "far.wav", np.sin(np.arange(8000) / 9.0).astype(np.float32) * 0.5, 44100)
    (library_dir / "External").symlink_to(drive / "Samples")
    db = tmp_path / "lib.db"
    library.tag_library(library_dir, small_pack, db)
    library.set_tags(db, "External/far.wav", ["far"])
    drive.rename(tmp_path / "unplugged")
    rep = library.tag_library(library_dir, small_pack, db)
    assert rep.removed == 0 and any(r == "External/" and "a link to nothing" in why for r, why in rep.failed), rep
    (tmp_path / "unplugged").rename(drive)
    library.tag_library(library_dir, small_pack, db)
    assert _mine(db, "External/far.wav") == ["far"]
    assert _mine(db, library_dir / "External" / "far.wav") == ["far"]     # its path through the link names it too


def test_a_query_of_a_library_that_moved_away_from_its_database_says_so(library_dir, small_pack, tmp_path, capsys):
    from hatbox.cli import main
    db = tmp_path / "lib.db"
    library.tag_library(library_dir, small_pack, db)
    library_dir.rename(tmp_path / "moved")
    capsys.readouterr()
    assert main(["library", "query", str(db)]) == 0
    err = capsys.readouterr().err
    assert "is not there (moved, renamed, or a drive not plugged in?)" in err and f"--out {db}" in err
    assert main(["tag", str(tmp_path / "moved"), "--pack", str(small_pack), "--out", str(db)]) == 0   # it follows
    capsys.readouterr()
    assert main(["library", "query", str(db)]) == 0
    assert "is not there" not in capsys.readouterr().err


def test_pairing_of_moved_bytes_prefers_the_same_name_then_takes_the_rest_in_order():
    from device.library.moves import pair as _pair
    srcs = [f"old/{i:04d}.wav" for i in range(3000)] + ["a/kick.wav"]       # 3000 copies of one silence, one rename
    dsts = [f"new/{i:04d}.wav" for i in range(3000)] + ["b/kick-renamed.wav", "c/extra.wav"]
    rows, copies = _pair(srcs, dsts, lambda src: ["hush"] if src == "old/0007.wav" else [])
    assert len(rows) == 3001 and dict(rows)["old/0042.wav"] == "new/0042.wav"
    assert dict(rows)["a/kick.wav"] == "b/kick-renamed.wav"
    assert copies == {"c/extra.wav": ["hush"]}


def test_a_file_moved_over_another_of_the_same_size_and_time_is_seen(library_dir, small_pack, tmp_path):
    """The third QA pass: files unzipped from a pack share their mtime, and same-length loops their size: one moved
    over another kept the old row, scores and correction (`mv "Kick 02.wav" "Kick 01.wav"`)."""
    import numpy as np
    import soundfile as sf
    a, b = library_dir / "loops" / "a.wav", library_dir / "loops" / "b.wav"
    a.parent.mkdir()
    sf.write(a, np.sin(np.arange(9000) / 7.0).astype(np.float32) * 0.5, 44100)
    sf.write(b, np.sin(np.arange(9000) / 3.0).astype(np.float32) * 0.5, 44100)
    for f in (a, b):
        os.utime(f, ns=(1_600_000_000_000_000_000, 1_600_000_000_000_000_000))
    db = tmp_path / "lib.db"
    library.tag_library(library_dir, small_pack, db)
    library.set_tags(db, a, ["sub808"])
    b_scores = library.tags_of(db, b)
    b.rename(a)                                           # b over a: same size, same mtime
    rep = library.tag_library(library_dir, small_pack, db)
    assert library.tags_of(db, a) == b_scores, rep        # a's row is b's now
    assert _mine(db, a) == [] and rep.tags_overwritten == ["loops/a.wav"] and rep.tags_lost == []


def test_identical_copies_pair_with_the_folder_that_reads_most_alike(library_dir, small_pack, tmp_path):
    import shutil
    for kit in ("Kit A", "Kit B"):
        (library_dir / kit).mkdir()
        shutil.copyfile(library_dir / "kicks" / "k1.wav", library_dir / kit / "Crash.wav")
    db = tmp_path / "lib.db"
    library.tag_library(library_dir, small_pack, db)
    library.set_tags(db, library_dir / "Kit A" / "Crash.wav", ["ride"])
    library.set_tags(db, library_dir / "Kit B" / "Crash.wav", ["china"])
    (library_dir / "Kit A").rename(library_dir / "Kit A (old)")
    shutil.rmtree(library_dir / "Kit B")
    rep = library.tag_library(library_dir, small_pack, db)
    assert _mine(db, library_dir / "Kit A (old)" / "Crash.wav") == ["ride"], rep
    assert rep.tags_lost == ["Kit B/Crash.wav"]


def test_a_file_edited_after_a_backup_copy_keeps_its_tags_and_the_note_says_both(library_dir, small_pack, tmp_path,
                                                                                  capsys):
    import shutil

    import soundfile as sf

    from hatbox.cli import main
    db = tmp_path / "lib.db"
    h1 = library_dir / "hats" / "h1.wav"
    library.tag_library(library_dir, small_pack, db)
    library.set_tags(db, h1, ["hihat"])
    shutil.copyfile(h1, library_dir / "hats" / "h1 (original).wav")
    x, rate = sf.read(h1, dtype="float32")
    sf.write(h1, x * 0.5, rate)                                            # quieter, edited in place
    capsys.readouterr()
    assert main(["tag", str(library_dir), "--pack", str(small_pack), "--out", str(db)]) == 0
    out = capsys.readouterr().out
    assert _mine(db, h1) == ["hihat"] and _mine(db, library_dir / "hats" / "h1 (original).wav") == ["hihat"]
    assert "note: hats/h1.wav changed and its earlier sound is now hats/h1 (original).wav: your tags are on both" in out


def test_a_sample_folder_given_as_links_is_refused_before_anything(library_dir, small_pack, tmp_path):
    """The third QA pass: --links LIB/Kicks wrote its list beside the real kicks, and every later run skipped them."""
    import pytest

    from hatbox.errors import HatboxError
    with pytest.raises(HatboxError, match="holds samples of its own"):
        library.tag_library(library_dir, small_pack, tmp_path / "lib.db", links_dir=library_dir / "kicks")
    assert not (library_dir / "kicks" / ".hatbox-links").exists() and not (tmp_path / "lib.db").exists()


def test_a_library_with_its_database_elsewhere_moved_and_reorganised_is_followed(library_dir, small_pack, tmp_path):
    """The third QA pass: `hatbox tag NEW-FOLDER --out DB`, which the query's note advises, refused a library that
    was moved and reorganised (its names no longer matched; its bytes do)."""
    db = tmp_path / "lib.db"
    library.tag_library(library_dir, small_pack, db)
    library.set_tags(db, library_dir / "kicks" / "k1.wav", ["boom"])
    moved = tmp_path / "moved"
    library_dir.rename(moved)
    (moved / "Drums").mkdir()
    for name in ("kicks", "hats"):
        (moved / name).rename(moved / "Drums" / name)
    rep = library.tag_library(moved, small_pack, db)
    assert rep.tagged == 0 and _mine(db, moved / "Drums" / "kicks" / "k1.wav") == ["boom"]


def test_a_skipped_file_from_an_older_database_gets_its_hash_and_follows_a_rename(library_dir, small_pack, tmp_path):
    import sqlite3

    import numpy as np
    import soundfile as sf
    silent = library_dir / "fx" / "silence.wav"
    silent.parent.mkdir()
    sf.write(silent, np.zeros(8000, np.float32), 44100)
    db = tmp_path / "lib.db"
    library.tag_library(library_dir, small_pack, db)
    with sqlite3.connect(db) as con:                       # as the code before the thirty-first stop wrote it
        con.execute("UPDATE files SET hash = NULL WHERE status = 'skipped'")
    library.set_tags(db, silent, ["riser"])
    library.tag_library(library_dir, small_pack, db)
    silent.rename(library_dir / "fx" / "riser-silence.wav")
    rep = library.tag_library(library_dir, small_pack, db)
    assert _mine(db, library_dir / "fx" / "riser-silence.wav") == ["riser"] and rep.tags_lost == []


def test_an_unplugged_drive_linked_under_a_name_with_a_dot_keeps_its_rows(library_dir, small_pack, tmp_path):
    """The fourth QA pass: "Splice Vol. 2" read as a file named with the extension ". 2", so its rows went."""
    import numpy as np
    import soundfile as sf
    drive = tmp_path / "drive"
    drive.mkdir()
    sf.write(drive / "s0.wav", np.sin(np.arange(8000) / 5.0).astype(np.float32) * 0.5, 44100)
    (library_dir / "Splice Vol. 2").symlink_to(drive)
    (library_dir / "stray.txt").symlink_to(tmp_path / "nothing.txt")      # a stray link to a file: said nowhere
    db = tmp_path / "lib.db"
    library.tag_library(library_dir, small_pack, db)
    library.set_tags(db, "Splice Vol. 2/s0.wav", ["crack"])
    drive.rename(tmp_path / "unplugged")
    rep = library.tag_library(library_dir, small_pack, db)
    assert rep.removed == 0 and [r for r, _ in rep.failed if r.endswith("/")] == ["Splice Vol. 2/"], rep.failed
    assert _mine(db, "Splice Vol. 2/s0.wav") == ["crack"]


def test_one_folder_of_a_moved_library_tagged_by_mistake_is_refused(library_dir, small_pack, tmp_path):
    """The fourth QA pass: with the recorded folder gone, a sub-folder of the moved library was taken (its files
    found by their bytes), the rest removed with their corrections, and the database then held that sub-folder."""
    import pytest

    from hatbox.errors import HatboxError
    db = tmp_path / "lib.db"
    library.tag_library(library_dir, small_pack, db)
    library.set_tags(db, library_dir / "hats" / "h1.wav", ["riser"])
    moved = tmp_path / "moved"
    library_dir.rename(moved)
    with pytest.raises(HatboxError, match="nothing changed"):
        library.tag_library(moved / "kicks", small_pack, db)
    assert _mine(db, "hats/h1.wav") == ["riser"]


def test_loops_of_one_size_and_time_renumbered_keep_their_own_tags(library_dir, small_pack, tmp_path, capsys):
    """The fourth QA pass: Loop 1-3 of one length, unzipped with one mtime, renumbered (3->4, 2->3, 1->2) and a new
    Loop 1 written: the corrections stayed with the names, on other sounds."""
    import numpy as np
    import soundfile as sf
    loops = library_dir / "loops"
    loops.mkdir()
    for i in (1, 2, 3):
        sf.write(loops / f"Loop {i}.wav", np.sin(np.arange(9000) / (2.0 + i)).astype(np.float32) * 0.5, 44100)
        os.utime(loops / f"Loop {i}.wav", ns=(1_700_000_000_000_000_000,) * 2)
    db = tmp_path / "lib.db"
    library.tag_library(library_dir, small_pack, db)
    library.set_tags(db, loops / "Loop 1.wav", ["deep"])
    library.set_tags(db, loops / "Loop 2.wav", ["airy"])
    for a, b in ((3, 4), (2, 3), (1, 2)):
        (loops / f"Loop {a}.wav").rename(loops / f"Loop {b}.wav")
    sf.write(loops / "Loop 1.wav", np.sin(np.arange(9000) / 9.0).astype(np.float32) * 0.5, 44100)
    library.tag_library(library_dir, small_pack, db)
    assert [_mine(db, loops / f"Loop {i}.wav") for i in (2, 3, 4)] == [["deep"], ["airy"], []]
