"""p57 R2 review 1, 2, 5, 6: a pack a start with --require-signature held (active.json's ``held``) was in no slot's
history, so prune deleted it, roll back could not reach it and the next start came up silent without a word; the
panel's refused roll back (Pointer.with_slot) dropped ``held``; a second flagged start said nothing of the held pack;
a hold then an unhold stamped the activation anew (by the box, now)."""
from __future__ import annotations

from pathlib import Path

from device.given_packs import engine_packs, install_given
from device.prune_plan import plan
from device.store import PackStore, acting_as, file_sha256
from export.pack import read_pack
from tests.api.packs import gain_pack


def _box(tmp_path: Path) -> tuple[Path, str, str, str]:
    """fuzzbox 0.1.0 (in the history), 0.2.0 (active, made so by 'laptopA'), 0.3.0 (installed): (root, ids...)."""
    root = tmp_path / "box"
    install_given(root, {"effect": str(gain_pack(tmp_path / "a.hatpack", "fuzzbox", "0.1.0", seed=1))}, 48000, 128)
    store = PackStore(root)
    older = str(store.active()["effect"])
    install_given(store, {"effect": str(gain_pack(tmp_path / "b.hatpack", "fuzzbox", "0.2.0", seed=2))}, 48000, 128)
    active = str(store.active()["effect"])
    with acting_as("laptopA"):
        store.activate(active)
    new = gain_pack(tmp_path / "c.hatpack", "fuzzbox", "0.3.0", seed=3)
    upload = store.new_upload(".hatpack")
    upload.write_bytes(new.read_bytes())
    newer = store.install(upload, read_pack(new).manifest, file_sha256(upload), {})["id"]
    return root, older, active, newer


def test_prune_keeps_a_held_pack_and_the_next_start_plays_it(tmp_path: Path) -> None:
    root, _older, active, _newer = _box(tmp_path)
    engine_packs(root, require_signature=True)
    store = PackStore(root)
    assert active in store.reachable()
    deleted, _kept, _ = plan(store, {}, 1)
    assert active not in [m["id"] for m in deleted]
    assert engine_packs(root)[0] == {"effect": str(store.pack_path(active))}


def test_roll_back_reaches_a_held_pack_after_another_was_made_active(tmp_path: Path) -> None:
    root, _older, active, newer = _box(tmp_path)
    engine_packs(root, require_signature=True)
    store = PackStore(root)
    store.activate(newer)
    assert store.rollback_target("effect") == active


def test_a_held_pack_deleted_is_said_at_the_next_start(tmp_path: Path) -> None:
    root, _older, active, _newer = _box(tmp_path)
    store = PackStore(root)
    engine_packs(store, require_signature=True)
    store.delete(active)                                   # box-pack --delete while the box ran so
    packs, lines = engine_packs(store)
    assert packs == {}
    said = [ln for ln in lines if active in ln]
    assert said and "no longer on the box" in said[0] and "no effect is active" in said[0], lines
    assert said[0].startswith("warning:")
    assert engine_packs(store)[1] == []                    # said once


def test_a_refused_panel_roll_back_keeps_the_held_pack(tmp_path: Path) -> None:
    root, _older, active, _newer = _box(tmp_path)
    engine_packs(root, require_signature=True)
    store = PackStore(root)
    before = store.pointer()
    store.rollback("effect")                               # the panel's roll back, then refused (unsigned)
    store.restore_slot(before, "effect")
    assert PackStore(root).pointer().held == {"effect": active}
    assert engine_packs(root)[0] == {"effect": str(store.pack_path(active))}


def test_later_flagged_starts_say_the_pack_is_still_held(tmp_path: Path) -> None:
    root, _older, active, _newer = _box(tmp_path)
    first = engine_packs(root, require_signature=True)[1]
    packs, lines = engine_packs(root, require_signature=True)
    assert packs == {} and first
    said = [ln for ln in lines if active in ln]
    assert said and said[0].startswith("warning:") and "not played" in said[0] and "kept" in said[0], lines


def test_the_active_again_line_is_no_warning(tmp_path: Path) -> None:
    root, _older, active, _newer = _box(tmp_path)
    engine_packs(root, require_signature=True)
    lines = engine_packs(root)[1]
    assert lines == [f"effect: {active} active again (a start with --require-signature did not play it)"]


def test_hold_then_unhold_keeps_who_made_the_pack_active_and_when(tmp_path: Path) -> None:
    root, _older, active, _newer = _box(tmp_path)
    store = PackStore(root)
    was = store.activation("effect")
    assert was is not None and was["by"] == "laptopA"
    engine_packs(store, require_signature=True)           # one store, as `hatbox device run` opens it
    engine_packs(store)
    assert store.activation("effect") == was
