"""The pack store: versions, the active pointer, and recovery after a crash at every step.

The crash tests stop the process (an exception standing in for power loss) right before
the k-th durable operation (rename or fsync) of an install + activate, a rollback or a
delete, for every k; a fresh store then recovers and must be consistent with the old or
the new state, never anything in between.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Callable

import pytest

import device.store as store_mod
import export.atomic as atomic_mod
from device.store import PackStore, StoreError
from export.pack import read_pack
from tests.api.packs import gain_pack


class Crash(BaseException):
    """Stands in for the power going off."""


def _install(store: PackStore, src: Path) -> str:
    """Copy a pack into tmp/ as an upload would, then install it; returns its id."""
    up = store.new_upload()
    shutil.copyfile(src, up)
    return store.install(up, read_pack(src).manifest, store_mod.file_sha256(up), {"checks": []})["id"]


@pytest.fixture
def packs(tmp_path: Path) -> list[Path]:
    return [gain_pack(tmp_path / f"v{i}.hatpack", "fx", f"1.0.{i}", seed=i) for i in range(3)]


def test_versions_activate_rollback_delete(tmp_path: Path, packs: list[Path]) -> None:
    s = PackStore(tmp_path / "s")
    a, b, c = (_install(s, p) for p in packs)
    assert s.ids() == sorted([a, b, c])
    for pid in (a, b, c):
        s.activate(pid)
    assert s.active()["effect"] == c and s.pointer().history["effect"] == [a, b]
    assert s.rollback("effect") == b and s.rollback("effect") == a
    with pytest.raises(StoreError, match="no earlier effect pack"):
        s.rollback("effect")
    with pytest.raises(StoreError, match="is active"):
        s.delete(a)
    s.delete(c)
    assert c not in s.ids() and s.problems() == []
    assert s.deactivate("effect") == a and s.active()["effect"] is None
    with pytest.raises(StoreError, match="not a pack id"):
        s.meta("../../etc")


def test_recovery_cleans_debris_and_falls_back_from_a_damaged_active_pack(tmp_path: Path,
                                                                           packs: list[Path]) -> None:
    s = PackStore(tmp_path / "s")
    a, b = _install(s, packs[0]), _install(s, packs[1])
    s.activate(a)
    s.activate(b)
    (s.tmp / "up-half.hatpack").write_bytes(b"PK\x03\x04half")
    (s.tmp / "stage-x").mkdir()
    with open(s.pack_path(b), "r+b") as fh:           # bit rot in the active pack
        fh.seek(100)
        fh.write(b"\xff\xff")
    assert s.problems()
    report = PackStore(s.root).recover()
    assert report["removed_broken"] == [b] and report["removed_debris"] == 2
    assert s.active()["effect"] == a and s.problems() == []


def _durable_ops(monkeypatch: pytest.MonkeyPatch, crash_at: int | None) -> list[int]:
    """Count renames and fsyncs; raise Crash right before number ``crash_at``."""
    count = [0]
    real_replace, real_dir, real_file = os.replace, store_mod.fsync_dir, store_mod._fsync_file

    def gate() -> None:
        if count[0] == crash_at:
            raise Crash()
        count[0] += 1
    monkeypatch.setattr(store_mod.os, "replace", lambda *a, **k: (gate(), real_replace(*a, **k))[1])
    monkeypatch.setattr(store_mod, "fsync_dir", lambda p: (gate(), real_dir(p))[1])
    monkeypatch.setattr(atomic_mod, "fsync_dir", lambda p: (gate(), real_dir(p))[1])
    monkeypatch.setattr(store_mod, "_fsync_file", lambda p: (gate(), real_file(p))[1])
    return count


def _each_crash_point(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, setup: Callable[[PackStore], None],
                      operation: Callable[[PackStore], None], check: Callable[[PackStore], None]) -> int:
    with monkeypatch.context() as m:             # how many durable steps the operation takes
        s = PackStore(tmp_path / "count")
        setup(s)
        counter = _durable_ops(m, None)
        counter[0] = 0
        operation(s)
        total = counter[0]
    for k in range(total):
        root = tmp_path / f"crash{k}"
        s = PackStore(root)
        setup(s)
        with monkeypatch.context() as m:
            _durable_ops(m, k)
            with pytest.raises(Crash):
                operation(s)
        fresh = PackStore(root)
        fresh.recover()
        assert fresh.problems() == [], f"crash before step {k}"
        check(fresh)
    return total


def test_crash_at_every_step_of_install_and_activate(monkeypatch, tmp_path: Path, packs: list[Path]) -> None:
    ids: dict[str, str] = {}

    def setup(s: PackStore) -> None:
        ids["old"] = _install(s, packs[0])
        s.activate(ids["old"])

    def operation(s: PackStore) -> None:
        ids["new"] = _install(s, packs[1])
        s.activate(ids["new"])

    def check(s: PackStore) -> None:
        active = s.active()["effect"]
        assert active == ids["old"] or active == store_mod.pack_id(read_pack(packs[1]).manifest,
                                                                    store_mod.file_sha256(packs[1]))
        read_pack(s.pack_path(active))
    assert _each_crash_point(monkeypatch, tmp_path, setup, operation, check) >= 6


def test_crash_at_every_step_of_rollback_and_delete(monkeypatch, tmp_path: Path, packs: list[Path]) -> None:
    ids: dict[str, str] = {}

    def setup(s: PackStore) -> None:
        ids["a"], ids["b"] = _install(s, packs[0]), _install(s, packs[1])
        s.activate(ids["a"])
        s.activate(ids["b"])

    def operation(s: PackStore) -> None:
        s.rollback("effect")
        s.delete(ids["b"])

    def check(s: PackStore) -> None:
        assert s.active()["effect"] in (ids["a"], ids["b"])
        assert s.active()["effect"] in s.ids()
    assert _each_crash_point(monkeypatch, tmp_path, setup, operation, check) >= 4
