"""Forty-sixth stop: who deleted a pack is kept on the box's card (STORE/deleted-packs.json, device/store_notes.py),
so after a restart (a power cut) ``GET /packs/deleted`` and a ``/packs/{id}`` route still say who deleted it; before,
the records were kept in memory only and a laptop got the plain "the box has no pack" words.  The file is bounded
(the last 16), written whole or not at all, and a damaged or missing one never stops the box (one log line)."""
from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from device.api.app import ApiConfig, create_app
from device.api.sim import RecordingControl
from device.store import PackStore
from device.store_layout import DELETED_FILE, KEEP_DELETED
from device.store_notes import KeptRecords
from tests.api.conftest import FAST_ENGINE
from tests.api.packs import gain_pack


def _box(store: Path) -> tuple[TestClient, dict[str, str]]:
    """The box's API on ``store`` (a fresh start each call: a restart), paired as laptopA."""
    codes: list[str] = []
    client = TestClient(create_app(store, RecordingControl(), ApiConfig(engine=FAST_ENGINE, on_code=codes.append)))
    token = client.post("/pair", json={"code": codes[-1], "name": "laptopA"}).json()["token"]
    return client, {"Authorization": f"Bearer {token}"}


def test_who_deleted_a_pack_is_said_after_a_restart(tmp_path: Path) -> None:
    store = tmp_path / "box"
    client, auth = _box(store)
    r = client.post("/packs", content=gain_pack(tmp_path / "old.hatpack", "old", "1.0.0").read_bytes(), headers=auth)
    assert r.status_code == 201, r.text
    pid = r.json()["pack"]["id"]
    assert client.delete(f"/packs/{pid}", headers=auth).status_code == 204

    again, auth = _box(store)                                     # the power came back
    listed = again.get("/packs/deleted", headers=auth).json()
    assert [(d["id"], d["name"], d["version"], d["by"], d["how"]) for d in listed] == \
        [(pid, "old", "1.0.0", "laptopA", "delete")]
    r = again.get(f"/packs/{pid}", headers=auth)
    assert r.status_code == 404
    assert r.json()["message"].startswith(f"the box has no pack '{pid}': laptopA deleted it at ")


def test_a_damaged_or_missing_record_file_is_no_record_and_never_stops_the_box(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    store = tmp_path / "box"
    store.mkdir()
    (store / DELETED_FILE).write_bytes(b'{"version": 1, "records": [{"id": "effect-a-1.0')   # cut short
    with caplog.at_level(logging.WARNING):
        client, auth = _box(store)
    assert client.get("/packs/deleted", headers=auth).json() == []
    said = [r.getMessage() for r in caplog.records if DELETED_FILE in r.getMessage()]
    assert len(said) == 1 and "could not be read" in said[0]
    (store / DELETED_FILE).unlink()
    client, auth = _box(store)
    assert client.get("/packs/deleted", headers=auth).json() == []


def test_the_file_keeps_the_last_records_only_and_another_store_sees_them(tmp_path: Path) -> None:
    path = tmp_path / DELETED_FILE
    kept = KeptRecords(path, KEEP_DELETED, "who deleted which pack")
    for i in range(KEEP_DELETED + 4):
        kept.add({f"p{i}": {"id": f"p{i}", "deleted_by": "laptopA"}})
    again = KeptRecords(path, KEEP_DELETED, "who deleted which pack")       # read back at the next start
    assert list(again.current()) == [f"p{i}" for i in range(4, KEEP_DELETED + 4)]
    assert len(json.loads(path.read_bytes())["records"]) == KEEP_DELETED
    kept.add({"p5": {"id": "p5", "deleted_by": "laptopB"}})                # again: newest last, once
    assert list(again.current())[-1] == "p5" and again.get("p5")["deleted_by"] == "laptopB"


def test_a_store_deleting_on_a_full_card_deletes_and_keeps_the_record_in_memory(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    import device.store_notes as notes
    from tests.test_p22_pack_store import _install
    store = PackStore(tmp_path / "box")
    pid = _install(store, gain_pack(tmp_path / "a.hatpack", "a", "1.0.0"))

    def full(path: Path, data: bytes) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(notes, "write_atomic", full)
    assert store.delete_many([pid], by="laptopA", how="prune") == [pid]
    assert store.deleted[pid]["deleted_by"] == "laptopA" and not (tmp_path / "box" / DELETED_FILE).exists()
