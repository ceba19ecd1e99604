"""Signing packs to share them, and checking signatures (QA p22): `hatbox pack sign` and `hatbox pack inspect --key`
give one clear line for every wrong key, pack or signature; a pack that does not verify is never signed; one
unreadable file among the box's trusted keys does not refuse every upload."""
from __future__ import annotations

import logging
import zipfile
from pathlib import Path
from typing import Any

import pytest

from export.signing import generate_key, key_id, private_pem, public_pem, sign_pack
from hatbox.errors import PackError
from tests.api.conftest import make_box
from tests.api.packs import gain_pack
from tests.cli_run import run as _run
from tests.test_p22_pack_manifest import rewrite


def _keys(tmp: Path, name: str = "me") -> tuple[Path, Path]:
    key = generate_key()
    (tmp / f"{name}.pem").write_bytes(private_pem(key))
    (tmp / f"{name}.pub").write_bytes(public_pem(key.public_key()))
    return tmp / f"{name}.pem", tmp / f"{name}.pub"


def test_sign_then_inspect_with_the_right_key_the_wrong_key_and_none(tmp_path: Path, capsys) -> None:
    pem, pub = _keys(tmp_path)
    _, other_pub = _keys(tmp_path, "other")
    pack = gain_pack(tmp_path / "fx.hatpack")
    rc, out, _ = _run(capsys, "pack", "inspect", str(pack))
    assert rc == 0 and "not signed (hatbox pack sign PACK --key KEY.pem signs it)" in out
    rc, out, err = _run(capsys, "pack", "sign", str(pack), "--key", str(pem), "--out", str(tmp_path / "s.hatpack"))
    assert rc == 0, err
    kid = key_id(_load(pem).public_key())
    assert f"signed {tmp_path / 's.hatpack'} with key {kid}" in out
    rc, out, _ = _run(capsys, "pack", "inspect", str(tmp_path / "s.hatpack"))
    assert rc == 0 and "signed (manifest.sig), not checked: give --key KEY.pub" in out
    rc, out, _ = _run(capsys, "pack", "inspect", str(tmp_path / "s.hatpack"), "--key", str(pub))
    assert rc == 0 and f"signature verified: signed by key {kid}" in out
    rc, _, err = _run(capsys, "pack", "inspect", str(tmp_path / "s.hatpack"), "--key", str(other_pub))
    assert rc == 2 and "the signature does not verify with" in err and "signed with another key" in err
    rc, _, err = _run(capsys, "pack", "inspect", str(pack), "--key", str(pub))
    assert rc == 2 and "fx.hatpack is not signed" in err and "hint: sign it" in err
    # --json keeps stdout the manifest and says what --key found on stderr (it said nothing: twenty-seventh stop)
    rc, out, err = _run(capsys, "pack", "inspect", str(tmp_path / "s.hatpack"), "--key", str(pub), "--json")
    assert rc == 0 and out.lstrip().startswith("{") and f"signature verified: signed by key {kid}" in err


def test_a_signed_pack_changed_afterwards_or_given_another_packs_signature(tmp_path: Path, capsys) -> None:
    pem, pub = _keys(tmp_path)
    key_args = ("--key", str(pub))
    a = sign_pack(gain_pack(tmp_path / "a.hatpack", "a"), _load(pem))
    b = gain_pack(tmp_path / "b.hatpack", "b")
    with zipfile.ZipFile(a) as zf:
        sig = zf.read("manifest.sig")
    transplanted = rewrite(b, tmp_path / "t.hatpack", lambda n, d: d, add={"manifest.sig": sig})
    rc, _, err = _run(capsys, "pack", "inspect", str(transplanted), *key_args)
    assert rc == 2 and "the signature does not verify" in err
    changed = rewrite(a, tmp_path / "c.hatpack", lambda n, d: d + b"!" if n == "model.onnx" else d)
    rc, _, err = _run(capsys, "pack", "inspect", str(changed), *key_args)
    assert rc == 2 and "checksum mismatch for 'model.onnx'" in err


