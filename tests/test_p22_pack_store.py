"""The box's pack store against damage and races (QA p22): whatever recovery finds in the store folder (a pointer
that is not the pointer, a meta.json that is not an object, a stray file) is set aside with one warning and never
stops the box; an install that fails after its rename takes the pack back out; installing a pack again repairs a
damaged copy; two stores on one folder never switch the pointer from the same stale copy."""
from __future__ import annotations

import logging
import shutil
import threading
from pathlib import Path

import pytest

import device.store as store_mod
from device.store import PackStore, file_sha256
from export.pack import read_pack
from tests.api.packs import gain_pack, tagger_pack


def _install(store: PackStore, src: Path) -> str:
    up = store.new_upload()
    shutil.copyfile(src, up)
    return store.install(up, read_pack(src).manifest, file_sha256(up), {"checks": []})["id"]


@pytest.fixture
def store(tmp_path: Path) -> tuple[PackStore, str]:
    """A store with one effect pack installed and active: (the store, the pack's id)."""
    s = PackStore(tmp_path / "store")
    pid = _install(s, gain_pack(tmp_path / "a.hatpack"))
    s.activate(pid)
    return s, pid


def _store_warnings(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "device.store" and r.levelno >= logging.WARNING]


@pytest.mark.parametrize("content", [b"{not json", b"[1, 2]", b'{"slots": {"effect": {}}}', b"[" * 100_000,
                                     b'{"slots": {"effect": 5}}', b'{"slots": {}, "history": {"effect": "abc"}}',
                                     b"\xff\xfe", b""],
                         ids=["not JSON", "a list", "a slot that is an object", "nested too deeply", "a number",
                              "a history that is a string", "not UTF-8", "empty"])
def test_an_unreadable_pointer_is_set_aside_with_one_warning(store, caplog, content: bytes) -> None:
    """A slot that was an object stopped recovery (TypeError: unhashable), deep nesting too (RecursionError), so the
    box did not start; a pointer that was not JSON was dropped without a word."""
    s, pid = store
    (s.root / "active.json").write_bytes(content)
    with caplog.at_level(logging.WARNING, logger="device.store"):
        report = PackStore(s.root).recover()
    warned = _store_warnings(caplog)
    assert len(warned) == 1 and "active.json is unreadable" in warned[0] and "active.json.damaged" in warned[0]
    # twenty-fifth stop: the active packs come back from active.json.copy (the box was silent with every pack intact)
    assert f"the active packs are as its copy (active.json.copy) had them: effect {pid}" in warned[0]
    assert report["pointer_repaired"] and report["active"] == {"effect": pid, "synth": None, "tagger": None}
    assert report["pointer_from_copy"]
    assert (s.root / "active.json.damaged").read_bytes() == content
    fresh = PackStore(s.root)
    assert fresh.problems() == [] and fresh.ids() == [pid] and fresh.active()["effect"] == pid
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="device.store"):
        PackStore(s.root).recover()                        # the next start finds nothing to say
    assert _store_warnings(caplog) == []


def test_the_box_starts_on_a_store_whose_pointer_is_damaged(tmp_path: Path) -> None:
    from tests.api.conftest import make_box

    s = PackStore(tmp_path / "box")
    pid = _install(s, gain_pack(tmp_path / "a.hatpack"))
    (s.root / "active.json").write_bytes(b'{"slots": {"effect": {"id": "%s"}}}' % pid.encode())
    box = make_box(tmp_path)                               # was: TypeError out of create_app
    assert box.active() is None                            # never activated: no copy says otherwise
    r = box.client.post(f"/packs/{pid}/activate", headers=box.auth)
    assert r.status_code == 200, r.text
    assert box.active() == pid


