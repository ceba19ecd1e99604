"""Capture mode over the API (device/api/capture_routes.py): start, poll, download, cancel, busy, delete, a silent
return said in words, and an API with no engine saying it cannot capture; every route needs the token."""
from __future__ import annotations

import io
import time
from pathlib import Path
from typing import Any, Iterator

import numpy as np
import pytest
import soundfile as sf
from fastapi.testclient import TestClient

from device.api.app import ApiConfig, create_app
from device.audio.capture_signal import capture_signal
from tests.api.conftest import FAST_ENGINE, make_box
from tests.capture.helpers import LoopBox, Wire, drive


def _serve(tmp_path: Path, control: Any) -> tuple[TestClient, dict[str, str]]:
    codes: list[str] = []
    app = create_app(tmp_path / "box", control, ApiConfig(engine=FAST_ENGINE, on_code=codes.append))
    client = TestClient(app)
    token = client.post("/pair", json={"code": codes[-1], "name": "t"}).json()["token"]
    return client, {"Authorization": f"Bearer {token}"}


@pytest.fixture
def looped(tmp_path: Path) -> Iterator[tuple[TestClient, dict[str, str], LoopBox]]:
    box = LoopBox(drive(), latency=480)
    client, auth = _serve(tmp_path, box)
    yield client, auth, box
    box.close()


def _until_done(client: TestClient, auth: dict[str, str], cid: str) -> dict[str, Any]:
    end = time.monotonic() + 20
    while True:
        body = client.get(f"/captures/{cid}", headers=auth).json()
        if body["state"] not in ("playing", "writing"):
            return body
        assert time.monotonic() < end, body
        time.sleep(0.05)


def test_start_poll_download_delete(looped: Any) -> None:
    client, auth, box = looped
    r = client.post("/captures", json={"name": "drive=6", "knobs": {"drive": 6}, "seconds": 5}, headers=auth)
    assert r.status_code == 202, r.text
    cid = r.json()["id"]
    assert r.json()["state"] == "playing" and cid.startswith("drive-6-")
    assert client.get(f"/captures/{cid}/take.wav", headers=auth).status_code == 409       # not ready yet
    body = _until_done(client, auth, cid)
    assert body["state"] == "done" and body["problem"] is None and body["progress"] == 1.0, body
    assert body["knobs"] == {"drive": 6.0} and body["name"] == "drive=6"
    assert 480 <= body["latency_samples"] <= 483
    take = client.get(f"/captures/{cid}/take.wav", headers=auth)
    dry = client.get(f"/captures/{cid}/dry.wav", headers=auth)
    assert take.status_code == dry.status_code == 200 and take.headers["content-type"] == "audio/wav"
    t, rate = sf.read(io.BytesIO(take.content), dtype="float32")
    d, _ = sf.read(io.BytesIO(dry.content), dtype="float32")
    assert rate == 48000 and t.shape == d.shape
    np.testing.assert_array_equal(d, capture_signal(5.0))
    m = body["latency_samples"] - body["shift_samples"]                   # lined up 1 ms late, never early
    assert m == 48 and np.corrcoef(t[24000 + m:], d[24000:-m])[0, 1] > 0.5
    assert [c["id"] for c in client.get("/captures", headers=auth).json()] == [cid]
    assert client.delete(f"/captures/{cid}", headers=auth).status_code == 204
    assert client.get(f"/captures/{cid}", headers=auth).status_code == 404


def test_busy_then_cancel(looped: Any) -> None:
    client, auth, box = looped
    box.speed = 2.0                                           # slow enough to be caught playing
    cid = client.post("/captures", json={"name": "a", "seconds": 5}, headers=auth).json()["id"]
    again = client.post("/captures", json={"name": "b", "seconds": 5}, headers=auth)
    assert again.status_code == 409 and again.json()["error"] == "busy" and cid in again.json()["message"]
    assert client.delete(f"/captures/{cid}", headers=auth).status_code == 409
    r = client.post(f"/captures/{cid}/cancel", headers=auth)
    assert r.status_code == 200 and r.json()["state"] == "cancelling"
    body = _until_done(client, auth, cid)
    assert body["state"] == "cancelled", body
    assert client.get(f"/captures/{cid}/take.wav", headers=auth).status_code == 409
    assert client.post(f"/captures/{cid}/cancel", headers=auth).status_code == 409
    ok = client.post("/captures", json={"name": "c", "seconds": 5}, headers=auth)      # the box takes the next one
    assert ok.status_code == 202


def test_silent_return_is_said_in_words(tmp_path: Path) -> None:
    box = LoopBox(Wire(0.0))
    try:
        client, auth = _serve(tmp_path, box)
        cid = client.post("/captures", json={"name": "unplugged", "seconds": 5}, headers=auth).json()["id"]
        body = _until_done(client, auth, cid)
    finally:
        box.close()
    assert body["state"] == "failed" and "nothing came back" in body["problem"]
    r = client.get(f"/captures/{cid}/take.wav", headers=auth)
    assert r.status_code == 409 and "nothing came back" in r.json()["message"]


def test_token_needed_and_no_engine_no_capture(tmp_path: Path) -> None:
    box = make_box(tmp_path)                                  # the API over the recording control: no engine
    assert box.client.post("/captures", json={"name": "a", "seconds": 5}).status_code == 401
    assert box.client.get("/captures").status_code == 401
    r = box.client.post("/captures", json={"name": "a", "seconds": 5}, headers=box.auth)
    assert r.status_code == 409 and r.json()["error"] == "no capture mode"
    assert not [m for m in box.control.sent if m["op"] == "capture"]
    bad = box.client.post("/captures", json={"name": "a", "seconds": 1}, headers=box.auth)
    assert bad.status_code == 400 and "seconds" in bad.text
    assert box.client.get("/captures/..", headers=box.auth).status_code == 404
    assert box.client.get("/captures/nope-123", headers=box.auth).status_code == 404
