"""p55 M1 (review R1, findings 1 and 4): the box's record of its pack uploads (GET /packs/uploads/{sha256}).

1. Two pushes of the same bytes shared one mark: push A's refusal replaced push B's "checking" while B was still
   being checked (and went on to install), so B's laptop, its answer lost, said "the box refused it".  The record
   now says "checking" while any upload of the digest is in flight.
4. A refusal that left the pack installed (the engine refused to play it with ?activate) was recorded with no pack,
   so a reader was told it was not installed.  The record now names the installed pack with the refusal."""
from __future__ import annotations

import errno
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from device.api.errors import ApiError
from device.api.pack_uploads import PackUploads
from tests.api.conftest import make_box
from tests.api.packs import gain_pack
from tests.api.test_p55_F1_pack_uploads import _record, _sha, _until


def test_one_upload_refused_while_another_of_its_bytes_is_checked_says_checking(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import device.api.app as app_mod
    box = make_box(tmp_path)
    real, gates, calls = app_mod.validate_pack, (threading.Event(), threading.Event()), []

    def held(*a: Any, **k: Any) -> Any:         # A's checks wait for gates[0], B's for gates[1]
        calls.append(1)
        gates[min(len(calls), 2) - 1].wait(20)
        return real(*a, **k)
    monkeypatch.setattr(app_mod, "validate_pack", held)

    def full(pid: str) -> Any:                  # A's activation: the card is full (507, the pack taken back)
        raise OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(box.app.state.box, "activate_locked", full)
    path = gain_pack(tmp_path / "fx.hatpack", "fx", "1.0.0")
    sha, out = _sha(path), {}
    a = threading.Thread(target=lambda: out.__setitem__("A", box.push(path, activate=True)))
    b = threading.Thread(target=lambda: out.__setitem__("B", box.push(path, activate=False)))
    a.start()
    _until(box, sha, "checking")
    b.start()
    try:
        end = time.monotonic() + 10
        while box.app.state.box.pack_uploads.in_flight(sha) < 2 and time.monotonic() < end:
            time.sleep(0.02)                    # B's body is in: it waits for the pack worker
        gates[0].set()
        a.join(20)
        assert out["A"].status_code == 507, out["A"].text
        while len(calls) < 2 and time.monotonic() < end:
            time.sleep(0.02)                    # B's checks run now
        rec = _record(box, sha).json()
        assert rec["state"] == "checking" and rec["refused"] is None, rec       # B's upload, not A's answer
        assert rec["ago_s"] < 10, rec
    finally:
        gates[1].set()
        b.join(20)
    assert out["B"].status_code == 201, out["B"].text
    assert _until(box, sha, "installed")["pack"] == out["B"].json()["pack"]["id"]


def test_the_record_says_checking_until_the_last_upload_of_a_digest_ends() -> None:
    uploads, sha = PackUploads(), "e" * 64
    with uploads.marking(sha) as first:
        with pytest.raises(ApiError):
            with uploads.marking(sha):
                raise ApiError(507, "no space", "the box's disk filled up")
        mark = uploads.get(sha)
        assert mark is not None and mark.state == "checking" and mark.refused is None, mark
        first("effect-fx-1")
    mark = uploads.get(sha)
    assert mark is not None and (mark.state, mark.pack) == ("installed", "effect-fx-1"), mark
    assert uploads.in_flight(sha) == 0
    with pytest.raises(KeyboardInterrupt):      # a cancellation: no mark of its own, never left checking
        with uploads.marking("f" * 64):
            raise KeyboardInterrupt
    assert uploads.get("f" * 64) is None and uploads.in_flight("f" * 64) == 0


def test_a_refusal_that_left_the_pack_installed_names_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    box = make_box(tmp_path)

    def engine_refuses(pid: str) -> Any:
        raise ApiError(502, "engine refused", f"the engine did not take pack '{pid}': bad graph")
    monkeypatch.setattr(box.app.state.box, "activate_locked", engine_refuses)
    path = gain_pack(tmp_path / "fx.hatpack", "fx", "1.0.0")
    answer = box.push(path, activate=True)
    assert answer.status_code == 502, answer.text
    listed = [p["id"] for p in box.client.get("/packs", headers=box.auth).json()]
    rec = _record(box, _sha(path)).json()
    assert rec["state"] == "refused" and rec["status"] == 502 and listed and rec["pack"] == listed[0], (rec, listed)


def test_a_refusal_that_kept_nothing_names_no_pack(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    box = make_box(tmp_path)

    def full(pid: str) -> Any:
        raise OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(box.app.state.box, "activate_locked", full)
    path = gain_pack(tmp_path / "fx.hatpack", "fx", "1.0.0")
    assert box.push(path, activate=True).status_code == 507
    assert box.client.get("/packs", headers=box.auth).json() == []             # taken back
    rec = _record(box, _sha(path)).json()
    assert rec["state"] == "refused" and rec["pack"] is None, rec
