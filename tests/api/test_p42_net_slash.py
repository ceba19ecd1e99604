"""p42 network QA: POST /packs/ and DELETE /libraries/ (a trailing slash) were answered with an empty 307 redirect,
before the token was even checked; now the box's JSON 404 that says to leave the slash out."""
from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import make_box


@pytest.mark.parametrize("method, path", [("POST", "/packs/"), ("DELETE", "/libraries/"), ("GET", "/status/")])
def test_a_trailing_slash_is_a_json_404(tmp_path: Path, method: str, path: str) -> None:
    box = make_box(tmp_path)
    r = TestClient(box.app, follow_redirects=False).request(method, path)      # no token either
    assert r.status_code == 404 and r.headers["content-type"] == "application/json", (r.status_code, r.text)
    body = r.json()
    assert body["error"] == "not found" and body["message"].endswith("its routes end without a slash")
    assert f"{method} {path.rstrip('/')}" in body["hint"]
