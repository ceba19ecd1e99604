"""p49 review of F4 + F8 ("your words over weeks"), nine findings mended:

1. an empty TAG (an unset shell variable) was kept as "none of my words" without a word, on the laptop and the box;
2. renaming the pack's word to a case variant split it in two (``kick`` -> ``Kick``: counts Kick 2, kick 1);
3. the laptop's rename line repeated what was typed, not what was stored; two copies of the lines and notes;
4. --none's help and the export's line said what the trainer does with a none row;
5. an unreadable own .hatbox-tags.sqlite failed push-library after the upload, in --fixes words;
6. push-library's none-free reading (``nones=False``) was dead code, and its test named the opposite of what it does;
7. `library query --left` showed a none correction as nothing;
8. `library export` lost a none correction of a skipped file without a word;
9. a push and a rename on the box each rewrote sent_fixes.json with no lock between them.
"""
from __future__ import annotations

import argparse
import json
import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest

from device import library
from hatbox.cli import main
from hatbox.errors import HatboxError
from tests.library.test_p49_words import _fix, tagged  # noqa: F401 - tagged: a fixture
from tests.tagger.conftest import small_pack  # noqa: F401 - a fixture


# ------------------------------------------------------------------------------------------ 1. an empty tag
def test_an_empty_tag_is_refused_with_a_hint_naming_none(tagged, capsys):
    _lib, db = tagged
    capsys.readouterr()
    assert _fix(db, "a.wav", "") != 0
    err = capsys.readouterr().err
    assert "empty" in err and "--none" in err, err
    assert _fix(db, "a.wav", "kick", "  ") != 0
    assert library.corrected_tags(db, "a.wav") == []                       # nothing kept
    with pytest.raises(HatboxError, match="cannot be a tag"):
        library.set_tags(db, "a.wav", [""])
    assert library.corrected_tags(db, "a.wav") == []


def test_only_the_box_s_route_takes_all_empty_tags_as_none(tagged):
    from device.library.fixes import NO_TAG, set_sent_tags
    _lib, db = tagged
    assert set_sent_tags(db, "a.wav", [""]) == [NO_TAG]
    assert library.corrected_tags(db, "a.wav") == [NO_TAG]
    assert set_sent_tags(db, "a.wav", ["kick"]) == ["kick"]


def test_box_library_fix_with_an_empty_tag_is_refused_before_the_box_is_asked():
    from hatbox.box_words import check
    args = argparse.Namespace(none=False, fix=["kit/s0.wav", ""], rename_word=None, drop_word=None, json=False,
                              wait=False)
    with pytest.raises(HatboxError) as caught:
        check(args)
    assert "empty" in str(caught.value) and "--none" in (caught.value.hint or "")
    check(argparse.Namespace(**{**vars(args), "fix": ["kit/s0.wav"]}))       # no TAG: back to the tagger, asked


# ------------------------------------------------------------------------------------------ 2 + 3. renames
def test_renaming_the_pack_s_word_to_another_case_keeps_one_word(tagged, capsys):
    _lib, db = tagged
    assert _fix(db, "a.wav", "kick") == 0 and _fix(db, "b.wav", "kick") == 0
    capsys.readouterr()
    assert _fix(db, "--rename-word", "kick", "Kick") == 0
    assert "'kick' is spelled so already; nothing was changed" in capsys.readouterr().out
    assert library.corrected_tags(db, "a.wav") == ["kick"]
    counts = library.list_tags(db)
    assert "Kick" not in counts and counts["kick"] >= 2
    from device.library.words import word_uses
    assert word_uses(db) == {"kick": 2}


def test_the_rename_line_says_what_was_stored_not_what_was_typed(tagged, capsys):
    _lib, db = tagged
    assert _fix(db, "a.wav", "dusty") == 0
    capsys.readouterr()
    assert _fix(db, "--rename-word", "Dusty", "dusty") == 0
    assert capsys.readouterr().out.strip() == "'dusty' is spelled so already; nothing was changed"
    assert _fix(db, "--rename-word", "dusty", "KICK") == 0
    assert "renamed 'dusty' to 'kick' in the corrections of 1 file" in capsys.readouterr().out
    assert library.corrected_tags(db, "a.wav") == ["kick"]
    assert _fix(db, "b.wav", "glitch") == 0 and _fix(db, "--drop-word", "GLITCH") == 0
    assert "dropped 'glitch' from the corrections of 1 file" in capsys.readouterr().out


