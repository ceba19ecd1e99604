"""p53 review of the signature words (M5 #5-#7): the way to trust a key names the box's own trusted-keys folder (not
"~/.hatbox/trusted_keys/", read on a laptop whose ~ is another), and asks for no second push where the pack went in
anyway; a signed pack refused by a box with no trusted keys is told to trust its key, not to sign it; the laptop's
`pack inspect --key` says the likely cause first, as the box does."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from device.validate import NOT_REQUIRED_NOTE, validate_pack
from export.signing import generate_key, public_pem, sign_pack
from hatbox.box_packs import _signature_words
from hatbox.cli import main
from hatbox.errors import PackError
from tests.api.conftest import FAST_ENGINE, make_box
from tests.api.packs import gain_pack


def _signed_by_a_stranger(tmp_path: Path) -> Path:
    return sign_pack(gain_pack(tmp_path / "g.hatpack"), generate_key(), tmp_path / "mine.hatpack")


def _trust_another_key(keys: Path) -> None:
    keys.mkdir(parents=True, exist_ok=True)
    (keys / "other.pub").write_bytes(public_pem(generate_key().public_key()))


def test_a_box_that_takes_it_anyway_names_its_folder_and_asks_for_no_second_push(tmp_path: Path) -> None:
    box = make_box(tmp_path)
    _trust_another_key(box.app.state.box.keys_dir)
    r = box.push(_signed_by_a_stranger(tmp_path))
    assert r.status_code == 201, r.text
    detail = next(c["detail"] for c in r.json()["pack"]["checks"] if c["check"] == "signature")
    assert f"into {box.app.state.box.keys_dir} on the box: the box counts it at once" in detail, detail
    assert "~/.hatbox" not in detail and "send the pack again" not in detail


def test_a_box_that_requires_signatures_names_its_folder(tmp_path: Path) -> None:
    box = make_box(tmp_path, require_signature=True)
    keys = box.app.state.box.keys_dir
    _trust_another_key(keys)
    r = box.push(_signed_by_a_stranger(tmp_path))
    assert r.status_code == 422, r.text
    body = r.json()
    assert f"into {keys} on the box: then send the pack again" in body["hint"] and "~/.hatbox" not in body["hint"]
    assert "or sign it with a key the box trusts" in body["hint"]


def test_a_signed_pack_on_a_box_with_no_trusted_keys_is_told_to_trust_the_key_not_to_sign(tmp_path: Path) -> None:
    with pytest.raises(PackError) as err:
        validate_pack(_signed_by_a_stranger(tmp_path), FAST_ENGINE, trusted=[], require_signature=True,
                      realtime=False, keys_dir="/box/keys")
    assert err.value.args[0] == "signature: no trusted keys are installed on this box"
    assert err.value.hint.startswith("to trust the key, copy the KEY.pub") and "into /box/keys on the box" in \
        err.value.hint
    assert "sign it:" not in err.value.hint and "key the box trusts" not in err.value.hint


def test_an_unsigned_pack_on_such_a_box_is_still_told_to_sign_it(tmp_path: Path) -> None:
    with pytest.raises(PackError) as err:
        validate_pack(gain_pack(tmp_path / "g.hatpack"), FAST_ENGINE, trusted=[], require_signature=True,
                      realtime=False)
    assert err.value.hint.startswith("sign it: hatbox pack sign")


def test_the_laptop_leaves_out_the_one_note_the_box_writes() -> None:
    for words in ("unsigned", "taken as unsigned: manifest.sig is not a valid signature (3 bytes; an ed25519 "
                  "signature is 64)"):
        detail = f"{words}{NOT_REQUIRED_NOTE}; with --require-signature it would refuse it)"
        assert _signature_words(detail) == words


def test_pack_inspect_with_another_key_says_the_likely_cause_first(tmp_path: Path, capsys: Any) -> None:
    pack = _signed_by_a_stranger(tmp_path)
    pub = tmp_path / "other.pub"
    pub.write_bytes(public_pem(generate_key().public_key()))
    assert main(["pack", "inspect", str(pack), "--key", str(pub)]) == 2
    err = capsys.readouterr().err
    assert "signed with another key (or changed since it was signed)" in err, err
    assert "changed after it was signed" not in err
