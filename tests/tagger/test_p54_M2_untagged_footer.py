"""p54 QA_B finding 6: `hatbox library query DB --untagged` said "every file the tagger heard carries a tag" and
then listed, under "none of the words, yours (1):", a file the producer marked none of the words.  The line over the
listing now agrees with it (one wording, hatbox.query_lines.all_heard_line, for the box's `box-library --untagged`
too: tests/api/test_p54_M2_box_untagged_footer.py); --json is as before."""
from __future__ import annotations

import json
import sys

from hatbox.cli import main
from tests.tagger.test_p44_listings_query import _db


def test_the_line_names_the_files_marked_none_in_either_number() -> None:
    from hatbox.query_lines import all_heard_line
    assert all_heard_line(0) == "every file the tagger heard carries a tag"
    assert all_heard_line(1) == ("every file the tagger heard carries a tag, except the 1 you marked none of the "
                                 "words (listed under 'none of the words, yours')")
    assert all_heard_line(2).startswith("every file the tagger heard carries a tag, except the 2 you marked")


def test_query_untagged_does_not_say_every_file_carries_a_tag_over_one_marked_none(library_dir, small_pack,
                                                                                  tmp_path, capsys, monkeypatch):
    db = _db(library_dir, small_pack, tmp_path)
    assert main(["library", "fix", str(db), str(library_dir / "hats" / "h1.wav"), "--none"]) == 0
    capsys.readouterr()
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)        # on a terminal: the line, then the listing
    assert main(["library", "query", str(db), "--untagged"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == ("every file the tagger heard carries a tag, except the 1 you marked none of the words "
                      "(listed under 'none of the words, yours')"), out
    assert out[1] == "none of the words, yours (1):" and out[2].endswith("hats/h1.wav"), out


def test_query_untagged_json_is_unchanged(library_dir, small_pack, tmp_path, capsys):
    db = _db(library_dir, small_pack, tmp_path)
    assert main(["library", "fix", str(db), str(library_dir / "hats" / "h1.wav"), "--none"]) == 0
    capsys.readouterr()
    assert main(["library", "query", str(db), "--untagged", "--json"]) == 0
    got = capsys.readouterr()
    rows = json.loads(got.out)
    assert [(r["none"], r["yours"], r["path"].endswith("hats/h1.wav")) for r in rows] == [(True, True, True)]
    assert "carries a tag" not in got.err
