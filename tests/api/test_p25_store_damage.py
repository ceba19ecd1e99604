"""The box's store after a hands-on pass that damaged it the ways an SD card or a person would (twenty-fifth stop)."""
from __future__ import annotations

import logging
from pathlib import Path

import pytest

from device.api.libraries import Libraries


def test_a_library_folder_without_its_record_is_kept_and_listed_failed_not_deleted(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """Before: at start the box deleted any folder under libraries/ without a library.json, samples, tags.db and
    corrections with it, and a folder of samples a person copied in, saying nothing anywhere."""
    root = tmp_path / "libs"
    lost = root / "lib-kit-a8d3d8"                       # a library whose library.json went: files and tags.db stay
    (lost / "files").mkdir(parents=True)
    (lost / "files" / "kick.wav").write_bytes(b"RIFF")
    (lost / "tags.db").write_bytes(b"SQLite format 3\0")
    mine = root / "My Kit"                               # copied in by hand
    mine.mkdir()
    (mine / "snare.wav").write_bytes(b"RIFF")
    half = root / "lib-drums-0badc0"                      # an upload cut off between its unpacking and its record
    (half / "files").mkdir(parents=True)
    (root / "notes.txt").write_text("mine")
    with caplog.at_level(logging.WARNING):
        libs = Libraries(root)
    listed = {info["id"]: info for info in libs.list()}
    assert set(listed) == {"lib-kit-a8d3d8", "My Kit"}
    assert listed["lib-kit-a8d3d8"]["state"] == "failed" and listed["lib-kit-a8d3d8"]["accepted"] == 1
    assert "its record is damaged" in listed["My Kit"]["error"]
    assert (lost / "tags.db").exists() and (mine / "snare.wav").exists() and (root / "notes.txt").read_text() == "mine"
    assert not half.exists()
    said = caplog.text
    assert "removing library folder lib-drums-0badc0: an upload a restart cut off" in said
    assert "its library.json is missing" in said and "notes.txt is not a library" in said


def _damaged_store(tmp_path: Path) -> tuple[Path, str, str]:
    """A box store whose active effect pack's folder went (the one before it stays): (store, gone, kept)."""
    import shutil

    from device.given_packs import install_given
    from device.store import PackStore
    from tests.api.packs import gain_pack
    store = tmp_path / "box"
    install_given(store, {"effect": str(gain_pack(tmp_path / "a.hatpack", "first", "1.0.0"))}, 48000, 128)
    install_given(store, {"effect": str(gain_pack(tmp_path / "b.hatpack", "second", "1.0.0"))}, 48000, 128)
    s = PackStore(store)
    gone = s.active()["effect"]
    kept = s.pointer().history["effect"][-1]
    shutil.rmtree(s.packs / gone)
    return store, gone, kept


def test_what_device_runs_recovery_found_reaches_the_api_status_and_hatbox_status(tmp_path: Path) -> None:
    """Before: `device run` repaired the store, then the API repaired the repaired store and reported nothing:
    GET /status's recovery was always empty, and `hatbox status` showed none of it."""
    from device.given_packs import open_store
    from hatbox.status_report import recovery_lines
    from tests.api.conftest import make_box
    store, gone, kept = _damaged_store(tmp_path)
    report = open_store(store).last_recovery
    box = make_box(tmp_path, recovery=report, load_active=False)
    rec = box.client.get("/status", headers=box.auth).json()["recovery"]
    assert rec["lost_active"] == {"effect": gone} and rec["active"]["effect"] == kept
    assert recovery_lines(rec) == [f"the active effect pack {gone} was gone: {kept} plays instead"]
    assert recovery_lines({"removed_broken": ["x"], "pointer_damaged": "not JSON", "active": {}}) == [
        "removed x from the box: it was damaged (send it again if you need it)",
        "the record of which packs are active was damaged: the newest pack of each kind plays "
        "(hatbox box-pack ID --activate picks another)"]
    assert recovery_lines({}) == []


@pytest.mark.parametrize("content", [b'{"ab12": {"sha2', b"[1, 2]", b'{"ab12": {"name": "x"}}', b"\0" * 64])
def test_damaged_pairings_are_kept_aside_and_said(tmp_path: Path, caplog: pytest.LogCaptureFixture,
                                                 content: bytes) -> None:
    """Before: a damaged tokens.json was read as "no pairings" without a word (every laptop then heard "wrong or
    revoked"), and an entry without its hash stopped the first check with a KeyError (a 500)."""
    from device.api.auth import AuthError, TokenStore
    path = tmp_path / "tokens.json"
    path.write_bytes(content)
    with caplog.at_level(logging.WARNING):
        tokens = TokenStore(path)
    assert tokens.lost and (tmp_path / "tokens.json.damaged").read_bytes() == content and not path.exists()
    assert "no computer is paired now, each must pair again" in caplog.text
    with pytest.raises(AuthError, match="its pairings were damaged and it lost them at its last start"):
        tokens.check("some-token")
    tid, token = tokens.issue("laptop")                          # pairing again works, and is kept
    assert TokenStore(path).check(token) == tid


def test_a_store_moved_to_another_path_lists_its_libraries_files_where_they_are_now(tmp_path: Path) -> None:
    """Before: a store copied or mounted elsewhere kept the old absolute root in each tags.db, so listings (and
    corrections) named files under the old path."""
    import json

    import numpy as np

    from device.library import db as libdb
    from device.library import query
    d = tmp_path / "moved" / "libs" / "lib-kit-a8d3d8"
    (d / "files").mkdir(parents=True)
    (d / "files" / "snare.wav").write_bytes(b"RIFF")
    (d / "library.json").write_text(json.dumps({"id": "lib-kit-a8d3d8", "name": "kit", "state": "done",
                                                "accepted": 1, "progress": {"done": 1, "total": 1}}))
    con = libdb.connect(d / "tags.db")
    libdb.set_meta(con, root="/old/store/libraries/lib-kit-a8d3d8/files", tags="snare", exclusive=1)
    p = np.asarray([0.9], np.float32)
    libdb.put_result(con, "snare.wav", (4, 1), "0" * 64, "tagger", ["snare"], p, p > 0.5, p)
    con.commit()
    con.close()
    Libraries(tmp_path / "moved" / "libs")
    hits = query.files_with_tag(d / "tags.db", "snare")
    assert [h.path for h in hits] == [(d / "files" / "snare.wav").resolve()]
