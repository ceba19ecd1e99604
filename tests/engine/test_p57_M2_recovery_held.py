"""p57 R2 review 1 and 6, through the store's start-up repair (each `hatbox device run` recovers its store): a held
pack removed (deleted, pruned, found damaged) was dropped from ``held`` by the repair, so the next start came up
silent without a word; the repair also dropped the held pack's activation record (who made it active, when)."""
from __future__ import annotations

from pathlib import Path

from device.given_packs import engine_packs, install_given
from device.store import PackStore, acting_as
from tests.api.packs import gain_pack


def _held(tmp_path: Path) -> tuple[Path, str]:
    root = tmp_path / "box"
    install_given(root, {"effect": str(gain_pack(tmp_path / "a.hatpack", "fuzzbox", "0.2.0"))}, 48000, 128)
    store = PackStore(root)
    pid = str(store.active()["effect"])
    with acting_as("laptopA"):
        store.activate(pid)
    engine_packs(root, require_signature=True)
    return root, pid


def test_a_held_pack_deleted_is_said_at_the_next_start_after_its_repair(tmp_path: Path) -> None:
    root, pid = _held(tmp_path)
    PackStore(root).delete(pid)
    packs, lines = engine_packs(root)                      # a new run: the store recovered first
    assert packs == {} and any(pid in ln and "no longer on the box" in ln for ln in lines), lines


def test_the_activation_record_of_a_held_pack_survives_the_repair(tmp_path: Path) -> None:
    root, pid = _held(tmp_path)
    engine_packs(root)
    rec = PackStore(root).activation("effect")
    assert rec is not None and rec["id"] == pid and rec["by"] == "laptopA"
