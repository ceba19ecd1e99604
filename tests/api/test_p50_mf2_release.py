"""p50 MF2: a loop sounding on a kit note (its key held, or the sustain pedal down) ends as at its key's release when
the note leaves the kit by any way, not only by its library's deletion (p50 FC): ``box-kit --clear`` (DELETE /kit),
``DELETE /kit/notes/{note}`` (and the panel's clear), and a new kit without that note (POST /kit/from-library).
Before, the note was unmapped and its loop played on under a kit that no longer had it.  A one-shot is left to play
to its end (no note-off sent for it)."""
from __future__ import annotations

from typing import Any

from tests.api.test_p50_fc_kit_move import _held_level, _kit_with_a_hand_loop

RELEASE_70 = {"op": "choke", "note": 70}      # stops it, pedal or latch or not (p51 T7)


def _holding_the_loop(tmp_path: Any) -> tuple[Any, str, Any]:
    """The box of test_p50_fc_kit_move's kit (note 70 a loop mapped by hand), the performer holding note 70."""
    box, lid, wired = _kit_with_a_hand_loop(tmp_path)
    wired.sampler.handle({"op": "note_on", "note": 70, "velocity": 127})
    assert _held_level(wired) > 0.1
    return box, lid, wired


def _note_offs(box: Any) -> list[int]:
    return [m["note"] for m in box.control.sent if m.get("op") == "choke"]


def test_clearing_a_looped_note_releases_its_held_loop(tmp_path: Any) -> None:
    box, _, wired = _holding_the_loop(tmp_path)
    r = box.client.delete("/kit/notes/70", headers=box.auth)
    assert r.status_code == 200, r.text
    assert 70 not in {n["note"] for n in r.json()["notes"]}
    assert RELEASE_70 in box.control.sent
    assert _held_level(wired) == 0.0                       # faded out, not looping on under an empty note


def test_clearing_the_kit_releases_a_held_loop_and_leaves_one_shots_alone(tmp_path: Any) -> None:
    box, _, wired = _holding_the_loop(tmp_path)
    assert box.client.delete("/kit", headers=box.auth).status_code == 204
    assert box.client.get("/kit", headers=box.auth).json()["notes"] == []
    assert _note_offs(box) == [70]                         # the one-shots (36, 38, 60) play to their end
    assert _held_level(wired) == 0.0


def test_a_new_kit_without_the_looped_note_releases_its_held_loop(tmp_path: Any) -> None:
    box, lid, wired = _holding_the_loop(tmp_path)
    r = box.client.post("/kit/from-library", json={"library": lid}, headers=box.auth)
    assert r.status_code == 200, r.text
    assert 70 not in {n["note"] for n in r.json()["notes"]}
    assert _note_offs(box) == [70]
    assert _held_level(wired) == 0.0

