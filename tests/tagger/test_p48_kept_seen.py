"""Forty-eighth stop (F1): the producer sees the corrections kept for files that left the library.

Since the forty-seventh stop `hatbox tag` keeps them by the files' bytes (device.library.kept), but nothing said so:
`library query DB` counted none, `library export` left them out without a word.  Now the summary says how many (on
stderr; its JSON keeps every key a tag), `library query DB --left` lists them, latest first, and `library export`
says on stderr how many are not in the CSV."""
from __future__ import annotations

import json
import time

from device import library

from hatbox.cli import main


def _away(library_dir, tmp_path, small_pack, db, fixes: dict[str, list[str]], away: list[str]) -> None:
    """Tag ``library_dir`` into ``db``, correct ``fixes`` (path inside -> tags), move the ``away`` paths out of the
    library (into ``tmp_path/away``) and tag again: their corrections are kept."""
    library.tag_library(library_dir, small_pack, db)
    for rel, tags in fixes.items():
        library.set_tags(db, library_dir / rel, tags)
    (tmp_path / "away").mkdir(exist_ok=True)
    for rel in away:
        (library_dir / rel).rename(tmp_path / "away" / rel.replace("/", "__"))
    library.tag_library(library_dir, small_pack, db)


def test_the_summary_says_how_many_are_kept_and_nothing_when_none(library_dir, small_pack, tmp_path, capsys):
    db = tmp_path / "lib.db"
    library.tag_library(library_dir, small_pack, db)
    library.set_tags(db, library_dir / "kicks" / "k1.wav", ["snare808"])
    assert main(["library", "query", str(db)]) == 0
    assert "left" not in capsys.readouterr().err
    assert main(["library", "query", str(db), "--json"]) == 0
    before = json.loads(capsys.readouterr().out)
    assert "#kept_left" not in before and before["snare808"] == 1, before      # as before: the tag counts only
    (library_dir / "kicks" / "k1.wav").rename(tmp_path / "k1.wav")
    library.tag_library(library_dir, small_pack, db)
    assert main(["library", "query", str(db)]) == 0
    out, err = capsys.readouterr()
    assert "snare808" not in out                                # the counts are the library's files
    assert (f"note: 1 file that left the library keeps your tags: they come back with its sound (hatbox library "
            f"query {db} --left lists it; hatbox library fix {db} --forget-left drops its tags)") in err, err
    assert main(["library", "query", str(db), "--json"]) == 0
    out, err = capsys.readouterr()
    now = json.loads(out)
    assert now == {t: n for t, n in before.items() if t != "snare808"}, now     # p48 review: no "#kept_left" key
    assert "note: 1 file that left the library keeps your tags" in err, err      # said on stderr, as in text


def test_left_lists_path_tags_and_when_it_left_as_text_and_json(library_dir, small_pack, tmp_path, capsys,
                                                                 monkeypatch):
    db = tmp_path / "lib.db"
    start = time.time()
    _away(library_dir, tmp_path, small_pack, db, {"kicks/k1.wav": ["sub", "boom"], "hats/h1.wav": ["crack"],
                                                  "kicks/k3.aiff": ["tom"]}, ["hats/h1.wav"])
    _away(library_dir, tmp_path, small_pack, db, {}, ["kicks/k1.wav"])     # left later: listed first
    monkeypatch.setattr("sys.stdout.isatty", lambda: True)     # the heading and the cut line, as on a terminal
    assert main(["library", "query", str(db), "--left"]) == 0
    out = capsys.readouterr().out
    when = time.strftime("%Y-%m-%d %H:%M", time.localtime(start))
    later = time.strftime("%Y-%m-%d %H:%M", time.localtime(time.time()))
    assert "left the library, keeping your tags (2;" in out, out
    rows = [line for line in out.splitlines() if line.startswith("  ")]
    assert [r.split("  ", 2)[2] for r in rows] == ["kicks/k1.wav: boom, sub", "hats/h1.wav: crack"], out
    assert all(r.split("  ")[1] in (when, later) for r in rows), rows
    assert "kicks/k3.aiff" not in out                            # still in the library: not kept
    assert main(["library", "query", str(db), "--left", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(r["path"], r["tags"]) for r in listed] == [("kicks/k1.wav", ["boom", "sub"]),
                                                        ("hats/h1.wav", ["crack"])], listed
    assert listed[0]["left_s"] > listed[1]["left_s"], listed       # latest first
    assert all(set(r) == {"path", "tags", "left", "left_s"} and r["left"] in (when, later)
               and start - 1 <= r["left_s"] <= time.time() + 1 for r in listed), listed
    assert main(["library", "query", str(db), "--left", "-k", "1"]) == 0
    out = capsys.readouterr().out
    assert [line for line in out.splitlines() if line.startswith("  ")] == rows[:1]
    assert "... the first 1 of 2: -k 2 lists them all" in out, out


def test_left_says_when_none_is_kept(library_dir, small_pack, tmp_path, capsys):
    db = tmp_path / "lib.db"
    library.tag_library(library_dir, small_pack, db)
    assert main(["library", "query", str(db), "--left"]) == 0
    out, err = capsys.readouterr()
    assert out == "" and "no file that left the library keeps your tags" in err
    assert main(["library", "query", str(db), "--left", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_export_says_how_many_corrections_of_files_that_left_are_not_in_the_csv(library_dir, small_pack, tmp_path,
                                                                                 capsys):
    db, csv = tmp_path / "lib.db", tmp_path / "fixes.csv"
    _away(library_dir, tmp_path, small_pack, db, {"kicks/k1.wav": ["sub"], "hats/h1.wav": ["crack"],
                                                  "kicks/k2.flac": ["boom"]}, ["kicks/k1.wav", "hats/h1.wav"])
    assert main(["library", "export", str(db), "--out", str(csv)]) == 0
    out, err = capsys.readouterr()
    assert "1 corrected file ->" in out and "k2.flac" in csv.read_text(), out
    assert (f"note: your corrections of 2 files that left the library are not in the CSV (the files are not in the "
            f"library; hatbox library query {db} --left lists them)") in err, err
    assert "left the library" not in out                        # stdout as before: what was written
    library.tag_library(library_dir, small_pack, db)
    assert main(["library", "export", str(db), "--out", str(csv)]) == 0
    assert "not in the CSV" in capsys.readouterr().err          # still kept: said again, each time
