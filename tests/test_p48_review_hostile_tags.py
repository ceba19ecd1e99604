"""Forty-eighth stop's review of the invisible characters in tags (hatbox.text.INVISIBLE via
export.manifest.tag_problem): a tag 'kick\\u200e' was refused as "1-64 printable characters..." without saying
which character; a Hebrew tag ending in RLM was refused although right-to-left text needs the mark; and an
installed pack or a stored library holding such a tag (taken before the upgrade) would have stopped tagging and
linking.  Now the character is named, the bidi marks are taken in a tag holding right-to-left letters, and what is
stored still loads: the refusal is at intake only."""
from __future__ import annotations

from pathlib import Path

import pytest
import soundfile as sf

from device import library
from device.library import db as libdb
from device.library.fixes import _check_tag
from device.library.links import write_links
from device.library.runner import PackTagger, check_tagger_manifest
from export.manifest import tag_problem
from export.pack import read_pack
from hatbox.errors import HatboxError, PackError
from tests.api.packs import tagger_pack
from tests.tagger.conftest import thump

HEBREW_DRUM = "\u05ea\u05d5\u05e3"          # "tof", a drum
ARABIC_FILE = "\u0645\u0644\u0641"          # "milaf"


@pytest.mark.parametrize("tag, said", [
    ("kick\u200e", "it holds an invisible character (U+200E LEFT-TO-RIGHT MARK)"),
    ("kick\u200f", "it holds an invisible character (U+200F RIGHT-TO-LEFT MARK)"),
    ("ki\u200bck", "it holds an invisible character (U+200B ZERO WIDTH SPACE)"),
    (HEBREW_DRUM + "\u200b", "it holds an invisible character (U+200B ZERO WIDTH SPACE)"),
    ("evil\u202ekick", "it holds a bidi control (U+202E RIGHT-TO-LEFT OVERRIDE)"),
    ("kick\x1b[31m", "it holds a control character (U+001B)")])
def test_a_refused_character_in_a_new_tag_is_named(tag: str, said: str) -> None:
    assert tag_problem(tag) == said


@pytest.mark.parametrize("tag", [HEBREW_DRUM + "\u200f", "\u200f" + HEBREW_DRUM + " 808", ARABIC_FILE + "\u061c",
                                 ARABIC_FILE + "\u200e 2", HEBREW_DRUM])
def test_the_bidi_marks_are_taken_in_a_tag_holding_right_to_left_letters(tag: str) -> None:
    assert tag_problem(tag) is None


def test_a_stored_tag_may_hold_what_was_taken_before_the_upgrade_and_nothing_else() -> None:
    for tag in ("kick\u200e", "ki\u200bck", "\ufeffsnare"):
        assert tag_problem(tag) and tag_problem(tag, stored=True) is None
    for tag in ("evil\u202ekick", "kick\x1b", "a/b", "#x", ""):
        assert tag_problem(tag, stored=True)


def test_a_producers_new_tag_names_the_character(tmp_path: Path) -> None:
    with pytest.raises(HatboxError, match=r"cannot be a tag: it holds an invisible character \(U\+200E"):
        _check_tag("kick\u200e")


def test_an_installed_tagger_with_such_a_tag_still_tags_but_one_is_refused_at_upload(tmp_path: Path) -> None:
    pack = tagger_pack(tmp_path / "old.hatpack", tags=("kick\u200e", "snare"))
    with pytest.raises(PackError, match=r"'kick\\u200e' cannot be a tag \(it holds an invisible character "
                                        r"\(U\+200E LEFT-TO-RIGHT MARK\)\)"):
        check_tagger_manifest(read_pack(pack).manifest)                          # at upload
    assert PackTagger(pack).tags == ["kick\u200e", "snare"]                       # installed before: loads
    lib = tmp_path / "lib"
    lib.mkdir()
    for i in range(2):
        sf.write(lib / f"s{i}.wav", thump(16000, 0.2, seed=i), 16000)
    assert library.tag_library(lib, pack, tmp_path / "tags.db").tagged == 2


def test_a_stored_librarys_such_tag_is_still_linked(tmp_path: Path) -> None:
    (tmp_path / "k.wav").write_bytes(b"RIFF")
    con = libdb.connect(tmp_path / "lib.db")
    with con:
        con.execute("INSERT INTO files (path, size, mtime_ns, status) VALUES ('k.wav', 1, 1, 'ok')")
        con.execute("INSERT INTO user_tags (path, tag) VALUES ('k.wav', ?)", ("kick\u200e",))
    try:
        assert write_links(con, tmp_path, tmp_path / "links") == 1
    finally:
        con.close()
    assert [p.name for p in (tmp_path / "links").iterdir() if p.is_dir()] == ["kick\u200e"]