def _load(pem: Path):
    from export.signing import load_private
    return load_private(pem.read_bytes())


@pytest.mark.parametrize("what", ["a text file", "a folder", "a zip that is no pack", "a pack altered since"])
def test_sign_pack_refuses_what_does_not_verify_with_a_pack_error(tmp_path: Path, what: str) -> None:
    """It was a BadZipFile, an IsADirectoryError, a KeyError (an internal error in `hatbox push --sign`), and an
    altered pack was signed as it was."""
    if what == "a text file":
        path = tmp_path / "notes.hatpack"
        path.write_text("hello")
    elif what == "a folder":
        path = tmp_path / "dir.hatpack"
        path.mkdir()
    elif what == "a zip that is no pack":
        path = tmp_path / "photos.hatpack"
        with zipfile.ZipFile(path, "w") as zf:
            zf.writestr("a.jpg", b"\xff\xd8")
    else:
        path = rewrite(gain_pack(tmp_path / "g.hatpack"), tmp_path / "altered.hatpack",
                       lambda n, d: d + b"x" if n == "golden.npz" else d)
    out = tmp_path / "signed.hatpack"
    with pytest.raises(PackError):
        sign_pack(path, generate_key(), out)
    assert not out.exists()


@pytest.mark.parametrize("wrong", ["the public key", "a missing file", "a text file"])
def test_pack_sign_with_a_wrong_key_file_is_one_line(tmp_path: Path, capsys, wrong: str) -> None:
    pem, pub = _keys(tmp_path)
    (tmp_path / "notes.txt").write_text("not a key")
    key = {"the public key": pub, "a missing file": tmp_path / "none.pem", "a text file": tmp_path / "notes.txt"}[wrong]
    pack = gain_pack(tmp_path / "fx.hatpack")
    before = pack.read_bytes()
    rc, out, err = _run(capsys, "pack", "sign", str(pack), "--key", str(key))
    assert rc == 2 and out == "" and err.startswith("hatbox: error: ") and "hint: " in err
    assert "Traceback" not in err and "internal error" not in err
    assert pack.read_bytes() == before


def test_pack_sign_to_a_folder_or_nowhere_is_refused_before_signing(tmp_path: Path, capsys) -> None:
    pem, _ = _keys(tmp_path)
    pack = gain_pack(tmp_path / "fx.hatpack")
    (tmp_path / "out").mkdir()
    for out, words in ((tmp_path / "out", "is a folder"), (tmp_path / "no" / "x.hatpack", "no folder")):
        rc, _, err = _run(capsys, "pack", "sign", str(pack), "--key", str(pem), "--out", str(out))
        assert rc == 2 and words in err and "internal error" not in err


def test_inspect_with_a_private_key_or_a_missing_key_says_so(tmp_path: Path, capsys) -> None:
    pem, _ = _keys(tmp_path)
    pack = sign_pack(gain_pack(tmp_path / "fx.hatpack"), _load(pem))
    rc, _, err = _run(capsys, "pack", "inspect", str(pack), "--key", str(pem))
    assert rc == 2 and "me.pem is not an ed25519 public key" in err and "give the .pub file" in err
    rc, _, err = _run(capsys, "pack", "inspect", str(pack), "--key", str(tmp_path / "none.pub"))
    assert rc == 2 and "no key at" in err
    empty = tmp_path / "empty"
    empty.mkdir()
    rc, _, err = _run(capsys, "pack", "inspect", str(pack), "--key", str(empty))
    assert rc == 2 and "no ed25519 public key" in err


