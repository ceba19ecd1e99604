"""p46 QA "big", finding 5: after `box-library LIB --delete --yes`, every `hatbox box-kit` on the laptop that deleted
the library said "note: library 808 & 909 was deleted by 'vm' (...): 6 kit notes went silent", until a new kit was
made.  That laptop was told at the deletion (its prompt listed the notes, the answer said them); the note is for the
other laptops.  GET /kit marks the asker's own deletion (``by_you``) and `hatbox box-kit` leaves it out."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hatbox.kit_words import silenced_lines
from tests.api.test_kit import _tagged_library

PREFER = {"Prefer": "return=representation"}


def _kit(box: Any, headers: dict[str, str]) -> dict[str, Any]:
    r = box.client.get("/kit", headers=headers)
    assert r.status_code == 200, r.text
    return r.json()


def _deleted_with_a_kit(tmp_path: Path) -> tuple[Any, str, dict[str, str]]:
    """A box whose kit was made of a library that its first laptop ("test") then deleted; the headers of a second
    laptop ("laptopB") paired with it."""
    box, lid = _tagged_library(tmp_path)
    _, other = box.app.state.box.tokens.issue("laptopB")
    assert box.client.post("/kit/from-library", json={"library": lid}, headers=box.auth).status_code == 200
    r = box.client.delete(f"/libraries/{lid}", headers={**box.auth, **PREFER})
    assert r.status_code == 200 and len(r.json()["kit_silenced"]) == 3       # told at the deletion
    return box, lid, {"Authorization": f"Bearer {other}"}


def test_the_deleting_laptop_is_not_told_again_and_the_other_is(tmp_path: Path) -> None:
    box, lid, other = _deleted_with_a_kit(tmp_path)
    mine, theirs = _kit(box, box.auth), _kit(box, other)
    assert [s["by_you"] for s in mine["silenced"]] == [True]
    assert [s["by_you"] for s in theirs["silenced"]] == [False]
    assert silenced_lines(mine) == [] and silenced_lines(mine) == silenced_lines(_kit(box, box.auth))
    said = silenced_lines(theirs)
    assert len(said) == 1 and said[0].startswith("note: library ") and "was deleted by 'test'" in said[0]
    assert "3 kit notes went silent" in said[0]
    kept = json.loads((box.store_dir / "kit.json").read_text())["silenced"][0]
    assert kept["library"] == lid and kept["token"]                  # who, kept with the kit across a restart
    from device.api.kit_routes import KitKeeper
    assert KitKeeper(box.store_dir / "kit.json").silenced[0].token == kept["token"]


def test_a_loss_kept_before_the_box_kept_whose_it_was_is_still_said(tmp_path: Path) -> None:
    box, _, _ = _deleted_with_a_kit(tmp_path)
    keeper = box.app.state.box.kit
    from dataclasses import replace
    keeper.silenced = [replace(s, token="") for s in keeper.silenced]   # as an older box's kit.json gives it
    kit = _kit(box, box.auth)
    assert [s["by_you"] for s in kit["silenced"]] == [None]
    assert len(silenced_lines(kit)) == 1                              # not known whose: said, as before


def test_an_older_boxs_answer_without_by_you_is_said_as_before() -> None:
    loss = {"library": "lib-x-1", "library_name": "x", "by": "vm", "when": 0,
            "notes": [{"note": 36, "name": "C2", "library": "lib-x-1", "file": "k.wav"}], "words": ""}
    assert len(silenced_lines({"silenced": [loss]})) == 1
    assert silenced_lines({"silenced": [{**loss, "by_you": True}]}) == []
