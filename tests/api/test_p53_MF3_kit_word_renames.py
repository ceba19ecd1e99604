"""p53 final read MF3: a word renamed on the box into a word of the kit (a merge) or into a General MIDI drum word
leaves the old word's note as it is, said no longer on the kit when the kit is made again; a rename while a kit is
made is not overwritten by it (the kit is made again, at most three times in all, then 409); words_moved never
calls a note chosen for another word a new word's old note."""
from __future__ import annotations

from typing import Any

import pytest

from device.api import kit_routes
from device.kit import KitNote, word_moves
from tests.api.conftest import PairedServer
from tests.api.kit_meanwhile import clear_a_note_at_each_making, rename_at_the_first_making
from tests.api.test_p53_M4_kit_words import _again, _kit_of_words
from tests.cli_run import run as _run


def test_a_word_merged_into_a_word_of_the_kit_keeps_that_words_own_note(tmp_path: Any, paired_server: PairedServer,
                                                                         capsys: pytest.CaptureFixture[str]) -> None:
    _kit_of_words(tmp_path, capsys)
    assert _run(capsys, "box-library", "samples", "--rename-word", "dusty", "punchy", "--yes")[0] == 0
    notes = paired_server.app.state.box.kit.notes
    assert (notes[61].tag, notes[62].tag) == ("dusty", "punchy")
    out = _again(capsys)
    assert "D4 ( 62)  s/" in out and "(tag punchy" in out and "C#4 ( 61)" not in out, out
    assert "no longer on the kit" in out and "dusty (was C#4)" in out and "moved to another note" not in out, out


def test_a_word_renamed_to_a_drum_word_is_said_gone_from_its_note(tmp_path: Any, paired_server: PairedServer,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    _kit_of_words(tmp_path, capsys)
    assert _run(capsys, "box-library", "samples", "--rename-word", "dusty", "kick")[0] == 0
    assert paired_server.app.state.box.kit.notes[61].tag == "dusty"
    out = _again(capsys)
    assert "C2 ( 36)" in out and "dusty (was C#4)" in out, out     # kick on its General MIDI note, C#4's loss said


def test_a_word_renamed_while_the_kit_is_made_is_kept(tmp_path: Any, paired_server: PairedServer,
                                                       capsys: pytest.CaptureFixture[str],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    _kit_of_words(tmp_path, capsys)
    box = paired_server.app.state.box
    made = kit_routes.library_kit
    makings = rename_at_the_first_making(box, box.kit.notes[61].library, "dusty", "grit", monkeypatch)
    rc, out, err = _run(capsys, "box-kit", "--from", "samples", "--yes")
    assert rc == 0, err
    assert len(makings) == 2 and box.kit.notes[61].tag == "grit", (out, err)
    monkeypatch.setattr(kit_routes, "library_kit", made)
    out = _again(capsys)
    assert "C#4 ( 61)  s/d.wav  (tag grit" in out and "new word" not in out and "no longer" not in out, out


def test_a_kit_changing_at_each_making_is_refused_after_three(tmp_path: Any, paired_server: PairedServer,
                                                              capsys: pytest.CaptureFixture[str],
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    _kit_of_words(tmp_path, capsys)
    box = paired_server.app.state.box
    notes = clear_a_note_at_each_making(box, [60, 61, 62], monkeypatch)     # another laptop's DELETEs
    rc, out, err = _run(capsys, "box-kit", "--from", "samples", "--yes")
    assert rc != 0 and "the kit changed while it was made: yours was not made" in err + out, (out, err)
    assert notes == [] and not {60, 61, 62} & set(box.kit.notes)    # what the others did stands


def test_a_note_chosen_for_another_word_is_not_a_new_words_old_note() -> None:
    old = {60: KitNote(60, "lib", "s/a.wav", tag="808"), 61: KitNote(61, "lib", "s/d.wav", tag="dusty")}
    new = {**old, 62: KitNote(62, "lib", "s/g.wav", tag="grit")}
    tags = {60: ["808"], 61: ["dusty", "grit"]}
    assert word_moves(old, new, "lib", tags) == [("grit", None, 62)]
    hand = {**old, 63: KitNote(63, "lib", "s/d.wav")}          # a note set by hand on a file carrying it: was there
    assert word_moves(hand, {**new, 63: hand[63]}, "lib", {**tags, 63: ["dusty", "grit"]}) == [("grit", 63, 62)]