# ------------------------------------------------------------------------- the box's trusted keys
def test_an_unreadable_trusted_key_file_is_skipped_with_one_warning(tmp_path: Path, caplog) -> None:
    """One junk file among the trusted keys made every upload a 422 "signature: not a PEM public key", unsigned
    packs to a box that does not even require signatures included, without naming the file."""
    keys = tmp_path / "trusted"
    keys.mkdir()
    (keys / "broken.pub").write_text("junk")
    (keys / "copied-by-mistake.pem").write_bytes(private_pem(generate_key()))
    box = make_box(tmp_path / "open", trusted_keys=keys)
    with caplog.at_level(logging.WARNING, logger="export.signing"):
        r = box.push(gain_pack(tmp_path / "u.hatpack", "u", "1.0.0"))
        assert r.status_code == 201, r.text
        r = box.push(gain_pack(tmp_path / "v.hatpack", "v", "1.0.0"))
        assert r.status_code == 201, r.text
    warned = [rec.getMessage() for rec in caplog.records if rec.name == "export.signing"]
    assert len(warned) == 2, warned                      # once for each file, not once for each upload
    assert any("broken.pub is skipped" in w for w in warned)
    assert any("copied-by-mistake.pem is skipped" in w for w in warned)


def test_a_box_requiring_signatures_takes_packs_signed_by_its_good_key_beside_a_broken_one(tmp_path: Path) -> None:
    pem, pub = _keys(tmp_path)
    keys = tmp_path / "trusted"
    keys.mkdir()
    (keys / "a-broken.pub").write_bytes(b"\0" * 10)
    (keys / "me.pub").write_bytes(pub.read_bytes())
    box = make_box(tmp_path / "strict", trusted_keys=keys, require_signature=True)
    r = box.push(sign_pack(gain_pack(tmp_path / "s.hatpack"), _load(pem)))
    assert r.status_code == 201 and r.json()["pack"]["signed_by"], r.text
    r = box.push(sign_pack(gain_pack(tmp_path / "x.hatpack", "x"), generate_key()))
    assert r.status_code == 422 and r.json()["check"] == "signature"


def test_push_sign_with_the_public_key_names_the_key_file_before_connecting(tmp_path: Path, capsys) -> None:
    """`hatbox push --sign KEY.pub` (the wrong half of the pair) says which file and what to give instead."""
    pem, pub = _keys(tmp_path)
    pack = gain_pack(tmp_path / "fx.hatpack")
    rc, out, err = _run(capsys, "push", str(pack), "--sign", str(pub), "--url", "http://127.0.0.1:9", "--token", "t")
    assert rc == 2 and str(pub) in err and "not an ed25519 private key" in err and "KEY.pem, not KEY.pub" in err


def _strict_box_with_alices_pack(tmp: Path) -> tuple[Path, Path, Path, Any, Any]:
    """A box that requires signatures and trusts alice.pub (in ``tmp/trusted``), sent a pack alice signed, not made
    active: (alice's private key file, her public key file, the trusted keys folder, the box, the push's answer)."""
    pem, pub = _keys(tmp, "alice")
    keys = tmp / "trusted"
    keys.mkdir()
    (keys / "alice.pub").write_bytes(pub.read_bytes())
    box = make_box(tmp / "strict", trusted_keys=keys, require_signature=True)
    return pem, pub, keys, box, box.push(sign_pack(gain_pack(tmp / "s.hatpack"), _load(pem)), activate=False)


def test_a_key_taken_out_of_trusted_keys_stops_the_packs_it_signed(tmp_path: Path) -> None:
    """Before (twenty-seventh stop's QA): after alice.pub was removed, a pack she signed could still be made active
    and played after a restart, as its install record said 'signed'."""
    pem, pub, keys, box, r = _strict_box_with_alices_pack(tmp_path)
    assert r.status_code == 201, r.text
    pid = r.json()["pack"]["id"]
    (keys / "alice.pub").unlink()
    r = box.client.post(f"/packs/{pid}/activate", headers=box.auth)
    assert r.status_code == 409 and "not signed" in r.json()["error"], r.text


