"""p53 review M4: a kit made again keeps each of the producer's words on its note also where the kit was edited by
hand (a note set by hand on a file of the word, a word's own note given another file of it), after a word renamed
on the box, and when a note is set while the kit is made; the one-file words' line says "come after" of new words
only."""
from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import pytest

from device.api import kit_routes
from hatbox.cli import main
from hatbox.kit_words import one_file_lines
from tests.api.conftest import PairedServer
from tests.api.test_p53_T1_kit_remade import kit_of_words as _kit_of_words
from tests.cli_run import run as _run


def _again(capsys: pytest.CaptureFixture[str]) -> str:
    rc, out, err = _run(capsys, "box-kit", "--from", "samples", "--yes")
    assert rc == 0, err
    return out


def test_each_word_keeps_its_note_through_hand_edits_a_rename_and_a_note_cleared_meanwhile(
        tmp_path: Path, paired_server: PairedServer, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """One kit of words (:func:`_kit_of_words`: C4 808, C#4 dusty, D4 punchy; 5 s to make, once, where four tests made
    it each), then four checks in order, each on the kit the one before made again (each needs only 808 on C4 and
    dusty on C#4 as they start, which each leaves so):
    1. another file of the word mapped on its note by hand: the kit made again keeps the note's word there;
    2. a word renamed on the box keeps its note, in the kit and in kit.json, and the kit made again keeps it;
    3. a note cleared while the kit is made: made again without it (808 said new on C4);
    4. a note set by hand on a file of a word (808 on E5, C4 unmapped): the kit made again keeps the word there."""
    _kit_of_words(tmp_path, capsys)
    _another_file_of_the_word_on_its_note_keeps_the_notes_word(paired_server, capsys)
    _a_word_renamed_on_the_box_keeps_its_note(paired_server, capsys)
    with monkeypatch.context() as mp:
        _a_note_cleared_while_the_kit_is_made_is_made_again_without_it(paired_server, capsys, mp)
    _a_note_set_by_hand_on_a_file_of_a_word_keeps_the_word_there(capsys)


def _another_file_of_the_word_on_its_note_keeps_the_notes_word(paired_server: PairedServer,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(capsys, "box-kit", "--map", "C4", "s/b.wav")[0] == 0
    assert paired_server.app.state.box.kit.notes[60].tag == "808"
    out = _again(capsys)
    assert "C4 ( 60)  s/" in out and "(tag 808" in out and "new word" not in out, out
    assert "moved to another note" not in out, out


def _a_word_renamed_on_the_box_keeps_its_note(paired_server: PairedServer, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(capsys, "box-library", "samples", "--rename-word", "dusty", "grit")[0] == 0
    assert paired_server.app.state.box.kit.notes[61].tag == "grit"
    kept = json.loads((paired_server.app.state.box.kit.path).read_text())
    assert [n["tag"] for n in kept["notes"] if n["note"] == 61] == ["grit"]
    out = _again(capsys)
    assert "C#4 ( 61)  s/d.wav  (tag grit" in out, out
    assert "new word" not in out and "no longer on the kit" not in out and "moved" not in out, out


def _a_note_cleared_while_the_kit_is_made_is_made_again_without_it(paired_server: PairedServer,
                                                                   capsys: pytest.CaptureFixture[str],
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    box = paired_server.app.state.box
    made = kit_routes.library_kit
    late: list[threading.Thread] = []

    def made_then_cleared(*args: Any, **kw: Any) -> Any:
        kit = made(*args, **kw)
        if not late:
            late.append(threading.Thread(target=box.kit.drop, args=(box, [60])))     # a DELETE of C4 meanwhile
            late[0].start()
            late[0].join(0.5)
        return kit
    monkeypatch.setattr(kit_routes, "library_kit", made_then_cleared)
    rc, out, err = _run(capsys, "box-kit", "--from", "samples", "--yes", "--json")
    late[0].join(5)
    assert rc == 0, err
    moved = json.loads(out)["words_moved"]      # made again from the kit without C4 (MF3), compared with it
    assert moved == [{"word": "808", "was": None, "now": 60}], moved


def _a_note_set_by_hand_on_a_file_of_a_word_keeps_the_word_there(capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(capsys, "box-kit", "--map", "E5", "s/a.wav")[0] == 0
    assert _run(capsys, "box-kit", "--unmap", "C4")[0] == 0
    out = _again(capsys)
    assert "E5 ( 76)  s/a.wav  (tag 808" in out and "C4 ( 60)" not in out, out     # 808 stays where it was put
    assert "new word" not in out and "no longer on the kit" not in out and "moved" not in out, out


def test_the_one_file_line_says_come_after_of_new_words_only() -> None:
    kit = {"notes": [{"note": 60, "name": "C4", "file": "x/a.wav", "tag": "808"},
                     {"note": 62, "name": "D4", "file": "x/g.wav", "tag": "keep"}],
           "words_moved": [{"word": "keep", "was": None, "now": 62}]}
    lines = one_file_lines(kit, {"808": 1, "keep": 1}, "lib")
    assert lines[0].startswith("1 word of yours is on one file only, so it comes after the words of more files: "
                               "keep (D4 x/g.wav)")
    assert lines[1].startswith("1 word of yours is on one file only: 808 (C4 x/a.wav): a typo?") and len(lines) == 2
