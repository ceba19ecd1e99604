"""A token revoked while its upload runs: the upload gets 401 and the box keeps nothing of it.

Over real HTTP (uvicorn on 127.0.0.1) with a body sent in two halves: the token revokes itself
between them, once the box has begun to store the body.  Then the commit check on its own: a
revoke that lands while the pack is being validated."""
from __future__ import annotations

import io
import threading
import time
import zipfile
from pathlib import Path
from typing import Any, Callable, Iterator

import httpx
import numpy as np
import pytest
import soundfile as sf

from device.api import app as app_module
from device.api.app import ApiConfig, create_app
from device.api.auth import AuthError, TokenStore
from device.api.server import start_in_thread
from device.api.sim import RecordingControl
from tests.api.conftest import FAST_ENGINE, make_box
from tests.api.packs import gain_pack


class Box:
    """A served box and a second, untouched token to look at it afterwards."""

    def __init__(self, tmp_path: Path) -> None:
        self.codes: list[str] = []
        self.control = RecordingControl()
        self.store_dir = tmp_path / "box"
        self.app = create_app(self.store_dir, self.control, ApiConfig(engine=FAST_ENGINE, on_code=self.codes.append))
        self.running = start_in_thread(self.app)
        self.url = self.running.url
        self.token, self.token_id = self.pair("laptop")
        self.watcher, _ = self.pair("watcher")

    def pair(self, name: str) -> tuple[str, str]:
        r = httpx.post(f"{self.url}/pair", json={"code": self.codes[-1], "name": name})
        assert r.status_code == 200, r.text
        return r.json()["token"], r.json()["token_id"]

    def get(self, route: str) -> Any:
        r = httpx.get(f"{self.url}{route}", headers={"Authorization": f"Bearer {self.watcher}"})
        assert r.status_code == 200, r.text
        return r.json()


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Box]:
    box = Box(tmp_path)
    yield box
    box.running.stop()


def _wait_for(seen: Callable[[], bool], what: str, timeout: float = 10.0) -> None:
    end = time.monotonic() + timeout
    while not seen():
        assert time.monotonic() < end, f"timed out waiting for {what}"
        time.sleep(0.01)


def _revoking_body(box: Box, data: bytes, suffix: str) -> Iterator[bytes]:
    """``data`` in two halves; between them, once the box stores the upload (so the request's token
    check is done), the uploading token revokes itself and the revoke is answered 204."""
    half = len(data) // 2
    yield data[:half]
    _wait_for(lambda: any((box.store_dir / "tmp").glob(f"up-*{suffix}")), "the upload to begin")
    r = httpx.delete(f"{box.url}/tokens/{box.token_id}", headers={"Authorization": f"Bearer {box.token}"})
    assert r.status_code == 204, r.text
    yield data[half:]


def _store_files(store_dir: Path) -> list[str]:
    return sorted(p.relative_to(store_dir).as_posix() for p in store_dir.rglob("*")
                  if p.is_file() and p.name not in ("tokens.json", "tokens.revoked.json"))     # pairings (p57 F10)


def test_pack_upload_revoked_midway_installs_and_activates_nothing(served: Box, tmp_path: Path) -> None:
    pack = gain_pack(tmp_path / "p.hatpack", "late", "1.0.0", pad_bytes=200_000)
    before = _store_files(served.store_dir)
    r = httpx.post(f"{served.url}/packs", params={"activate": "true"}, timeout=30,
                   content=_revoking_body(served, pack.read_bytes(), ".hatpack"),
                   headers={"Authorization": f"Bearer {served.token}", "Content-Type": "application/octet-stream"})
    assert r.status_code == 401, r.text
    assert "revoked" in r.json()["message"] and "nothing was installed" in r.json()["message"]
    assert served.get("/packs") == []
    assert served.get("/status")["active"]["effect"] is None
    assert [m for m in served.control.sent if m.get("op") == "load"] == []
    assert _store_files(served.store_dir) == before           # no pack, no pointer change, no debris
    assert served.app.state.box.store.problems() == []


def _library_zip(n: int) -> bytes:
    buf, wav = io.BytesIO(), io.BytesIO()
    sf.write(wav, np.zeros(4800, np.float32), 48000, format="WAV")
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as zf:
        for i in range(n):
            zf.writestr(f"kit/s{i}.wav", wav.getvalue())
    return buf.getvalue()


def test_library_upload_revoked_midway_keeps_no_library(served: Box) -> None:
    r = httpx.post(f"{served.url}/libraries", params={"name": "late"}, timeout=30,
                   content=_revoking_body(served, _library_zip(20), ".archive"),
                   headers={"Authorization": f"Bearer {served.token}", "Content-Type": "application/octet-stream"})
    assert r.status_code == 401, r.text
    assert "revoked" in r.json()["message"]
    assert served.get("/libraries") == []
    assert list((served.store_dir / "libraries").iterdir()) == []
    assert list((served.store_dir / "tmp").iterdir()) == []


def test_revoke_during_validation_is_caught_at_the_commit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    box = make_box(tmp_path)
    tid = box.client.get("/tokens", headers=box.auth).json()[0]["id"]
    real = app_module.validate_pack

    def validate_then_revoke(*args: Any, **kw: Any) -> Any:
        report = real(*args, **kw)
        assert box.app.state.box.tokens.revoke(tid)          # as a DELETE /tokens/<id> landing now would
        return report

    monkeypatch.setattr(app_module, "validate_pack", validate_then_revoke)
    r = box.push(gain_pack(tmp_path / "p.hatpack"), activate=True)
    assert r.status_code == 401, r.text
    store = box.app.state.box.store
    assert store.ids() == [] and store.active()["effect"] is None and store.problems() == []
    assert box.control.sent == []


def test_a_revoke_waits_for_a_commit_under_way(tmp_path: Path) -> None:
    tokens = TokenStore(tmp_path / "tokens.json")
    tid, _ = tokens.issue("laptop")
    done: list[bool] = []
    with tokens.held(tid):
        t = threading.Thread(target=lambda: done.append(tokens.revoke(tid)))
        t.start()
        t.join(0.2)
        assert done == []                                    # the revoke waits for the commit to end
    t.join(5)
    assert done == [True]
    with pytest.raises(AuthError, match="revoked"):
        with tokens.held(tid):
            pytest.fail("the block must not run for a revoked token")
