"""p52 QA1 findings 2 and 8 at the laptop: `box-kit --latch C2` on a one-shot kick then `--no-latch C2` left it
looping without a word (now said, and `--no-loop C2` plays it once again); `--map` on a latched note dropped the latch
without a word; `--choke 49` said "cut each other" of one note; `--latch 200` got a --choke example; the same file
mapped again said "(was the same file)"; `--map` asked for --library when only one library held the file."""
from __future__ import annotations

import argparse
from typing import Any

import pytest

from hatbox import cmd_kit, library_path
from hatbox.errors import HatboxError
from hatbox.kit_words import unlatched_by_map, was_lines


def _args(**given: Any) -> argparse.Namespace:
    base = dict(latch=None, no_latch=None, choke=None, no_choke=None, choke_default=None, source=None, map=None,
                unmap=None, clear=False, json=False, library=None, yes=False, loop=None, no_loop=None)
    return argparse.Namespace(**{**base, **given})


class Box:
    """A box's kit routes as far as `box-kit`'s options need them: a latch makes a note loop, loop false drops both
    (device.kit.carried, device/api/kit_routes.py); ``older``: a box that ignores ``loop`` (before the p52 fix)."""

    def __init__(self, older: bool = False) -> None:
        self.notes = {36: {"note": 36, "name": "C2", "library": "a", "file": "Kick.wav", "loop": False, "tag": "kick"},
                      48: {"note": 48, "name": "C3", "library": "a", "file": "loops/b.wav", "loop": True}}
        self.older, self.patched = older, []   # type: ignore[var-annotated]

    def __call__(self, _client: Any, method: str, path: str, json: Any = None, **_kw: Any) -> Any:
        if method == "PATCH":
            note, self.patched = self.notes[int(path.rsplit("/", 1)[1])], self.patched + [json]
            if json.get("loop") is False and not self.older:
                note.update(loop=False, latch=False)
            if "latch" in json:
                note.update(latch=json["latch"] and (note["loop"] or json["latch"]), loop=note["loop"] or json["latch"])
        return {"notes": [dict(n) for n in self.notes.values()]}


def test_p52_K_latch_no_latch_and_no_loop_give_a_one_shot_kick_back(monkeypatch: pytest.MonkeyPatch) -> None:
    box = Box()
    monkeypatch.setattr(cmd_kit, "_call", box)
    _kit, lines = cmd_kit.set_options(None, _args(latch="C2"))
    assert lines == ["C2: a one-shot before, it loops now, latched: a tap starts the loop, the next tap stops it "
                     "(hatbox box-kit --no-loop C2 plays it once per strike again)"], lines
    _kit, lines = cmd_kit.set_options(None, _args(no_latch="C2"))
    assert len(lines) == 1 and "it still loops; to play it once per strike (a one-shot --latch made loop): hatbox " \
                               "box-kit --no-loop C2" in lines[0], lines     # was: only "its loop plays while held"
    kit, lines = cmd_kit.set_options(None, _args(no_loop="C2"))
    assert box.patched[-1] == {"loop": False}
    assert lines == ["C2: plays its file once per strike now (no loop, no latch)"]
    assert next(n for n in kit["notes"] if n["note"] == 36)["loop"] is False
    _kit, lines = cmd_kit.set_options(None, _args(latch="C3"))        # a loop latched: said as before
    assert lines[0].startswith("C3: a tap starts its loop, the next tap stops it (latched")


def test_p52_K_no_loop_on_an_older_box_is_said(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cmd_kit, "_call", Box(older=True))
    with pytest.raises(HatboxError, match="older version: it takes no --no-loop NOTE; C3 still loops"):
        cmd_kit.set_options(None, _args(no_loop="C3"))


def test_p52_K_no_loop_names_tags_with_from_and_notes_alone() -> None:
    assert cmd_kit._options_asked(_args(no_loop="C2")) and not cmd_kit._options_asked(_args(no_loop="x", source="L"))
    with pytest.raises(HatboxError, match="--latch and --no-loop both name C2"):
        cmd_kit._checked(_args(latch="C2", no_loop="C2"))
    with pytest.raises(HatboxError, match="give them alone"):
        cmd_kit._checked(_args(no_loop="C2", map=["C2", "Kick.wav"]))


