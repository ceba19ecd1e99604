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
    half = root / "lib-drums-0badc0.partial"              # an upload cut off before it was whole: its staging folder
    (half / "files").mkdir(parents=True)
    untagged = root / "lib-pads-0badc1"                   # sent before any tagger (files/ alone), library.json lost
    (untagged / "files").mkdir(parents=True)
    (untagged / "files" / "pad.wav").write_bytes(b"RIFF")
    (root / ".Spotlight-V100").mkdir()                    # a card a Mac touched: not a library
    (root / "notes.txt").write_text("mine")
    with caplog.at_level(logging.WARNING):
        libs = Libraries(root)
    listed = {info["id"]: info for info in libs.list()}
    assert set(listed) == {"lib-kit-a8d3d8", "My Kit", "lib-pads-0badc1"}   # review: the untagged one was deleted
    assert listed["lib-kit-a8d3d8"]["state"] == "failed" and listed["lib-kit-a8d3d8"]["accepted"] == 1
    assert "its record is damaged" in listed["My Kit"]["error"]
    assert (lost / "tags.db").exists() and (mine / "snare.wav").exists() and (root / "notes.txt").read_text() == "mine"
    assert not half.exists() and (untagged / "files" / "pad.wav").exists() and (root / ".Spotlight-V100").is_dir()
    said = caplog.text
    assert "its library.json is missing" in said and "notes.txt is not a library" in said and "Spotlight" not in said


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
        "the record of which packs are active was damaged: no pack is active until you make one active "
        "(hatbox box-pack ID --activate)"]
    assert recovery_lines({"pointer_damaged": "x", "pointer_from_copy": True})[0].endswith("took them from its copy")
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


def test_an_upload_is_named_as_a_library_only_once_its_record_is_written(tmp_path: Path, monkeypatch) -> None:
    """Review: an upload was unpacked under its id, then recorded; a crash between left a folder a later start took
    for a library whose record was lost (or, before that, deleted with any library of the same shape)."""
    import os as os_mod

    from tests.api.conftest import wav_bytes, zip_bytes
    arc = tmp_path / "kit.zip"
    arc.write_bytes(zip_bytes({"k.wav": wav_bytes()}))
    libs = Libraries(tmp_path / "libs")
    seen: list[tuple[str, bool]] = []
    real = os_mod.replace

    def watch(src, dst, *a, **kw):
        if Path(dst).parent == tmp_path / "libs":                      # a folder given its place under libs/
            seen.append((Path(src).name, (Path(src) / "library.json").exists()))
        return real(src, dst, *a, **kw)
    monkeypatch.setattr(os_mod, "replace", watch)
    info = libs.ingest(arc, "kit", None, None)
    assert seen == [(f"{info['id']}.partial", True)]                  # renamed into place with its record in it
    assert (tmp_path / "libs" / info["id"] / "library.json").exists()
    assert not list((tmp_path / "libs").glob("*.partial"))



def test_a_rebuilt_record_keeps_the_packs_signature(tmp_path: Path) -> None:
    """Review (p25): the record made again from the pack said "not signed" for a signed pack."""
    from device.given_packs import install_given
    from device.store import PackStore
    from export.signing import generate_key, public_pem, sign_pack
    from tests.api.packs import gain_pack
    key = generate_key()
    store = tmp_path / "box"
    (store / "trusted_keys").mkdir(parents=True)
    (store / "trusted_keys" / "me.pub").write_bytes(public_pem(key.public_key()))
    signed = sign_pack(gain_pack(tmp_path / "g.hatpack"), key, tmp_path / "s.hatpack")
    install_given(store, {"effect": str(signed)}, 48000, 128, require_signature=True)
    s = PackStore(store)
    pid = s.active()["effect"]
    before = s.meta(pid)["signed_by"]
    (s.packs / pid / "meta.json").write_text("{")
    assert PackStore(store).recover()["rebuilt"] == [pid]
    assert before and PackStore(store).meta(pid)["signed_by"] == before


def test_pairing_again_after_lost_pairings_ends_the_lost_pairings_message(tmp_path: Path) -> None:
    from device.api.auth import AuthError, TokenStore
    (tmp_path / "tokens.json").write_bytes(b"{")
    tokens = TokenStore(tmp_path / "tokens.json")
    tokens.issue("laptop")
    with pytest.raises(AuthError, match=r"wrong or revoked"):
        tokens.check("an old token")
