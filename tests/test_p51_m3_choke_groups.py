"""p51 M3 (3, 4): `box-kit --choke 42,46` made {42: 2, 46: 2} and left the pedal hat 44 in General MIDI's group 1 (its
chick no longer closed the open hat), with no way back to General MIDI's group; and --choke's group numbers only grew
(the kit's highest + 1): at 128 the box answered a raw 400 "Input should be less than or equal to 127"."""
from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import pytest

from hatbox import cmd_kit
from hatbox.errors import HatboxError
from tests.api.kit_helpers import kit_notes, kit_with_a_hand_loop


def _args(**given: Any) -> argparse.Namespace:
    base = dict(latch=None, no_latch=None, choke=None, no_choke=None, choke_default=None, source=None, map=None,
                unmap=None, clear=False, json=False, library=None, yes=False, loop=None, no_loop=None)
    return argparse.Namespace(**{**base, **given})


def _kit(chokes: dict[int, int | None]) -> dict[str, Any]:
    return {"notes": [{"note": n, "file": f"{n}.wav", "library": "a", **({} if c is None else {"choke": c})}
                      for n, c in chokes.items()]}


def test_choking_two_hi_hats_keeps_the_third_with_them() -> None:
    kit = _kit({42: None, 44: None, 46: None, 84: 2})
    asked = cmd_kit.options_asked(_args(choke=["42,46"]), kit)
    assert asked == {42: {"choke": 1}, 46: {"choke": 1}}        # the hi-hat group: 44 (group 1 by default) cuts them
    line, = cmd_kit.option_lines(asked, cmd_kit.kit_chokes(kit))
    assert line == "F#2, A#2: cut each other and G#2 (choke group 1, General MIDI's hi-hats)"


def test_a_hat_taken_to_a_group_of_its_own_names_the_hats_left_behind() -> None:
    kit = _kit({42: None, 44: None, 46: None, 84: None, 86: None})
    asked = cmd_kit.options_asked(_args(choke=["42,84", "46,86"]), kit)
    assert asked == {42: {"choke": 1}, 84: {"choke": 1}, 46: {"choke": 2}, 86: {"choke": 2}}
    lines = cmd_kit.option_lines(asked, cmd_kit.kit_chokes(kit))
    assert lines[-1] == ("G#2: still in the hi-hat group (choke group 1), no longer cut by A#2 (hatbox box-kit "
                         "--choke-default A#2 puts them back)")


def test_a_new_group_is_the_lowest_no_other_note_plays_in() -> None:
    kit = _kit({36: 2, 38: 3, 40: 5, 84: 4, 85: None, 86: None})
    asked = cmd_kit.options_asked(_args(choke=["84,85", "86,40"]), kit)   # 84's 4 and 40's 5 are theirs to give up
    assert (asked[84]["choke"], asked[86]["choke"]) == (4, 5)


def test_no_free_group_is_said_in_words() -> None:
    kit = _kit({**{n: n + 2 for n in range(126)}, 126: None, 127: None})      # groups 2..127 all taken
    with pytest.raises(HatboxError, match="no choke group is free") as caught:
        cmd_kit.options_asked(_args(choke=["126,127"]), kit)
    assert "--no-choke NOTE or --choke-default NOTE" in str(caught.value.hint)
    assert cmd_kit.options_asked(_args(choke=["125,126"]), kit)[126] == {"choke": 127}   # 125's own is free


def test_a_note_named_for_two_chokes_is_refused() -> None:
    with pytest.raises(HatboxError, match="F#2 more than once"):
        cmd_kit._checked(_args(choke=["42,46"], choke_default="F#2"))


def test_choke_default_puts_general_midi_s_group_back(tmp_path: Path) -> None:
    box, _, wired = kit_with_a_hand_loop(tmp_path)
    assert box.client.patch("/kit/notes/70", json={"choke": 4}, headers=box.auth).status_code == 200
    assert wired.sampler.choke_group[70] == 4
    r = box.client.patch("/kit/notes/70", json={"choke_default": True}, headers=box.auth)
    assert r.status_code == 200, r.text
    assert kit_notes(box)[70]["choke"] is None and wired.sampler.choke_group[70] == 0


def test_box_kit_choke_default_patches_and_an_older_box_is_said(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[str, str, Any]] = []
    answer = _kit({42: 0, 60: None})

    def box(_client: Any, method: str, path: str, json: Any = None, **_kw: Any) -> Any:
        calls.append((method, path, json))
        return answer
    monkeypatch.setattr(cmd_kit, "_call", box)
    with pytest.raises(HatboxError, match="older version: it takes no --choke-default"):
        cmd_kit.set_options(None, _args(choke_default="42", latch="60"))      # the box left 42's group 0
    assert calls[1:] == [("PATCH", "/kit/notes/42", {"choke_default": True})]  # asked first: nothing else changed
    answer = _kit({42: None, 60: None})
    _kit_after, lines = cmd_kit.set_options(None, _args(choke_default="42"))
    assert lines == ["F#2: General MIDI's hi-hat group again (choke group 1)"]
