"""Signatures as they stand now (thirty-third stop's QA): a box started with --require-signature left an unsigned
tagger active, which went on tagging uploads; a pack sent again after a key was trusted showed its first install's
"no trusted keys are installed"; a pack's details said "this box does not require signatures" on a box that did;
and "signature:" was said twice in "taken as unsigned: signature: ..."."""
from __future__ import annotations

from pathlib import Path

from device.given_packs import engine_packs
from device.store import PackStore
from export.signing import generate_key, public_pem, sign_pack
from tests.api.conftest import make_box
from tests.api.packs import gain_pack, tagger_pack


def _signature(checks: list[dict]) -> str:
    return next(c["detail"] for c in checks if c["check"] == "signature")


def test_an_unsigned_active_tagger_is_not_used_on_a_box_that_takes_only_signed_packs(tmp_path: Path) -> None:
    box = make_box(tmp_path)
    r = box.push(tagger_pack(tmp_path / "t.hatpack"))
    assert r.status_code == 201, r.text
    pid = PackStore(tmp_path / "box").active()["tagger"]
    assert pid
    packs, warnings = engine_packs(tmp_path / "box", require_signature=True)
    assert packs == {} and any(f"the active tagger pack {pid} is not signed" in w for w in warnings)
    assert PackStore(tmp_path / "box").active()["tagger"] is None


def test_a_pack_sent_again_after_its_key_is_trusted_says_so(tmp_path: Path) -> None:
    key = generate_key()
    signed = sign_pack(gain_pack(tmp_path / "g.hatpack"), key, tmp_path / "signed.hatpack")
    box = make_box(tmp_path)
    first = box.push(signed).json()
    assert _signature(first["pack"]["checks"]).startswith("not checked: signed, but no trusted keys")
    (tmp_path / "box" / "trusted_keys").mkdir(exist_ok=True)
    (tmp_path / "box" / "trusted_keys" / "me.pub").write_bytes(public_pem(key.public_key()))
    again = box.push(signed).json()
    assert _signature(again["pack"]["checks"]).startswith("signed by trusted key")
    detail = box.client.get(f"/packs/{again['pack']['id']}", headers=box.auth).json()
    assert _signature(detail["checks"]).startswith("signed by trusted key")


def test_a_pack_signed_by_an_untrusted_key_says_signature_once(tmp_path: Path) -> None:
    (tmp_path / "box" / "trusted_keys").mkdir(parents=True)
    (tmp_path / "box" / "trusted_keys" / "other.pub").write_bytes(public_pem(generate_key().public_key()))
    signed = sign_pack(gain_pack(tmp_path / "g.hatpack"), generate_key(), tmp_path / "signed.hatpack")
    box = make_box(tmp_path)
    words = _signature(box.push(signed).json()["pack"]["checks"])
    assert words.startswith("taken as unsigned: signed by a key this box does not trust") and words.count(
        "signature:") == 0


def test_a_packs_details_on_a_box_that_requires_signatures_say_it_is_not_played(tmp_path: Path) -> None:
    box = make_box(tmp_path)
    pid = box.push(gain_pack(tmp_path / "g.hatpack")).json()["pack"]["id"]
    strict = make_box(tmp_path, require_signature=True)
    words = _signature(strict.client.get(f"/packs/{pid}", headers=strict.auth).json()["checks"])
    assert words == "not signed by a trusted key: installed, not played (this box takes only signed packs)"
