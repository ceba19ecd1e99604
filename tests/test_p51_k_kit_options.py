"""p51 beatmaker QA (K2, K6): a kit note keeps its latch and its choke group (kit.json, the sampler's mapping message),
and `box-kit --latch/--choke` asks for them in a musician's words (an older box, without the route, is said so)."""
from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import pytest

from device.kit import KitError, KitNote, load_kit, map_message, save_kit
from hatbox import cmd_kit
from hatbox.box_client import BoxRefused
from hatbox.errors import HatboxError

KIT = {"notes": [{"note": 48, "name": "C3", "library": "a", "file": "loops/break.wav", "loop": True, "tag": "break"},
                 {"note": 84, "name": "C6", "library": "a", "file": "hats/closed.wav", "tag": "hihat"},
                 {"note": 85, "name": "C#6", "library": "a", "file": "hats/open.wav", "tag": "hihat", "choke": 2}]}


def _args(**given: Any) -> argparse.Namespace:
    base = dict(latch=None, no_latch=None, choke=None, no_choke=None, source=None, map=None, unmap=None, clear=False,
                json=False, library=None, yes=False, loop=None, no_loop=None)
    return argparse.Namespace(**{**base, **given})


def test_latch_and_choke_are_kept_in_kit_json_and_sent_to_the_sampler(tmp_path: Path) -> None:
    path = tmp_path / "kit.json"
    kit = {48: KitNote(48, "a", "loops/break.wav", loop=True, tag="break", latch=True),
           84: KitNote(84, "a", "hats/closed.wav", choke=3), 36: KitNote(36, "a", "kick.wav")}
    save_kit(path, kit)
    assert load_kit(path) == kit
    kept = {n["note"]: n for n in json.loads(path.read_text())["notes"]}
    assert "latch" not in kept[36] and "choke" not in kept[36]       # unset: the file as an older box wrote it
    assert map_message(kit[48], tmp_path)["latch"] is True and "choke" not in map_message(kit[48], tmp_path)
    assert map_message(kit[84], tmp_path)["choke"] == 3 and "latch" not in map_message(kit[84], tmp_path)


def test_a_bad_choke_group_in_kit_json_is_refused() -> None:
    from device.kit import check_choke
    for bad in (-1, 128, "2", True, 1.5):
        with pytest.raises(KitError):
            check_choke(bad)


def test_choke_gets_a_group_of_its_own_and_latch_its_notes() -> None:
    asked = cmd_kit.options_asked(_args(latch="C3", choke=["C6,C#6"]), KIT)
    assert asked == {48: {"latch": True}, 84: {"choke": 2}, 85: {"choke": 2}}    # 2: only C#6, named, played in it
    lines = cmd_kit.option_lines(asked)
    assert lines[0].startswith("C3: a tap starts its loop, the next tap stops it")
    assert lines[1] == "C6, C#6: cut each other (choke group 2)"


def test_a_note_the_kit_does_not_play_is_refused_before_anything_changes() -> None:
    with pytest.raises(HatboxError, match="D6 .86. plays nothing in the kit"):
        cmd_kit.options_asked(_args(choke=["C6,D6"]), KIT)


def test_options_go_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(HatboxError, match="give them alone"):
        cmd_kit._checked(_args(latch="C3", source="drums"))
    with pytest.raises(HatboxError, match="both name C3"):
        cmd_kit._checked(_args(latch="C3", no_latch="48"))


def test_the_options_are_patched_note_by_note_and_an_older_box_is_said(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[str, str, Any]] = []

    def box(_client: Any, method: str, path: str, json: Any = None, **_kw: Any) -> Any:
        calls.append((method, path, json))
        return KIT
    monkeypatch.setattr(cmd_kit, "_call", box)
    cmd_kit.set_options(None, _args(latch="C3", no_choke="C#6"))
    assert calls[1:] == [("PATCH", "/kit/notes/48", {"latch": True}), ("PATCH", "/kit/notes/85", {"choke": 0})]

    def older(_client: Any, method: str, path: str, **_kw: Any) -> Any:
        if method == "PATCH":
            raise BoxRefused("the box says: Method Not Allowed", status=405)
        return KIT
    monkeypatch.setattr(cmd_kit, "_call", older)
    with pytest.raises(HatboxError, match="older version: it takes no --latch or --choke"):
        cmd_kit.set_options(None, _args(latch="C3"))


def test_box_kit_lists_a_latched_loop_and_a_choke_group() -> None:
    lines = cmd_kit.describe({"notes": [{**KIT["notes"][0], "latch": True}, KIT["notes"][2]]})
    assert "(tag break, loop, latched, library a)" in lines[0] and "choke group 2" in lines[1]
