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


def test_a_note_set_by_hand_on_a_file_of_a_word_keeps_the_word_there(tmp_path: Path, paired_server: PairedServer,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    _kit_of_words(tmp_path, capsys)
    assert _run(capsys, "box-kit", "--map", "E5", "s/a.wav")[0] == 0
    assert _run(capsys, "box-kit", "--unmap", "C4")[0] == 0
    out = _again(capsys)
    assert "E5 ( 76)  s/a.wav  (tag 808" in out and "C4 ( 60)" not in out, out     # 808 stays where it was put
    assert "new word" not in out and "no longer on the kit" not in out and "moved" not in out, out


def test_another_file_of_the_word_on_its_note_keeps_the_notes_word(tmp_path: Path, paired_server: PairedServer,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    _kit_of_words(tmp_path, capsys)
    assert _run(capsys, "box-kit", "--map", "C4", "s/b.wav")[0] == 0
    assert paired_server.app.state.box.kit.notes[60].tag == "808"
    out = _again(capsys)
    assert "C4 ( 60)  s/" in out and "(tag 808" in out and "new word" not in out, out
    assert "moved to another note" not in out, out


def test_a_word_renamed_on_the_box_keeps_its_note(tmp_path: Path, paired_server: PairedServer,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    _kit_of_words(tmp_path, capsys)
    assert _run(capsys, "box-library", "samples", "--rename-word", "dusty", "grit")[0] == 0
    assert paired_server.app.state.box.kit.notes[61].tag == "grit"
    kept = json.loads((paired_server.app.state.box.kit.path).read_text())
    assert [n["tag"] for n in kept["notes"] if n["note"] == 61] == ["grit"]
    out = _again(capsys)
    assert "C#4 ( 61)  s/d.wav  (tag grit" in out, out
    assert "new word" not in out and "no longer on the kit" not in out and "moved" not in out, out


def test_a_note_cleared_while_the_kit_is_made_is_made_again_without_it(tmp_path: Path, paired_server: PairedServer,
                                                                       capsys: pytest.CaptureFixture[str],
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    _kit_of_words(tmp_path, capsys)
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


def test_the_one_file_line_says_come_after_of_new_words_only() -> None:
    kit = {"notes": [{"note": 60, "name": "C4", "file": "x/a.wav", "tag": "808"},
                     {"note": 62, "name": "D4", "file": "x/g.wav", "tag": "keep"}],
           "words_moved": [{"word": "keep", "was": None, "now": 62}]}
    lines = one_file_lines(kit, {"808": 1, "keep": 1}, "lib")
    assert lines[0].startswith("1 word of yours is on one file only, so it comes after the words of more files: "
                               "keep (D4 x/g.wav)")
    assert lines[1].startswith("1 word of yours is on one file only: 808 (C4 x/a.wav): a typo?") and len(lines) == 2