def test_the_box_s_lines_and_note_are_the_laptop_s():
    from hatbox.box_words import changed_lines, foreign_words_note
    from hatbox.library_words import foreign_note, word_change_lines
    body = {"word": "dusty", "to": "kick", "files": 2, "kept": 0, "back": []}
    lines = changed_lines("kit", body, argparse.Namespace(rename_word=["Dusty", "KICK"], drop_word=None))
    assert lines[0] == word_change_lines("dusty", "kick", 2, 0, [], "-", " (library kit)")[0]
    assert lines[0] == "renamed 'dusty' to 'kick' in the corrections of 2 files (library kit)"
    words = {"foreign": {"dusty": 2}, "tagger": ["kick", "hat"], "files_foreign": 2}
    note = foreign_words_note(lambda _route: words, "kit")
    assert note == foreign_note({"dusty": 2}, 2, ["kick", "hat"], "--export-fixes", "hatbox box-library kit",
                                " on the box")
    assert "2 of your corrections on the box use words this tagger does not have: dusty (2)" in note


def test_one_action_frees_file_and_tags_for_every_whole_library_option(tagged, capsys):
    from hatbox.library_kept import NoFileNeeded
    import hatbox.library_words as words
    assert not hasattr(words, "_Whole")
    _lib, db = tagged
    assert _fix(db, "a.wav", "glitch") == 0
    assert _fix(db, "--drop-word", "glitch") == 0                          # a WORD kept whole, not its letters
    assert library.corrected_tags(db, "a.wav") == []
    assert NoFileNeeded.__module__ == "hatbox.library_kept"


# ------------------------------------------------------------------------------------------ 4. what --none trains
def test_none_help_and_export_say_the_tagger_says_yes_or_no_to_each_word(tagged, tmp_path, capsys):
    from hatbox.library_words import NONE_HELP
    from trainer.tagger.data import load_sources
    from trainer.tagger.pipeline import check_items
    assert "yes or no to each word" in NONE_HELP
    _lib, db = tagged
    assert _fix(db, "a.wav", "--none") == 0 and _fix(db, "b.wav", "kick") == 0 and _fix(db, "c.wav", "hat") == 0
    capsys.readouterr()
    out = tmp_path / "fixes.csv"
    assert main(["library", "export", str(db), "--out", str(out)]) == 0
    assert "says yes or no to each word" in capsys.readouterr().out
    check_items(load_sources([out]))                      # what the help promises: the trainer takes it


# ------------------------------------------------------------------------------------------ 5. own database
def test_an_unreadable_own_database_is_refused_before_the_upload_naming_no_fixes(tmp_path):
    from device.library.db import IN_LIBRARY
    from hatbox.library_fixes import push_fixes
    src = tmp_path / "kit"
    src.mkdir()
    (src / IN_LIBRARY).write_bytes(b"SQLite format 3\x00" + b"\x07" * 4000)
    with pytest.raises(HatboxError) as caught:
        push_fixes(src, None, False)
    said = str(caught.value)
    assert "--fixes" not in said and "own tag database" in said and "nothing was sent" in said, said
    assert "--no-fixes" in (caught.value.hint or "")
    assert push_fixes(src, None, True) is None                            # --no-fixes skips it


def test_the_own_database_is_read_once_by_push_fixes(tagged):
    from hatbox.library_fixes import push_fixes
    lib, db = tagged
    assert _fix(db, "a.wav", "kick") == 0
    given = push_fixes(lib, None, False)
    assert given is not None and given.path == db
    db.write_bytes(b"")                                   # read before: nothing is read again later
    assert given.sent() == ([{"path": "a.wav", "tags": ["kick"]}], 0)


