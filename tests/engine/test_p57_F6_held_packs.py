"""p57 QA_B finding 2: one start with --require-signature over unsigned packs emptied every slot of active.json, and
nothing kept which pack had been active: the next start without the flag came up silent (no effect, no synth, no
tagger) with only `hatbox box-pack --rollback`, a laptop's command, to get them back.  Now the flag's start keeps the
record (active.json's ``held``): the slot plays nothing while the flag holds, and the next start without it plays
the pack again, unless another pack was made active there meanwhile."""
from __future__ import annotations

from pathlib import Path

from device.given_packs import engine_packs, install_given
from device.store import PackStore
from export.signing import generate_key, public_pem, sign_pack
from tests.api.packs import gain_pack, tagger_pack


def _box(tmp_path: Path) -> tuple[Path, str, str]:
    """A store with an unsigned effect and tagger active: (its folder, the effect's id, the tagger's id)."""
    root = tmp_path / "box"
    install_given(root, {"effect": str(gain_pack(tmp_path / "fx.hatpack", "fuzzbox", "0.2.0"))}, 48000, 128)
    store = PackStore(root)
    upload = store.new_upload(".hatpack")
    upload.write_bytes(tagger_pack(tmp_path / "t.hatpack").read_bytes())
    from device.store import file_sha256
    from export.pack import read_pack
    tagger = store.install(upload, read_pack(tmp_path / "t.hatpack").manifest, file_sha256(upload), {})["id"]
    store.activate(tagger)
    return root, str(store.active()["effect"]), tagger


def test_a_start_without_the_flag_plays_again_what_a_start_with_it_refused(tmp_path: Path) -> None:
    root, effect, tagger = _box(tmp_path)
    packs, warnings = engine_packs(root, require_signature=True)
    assert packs == {} and PackStore(root).active()["effect"] is None           # nothing plays while the flag holds
    assert PackStore(root).active()["tagger"] is None
    assert any("kept: the next start without --require-signature plays it again" in w for w in warnings), warnings
    assert engine_packs(root, require_signature=True)[0] == {}                   # a second such start: still held
    packs, lines = engine_packs(root)
    store = PackStore(root)
    assert packs == {"effect": str(store.pack_path(effect))}
    assert store.active()["effect"] == effect and store.active()["tagger"] == tagger
    assert effect not in store.pointer().history["effect"]                      # not its own roll-back target
    assert any(f"effect: {effect} active again" in ln for ln in lines), lines
    assert engine_packs(root)[1] == []                                          # said once: nothing held now


def test_a_pack_made_active_while_the_flag_held_is_kept_over_the_held_one(tmp_path: Path) -> None:
    root, effect, _tagger = _box(tmp_path)
    key = generate_key()
    (root / "trusted_keys").mkdir()
    (root / "trusted_keys" / "me.pub").write_bytes(public_pem(key.public_key()))
    engine_packs(root, require_signature=True)
    signed = sign_pack(gain_pack(tmp_path / "s.hatpack", "signed", "1.0.0", seed=3), key, tmp_path / "ss.hatpack")
    install_given(root, {"effect": str(signed)}, 48000, 128, require_signature=True)
    now = PackStore(root).active()["effect"]
    assert now and now != effect
    packs, _lines = engine_packs(root)
    assert PackStore(root).active()["effect"] == now and packs == {"effect": str(PackStore(root).pack_path(now))}


def test_a_held_pack_signed_by_a_key_trusted_since_plays_under_the_flag_too(tmp_path: Path) -> None:
    key = generate_key()
    root = tmp_path / "box"
    install_given(root, {"effect": str(sign_pack(gain_pack(tmp_path / "g.hatpack"), key, tmp_path / "s.hatpack"))},
                  48000, 128)
    (root / "trusted_keys").mkdir()
    (root / "trusted_keys" / "other.pub").write_bytes(public_pem(generate_key().public_key()))
    pid = PackStore(root).active()["effect"]
    assert engine_packs(root, require_signature=True)[0] == {}
    (root / "trusted_keys" / "me.pub").write_bytes(public_pem(key.public_key()))
    assert engine_packs(root, require_signature=True)[0] == {"effect": str(PackStore(root).pack_path(pid))}


def test_the_held_record_survives_the_stores_start_up_repair(tmp_path: Path) -> None:
    root, effect, _tagger = _box(tmp_path)
    engine_packs(root, require_signature=True)
    store = PackStore(root)
    store.recover()
    assert store.pointer().held.get("effect") == effect
    assert PackStore(root).pointer().held == store.pointer().held
