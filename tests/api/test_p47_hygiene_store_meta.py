"""Forty-seventh stop (F4): ``PackStore.meta`` stamps its meta.json with hatbox.errors.file_state (the one way of
stamping a file, as device/ui/stamped.py and device/store_notes.py do) instead of its own ``os.stat`` tuple; what it
does is unchanged: a record read once while its file stays, read again once a new file stands there, a pack gone a
StoreError."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

import device.store as store_mod
from device.store import META_FILE, PackStore, StoreError
from tests.api.packs import gain_pack
from tests.test_p22_pack_store import _install


def test_meta_is_stamped_by_file_state_and_read_again_when_its_file_is_new(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = PackStore(tmp_path / "box")
    pid = _install(store, gain_pack(tmp_path / "a.hatpack"))
    stamped: list[Path] = []
    real = store_mod.file_state
    monkeypatch.setattr(store_mod, "file_state", lambda p: stamped.append(Path(p)) or real(p))
    reads: list[int] = []
    real_read = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda self: reads.append(1) or real_read(self))
    first = store.meta(pid)
    assert store.meta(pid) == first and len(reads) <= 1          # kept while the file is the same one
    assert stamped == [store.packs / pid / META_FILE] * 2
    path = store.packs / pid / META_FILE
    new = path.with_name("meta.new")
    new.write_text(json.dumps({**first, "name": "renamed"}))
    os.replace(new, path)                                         # a repair writes a new file
    assert store.meta(pid)["name"] == "renamed"
    path.unlink()
    with pytest.raises(StoreError, match="no installed pack"):
        store.meta(pid)
