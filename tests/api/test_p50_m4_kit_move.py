"""p50 M4, review of FC's "a re-push keeps the kit playing".

1. DELETE /libraries/{id} held the kit's lock through the whole deletion (up to 30 s waiting for a tagging it stops,
   then the folder's removal): kit edits, `box-kit --from`, the panel and GET /kit waited.  Now the deletion holds
   no kit lock; with ``moved_to`` the notes move under the lock BEFORE it (the old files still there), kit.json naming
   the new library before the old one's folder is renamed away.
2. A note whose new copy the sampler did not take (its engine stopped) was dropped from the kit for good, said as
   "not the same file" and "the kit is as it was".  Now it stays moved, not mapped yet (GET /kit maps it again), the
   sampler asked no more after the engine's first refusal, its why the cause's first line.
5. A file the box could not read in the old library was counted among "the same files": now moved with its own why.
"""
from __future__ import annotations

import json
import threading
from typing import Any

from device.api.kit_move import OLD_NOT_READ, SILENT_WHYS
from device.control import EngineStoppedError
from device.kit import KitNote
from hatbox.library_delete import NOT_SAME_WHYS, replaced_kit_lines
from tests.api.conftest import make_box, wav_bytes, zip_bytes

PREFER = {"Prefer": "return=representation"}
SAME = {"kit/boom.wav": wav_bytes(4800), "kit/crack.wav": wav_bytes(9600), "kit/fx.wav": wav_bytes(7200)}


def _upload(box: Any, name: str) -> str:
    r = box.client.post("/libraries", params={"name": name}, content=zip_bytes(SAME), headers=box.auth)
    assert r.status_code == 201, r.text
    box.tagged(r.json()["id"])                  # no tagger on this box: untagged at once, no thread left
    return str(r.json()["id"])


def _with_kit_and_new(tmp_path: Any) -> tuple[Any, str, str]:
    """A box (no tagger: the kit is set note by note, as `box-kit --map` does) whose kit plays library ``old`` (36
    boom, 38 crack, 60 fx), and a library ``new`` of the same files."""
    box = make_box(tmp_path)
    old, new = _upload(box, "kitA"), _upload(box, "kitA2")
    b = box.app.state.box
    for note, file, tag in ((36, "kit/boom.wav", "kick"), (38, "kit/crack.wav", "snare"), (60, "kit/fx.wav", None)):
        b.kit.set(b, KitNote(note, old, file, tag=tag))
    return box, old, new


def _lock_free(lock: Any) -> bool:
    """Whether another thread can take ``lock`` now (without waiting)."""
    got: list[bool] = []

    def take() -> None:
        got.append(lock.acquire(blocking=False))
        if got[0]:
            lock.release()
    t = threading.Thread(target=take)
    t.start()
    t.join()
    return got[0]


def _watch_delete(box: Any, seen: list[dict[str, Any]]) -> None:
    """Record, as libraries.delete begins: whether the kit's lock is free, what kit.json names, the old folder."""
    b = box.app.state.box
    real = b.libraries.delete

    def watched(lid: str, by: str = "") -> Any:
        kept = json.loads((box.store_dir / "kit.json").read_text())["notes"]
        seen.append({"free": _lock_free(b.kit.lock), "kit_json": sorted({n["library"] for n in kept}),
                     "old_there": (b.libraries.files_path(lid) / "kit" / "boom.wav").is_file()})
        return real(lid, by=by)
    b.libraries.delete = watched


def test_a_deletion_holds_no_kit_lock_while_it_deletes(tmp_path: Any) -> None:
    box, old, _new = _with_kit_and_new(tmp_path)
    seen: list[dict[str, Any]] = []
    _watch_delete(box, seen)
    r = box.client.delete(f"/libraries/{old}", headers={**box.auth, **PREFER})
    assert r.status_code == 200 and len(r.json()["kit_silenced"]) == 3
    assert seen[0]["free"] is True, seen                   # held before: kit changes waited up to 30 s
    assert box.app.state.box.kit.notes == {}


