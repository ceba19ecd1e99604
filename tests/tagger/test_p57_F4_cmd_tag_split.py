"""p57 F4: hatbox/cmd_tag.py was at the 600-line limit (575 lines).  What `hatbox tag` says after its summary (notes on
files that left or moved and on the producer's tags, name twins, the failed and skipped files, the refusals of a links
folder left as it was) is hatbox/tag_notes.py now; cmd_tag keeps every name tests read from it, loads nothing heavy."""
from __future__ import annotations

import shlex
from pathlib import Path
from types import SimpleNamespace

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_p57_F4_cmd_tag_has_room_to_change() -> None:
    for name in ("cmd_tag.py", "tag_notes.py"):
        lines = (ROOT / "hatbox" / name).read_text(encoding="utf-8").splitlines()
        assert len(lines) <= 450, (name, len(lines))
        assert [n for n, line in enumerate(lines, 1) if len(line) > 120] == [], name


def test_p57_F4_names_read_from_cmd_tag_are_still_there() -> None:
    from hatbox import cmd_tag, tag_notes
    assert cmd_tag._say_twins is tag_notes.say_twins and cmd_tag._twin_tail is tag_notes.twin_tail
    assert all(callable(getattr(cmd_tag, name)) for name in ("_print_failures", "_bar_to", "heading", "register"))
    assert cmd_tag.HEARD == "a tagger hears each file's first second from its first sound"


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
