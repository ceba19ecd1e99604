"""p43 duo QA (two musicians, two laptops, one box), the box's side: a library's deletion says which kit notes it
emptied and the kit keeps why; `--from` is compare-and-set; a kit made while its library is deleted is a 404 in
words; a note set again answers what it replaced; a tagging at its last file is "finishing"."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from device.api import kit_routes
from device.api.kit_routes import KitKeeper
from tests.api.test_kit import _tagged_library

PREFER = {"Prefer": "return=representation"}


def _kit(box: Any) -> dict[str, Any]:
    return box.client.get("/kit", headers=box.auth).json()


def test_a_deletion_answers_the_kit_notes_it_emptied_and_the_kit_says_why(tmp_path: Path) -> None:
    box, lid = _tagged_library(tmp_path)
    assert box.client.post("/kit/from-library", json={"library": lid}, headers=box.auth).status_code == 200
    r = box.client.delete(f"/libraries/{lid}", headers={**box.auth, **PREFER})
    assert r.status_code == 200, r.text
    gone = r.json()["kit_silenced"]
    assert [(n["name"], n["file"]) for n in gone] == [("C2", "kit/boom.wav"), ("D2", "kit/crack.wav"),
                                                      ("C4", "kit/fx.wav")]
    kit = _kit(box)
    assert kit["notes"] == [] and len(kit["silenced"]) == 1
    loss = kit["silenced"][0]
    assert loss["library"] == lid and loss["by"] == "test"
    assert "was deleted by 'test': 3 kit notes went silent: C2 kit/boom.wav, D2 kit/crack.wav" in loss["words"]
    kept = json.loads((box.store_dir / "kit.json").read_text())
    assert kept["notes"] == [] and kept["silenced"][0]["library"] == lid      # the reason outlives a restart
    again = KitKeeper(box.store_dir / "kit.json")
    assert [s.notes for s in again.silenced] == [((36, "kit/boom.wav"), (38, "kit/crack.wav"), (60, "kit/fx.wav"))]


def test_a_plain_deletion_stays_a_204(tmp_path: Path) -> None:
    box, lid = _tagged_library(tmp_path)
    r = box.client.delete(f"/libraries/{lid}", headers=box.auth)
    assert r.status_code == 204 and r.content == b""
    assert _kit(box)["silenced"] == []                    # no note went: nothing to say


def test_a_note_set_again_is_no_longer_said_silent(tmp_path: Path) -> None:
    box, lid = _tagged_library(tmp_path)
    keeper, state = box.app.state.box.kit, box.app.state.box
    keeper.replace(state, kit_routes.library_kit(state, lid))
    keeper.forget_library(state, lid, "drums", "studio")
    assert [n for n, _ in keeper.silenced[0].notes] == [36, 38, 60]
    from device.kit import KitNote
    other = _second_library(box, tmp_path)
    keeper.set(state, KitNote(note=36, library=other, file="kit/boom.wav"))
    assert [n for n, _ in keeper.silenced[0].notes] == [38, 60]
    keeper.replace(state, {})
    assert keeper.silenced == []                           # a new kit: the old one's story is over


def _second_library(box: Any, tmp_path: Path) -> str:
    from tests.api.conftest import wav_bytes, zip_bytes
    lid = box.client.post("/libraries", params={"name": "other"}, headers=box.auth,
                          content=zip_bytes({"kit/boom.wav": wav_bytes(4800)})).json()["id"]
    box.tagged(lid)
    return lid


def test_from_library_refuses_a_kit_changed_since_the_laptop_saw_it(tmp_path: Path) -> None:
    box, lid = _tagged_library(tmp_path)
    other = _second_library(box, tmp_path)
    put = box.client.put("/kit/notes/C3", json={"library": other, "file": "kit/boom.wav"}, headers=box.auth)
    assert put.status_code == 200, put.text
    seen = [{"note": 48, "library": other, "file": "kit/boom.wav"}]
    assert box.client.put("/kit/notes/D3", json={"library": other, "file": "kit/boom.wav"},
                          headers=box.auth).status_code == 200          # another laptop, while the question is open
    r = box.client.post("/kit/from-library", json={"library": lid, "seen": seen}, headers=box.auth)
    assert r.status_code == 409, r.text
    said = r.json()
    assert said["error"] == "kit changed"
    assert said["message"].startswith("the kit changed since you were asked: D3 was set (kit/boom.wav, library other)")
    assert "run it again" in said["hint"]
    assert sorted(n["note"] for n in _kit(box)["notes"]) == [48, 50]           # nothing replaced
    seen.append({"note": 50, "library": other, "file": "kit/boom.wav"})
    r = box.client.post("/kit/from-library", json={"library": lid, "seen": seen}, headers=box.auth)
    assert r.status_code == 200, r.text
    assert sorted((n["name"], n["library_name"]) for n in r.json()["replaced"]) == [("C3", "other"), ("D3", "other")]


def test_from_library_without_seen_replaces_and_says_what(tmp_path: Path) -> None:
    box, lid = _tagged_library(tmp_path)
    other = _second_library(box, tmp_path)
    box.client.put("/kit/notes/C3", json={"library": other, "file": "kit/boom.wav"}, headers=box.auth)
    r = box.client.post("/kit/from-library", json={"library": lid}, headers=box.auth)
    assert r.status_code == 200 and [n["name"] for n in r.json()["replaced"]] == ["C3"]


def test_a_note_set_again_answers_what_it_played(tmp_path: Path) -> None:
    box, lid = _tagged_library(tmp_path)
    first = box.client.put("/kit/notes/C3", json={"library": lid, "file": "kit/boom.wav"}, headers=box.auth)
    assert first.json()["replaced"] == []
    r = box.client.put("/kit/notes/C3", json={"library": lid, "file": "kit/crack.wav"}, headers=box.auth)
    assert [(n["file"], n["library_name"]) for n in r.json()["replaced"]] == [("kit/boom.wav", "library")]


def test_a_kit_made_while_its_library_is_deleted_is_a_404_in_words(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    import device.library as library
    box, lid = _tagged_library(tmp_path)
    real = library.list_tags

    def deleted_first(db: Path) -> dict[str, int]:       # the other laptop's delete lands as the tags are read
        box.app.state.box.libraries.delete(lid)
        return real(db)
    monkeypatch.setattr(library, "list_tags", deleted_first)
    r = box.client.post("/kit/from-library", json={"library": lid}, headers=box.auth)
    assert r.status_code == 404, r.text                  # was a 500: "no library database at .../tags.db"
    assert r.json()["message"] == "library library was deleted; the kit is as it was"
    assert "tag a library first" not in (r.json()["hint"] or "")
    assert _kit(box)["notes"] == []


def test_a_kit_of_a_library_at_its_last_file_says_finishing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    box, lid = _tagged_library(tmp_path)
    libraries = box.app.state.box.libraries
    real = libraries.get

    def at_the_end(library: str) -> dict[str, Any]:
        return {**real(library), "state": "tagging", "progress": {"done": 3, "total": 3}}
    monkeypatch.setattr(libraries, "get", at_the_end)
    r = box.client.post("/kit/from-library", json={"library": lid}, headers=box.auth)
    assert r.status_code == 409 and "(3 of 3)" not in r.json()["message"]
    assert "still being tagged (finishing: writing what it heard)" in r.json()["message"]
