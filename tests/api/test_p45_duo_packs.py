"""p45 duo QA: two laptops on one box, and who did what to its packs.  The box records who made each slot's pack
active and when (device/store_layout.py ``Pointer.activated``), answers an activation with what it replaced and who
had made that active, lists it with the active pack (GET /packs, GET /status), records who installed a pack, and
who deleted one (a prune or a delete: the store's ``deleted`` records, ``GET /packs/deleted``), so a later
"no such pack" can say "laptopA's prune deleted it at 14:02"."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from device.api.app import ApiConfig, create_app
from device.api.sim import RecordingControl
from tests.api.conftest import FAST_ENGINE
from tests.api.packs import gain_pack


class Duo:
    """One box served to two paired laptops, A ("laptopA") and B ("laptopB")."""

    def __init__(self, tmp_path: Path) -> None:
        self.codes: list[str] = []
        self.tmp = tmp_path
        self.client = TestClient(create_app(tmp_path / "box", RecordingControl(),
                                            ApiConfig(engine=FAST_ENGINE, on_code=self.codes.append)))
        self.a, self.b = self._pair("laptopA"), self._pair("laptopB")

    def _pair(self, name: str) -> dict[str, str]:
        r = self.client.post("/pair", json={"code": self.codes[-1], "name": name})
        assert r.status_code == 200, r.text
        return {"Authorization": f"Bearer {r.json()['token']}"}

    def push(self, who: dict[str, str], version: str, activate: bool = True, name: str = "ts9") -> dict[str, Any]:
        path = gain_pack(self.tmp / f"{name}-{version}.hatpack", name, version, seed=len(version))
        r = self.client.post("/packs", params={"activate": activate}, content=path.read_bytes(), headers=who)
        assert r.status_code == 201, r.text
        return r.json()

    def packs(self, who: dict[str, str]) -> dict[str, dict[str, Any]]:
        return {p["version"]: p for p in self.client.get("/packs", headers=who).json()}


@pytest.fixture
def duo(tmp_path: Path) -> Duo:
    return Duo(tmp_path)


def test_a_push_says_what_it_replaced_and_who_had_made_it_active(duo: Duo) -> None:
    first = duo.push(duo.a, "2.0.0")
    assert first["activated"] and first["replaced"] is None          # nothing was active
    second = duo.push(duo.b, "3.0.0")
    gone = second["replaced"]
    assert (gone["id"], gone["name"], gone["version"], gone["by"]) == (first["pack"]["id"], "ts9", "2.0.0", "laptopA")
    assert 0 <= gone["ago_s"] < 60
    assert second["pack"]["installed_by"] == "laptopB"


def test_the_active_pack_is_listed_with_who_made_it_active_and_when(duo: Duo) -> None:
    duo.push(duo.a, "2.0.0")
    duo.push(duo.b, "3.0.0")
    packs = duo.packs(duo.a)
    assert packs["3.0.0"]["active"] and packs["3.0.0"]["activated_by"] == "laptopB"
    assert 0 <= packs["3.0.0"]["activated_ago_s"] < 60 and packs["3.0.0"]["activated_at"] > 0
    assert packs["2.0.0"]["activated_by"] is None                     # not active: nothing said
    status = duo.client.get("/status", headers=duo.a).json()
    assert [p["activated_by"] for p in status["packs"]] == ["laptopB"]


def test_activate_answers_what_it_replaced_and_a_roll_back_records_who(duo: Duo) -> None:
    old = duo.push(duo.a, "2.0.0")["pack"]["id"]
    new = duo.push(duo.b, "3.0.0")["pack"]["id"]
    r = duo.client.post(f"/packs/{old}/activate", headers=duo.a)
    assert r.status_code == 200, r.text
    assert (r.json()["replaced"]["id"], r.json()["replaced"]["by"]) == (new, "laptopB")
    assert duo.packs(duo.b)["2.0.0"]["activated_by"] == "laptopA"
    r = duo.client.post("/slots/effect/rollback", headers=duo.b)
    assert r.status_code == 200, r.text
    assert r.json()["active"] == new and "replaced" not in r.json()    # a roll back answers as before
    assert duo.packs(duo.a)["3.0.0"]["activated_by"] == "laptopB"


def test_a_pointer_from_an_older_box_says_nothing_of_who(duo: Duo) -> None:
    pid = duo.push(duo.a, "2.0.0")["pack"]["id"]
    pointer = duo.tmp / "box" / "active.json"
    data = json.loads(pointer.read_text())
    assert data["activated"]["effect"]["by"] == "laptopA"
    del data["activated"]                                             # as a box before the forty-fifth stop wrote it
    pointer.write_text(json.dumps(data))
    assert duo.packs(duo.a)["2.0.0"]["activated_by"] is None
    r = duo.push(duo.b, "3.0.0")
    assert (r["replaced"]["id"], r["replaced"]["by"]) == (pid, None)   # what it replaced, not who


def test_activating_a_pack_another_laptop_pruned_names_the_prune(duo: Duo) -> None:
    old = duo.push(duo.a, "3.2.0", activate=False, name="phaser")["pack"]["id"]
    duo.push(duo.a, "3.8.1", name="phaser")
    r = duo.client.post("/packs/prune", json={"dry_run": False}, headers=duo.a)
    assert r.status_code == 200 and [p["id"] for p in r.json()["packs"]] == [old], r.text
    r = duo.client.post(f"/packs/{old}/activate", headers=duo.b)
    assert r.status_code == 404
    assert r.json()["message"].startswith(f"the box has no pack '{old}': laptopA's prune deleted it at ")
    assert r.json()["message"].endswith("s ago)")
    gone = duo.client.get("/packs/deleted", headers=duo.b).json()
    assert [(g["id"], g["by"], g["how"]) for g in gone] == [(old, "laptopA", "prune")]


def test_a_pack_another_laptop_deleted_names_who(duo: Duo) -> None:
    old = duo.push(duo.a, "1.0.0", activate=False)["pack"]["id"]
    assert duo.client.delete(f"/packs/{old}", headers=duo.b).status_code == 204
    r = duo.client.get(f"/packs/{old}", headers=duo.a)
    assert r.status_code == 404 and "laptopB deleted it at " in r.json()["message"]
