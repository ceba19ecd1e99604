"""p57 read RD2 finding 5 (device/api/auth.py TokenStore.revoke): the record of who revoked a pairing
(tokens.revoked.json, an fsync'ed atomic write) was written under the lock every authenticated request takes, so
each request stalled behind that write.  It is written after the lock is let go: a request is answered while it is
written, and the revoked token is already refused with who revoked it."""
from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import pytest

from device.api import revoked_tokens
from device.api.auth import AuthError, TokenStore


def test_a_request_is_answered_while_the_revoke_record_is_written(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    tokens = TokenStore(tmp_path / "tokens.json")
    gone, token = tokens.issue("laptop-s4")
    stays, other = tokens.issue("laptop-s2")
    writing, release = threading.Event(), threading.Event()
    real = revoked_tokens.write_atomic

    def slow_write(path: Path, data: bytes) -> Any:
        writing.set()
        release.wait(10)                                # an SD card's two syncs, held until the test lets go
        return real(path, data)
    monkeypatch.setattr(revoked_tokens, "write_atomic", slow_write)
    revoking = threading.Thread(target=tokens.revoke, args=(gone, "laptop-s2"))
    revoking.start()
    try:
        assert writing.wait(10)
        answered: list[str] = []
        request = threading.Thread(target=lambda: answered.append(tokens.check(other)))
        request.start()
        request.join(2)
        assert answered == [stays], "a request waited for the revoke's record to be written"
        with pytest.raises(AuthError, match="revoked by 'laptop-s2'"):
            tokens.check(token)
    finally:
        release.set()
        revoking.join(10)
    held = json.loads((tmp_path / revoked_tokens.FILE_NAME).read_text())
    assert [r["by"] for r in held.values()] == ["laptop-s2"]


def test_two_revokes_keep_both_records(tmp_path: Path) -> None:
    tokens = TokenStore(tmp_path / "tokens.json")
    ids = [tokens.issue(name)[0] for name in ("a", "b", "c")]
    threads = [threading.Thread(target=tokens.revoke, args=(tid, "c")) for tid in ids[:2]]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    held = json.loads((tmp_path / revoked_tokens.FILE_NAME).read_text())
    assert sorted(r["name"] for r in held.values()) == ["a", "b"]
    assert [t["id"] for t in tokens.list()] == [ids[2]]
