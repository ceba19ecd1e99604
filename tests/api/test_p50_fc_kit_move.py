"""p50 FC, QA "liveset": `push-library kitA --replace` while a kit of kitA played emptied the whole kit (46 notes
silent until `box-kit --from kitA --yes` by hand; the rebuild lost a hand-mapped --loop note), and a loop held on a
deleted library's note looped on after the box said it "went silent".  Now ``DELETE /libraries/{old}?moved_to={new}``
moves the notes whose file the new library holds the same (path and bytes) to it, under the kit's lock, in one step
with the deletion: their note, loop flag and hand-set state kept, the sampler playing on; only a note whose file is
gone or changed goes silent, named with why.  A deleted library's held loop is released as at its key's note-off."""
from __future__ import annotations

import json
from typing import Any

from device.api.kit_move import CHANGED_IN_NEW, NOT_IN_NEW
from tests.api.conftest import wav_bytes, zip_bytes
from tests.api.kit_helpers import held_level, kit_notes, kit_with_a_hand_loop

PREFER = {"Prefer": "return=representation"}
# the names tests/api/test_p50_mf2_release.py imports from here (the helpers are tests/api/kit_helpers.py's now)
_kit_with_a_hand_loop, _held_level, _notes = kit_with_a_hand_loop, held_level, kit_notes


def _upload(box: Any, members: dict[str, bytes], name: str = "kitA") -> str:
    r = box.client.post("/libraries", params={"name": name}, content=zip_bytes(members), headers=box.auth)
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


def test_a_replace_moves_the_notes_of_the_same_files_and_silences_only_a_changed_one(tmp_path: Any) -> None:
    box, old, wired = kit_with_a_hand_loop(tmp_path)
    new = _upload(box, {"kit/boom.wav": wav_bytes(4800), "kit/crack.wav": wav_bytes(9000),     # crack changed
                        "kit/fx.wav": wav_bytes(7200), "kit/new.wav": wav_bytes(2400)})      # (the new library
    r = box.client.delete(f"/libraries/{old}", params={"moved_to": new}, headers={**box.auth, **PREFER})
    assert r.status_code == 200, r.text                                                    # may still be tagged)
    body = r.json()
    assert body["moved_to"] == new and sorted(n["note"] for n in body["kit_moved"]) == [36, 60, 70]
    assert [(n["note"], n["file"], n["why"]) for n in body["kit_silenced"]] == [(38, "kit/crack.wav", CHANGED_IN_NEW)]
    notes = kit_notes(box)
    assert sorted(notes) == [36, 60, 70] and all(n["library"] == new and not n["missing"] for n in notes.values())
    assert notes[70]["loop"] is True                # (GET /kit's tag follows the new library's tags once it is tagged)
    kept = {n["note"]: n for n in json.loads((box.store_dir / "kit.json").read_text())["notes"]}
    assert kept[70]["tag"] is None and kept[70]["loop"] is True and kept[36]["library"] == new   # hand-set stays so
    assert kept[36]["tag"] == "kick"                                            # the note keeps the tag it was made of
    assert wired.strike(36) > 0.1 and wired.strike(70) > 0.1 and wired.strike(38) == 0.0
    assert f"/{new}/files/kit/boom.wav" in wired.sampler.note_map[36][0]          # the new library's copy
    box.tagged(new)                                             # no tagging thread left running


def test_a_file_the_new_library_lacks_goes_silent_and_is_named(tmp_path: Any) -> None:
    box, old, _ = kit_with_a_hand_loop(tmp_path)
    new = _upload(box, {"kit/boom.wav": wav_bytes(4800), "kit/crack.wav": wav_bytes(9600)})  # no fx.wav
    r = box.client.delete(f"/libraries/{old}", params={"moved_to": new}, headers={**box.auth, **PREFER})
    assert r.status_code == 200, r.text
    assert sorted(n["note"] for n in r.json()["kit_moved"]) == [36, 38]
    assert {n["note"]: n["why"] for n in r.json()["kit_silenced"]} == {60: NOT_IN_NEW, 70: NOT_IN_NEW}
    kit = box.client.get("/kit", headers=box.auth).json()
    assert [sorted(n["note"] for n in s["notes"]) for s in kit["silenced"]] == [[60, 70]]
    box.tagged(new)


def test_a_moved_to_the_box_does_not_hold_deletes_nothing(tmp_path: Any) -> None:
    box, old, _ = kit_with_a_hand_loop(tmp_path)
    for target in ("lib-nosuch-000000", old):
        r = box.client.delete(f"/libraries/{old}", params={"moved_to": target}, headers={**box.auth, **PREFER})
        assert r.status_code == 422 and "nothing was deleted" in r.json()["message"]
    assert box.client.get(f"/libraries/{old}", headers=box.auth).status_code == 200 and len(kit_notes(box)) == 4


def test_a_plain_delete_answers_as_before_and_releases_a_held_loop(tmp_path: Any) -> None:
    box, old, wired = kit_with_a_hand_loop(tmp_path)
    wired.sampler.handle({"op": "note_on", "note": 70, "velocity": 127})     # the performer holds the loop
    assert held_level(wired) > 0.1
    r = box.client.delete(f"/libraries/{old}", headers={**box.auth, **PREFER})
    assert r.status_code == 200 and r.json()["kit_moved"] == [] and len(r.json()["kit_silenced"]) == 4
    assert {"op": "choke", "note": 70} in box.control.sent
    assert held_level(wired) == 0.0                                          # faded out (10 ms), not looping on


def test_a_held_loop_plays_on_when_its_note_moves(tmp_path: Any) -> None:
    box, old, wired = kit_with_a_hand_loop(tmp_path)
    new = _upload(box, {"kit/boom.wav": wav_bytes(4800), "kit/crack.wav": wav_bytes(9600),
                        "kit/fx.wav": wav_bytes(7200)})
    wired.sampler.handle({"op": "note_on", "note": 70, "velocity": 127})
    assert held_level(wired) > 0.1
    r = box.client.delete(f"/libraries/{old}", params={"moved_to": new}, headers={**box.auth, **PREFER})
    assert r.status_code == 200 and r.json()["kit_silenced"] == []
    assert held_level(wired) > 0.1 and not any(m.get("op") == "note_off" for m in box.control.sent)
    box.tagged(new)
