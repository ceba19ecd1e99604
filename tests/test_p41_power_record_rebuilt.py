"""Forty-first stop, QA with damaged files: a library whose library.json is damaged but whose files and tags.db (with
the corrections made on the box) are whole gets its record made again from them at start, as a pack's damaged
meta.json is made again from its pack (before: listed failed, "delete it and upload it again", --retag and
--export-fixes refused: the box-side corrections could only be lost)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.api.conftest import BoxUnderTest, make_box, wav_bytes, zip_bytes
from tests.api.packs import tagger_pack


def _wait(box: BoxUnderTest, lid: str) -> dict[str, Any]:
    """The library's record once its tagging has ended (20 s at most)."""
    return box.tagged(lid, 20)


def test_a_damaged_record_is_made_again_from_the_files_and_tags(tmp_path: Path) -> None:
    box = make_box(tmp_path)
    assert box.push(tagger_pack(tmp_path / "t.hatpack")).status_code == 201
    kit = zip_bytes({f"kit/s{i}.wav": wav_bytes(2400 + 480 * i) for i in range(3)})
    lid = box.client.post("/libraries", params={"name": "lib3"}, content=kit, headers=box.auth).json()["id"]
    assert _wait(box, lid)["state"] == "done"
    fix = box.client.put(f"/libraries/{lid}/files/tags", json={"path": "kit/s1.wav", "tags": ["808"]},
                         headers=box.auth)
    assert fix.status_code == 200, fix.text
    before = box.client.get(f"/libraries/{lid}/tags", headers=box.auth).json()
    record = box.store_dir / "libraries" / lid / "library.json"
    damage = record.read_bytes()[:100]
    record.write_bytes(damage)                                              # a cut write

    again = make_box(tmp_path)
    got = again.client.get(f"/libraries/{lid}", headers=again.auth).json()
    assert got["state"] == "done" and got["name"] == "lib3" and got["accepted"] == 3 and got["error"] is None, got
    assert (record.parent / "library.json.damaged").read_bytes() == damage  # kept
    assert json.loads(record.read_bytes())["state"] == "done"               # and the record written again
    assert again.client.get(f"/libraries/{lid}/tags", headers=again.auth).json() == before
    fixes = again.client.get(f"/libraries/{lid}/fixes", headers=again.auth).json()
    assert [(f["path"], f["tags"]) for f in fixes] == [("kit/s1.wav", ["808"])]            # --export-fixes
    rec = again.client.get("/status", headers=again.auth).json()["recovery"]
    assert rec["libraries_rebuilt"] == [lid] and "libraries_damaged" not in rec
    assert again.client.post(f"/libraries/{lid}/retag", headers=again.auth).status_code == 202   # --retag
    assert _wait(again, lid)["state"] == "done"
    assert again.client.get(f"/libraries/{lid}/fixes", headers=again.auth).json() == fixes


def test_a_damaged_record_with_no_tags_to_keep_is_still_listed_failed(tmp_path: Path) -> None:
    box = make_box(tmp_path)                                                # no tagger: no tags.db
    lid = box.client.post("/libraries", content=zip_bytes({"a.wav": wav_bytes()}), headers=box.auth).json()["id"]
    (box.store_dir / "libraries" / lid / "library.json").write_bytes(b"{not json")
    again = make_box(tmp_path)
    got = again.client.get(f"/libraries/{lid}", headers=again.auth).json()
    assert got["state"] == "failed" and "its record is damaged" in got["error"]
    assert again.client.get("/status", headers=again.auth).json()["recovery"]["libraries_damaged"] == [lid]