@pytest.mark.parametrize("record", [b"[1, 2, 3]", b'{"id": "eff', b"\0" * 300])
def test_a_damaged_meta_json_of_a_whole_pack_is_made_again_from_the_pack(store, caplog, record: bytes) -> None:
    """p22: a meta.json that was not an object stopped recovery (AttributeError); then (p22-p24) the pack was removed
    with it, its intact 36 KB pack file too, for a cut 1.6 KB record."""
    s, pid = store
    (s.packs / pid / "meta.json").write_bytes(record)
    with caplog.at_level(logging.WARNING, logger="device.store"):
        report = PackStore(s.root).recover()
    assert report["rebuilt"] == [pid] and report["removed_broken"] == [] and report["active"]["effect"] == pid
    assert any(pid in w and "was made again from its pack file" in w for w in _store_warnings(caplog))
    fresh = PackStore(s.root)
    assert fresh.problems() == [] and fresh.active()["effect"] == pid
    meta = fresh.meta(pid)
    assert meta["kind"] == "effect" and meta["sha256"] == file_sha256(s.pack_path(pid)) and meta["checks"][0]["check"] == "record"


def test_an_active_pack_that_is_gone_is_named_with_what_plays_now(store, tmp_path: Path, caplog) -> None:
    """Before: an active pack whose folder went (or whose pack file was damaged) was dropped without a word."""
    s, old = store
    new = _install(s, gain_pack(tmp_path / "b.hatpack", "other", "2.0.0"))
    s.activate(new)
    shutil.rmtree(s.packs / new)
    with caplog.at_level(logging.WARNING, logger="device.store"):
        report = PackStore(s.root).recover()
    assert report["lost_active"] == {"effect": new} and report["active"]["effect"] == old
    assert any(f"the active effect pack {new} is gone" in w and f"the effect slot plays {old} now" in w
               for w in _store_warnings(caplog))
    shutil.rmtree(s.packs / old)
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="device.store"):
        PackStore(s.root).recover()
    assert any("nothing plays in the effect slot now; send the pack again: hatbox push PACK.hatpack --activate" in w
               for w in _store_warnings(caplog))


def test_a_stray_file_in_packs_leaves_no_debris(store, caplog) -> None:
    """A file (not a folder) in packs/ was moved to trash/ and left there: problems() after recovery was not empty."""
    s, pid = store
    (s.packs / "notes.txt").write_text("hello")
    (s.packs / "effect-half-1.0.0-0123456789ab").mkdir()          # a copy cut short
    with caplog.at_level(logging.WARNING, logger="device.store"):
        report = PackStore(s.root).recover()
    assert sorted(report["removed_broken"]) == ["effect-half-1.0.0-0123456789ab", "notes.txt"]
    assert len(_store_warnings(caplog)) == 2
    assert PackStore(s.root).problems() == [] and list(s.trash.iterdir()) == []
    assert s.active()["effect"] == pid


def test_installing_a_pack_again_repairs_a_damaged_copy(tmp_path: Path, store) -> None:
    """The same pack again was taken for installed already, its damaged copy kept (and removed at the next start)."""
    s, pid = store
    with open(s.pack_path(pid), "r+b") as fh:
        fh.seek(100)
        fh.write(b"\xff\xff")
    assert s.problems() == [f"damaged pack {pid}"]
    assert _install(s, tmp_path / "a.hatpack") == pid     # the same bytes (built again, a zip second later: another id)
    assert s.problems() == [] and s.active()["effect"] == pid
    read_pack(s.pack_path(pid))


def test_an_install_whose_rename_cannot_be_made_durable_takes_the_pack_back(tmp_path: Path, store, monkeypatch) -> None:
    """The API answers a failed install with "nothing of the pack was kept" (device/api/app.py): a failing fsync of
    packs/ after the rename left the pack installed all the same."""
    s, old = store
    real = store_mod.fsync_dir

    def failing(path: Path) -> None:
        if Path(path) == s.packs:
            raise OSError(5, "Input/output error")
        real(path)
    monkeypatch.setattr(store_mod, "fsync_dir", failing)
    src = gain_pack(tmp_path / "b.hatpack", "b", "1.0.1")
    with pytest.raises(OSError):
        _install(s, src)
    monkeypatch.undo()
    assert s.ids() == [old] and s.problems() == [] and s.active()["effect"] == old
    assert list(s.tmp.iterdir()) == [] and list(s.trash.iterdir()) == []


