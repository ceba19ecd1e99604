"""The box's log says what changed and who changed it (QA, twenty-third stop: after a session of pairing, pushes,
activations, uploads and deletes, box.log held only the start and the stop): pairing names the device (never the
code), an install names the pack and the device, every other change a paired device makes is one info line with
its route and the device's name; a refused request, a read, and a request with no valid token add nothing."""
from __future__ import annotations

import logging
from pathlib import Path

import pytest

from tests.api.conftest import make_box, zip_bytes, wav_bytes
from tests.api.packs import gain_pack


def _said(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "hatbox.api" and r.levelno == logging.INFO]


def test_changes_are_logged_with_the_device_that_made_them(tmp_path: Path, caplog) -> None:
    with caplog.at_level(logging.INFO, logger="hatbox.api"):
        box = make_box(tmp_path)                                   # pairs as "test"
        code_used = box.codes[0]
        one = box.push(gain_pack(tmp_path / "a.hatpack", "fuzz", "1.0.0")).json()["pack"]["id"]
        two = box.push(gain_pack(tmp_path / "b.hatpack", "fuzz", "2.0.0")).json()["pack"]["id"]
        assert box.client.post(f"/packs/{one}/activate", headers=box.auth).status_code == 200
        assert box.client.delete(f"/packs/{two}", headers=box.auth).status_code == 204
        r = box.client.post("/libraries", params={"name": "kit"}, content=zip_bytes({"k.wav": wav_bytes()}),
                            headers=box.auth)
        assert r.status_code == 201
        lid = r.json()["id"]
        box.client.get("/packs", headers=box.auth)                                  # a read: nothing
        box.client.delete(f"/packs/{one}", headers=box.auth)                        # refused (active): nothing
        box.client.delete(f"/packs/{two}", headers={"Authorization": "Bearer nope"})  # no token: nothing
    said = _said(caplog)
    assert any(line.startswith("paired 'test' (token ") for line in said)
    assert not any(code_used in line for line in said)
    assert f"pack {one} installed by 'test'" in said and f"pack {two} installed by 'test'" in said
    assert f"pack {one} made the active effect pack by 'test' (its push)" in said     # p53 Q1: a line of its own
    assert f"pack {two} made the active effect pack (was {one}) by 'test' (its push)" in said
    assert f"pack {one} made the active effect pack (was {two}) by 'test'" in said     # p25: in words
    assert f"pack fuzz 2.0.0 ({two}, test's) deleted by 'test'" in said      # p57 QA_D 6: in words
    assert f"library {lid} uploaded by 'test': 1 file accepted, 0 rejected" in said
    assert not any(line.startswith(("GET ", "POST /packs by", "POST /libraries by", "POST /pair")) for line in said)
    assert sum(" deleted by 'test'" in line for line in said) == 1