def test_the_pack_listing_names_the_signer_the_box_trusts_now(tmp_path: Path) -> None:
    """Before (twenty-seventh stop's QA, left then): /packs, /packs/ID and /status kept the signer of the install
    record, so `hatbox box-pack` said "signed by" a key the box no longer trusted, for a pack it would not play."""
    pem, pub, keys, box, r = _strict_box_with_alices_pack(tmp_path)
    pid, kid = r.json()["pack"]["id"], key_id(_load(pem).public_key())
    assert r.json()["pack"]["signed_by"] == kid
    assert box.client.post(f"/packs/{pid}/activate", headers=box.auth).status_code == 200   # /status: active ones

    def signers() -> list[str | None]:
        one = box.client.get(f"/packs/{pid}", headers=box.auth).json()["signed_by"]
        listed = [p["signed_by"] for p in box.client.get("/packs", headers=box.auth).json() if p["id"] == pid]
        status = [p["signed_by"] for p in box.client.get("/status", headers=box.auth).json()["packs"] if p["id"] == pid]
        return [one, *listed, *status]

    assert signers() == [kid] * 3
    (keys / "alice.pub").unlink()
    assert signers() == [None] * 3
    (keys / "again.pub").write_bytes(pub.read_bytes())       # trusted again, under another file name
    assert signers() == [kid] * 3


def test_a_box_not_requiring_signatures_takes_a_pack_signed_by_a_key_it_does_not_know(tmp_path: Path) -> None:
    """Before (twenty-seventh stop's QA): with bob.pub trusted and no --require-signature, alice's signed pack was
    refused while the same pack stripped of its signature went in."""
    _pem, bob = _keys(tmp_path, "bob")
    alice, _ = _keys(tmp_path, "alice")
    keys = tmp_path / "trusted"
    keys.mkdir()
    (keys / "bob.pub").write_bytes(bob.read_bytes())
    box = make_box(tmp_path / "open", trusted_keys=keys)
    r = box.push(sign_pack(gain_pack(tmp_path / "a.hatpack"), _load(alice)))
    assert r.status_code == 201, r.text
    check = next(c for c in r.json()["pack"]["checks"] if c["check"] == "signature")
    assert check["detail"].startswith("taken as unsigned:") and "--require-signature" in check["detail"]


def test_keygen_never_writes_over_a_key(tmp_path: Path, capsys) -> None:
    """Before (twenty-seventh stop's QA): `keygen keys/carol.pub` wrote the public key over the private one, and
    `keygen dave.pem` replaced an existing dave.pub."""
    rc, _out, err = _run(capsys, "keygen", str(tmp_path / "carol.pub"))
    assert rc == 2 and "is where the public key goes" in err and not (tmp_path / "carol.pub").exists()
    (tmp_path / "dave.pub").write_text("someone's public key")
    rc, _out, err = _run(capsys, "keygen", str(tmp_path / "dave.pem"))
    assert rc == 2 and "dave.pub already exists" in err and not (tmp_path / "dave.pem").exists()
    assert (tmp_path / "dave.pub").read_text() == "someone's public key"
    rc, out, _err = _run(capsys, "keygen", str(tmp_path / "erin.pem"))
    assert rc == 0 and (tmp_path / "erin.pem").is_file() and (tmp_path / "erin.pub").is_file()


def test_the_status_says_whether_signatures_are_required_and_a_box_trusting_no_key_warns(tmp_path: Path, capsys,
                                                                                          caplog) -> None:
    """Before (twenty-seventh stop's QA): neither status nor the start said a box required signatures, nor that it
    trusted no key (every push then refused)."""
    from hatbox.status_report import print_status
    with caplog.at_level(logging.WARNING, logger="hatbox.api"):
        box = make_box(tmp_path / "strict", trusted_keys=tmp_path / "none", require_signature=True)
    assert any("trusts no key" in r.getMessage() for r in caplog.records)
    status = box.client.get("/status", headers=box.auth).json()
    assert status["signatures"] == {"required": True, "trusted_keys": 0}
    print_status(status)
    assert "  signatures: required (0 trusted keys: every pack sent will be refused)" in capsys.readouterr().out