def test_two_stores_on_one_folder_do_not_lose_a_slot(tmp_path: Path, monkeypatch) -> None:
    """The API's store and the panel's (device/ui/data.py) are two PackStores on one folder.  Each read active.json,
    changed its slot and wrote it back: the panel activating a synth while the API activated an effect could put
    back the old synth slot.  Now a change holds <root>/.lock, so the second one reads what the first wrote."""
    api, panel = PackStore(tmp_path / "s"), PackStore(tmp_path / "s")
    fx = _install(api, gain_pack(tmp_path / "fx.hatpack"))
    tags = _install(api, tagger_pack(tmp_path / "t.hatpack"))
    read, other_done = threading.Event(), threading.Event()
    real_pointer = PackStore.pointer

    def slow_pointer(self: PackStore) -> store_mod.Pointer:
        p = real_pointer(self)
        if self is api and threading.current_thread().name == "api":
            read.set()
            other_done.wait(1.0)                 # the panel's activate runs here, unless the lock holds it off
        return p
    monkeypatch.setattr(PackStore, "pointer", slow_pointer)
    t_api = threading.Thread(target=api.activate, args=(fx,), name="api")
    t_api.start()
    assert read.wait(5.0)
    t_panel = threading.Thread(target=lambda: (panel.activate(tags), other_done.set()), name="panel")
    t_panel.start()
    t_api.join(10.0)
    t_panel.join(10.0)
    assert PackStore(tmp_path / "s").active() == {"effect": fx, "synth": None, "tagger": tags}


def test_a_pointer_write_cut_off_leaves_no_temp_file_after_the_next_start(store) -> None:
    """p25: a power cut during an activation left .active.json.XXXXXXXX beside the store's files for good."""
    s, pid = store
    (s.root / ".active.json.k3j_9xq2").write_bytes(b'{"slots": {"eff')
    report = PackStore(s.root).recover()
    assert not list(s.root.glob(".active.json.*")) and report["removed_debris"] == 1
    assert PackStore(s.root).active()["effect"] == pid


def test_a_damaged_pointer_comes_back_from_its_copy_rollbacks_and_empty_slots_too(store, tmp_path: Path) -> None:
    """Review (p25): making the newest pack of each kind active brought back a pack rolled back from and filled a
    slot emptied on purpose; the copy written with every change gives back exactly what was chosen."""
    s, good = store
    bad = _install(s, gain_pack(tmp_path / "b.hatpack", "buggy", "2.0.0"))
    never = _install(s, tagger_pack(tmp_path / "t.hatpack"))            # installed, never made active
    s.activate(bad)
    s.rollback("effect")
    (s.root / "active.json").write_bytes(b"\0" * 64)
    report = PackStore(s.root).recover()
    assert report["active"] == {"effect": good, "synth": None, "tagger": None} and report["pointer_from_copy"]
    assert PackStore(s.root).pointer().history["effect"] == []
    PackStore(s.root).deactivate("effect")
    (s.root / "active.json").write_bytes(b"{")
    assert PackStore(s.root).recover()["active"]["effect"] is None    # emptied on purpose: stays empty
    assert never not in PackStore(s.root).active().values()


def test_without_a_readable_copy_a_damaged_pointer_leaves_the_slots_empty_and_says_how(store, caplog) -> None:
    s, pid = store
    (s.root / "active.json").write_bytes(b"{")
    (s.root / "active.json.copy").write_bytes(b"{")
    with caplog.at_level(logging.WARNING, logger="device.store"):
        report = PackStore(s.root).recover()
    assert report["active"]["effect"] is None and not report["pointer_from_copy"]
    assert any("no pack is active until one is made active" in w for w in _store_warnings(caplog))

