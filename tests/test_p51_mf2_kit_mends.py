"""p51 final read of the kit's changes (MF2): `box-kit --from` counted a word's files on no note from a listing cut at
200 ("199 other files" of 500); the sampler took a whole choke group given as 3.0 or numpy's int64(3) (as
device.control.validate passes them) as General MIDI's; `box-kit --latch/--choke` said "nothing was changed" when a
note's PATCH was refused after earlier notes were set; PATCH and DELETE of a kit note share one 404."""
from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from device.audio import audiofile
from device.audio.sampler import SamplerSource
from device.control import validate
from hatbox import cmd_kit
from hatbox.box_client import BoxRefused
from hatbox.errors import HatboxError
from hatbox.kit_words import unplaced_lines

LOOPS = [f"loops/b{i:03d}.wav" for i in range(500)]
KIT = {"notes": [{"note": 48, "name": "C3", "library": "a", "file": "loops/break.wav", "loop": True, "tag": "break"},
                 {"note": 42, "name": "F#2", "library": "a", "file": "hats/closed.wav", "loop": True, "tag": "hihat"},
                 {"note": 50, "name": "D3", "library": "a", "file": "loops/two.wav", "loop": True, "tag": "break"}]}


def _args(**given: Any) -> argparse.Namespace:
    base = dict(latch=None, no_latch=None, choke=None, no_choke=None, choke_default=None, source=None, map=None,
                unmap=None, clear=False, json=False, library=None, yes=False, loop=None, no_loop=None)
    return argparse.Namespace(**{**base, **given})


def test_a_word_of_500_files_one_on_a_note_says_499_others() -> None:
    kit = {"notes": [{"note": 60, "name": "C4", "file": LOOPS[0], "tag": "groove", "loop": True, "library": "x"}]}
    line, = unplaced_lines(kit, {"groove": 500}, "x", lambda tag, n: LOOPS[:min(n, 200)])   # box-kit's _files_of
    assert line.startswith("groove: 499 other files of this word are on no note (loops/b001.wav, loops/b002.wav, "
                           "loops/b003.wav, ...)"), line


def test_a_file_of_the_word_on_another_note_within_the_listing_is_still_not_counted() -> None:
    kit = {"notes": [{"note": 60, "name": "C4", "file": LOOPS[0], "tag": "groove", "library": "x"},
                     {"note": 61, "name": "C#4", "file": LOOPS[1], "tag": "fill", "library": "x"}]}
    line, = unplaced_lines(kit, {"groove": 500}, "x", lambda tag, n: LOOPS[:min(n, 200)])
    assert line.startswith("groove: 498 other files") and "(loops/b002.wav, " in line, line


@pytest.mark.parametrize("choke", [3.0, np.int64(3), np.float64(3.0), np.uint8(3)])
def test_the_sampler_keeps_a_whole_choke_group_of_any_number_type(tmp_path: Path, choke: Any) -> None:
    path = tmp_path / "hat.wav"
    audiofile.write(path, np.zeros((1, 480), np.float32), 48000)
    s = SamplerSource(48000)
    for note in (42, 60):               # a hi-hat (General MIDI's group 1) and a note of none
        s.handle(validate({"op": "sample", "path": str(path), "velocity": 0, "note": note, "choke": choke}))
        assert s.choke_group[note] == 3 and type(s.choke_group[note]) is int, (note, choke)


def test_a_refusal_after_the_first_note_names_the_notes_already_set(monkeypatch: pytest.MonkeyPatch) -> None:
    patched: list[str] = []

    def box(_client: Any, method: str, path: str, **_kw: Any) -> Any:
        if method == "PATCH":
            patched.append(path)
            if path == "/kit/notes/50":     # D3 taken out of the kit meanwhile (another laptop's --unmap)
                raise BoxRefused("note 50 plays nothing in the kit: nothing was changed", status=404,
                                 hint="hatbox box-kit lists the kit (GET /kit)")
        return KIT
    monkeypatch.setattr(cmd_kit, "_call", box)
    with pytest.raises(HatboxError) as got:
        cmd_kit.set_options(None, _args(latch="C3,D3"))
    assert patched == ["/kit/notes/48", "/kit/notes/50"]
    said = str(got.value)
    assert "nothing was changed" not in said and "note 50 plays nothing in the kit" in said, said
    assert "C3 was already set as asked" in said and said.endswith("\n  hint: hatbox box-kit lists the kit (GET /kit)")


def test_a_first_refusal_still_says_nothing_was_changed(monkeypatch: pytest.MonkeyPatch) -> None:
    def box(_client: Any, method: str, path: str, **_kw: Any) -> Any:
        if method == "PATCH":
            raise BoxRefused("note 48 plays nothing in the kit: nothing was changed", status=404)
        return KIT
    monkeypatch.setattr(cmd_kit, "_call", box)
    with pytest.raises(HatboxError, match="note 48 plays nothing in the kit: nothing was changed$"):
        cmd_kit.set_options(None, _args(latch="C3,D3"))


def test_latch_with_choke_default_on_a_box_ignoring_it_says_the_latch_was_set(monkeypatch: pytest.MonkeyPatch) -> None:
    older = {"notes": [{**KIT["notes"][1], "latch": True, "choke": 2}]}       # choke_default ignored: still 2

    def box(_client: Any, method: str, path: str, **_kw: Any) -> Any:
        return older if method == "PATCH" else KIT
    monkeypatch.setattr(cmd_kit, "_call", box)
    with pytest.raises(HatboxError) as got:
        cmd_kit.set_options(None, _args(latch="F#2", choke_default="F#2"))
    said = str(got.value)
    assert "takes no --choke-default" in said and "F#2's latch was set, its choke group left as it was" in said
    assert "nothing was changed" not in said, said
    with pytest.raises(HatboxError, match="takes no --choke-default; nothing was changed"):
        cmd_kit.set_options(None, _args(choke_default="F#2"))


def test_a_hatbox_error_s_message_is_its_text_without_the_hint() -> None:
    exc = HatboxError("the kit is empty", hint="make one")
    assert exc.message == "the kit is empty" and str(exc) == "the kit is empty\n  hint: make one"
    assert HatboxError("alone").message == "alone" == str(HatboxError("alone"))


def test_patch_and_delete_of_a_kit_note_answer_one_404(tmp_path: Path) -> None:
    from tests.api.kit_helpers import kit_with_a_hand_loop
    box, _old, _wired = kit_with_a_hand_loop(tmp_path)
    for name, call in (("PATCH", lambda p: box.client.patch(p, json={"latch": True}, headers=box.auth)),
                       ("DELETE", lambda p: box.client.delete(p, headers=box.auth))):
        bad, unset = call("/kit/notes/H9"), call("/kit/notes/100")
        assert bad.status_code == unset.status_code == 404, name
        assert "'H9' is not a note" in bad.json()["message"] and bad.json()["message"].endswith("nothing was changed")
        assert unset.json()["message"] == "note 100 plays nothing in the kit: nothing was changed", name
        assert bad.json()["hint"] == unset.json()["hint"] == "hatbox box-kit lists the kit (GET /kit)"
