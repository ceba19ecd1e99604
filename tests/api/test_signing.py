"""Pack signatures: ed25519 over manifest.json, checked against the box's trusted keys."""
from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from export.pack import manifest_bytes_of, read_pack
from export.signing import (generate_key, key_id, load_public, load_trusted, public_pem, sign_manifest, sign_pack,
                            verify_manifest)
from hatbox.cli import main
from hatbox.errors import PackError
from tests.api.conftest import make_box
from tests.api.packs import gain_pack


def test_sign_and_verify_round_trip(tmp_path: Path) -> None:
    key, other = generate_key(), generate_key()
    pack = sign_pack(gain_pack(tmp_path / "a.hatpack"), key)
    data, sig = manifest_bytes_of(pack), read_pack(pack).members["manifest.sig"]
    assert verify_manifest(data, sig, [other.public_key(), key.public_key()]) == key_id(key.public_key())
    with pytest.raises(PackError, match="signed by a key this box does not trust") as err:
        verify_manifest(data, sig, [other.public_key()])
    assert err.value.check == "signature"
    with pytest.raises(PackError, match="not signed"):
        verify_manifest(data, None, [key.public_key()])
    assert sign_manifest(data, key) == sig                  # ed25519 is deterministic
    raw = key.public_key().public_bytes_raw()
    assert key_id(load_public(raw)) == key_id(load_public(public_pem(key.public_key())))


def test_signature_member_is_the_only_unlisted_member(tmp_path: Path) -> None:
    pack = sign_pack(gain_pack(tmp_path / "a.hatpack"), generate_key())
    with zipfile.ZipFile(pack) as zf:
        assert sorted(zf.namelist()) == ["golden.npz", "manifest.json", "manifest.sig", "model.onnx"]
    read_pack(pack)                                          # checksums still verify


def test_keygen_and_push_sign_to_a_box_that_requires_signatures(tmp_path: Path, monkeypatch, capsys) -> None:
    assert main(["keygen", str(tmp_path / "me.pem")]) == 0
    assert (tmp_path / "me.pem").stat().st_mode & 0o777 == 0o600
    keys = tmp_path / "trusted"
    keys.mkdir()
    (keys / "me.pub").write_bytes((tmp_path / "me.pub").read_bytes())
    assert len(load_trusted(keys)) == 1
    assert main(["keygen", str(tmp_path / "me.pem")]) == 2          # never overwrites a key
    from device.api.server import start_in_thread
    box = make_box(tmp_path, require_signature=True, trusted_keys=keys)
    running = start_in_thread(box.app)
    try:
        monkeypatch.setenv("HATBOX_URL", running.url)
        monkeypatch.setenv("HATBOX_TOKEN", box.token)
        pack = gain_pack(tmp_path / "fx.hatpack")
        assert main(["push", str(pack), "--quiet"]) == 2
        assert "the box refused the pack (its signature check)" in capsys.readouterr().err
        assert main(["push", str(pack), "--quiet", "--activate", "--sign", str(tmp_path / "me.pem")]) == 0
        assert "  signed by " in capsys.readouterr().out                  # the trusted key's id
    finally:
        running.stop()


def test_the_same_pack_signed_twice_with_one_key_is_the_same_file(tmp_path: Path, monkeypatch) -> None:
    """So `hatbox push --sign` twice finds it on the box already (it installed a second copy under another id)."""
    import time as time_mod

    from export.signing import generate_key, sign_pack
    key = generate_key()
    pack = gain_pack(tmp_path / "fx.hatpack")
    first = sign_pack(pack, key, tmp_path / "a.hatpack").read_bytes()
    later = time_mod.time() + 3600
    monkeypatch.setattr(time_mod, "time", lambda: later)            # an hour on: zip dates would differ
    monkeypatch.setattr(time_mod, "localtime", lambda t=None: time_mod.gmtime(later))
    assert sign_pack(pack, key, tmp_path / "b.hatpack").read_bytes() == first