# ------------------------------------------------------------------------------------------ 6. one reading
def test_push_library_s_reading_keeps_none_corrections_as_the_box_does(tagged, tmp_path, capsys):
    import inspect

    from hatbox.fixes_given import csv_corrections, given_corrections
    lib, db = tagged
    assert "nones" not in inspect.signature(given_corrections).parameters
    assert _fix(db, "a.wav", "--none") == 0 and _fix(db, "b.wav", "kick") == 0
    capsys.readouterr()
    assert given_corrections(db, "fixes.db") == {lib / "a.wav": [""], lib / "b.wav": ["kick"]}
    given = tmp_path / "fixes.csv"
    given.write_text(f"path,tags\n{lib / 'a.wav'},\n{lib / 'b.wav'},kick\n", encoding="utf-8")
    assert csv_corrections(given, "fixes.csv") == {lib / "a.wav": [""], lib / "b.wav": ["kick"]}
    assert capsys.readouterr().err == ""


def test_the_doc_says_push_library_sends_none_corrections():
    text = (Path(__file__).resolve().parents[2] / "docs" / "tagger.md").read_text(encoding="utf-8")
    assert "The box keeps tags only" not in text


# ------------------------------------------------------------------------------------------ 7. --left
def test_left_shows_a_none_correction_in_words(tagged, small_pack, capsys):  # noqa: F811
    lib, db = tagged
    assert _fix(db, "a.wav", "--none") == 0
    (lib / "a.wav").rename(lib.parent / "a.wav")
    assert main(["tag", str(lib), "--pack", str(small_pack)]) == 0
    capsys.readouterr()
    assert main(["library", "query", str(db), "--left"]) == 0
    assert "a.wav: none of the words (yours)" in capsys.readouterr().out
    assert main(["library", "query", str(db), "--left", "--json"]) == 0
    assert [row["tags"] for row in json.loads(capsys.readouterr().out)] == [[""]]


# ------------------------------------------------------------------------------------------ 8. export
def test_export_names_a_none_correction_it_leaves_out(tagged, tmp_path, capsys):
    _lib, db = tagged
    assert _fix(db, "a.wav", "--none") == 0 and _fix(db, "b.wav", "kick") == 0
    con = sqlite3.connect(db)
    con.execute("UPDATE files SET status = 'skipped', error = 'silent' WHERE path IN ('a.wav', 'b.wav')")
    con.commit()
    con.close()
    capsys.readouterr()
    assert main(["library", "export", str(db), "--out", str(tmp_path / "f.csv")]) == 0
    out = capsys.readouterr().out
    assert "2 corrected files left out" in out and "a.wav: skipped: silent" in out, out


# ------------------------------------------------------------------------------------------ 9. one lock
def test_a_push_and_a_rename_on_the_box_do_not_write_over_each_other(tmp_path, monkeypatch):
    import device.api.library_fixes as fixes
    from device.api.library_words_route import changed_words
    folder = tmp_path / "lib"
    folder.mkdir()
    (folder / fixes.WAITING).write_text(json.dumps({"kit/a.wav": ["dusty"]}))
    (folder / fixes.SENT).write_text(json.dumps({"kit/a.wav": ["dusty"]}))
    inside, renamed = threading.Event(), threading.Event()
    sides = fixes._sides

    def slow_sides(*args: Any) -> Any:
        inside.set()
        renamed.wait(0.5)                                 # a rename gets in here without the lock
        return sides(*args)

    monkeypatch.setattr(fixes, "_sides", slow_sides)
    push = threading.Thread(target=fixes.put_fixes_sides, args=(folder, [("kit/b.wav", ["kick"])], False))
    push.start()
    assert inside.wait(5)
    rename = threading.Thread(target=lambda: (changed_words(folder, ["dusty", "lofi"], ""), renamed.set()))
    rename.start()
    push.join(5)
    rename.join(5)
    assert not push.is_alive() and not rename.is_alive()
    assert json.loads((folder / fixes.SENT).read_text()) == {"kit/a.wav": ["lofi"], "kit/b.wav": ["kick"]}
    assert json.loads((folder / fixes.WAITING).read_text()) == {"kit/a.wav": ["lofi"], "kit/b.wav": ["kick"]}
