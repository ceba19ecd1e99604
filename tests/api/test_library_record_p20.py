"""A library whose record (``library.json`` in the box's store) is damaged stopped the API from starting
(``Libraries._recover``: a bare JSONDecodeError).  Now it is logged and listed ``failed`` with a plain reason
(delete it and upload it again), the box starts with the other libraries, and the library can be deleted."""
from __future__ import annotations

import logging
from pathlib import Path

import pytest

from device.api.libraries import Libraries, LibraryBusy
from tests.api.conftest import BoxUnderTest, make_box, wav_bytes, zip_bytes


def _upload(box: BoxUnderTest, name: str) -> str:
    r = box.client.post("/libraries", params={"name": name}, headers=box.auth,
                        content=zip_bytes({"a.wav": wav_bytes(), "b.wav": wav_bytes(), "c.wav": wav_bytes()}))
    assert r.status_code == 201, r.text
    return r.json()["id"]


@pytest.mark.parametrize("damage", [b'{"id": "lib-kit", "na', b"", b"\xff\xfe\x00garbage", b"[1, 2]", b'{"name": "x"}'])
def test_a_damaged_record_is_listed_failed_and_the_box_starts_with_the_others(
        tmp_path: Path, caplog: pytest.LogCaptureFixture, damage: bytes) -> None:
    box = make_box(tmp_path)
    good, bad = _upload(box, "good"), _upload(box, "bad")
    record = box.store_dir / "libraries" / bad / "library.json"
    record.write_bytes(damage)
    with caplog.at_level(logging.ERROR, logger="hatbox.api"):
        again = make_box(tmp_path)                                        # was: JSONDecodeError, no box
    listed = {i["id"]: i for i in again.client.get("/libraries", headers=again.auth).json()}
    assert listed[good]["state"] == "untagged" and listed[good]["name"] == "good"
    assert listed[bad] == {"id": bad, "name": "bad", "state": "failed", "accepted": 3, "rejected": 0,
                           "progress": {"done": 0, "total": 3}, "sha256": None, "uploaded": None, "tagger": None,
                           "error": f"its record is damaged; delete it with hatbox box-library {bad} --delete and "
                                    "upload it again"}
    got = again.client.get(f"/libraries/{bad}", headers=again.auth).json()
    assert got["error"] == (f"its record is damaged; delete it with hatbox box-library {bad} --delete and "
                            "upload it again")
    said = [r.getMessage() for r in caplog.records if bad in r.getMessage()]
    assert len(said) == 1 and "is damaged" in said[0] and str(record) in said[0]
    assert record.read_bytes() == damage                                  # left as it was, not overwritten
    assert again.client.delete(f"/libraries/{bad}", headers=again.auth).status_code == 204
    assert again.library_dirs() == [".trash", good]                       # (.trash/ left empty)
    third = make_box(tmp_path)
    assert [i["id"] for i in third.client.get("/libraries", headers=third.auth).json()] == [good]


def test_a_damaged_library_is_not_tagged_again(tmp_path: Path) -> None:
    root = tmp_path / "libs"
    (root / "lib-kit-abc123" / "files").mkdir(parents=True)
    (root / "lib-kit-abc123" / "files" / "kick.wav").write_bytes(wav_bytes())
    (root / "lib-kit-abc123" / "library.json").write_bytes(b"{not json")
    libs = Libraries(root)
    assert libs.get("lib-kit-abc123")["state"] == "failed"
    with pytest.raises(LibraryBusy, match="cannot be tagged again: its record is damaged; delete it with "   # 409
                                          "hatbox box-library lib-kit-abc123 --delete"):
        libs.retag("lib-kit-abc123", tmp_path / "tagger.hatpack", "tagger-x")
    assert (root / "lib-kit-abc123" / "library.json").read_bytes() == b"{not json"
    assert libs.delete("lib-kit-abc123")["state"] == "failed" and libs.list() == []
