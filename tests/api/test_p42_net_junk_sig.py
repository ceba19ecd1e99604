"""p42 network QA: a 7-byte junk manifest.sig on a box with no trusted keys read "not checked: signed, but no trusted
keys are installed to check it": bytes that cannot be a signature are "not a valid signature", keys or none."""
from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from device.validate import validate_pack
from export.signing import generate_key, public_pem
from hatbox.errors import PackError
from tests.api.conftest import make_box
from tests.api.packs import gain_pack


def _junk_signed(tmp_path: Path) -> Path:
    pack = gain_pack(tmp_path / "junk.hatpack", "junk", "1.0.0")
    with zipfile.ZipFile(pack, "a") as zf:
        zf.writestr("manifest.sig", b"garbage")
    return pack


def _signature_words(checks: list[dict]) -> str:
    return next(c["detail"] for c in checks if c["check"] == "signature")


def test_junk_is_not_a_valid_signature_without_keys(tmp_path: Path) -> None:
    box = make_box(tmp_path)
    r = box.push(_junk_signed(tmp_path), activate=False)
    assert r.status_code == 201, r.text
    words = _signature_words(r.json()["pack"]["checks"])
    assert words.startswith("taken as unsigned: manifest.sig is not a valid signature (7 bytes; "), words
    again = box.client.get(f"/packs/{r.json()['pack']['id']}", headers=box.auth).json()
    assert "not a valid signature" in _signature_words(again["checks"])


def test_junk_is_refused_as_no_signature_where_one_is_required(tmp_path: Path) -> None:
    keys = tmp_path / "keys"
    keys.mkdir()
    (keys / "k.pub").write_bytes(public_pem(generate_key().public_key()))
    from export.signing import load_trusted
    with pytest.raises(PackError, match="manifest.sig is not a valid signature") as info:
        validate_pack(_junk_signed(tmp_path), trusted=load_trusted(keys), require_signature=True, realtime=False)
    assert info.value.check == "signature"
