"""Fortieth stop: a request that fails on an error no route expected (a bug, or one cut off as the box stops: the
box QA of stop 39 met a bare "Internal Server Error") is answered with the box's error body: what failed, in
words, and where to look."""
from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from device.control import EngineStoppedError
from tests.api.conftest import make_box


@pytest.mark.parametrize("error, said", [(RuntimeError("boom"), "RuntimeError"),
                                         (EngineStoppedError("the audio engine is not running"),
                                          "the audio engine is not running")])
def test_an_unexpected_error_is_answered_in_words(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                  caplog: pytest.LogCaptureFixture, error: Exception,
                                                  said: str) -> None:
    box = make_box(tmp_path)

    def broken() -> list:
        raise error
    monkeypatch.setattr(box.app.state.box.store, "list", broken)
    r = TestClient(box.app, raise_server_exceptions=False).get("/packs", headers=box.auth)
    assert r.status_code == 500 and r.headers["content-type"] == "application/json"
    body = r.json()
    assert body["error"] == "error" and body["message"] == f"the box could not answer GET /packs: {said}"
    assert "hatbox box-logs" in body["hint"]
    assert any("GET /packs failed unexpectedly" in rec.getMessage() for rec in caplog.records)
