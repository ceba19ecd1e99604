"""p51 beatmaker QA (K2, K6) through the box: PATCH /kit/notes/NOTE sets a kit note's latch and choke group (its file,
loop and tag kept), kit.json keeps them, GET /kit lists them, and the sampler plays them: a latched loop plays on after
its note-off and stops at the next strike; hats on a keyboard layout's notes choke."""
from __future__ import annotations

import json
from typing import Any

from tests.api.kit_helpers import held_level, kit_notes, kit_with_a_hand_loop


def test_a_latched_kit_loop_plays_on_after_its_note_off_and_stops_at_the_next_strike(tmp_path: Any) -> None:
    box, _, wired = kit_with_a_hand_loop(tmp_path)             # note 70: a loop set by hand
    r = box.client.patch("/kit/notes/70", json={"latch": True}, headers=box.auth)
    assert r.status_code == 200, r.text
    assert kit_notes(box)[70]["latch"] is True and kit_notes(box)[70]["loop"] is True
    wired.sampler.handle({"op": "note_on", "note": 70, "velocity": 127})
    wired.sampler.handle({"op": "note_off", "note": 70})
    assert held_level(wired) > 0.1                             # the finger is up: the loop plays on
    wired.sampler.handle({"op": "note_on", "note": 70, "velocity": 127})
    assert held_level(wired) == 0.0                            # the next strike stopped it
    kept = {n["note"]: n for n in json.loads((box.store_dir / "kit.json").read_text())["notes"]}
    assert kept[70]["latch"] is True


def test_a_choke_group_set_on_two_notes_cuts_and_is_listed(tmp_path: Any) -> None:
    box, _, wired = kit_with_a_hand_loop(tmp_path)
    before = kit_notes(box)[60]
    for note in (60, 70):
        r = box.client.patch(f"/kit/notes/{note}", json={"choke": 2}, headers=box.auth)
        assert r.status_code == 200, r.text
    after = kit_notes(box)
    assert after[60]["choke"] == after[70]["choke"] == 2 and after[60]["tag"] == before["tag"]
    assert wired.sampler.choke_group[60] == wired.sampler.choke_group[70] == 2


def test_options_of_a_note_the_kit_does_not_play_are_a_404(tmp_path: Any) -> None:
    box, _, _ = kit_with_a_hand_loop(tmp_path)
    r = box.client.patch("/kit/notes/100", json={"latch": True}, headers=box.auth)
    assert r.status_code == 404 and "plays nothing" in r.text
    assert box.client.patch("/kit/notes/70", json={"choke": 200}, headers=box.auth).status_code == 400