@pytest.mark.parametrize("given", [["49"], ["49,49"], ["C#3"]])
def test_p52_K_a_choke_of_one_note_is_refused(monkeypatch: pytest.MonkeyPatch, given: list[str]) -> None:
    box = Box()
    box.notes[49] = {"note": 49, "name": "C#3", "library": "a", "file": "Crash.wav"}
    monkeypatch.setattr(cmd_kit, "_call", box)
    with pytest.raises(HatboxError) as got:
        cmd_kit.set_options(None, _args(choke=given))
    assert "--choke C#3 names one note: a choke group is two notes or more" in str(got.value)
    assert "cuts nothing" in str(got.value) and box.patched == []


@pytest.mark.parametrize(("option", "example"), [("latch", "--latch C3,D3"), ("no_latch", "--no-latch C3"),
                                                 ("no_choke", "--no-choke F#2"), ("choke", "--choke C6,C#6")])
def test_p52_K_a_wrong_note_gets_an_example_of_its_own_option(option: str, example: str) -> None:
    with pytest.raises(HatboxError) as got:
        cmd_kit.options_asked(_args(**{option: ["200"] if option == "choke" else "200"}), {"notes": []})
    assert got.value.hint == f"e.g. hatbox box-kit {example}"


def test_p52_K_the_same_file_mapped_again_says_how_it_plays_not_was() -> None:
    kit = {"notes": [{"note": 60, "name": "C4", "library": "a", "file": "loops/b.wav", "loop": True}],
           "replaced": [{"note": 60, "name": "C4", "library": "a", "library_name": "kit", "file": "loops/b.wav"}]}
    assert was_lines(kit) == ["C4 plays loops/b.wav as before, looped while held"]
    kit["replaced"][0]["file"] = "loops/a.wav"
    assert was_lines(kit) == ["C4 plays loops/b.wav now (was loops/a.wav, library kit)"]


def test_p52_K_a_map_without_loop_on_a_latched_note_says_the_latch_went() -> None:
    before = {"notes": [{"note": 60, "name": "C4", "file": "loops/a.wav", "loop": True, "latch": True}]}
    after = {"notes": [{"note": 60, "name": "C4", "file": "loops/b.wav", "loop": False}]}
    assert unlatched_by_map(before, after, 60) == [
        "C4: no longer latched: it plays loops/b.wav once per strike (hatbox box-kit --map C4 FILE --loop keeps a "
        "latched loop's latch)"]
    assert unlatched_by_map(before, {"notes": [{**after["notes"][0], "loop": True, "latch": True}]}, 60) == []
    assert unlatched_by_map(None, after, 60) == []


def test_p52_K_map_takes_the_one_library_holding_the_file(monkeypatch: pytest.MonkeyPatch) -> None:
    libraries = [{"id": "lib-a", "name": "kit"}, {"id": "lib-b", "name": "big"}, {"id": "lib-c", "name": "odd"}]
    files = {"lib-a": ["loops/groove_beat.wav", "Kick.wav"], "lib-b": ["Kick.wav"], "lib-c": []}
    monkeypatch.setattr(cmd_kit, "_call", lambda _c, method, path, **_kw: libraries)
    monkeypatch.setattr(library_path, "call", lambda _c, method, path, **_kw: {
        "files": [{"path": p, "ok": True} for p in files[path.rsplit("/", 1)[1]]]})
    assert cmd_kit._library(None, None, "loops/groove_beat.wav") == "lib-a"      # was: "give --library"
    with pytest.raises(HatboxError, match="kit, big each hold Kick.wav: give --library"):
        cmd_kit._library(None, None, "Kick.wav")
    with pytest.raises(HatboxError, match="none of the box's 3 libraries lists none.wav"):
        cmd_kit._library(None, None, "none.wav")
