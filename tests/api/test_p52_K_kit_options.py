"""p52 QA1 findings 2, 3 and 7 at the box: PATCH /kit/notes/NOTE (`box-kit --latch/--choke`) reaches the changes log
(it logged POST, PUT and DELETE only); the kit-note bodies are strict ({"choke": true} was group 1, the hi-hats';
{"latch": "yes"} was true); and ``loop: false`` makes a note `--latch` turned into a loop a one-shot again."""
from __future__ import annotations

from typing import Any

import pytest

from device.logs import box_logging
from tests.api.kit_helpers import kit_notes, kit_with_a_hand_loop


@pytest.fixture(scope="module")
def kit_box(tmp_path_factory: pytest.TempPathFactory) -> Any:
    box, old, wired = kit_with_a_hand_loop(tmp_path_factory.mktemp("kit"))
    return box, old, wired


def test_p52_K_a_latch_and_a_choke_set_are_in_the_changes_log(kit_box: Any) -> None:
    box, _, _ = kit_box
    with box_logging(box.store_dir, terminal=False):
        assert box.client.patch("/kit/notes/70", json={"latch": True}, headers=box.auth).status_code == 200
        assert box.client.patch("/kit/notes/C4", json={"choke": 3}, headers=box.auth).status_code == 200
        assert box.client.patch("/kit/notes/70", json={"latch": False}, headers=box.auth).status_code == 200
        lines = box.client.get("/logs", params={"file": "changes"}, headers=box.auth).json()["lines"]
    said = [line.split(": ", 1)[1] for line in lines]
    assert any(s.startswith("kit note 70 (A#4) options set: latch on by '") for s in said), said
    assert any(s.startswith("kit note 60 (C4) options set: choke group 3 by '") for s in said), said
    assert any(s.startswith("kit note 70 (A#4) options set: latch off by '") for s in said), said


@pytest.mark.parametrize("body", [{"choke": True}, {"choke": "3"}, {"latch": "yes"}, {"latch": 1},
                                  {"choke_default": "true"}, {"loop": 0}])
def test_p52_K_loose_json_options_are_refused_and_nothing_changes(kit_box: Any, body: dict[str, Any]) -> None:
    box, _, _ = kit_box
    before = kit_notes(box)[70]
    r = box.client.patch("/kit/notes/70", json=body, headers=box.auth)
    assert r.status_code in (400, 422), r.text
    key = next(iter(body))
    assert key in r.text and ("is true or false, not" in r.text or "is a group number 0..127" in r.text), r.text
    assert kit_notes(box)[70] == before


def test_p52_K_a_whole_number_choke_as_json_schema_has_it_is_taken(kit_box: Any) -> None:
    box, _, _ = kit_box
    r = box.client.patch("/kit/notes/70", json={"choke": 4.0}, headers=box.auth)     # JSON Schema's integer: 4.0 is
    assert r.status_code == 200, r.text                                              # one (schemathesis sends it)
    assert kit_notes(box)[70]["choke"] == 4
    assert box.client.patch("/kit/notes/70", json={"choke": 2.5}, headers=box.auth).status_code == 400


@pytest.mark.parametrize("body", [{"choke": True}, {"latch": "yes"}, {"loop": "true"}])
def test_p52_K_a_put_of_a_kit_note_is_strict_too(kit_box: Any, body: dict[str, Any]) -> None:
    box, old, _ = kit_box
    r = box.client.put("/kit/notes/71", json={"library": old, "file": "kit/fx.wav", **body}, headers=box.auth)
    assert r.status_code in (400, 422), r.text
    assert 71 not in kit_notes(box)


def test_p52_K_loop_false_makes_a_latched_one_shot_play_once_again(kit_box: Any) -> None:
    box, _, _ = kit_box
    kick = kit_notes(box)[36]
    assert kick["loop"] is False
    assert box.client.patch("/kit/notes/36", json={"latch": True}, headers=box.auth).status_code == 200
    assert kit_notes(box)[36]["loop"] is True and kit_notes(box)[36]["latch"] is True
    r = box.client.patch("/kit/notes/36", json={"loop": False}, headers=box.auth)
    assert r.status_code == 200, r.text
    assert (kit_notes(box)[36]["loop"], kit_notes(box)[36]["latch"]) == (False, False)
    assert kit_notes(box)[36]["file"] == kick["file"]
    r = box.client.patch("/kit/notes/36", json={"latch": True, "loop": False}, headers=box.auth)
    assert r.status_code == 422 and "nothing was changed" in r.text