def test_moved_to_moves_first_under_the_lock_then_deletes_without_it(tmp_path: Any) -> None:
    box, old, new = _with_kit_and_new(tmp_path)
    seen: list[dict[str, Any]] = []
    _watch_delete(box, seen)
    r = box.client.delete(f"/libraries/{old}", params={"moved_to": new}, headers={**box.auth, **PREFER})
    assert r.status_code == 200, r.text
    assert seen == [{"free": True, "kit_json": [new], "old_there": True}]   # power-cut order: kit.json names new
    assert sorted(n["note"] for n in r.json()["kit_moved"]) == [36, 38, 60] and r.json()["kit_silenced"] == []
    assert all(n["why"] is None and n["plays"] is True for n in r.json()["kit_moved"])
    assert {e.library for e in box.app.state.box.kit.notes.values()} == {new}


def test_a_copy_the_stopped_engine_did_not_take_stays_moved_and_is_tried_again(tmp_path: Any) -> None:
    box, old, new = _with_kit_and_new(tmp_path)
    real, tried = box.control.send, []

    def stopped(msg: dict[str, Any]) -> None:
        if msg.get("op") == "sample" and f"/{new}/" in str(msg.get("path")):
            tried.append(msg["note"])
            raise EngineStoppedError("the audio engine is not running\nsecond line")
        real(msg)
    box.control.send = stopped
    r = box.client.delete(f"/libraries/{old}", params={"moved_to": new}, headers={**box.auth, **PREFER})
    assert r.status_code == 200, r.text
    assert tried == [36]                                     # not asked again after the engine's first refusal
    body = r.json()
    assert body["kit_silenced"] == []
    assert [(n["note"], n["plays"], n["why"]) for n in body["kit_moved"]] == [
        (n, False, "the audio engine is not running") for n in (36, 38, 60)]
    keeper = box.app.state.box.kit
    assert {n: e.library for n, e in keeper.notes.items()} == {36: new, 38: new, 60: new}
    assert keeper.unmapped == {36, 38, 60}
    kept = json.loads((box.store_dir / "kit.json").read_text())["notes"]
    assert sorted(n["note"] for n in kept) == [36, 38, 60]              # kept for good, not dropped
    lines = "\n".join(replaced_kit_lines(body))
    assert "not the same file" not in lines and "the kit is as it was" not in lines and "went silent" not in lines
    assert "3 notes of the kit moved to the new library but do not sound yet (the audio engine is not running)" \
        in lines
    assert all(n["missing"] for n in box.client.get("/kit", headers=box.auth).json()["notes"])
    box.control.send = real                                  # the engine runs again: GET /kit maps them
    assert not any(n["missing"] for n in box.client.get("/kit", headers=box.auth).json()["notes"])
    assert keeper.unmapped == set()


def test_an_old_file_the_box_cannot_read_moves_but_is_not_counted_the_same(tmp_path: Any) -> None:
    box, old, new = _with_kit_and_new(tmp_path)
    (box.app.state.box.libraries.files_path(old) / "kit" / "fx.wav").unlink()     # lost from the old library
    r = box.client.delete(f"/libraries/{old}", params={"moved_to": new}, headers={**box.auth, **PREFER})
    assert r.status_code == 200, r.text
    whys = {n["note"]: n["why"] for n in r.json()["kit_moved"]}
    assert whys == {36: None, 38: None, 60: OLD_NOT_READ}
    lines = replaced_kit_lines(r.json())
    assert lines[0] == "  2 notes of the kit now play the new library (the same files)"
    assert lines[1] == f"  1 note of the kit now plays the new library's file of the same path: C4 kit/fx.wav " \
                       f"({OLD_NOT_READ})"


def test_not_the_same_file_is_said_only_for_those_whys() -> None:
    assert NOT_SAME_WHYS == SILENT_WHYS
    other = {"id": "lib-a", "kit_moved": [], "kit_silenced": [
        {"note": 36, "name": "C2", "library": "lib-a", "file": "k.wav", "why": "some other reason"}]}
    assert replaced_kit_lines(other) == ["  1 note of the box's kit played it and went silent: C2 k.wav "
                                         "(some other reason)"]
    gone = {**other, "kit_silenced": [{**other["kit_silenced"][0], "why": SILENT_WHYS[0]}]}
    assert "went silent (not the same file in the new library): C2 k.wav" in replaced_kit_lines(gone)[0]
