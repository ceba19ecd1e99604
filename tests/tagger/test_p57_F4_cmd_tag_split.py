"""p57 F4: hatbox/cmd_tag.py was at the 600-line limit (575 lines).  What `hatbox tag` says after its summary (notes on
files that left or moved and on the producer's tags, name twins, the failed and skipped files, the refusals of a links
folder left as it was) is hatbox/tag_notes.py now; cmd_tag keeps every name tests read from it, loads nothing heavy."""
from __future__ import annotations

import shlex
from pathlib import Path
from types import SimpleNamespace

import pytest


def test_p57_F4_the_notes_after_the_summary_say_the_same(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    from device import library
    from hatbox import tag_notes
    monkeypatch.setattr(library, "untagged_count", lambda db: 2)
    rep = SimpleNamespace(left_during=["a.wav"], tags_followed=1, tags_doubled=[], tags_unkept=[],
                          tags_overwritten=[], tags_lost=[], tags_back=[], tags_forgotten=0,
                          failed=[("b.wav", "cannot decode: format not recognised")], skipped=[("c.wav", "silent")],
                          still_skipped=[])
    tag_notes.say_after_summary(rep, tmp_path / "t.db", tmp_path)
    db = shlex.quote(str(tmp_path / "t.db"))
    assert capsys.readouterr().out.splitlines() == [
        "note: the file that left the library during the run was deleted or moved away while it was tagged, e.g. a.wav",
        "your tags followed 1 file to its new name (the same bytes under a new path)",
        "  failed b.wav: cannot decode: format not recognised",
        "  skipped c.wav: silent",
        f"  (it carries no tag: hatbox library query {db} --failed lists skipped files, --untagged only files the "
        "tagger heard)",
        f"note: 2 files got no tag: the tagger was sure of none of its words for them (hatbox library query {db} "
        "--untagged lists them with its best guesses; hatbox library fix tags one)"]
