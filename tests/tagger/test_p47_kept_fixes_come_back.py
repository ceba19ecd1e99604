"""Forty-seventh stop (G3): a producer's corrections outlive a folder that was away for a night.

QA's nightly cron job: `hatbox library fix` gave a snare the tag "kick"; its folder was moved away for one
`hatbox tag` run and back for the next, and the correction was gone for good, said by one stderr line.  Now the tags
of a file that leaves are kept by its bytes (device.library.kept) and given back when those bytes come back, under the
old name or another; `library export` lists only the files that are there and drops none of the kept ones."""
from __future__ import annotations

import json
import shutil
import sqlite3

from device import library
from device.library import db as libdb
from device.library import kept


def _tag(main, lib, pack, db) -> int:
    return main(["tag", str(lib), "--pack", str(pack), "--out", str(db)])


def _kept(db) -> list[tuple[str, str]]:
    con = sqlite3.connect(db)
    try:
        return sorted((str(p), t) for p, t in con.execute("SELECT path, tag FROM kept_tags"))
    finally:
        con.close()


def test_a_folder_away_for_one_run_gives_its_corrections_back(library_dir, small_pack, tmp_path, capsys):
    """The QA's scenario, through the commands: away, tagged, back, tagged, queried."""
    from hatbox.cli import main
    db = tmp_path / "m.db"
    assert _tag(main, library_dir, small_pack, db) == 0
    assert main(["library", "fix", str(db), str(library_dir / "kicks" / "k1.wav"), "snare808"]) == 0
    (library_dir / "kicks").rename(tmp_path / "kicks.away")
    capsys.readouterr()
    assert _tag(main, library_dir, small_pack, db) == 0
    out = capsys.readouterr().out
    assert ("note: 1 file that carried your tags left the library: your tags are kept and come back with it (the "
            "same bytes under any name, at a later hatbox tag): kicks/k1.wav") in out, out
    assert "snare808" not in library.list_tags(db)             # not listed while the file is away
    (tmp_path / "kicks.away").rename(library_dir / "kicks")
    assert _tag(main, library_dir, small_pack, db) == 0
    out = capsys.readouterr().out
    assert "3 tagged" in out and "your tags came back with 1 file" in out and "kicks/k1.wav" in out, out
    assert main(["library", "query", str(db), "--tag", "snare808", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [hit["path"].rsplit("/", 1)[-1] for hit in listed] == ["k1.wav"], listed
    assert library.corrected_tags(db, library_dir / "kicks" / "k1.wav") == ["snare808"]
    assert _kept(db) == []                                      # given back: no longer kept


def test_a_file_that_comes_back_under_another_name_gets_its_tags(library_dir, small_pack, tmp_path):
    db = tmp_path / "lib.db"
    k1 = library_dir / "kicks" / "k1.wav"
    library.tag_library(library_dir, small_pack, db)
    library.set_tags(db, k1, ["boom", "sub"])
    k1.rename(tmp_path / "k1.wav")                              # away
    rep = library.tag_library(library_dir, small_pack, db)
    assert rep.tags_lost == ["kicks/k1.wav"] and rep.tags_unkept == [] and rep.removed == 1, rep
    assert _kept(db) == [("kicks/k1.wav", "boom"), ("kicks/k1.wav", "sub")]
    (library_dir / "808s").mkdir()
    shutil.copyfile(tmp_path / "k1.wav", library_dir / "808s" / "Boom 01.wav")   # back, renamed, in a new folder
    rep = library.tag_library(library_dir, small_pack, db)
    assert rep.tags_back == ["808s/Boom 01.wav"] and rep.tagged == 1, rep
    assert library.corrected_tags(db, library_dir / "808s" / "Boom 01.wav") == ["boom", "sub"]
    assert _kept(db) == []


def test_export_lists_only_files_that_are_there_and_keeps_the_rest(library_dir, small_pack, tmp_path, capsys):
    from hatbox.cli import main
    db, csv = tmp_path / "lib.db", tmp_path / "fixes.csv"
    h1, k1 = library_dir / "hats" / "h1.wav", library_dir / "kicks" / "k1.wav"
    library.tag_library(library_dir, small_pack, db)
    library.set_tags(db, h1, ["crack"])
    library.set_tags(db, k1, ["boom"])
    h1.rename(tmp_path / "h1.wav")
    library.tag_library(library_dir, small_pack, db)
    assert main(["library", "export", str(db), "--out", str(csv), "--force"]) == 0
    rows = csv.read_text().splitlines()
    assert any(r.startswith(f"{k1},boom") for r in rows) and not any("h1.wav" in r for r in rows), rows
    assert _kept(db) == [("hats/h1.wav", "crack")]              # export drops none of the kept ones
    (tmp_path / "h1.wav").rename(h1)
    library.tag_library(library_dir, small_pack, db)
    assert main(["library", "export", str(db), "--out", str(csv), "--force"]) == 0
    assert any(r.startswith(f"{h1},crack") for r in csv.read_text().splitlines())


def test_a_sound_replaced_under_its_name_keeps_its_tags_until_it_comes_back(library_dir, small_pack, tmp_path):
    """A path whose sound another replaced (`mv b.wav a.wav`): a's tags were gone for good; now kept by a's bytes."""
    a, b = library_dir / "kicks" / "k1.wav", library_dir / "hats" / "h1.wav"
    db = tmp_path / "lib.db"
    library.tag_library(library_dir, small_pack, db)
    library.set_tags(db, a, ["sub808"])
    shutil.copyfile(a, tmp_path / "a-before.wav")
    b.rename(a)                                                 # b's bytes now under a's name; a's sound is gone
    rep = library.tag_library(library_dir, small_pack, db)
    assert rep.tags_overwritten == ["kicks/k1.wav"] and library.corrected_tags(db, a) == [], rep
    shutil.copyfile(tmp_path / "a-before.wav", library_dir / "kicks" / "k1 again.wav")
    rep = library.tag_library(library_dir, small_pack, db)
    assert library.corrected_tags(db, library_dir / "kicks" / "k1 again.wav") == ["sub808"], rep


def test_a_path_with_tags_of_its_own_keeps_them_and_the_oldest_kept_go_past_the_bound(library_dir, small_pack,
                                                                                         tmp_path, monkeypatch):
    db = tmp_path / "lib.db"
    k1, k2, h1 = (library_dir / p for p in ("kicks/k1.wav", "kicks/k2.flac", "hats/h1.wav"))
    library.tag_library(library_dir, small_pack, db)
    for path, tag in ((k1, "one"), (k2, "two"), (h1, "three")):
        library.set_tags(db, path, [tag])
    monkeypatch.setattr(kept, "KEEP_LIMIT", 2)
    k1.rename(tmp_path / "k1.wav")
    library.tag_library(library_dir, small_pack, db)
    k2.rename(tmp_path / "k2.flac")
    library.tag_library(library_dir, small_pack, db)
    h1.rename(tmp_path / "h1.wav")
    rep = library.tag_library(library_dir, small_pack, db)
    assert rep.tags_forgotten == 1 and [p for p, _ in _kept(db)] == ["hats/h1.wav", "kicks/k2.flac"], rep
    for name in ("k1.wav", "k2.flac"):
        (tmp_path / name).rename(library_dir / "kicks" / name)
    rep = library.tag_library(library_dir, small_pack, db)
    assert library.corrected_tags(db, k1) == [] and library.corrected_tags(db, k2) == ["two"], rep
    # the producer tags a file the box holds before it is tagged there; kept tags of its bytes do not replace them
    con = libdb.connect(db)
    with con:
        libdb.put_user_tags(con, "hats/h1.wav", ["mine now"])
    con.close()
    (tmp_path / "h1.wav").rename(h1)
    rep = library.tag_library(library_dir, small_pack, db)
    assert library.corrected_tags(db, h1) == ["mine now"] and rep.tags_back == [] and _kept(db) == [], rep


def test_a_database_from_before_gets_the_table_when_opened(library_dir, small_pack, tmp_path):
    db = tmp_path / "lib.db"
    library.tag_library(library_dir, small_pack, db)
    con = sqlite3.connect(db)
    con.execute("DROP TABLE kept_tags")
    con.commit()
    con.close()
    library.set_tags(db, library_dir / "kicks" / "k1.wav", ["boom"])    # opened: the table is made
    (library_dir / "kicks" / "k1.wav").unlink()
    rep = library.tag_library(library_dir, small_pack, db)
    assert rep.tags_lost == ["kicks/k1.wav"] and _kept(db) == [("kicks/k1.wav", "boom")]


def test_a_file_whose_bytes_were_never_read_says_its_tags_went(library_dir, small_pack, tmp_path, capsys):
    """A link to nothing carries a correction (any file the database holds takes one); it has no bytes to be known
    by, so when it leaves its tags go, and the note says so rather than promise them back."""
    from hatbox.cli import main
    db = tmp_path / "lib.db"
    (library_dir / "kicks" / "gone.wav").symlink_to(tmp_path / "nowhere.wav")
    assert _tag(main, library_dir, small_pack, db) == 0
    library.set_tags(db, library_dir / "kicks" / "gone.wav", ["ghost"])
    (library_dir / "kicks" / "gone.wav").unlink()
    capsys.readouterr()
    assert _tag(main, library_dir, small_pack, db) == 0
    out = capsys.readouterr().out
    assert ("note: 1 file that carried your tags left the library, and the tags with it (its bytes were never read, "
            "so it cannot be known again): kicks/gone.wav") in out, out
    assert "are kept" not in out and _kept(db) == []
