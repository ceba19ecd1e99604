"""Forty-ninth stop's regression QA ("month2", M8): `--rename-word OLD NEW` into a word the corrections use already
merged the two silently, and no rename parts them again (files with both lost one); it is refused unless --yes (the
box: ``merge: true``), and with --yes the merge is said.  And `library fix DB FILE TAG --none` was answered "give the
file's tags, --none (...), or --clear", as if nothing was given."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from device import library
from device.library.words import WordInUse, rename_word
from hatbox.cli import main
from tests.api.conftest import PairedServer, paired_server  # noqa: F401 - paired_server: a fixture
from tests.api.test_p49_box_words_cli import _box_fixes, _folder, _pushed, box  # noqa: F401 - box: a fixture
from tests.cli_run import run as _run
from tests.library.test_p49_words import _fix, tagged  # noqa: F401 - tagged: a fixture
from tests.tagger.conftest import small_pack  # noqa: F401 - a fixture


def _words(db: Path) -> dict[str, list[str]]:
    return {f: library.corrected_tags(db, f) for f in ("a.wav", "b.wav", "c.wav", "d.wav")}


def test_renaming_into_a_word_in_use_is_refused_without_yes(tagged, capsys) -> None:
    _lib, db = tagged
    assert _fix(db, "a.wav", "dusty") == 0 and _fix(db, "b.wav", "dusty", "punchy") == 0
    assert _fix(db, "c.wav", "punchy") == 0
    before = _words(db)
    capsys.readouterr()
    assert _fix(db, "--rename-word", "dusty", "PUNCHY") == 2          # any case: the corrections' punchy
    err = capsys.readouterr().err
    assert ("'punchy' is already the word of 2 files: renaming 'dusty' to it merges the two (2 files; 1 carries both); "
            "add --yes to merge them (the 2 files of 'dusty' become 'punchy'; this cannot be undone)") in err
    assert _words(db) == before                                       # nothing changed
    with pytest.raises(WordInUse):
        rename_word(db, "dusty", "punchy")


def test_with_yes_the_merge_is_done_and_said(tagged, capsys) -> None:
    _lib, db = tagged
    assert _fix(db, "a.wav", "dusty") == 0 and _fix(db, "b.wav", "dusty", "punchy") == 0
    assert _fix(db, "c.wav", "punchy") == 0
    capsys.readouterr()
    assert _fix(db, "--rename-word", "dusty", "punchy", "--yes") == 0
    out = capsys.readouterr().out
    assert out.startswith("renamed 'dusty' to 'punchy' in the corrections of 2 files: merged into 'punchy', the word "
                          "of 2 files already (1 carried both: one word each now; no rename parts them again)")
    assert _words(db)["a.wav"] == ["punchy"] and _words(db)["b.wav"] == ["punchy"]


def test_a_rename_into_a_new_word_needs_no_yes_and_yes_alone_is_still_refused(tagged, capsys) -> None:
    _lib, db = tagged
    assert _fix(db, "a.wav", "dusty") == 0
    capsys.readouterr()
    assert _fix(db, "--rename-word", "dusty", "lofi") == 0
    assert capsys.readouterr().out.startswith("renamed 'dusty' to 'lofi' in the corrections of 1 file\n")
    assert _fix(db, "--drop-word", "lofi", "--yes") == 2                # --yes answers a merge, not a drop
    assert _words(db)["a.wav"] == ["lofi"]


def test_a_file_given_tags_and_none_is_told_which_goes_with_what(tagged, capsys) -> None:
    _lib, db = tagged
    capsys.readouterr()
    assert _fix(db, "a.wav", "punchy", "--none") == 2
    err = capsys.readouterr().err
    assert "--none goes with FILE alone (no TAG; punchy given): it says the file carries none of the words" in err
    assert "give the file's tags" not in err
    assert _fix(db, "a.wav", "punchy", "--clear") == 2
    assert "--clear goes with FILE alone (no TAG; punchy given)" in capsys.readouterr().err
    assert _fix(db, "a.wav") == 2
    assert "give the file's tags, --none" in capsys.readouterr().err
    assert _words(db)["a.wav"] == []


def test_the_box_refuses_a_merge_without_yes_and_says_it_with(box: PairedServer, tmp_path: Path,  # noqa: F811
                                                              capsys: Any) -> None:
    lid, _ = _pushed(box, capsys, _folder(tmp_path), "--no-fixes")
    for path, tags in (("kit/s0.wav", ["dusty"]), ("kit/s1.wav", ["dusty", "punchy"]), ("kit/s2.wav", ["punchy"])):
        assert _run(capsys, "box-library", lid, "--fix", path, *tags)[0] == 0
    rc, _out, err = _run(capsys, "box-library", lid, "--rename-word", "dusty", "punchy")
    assert rc != 0
    assert "'punchy' is already the word of 2 files: renaming 'dusty' to it merges the two (2 files; 1 carries both)" \
        in err and "--yes" in err
    assert _box_fixes(box, lid) == {"kit/s0.wav": ["dusty"], "kit/s1.wav": ["dusty", "punchy"],
                                    "kit/s2.wav": ["punchy"]}
    rc, out, err = _run(capsys, "box-library", lid, "--rename-word", "dusty", "punchy", "--yes")
    assert rc == 0, err
    assert out.startswith(f"renamed 'dusty' to 'punchy' in the corrections of 2 files (library {lid}): merged into "
                          "'punchy', the word of 2 files already (1 carried both")
    assert _box_fixes(box, lid) == {"kit/s0.wav": ["punchy"], "kit/s1.wav": ["punchy"], "kit/s2.wav": ["punchy"]}
