"""Pairing input (thirty-third stop's QA): an empty code was counted as a wrong guess (four more wrong codes then
paused pairing for 30 s), and a pairing name could hold control characters."""
from __future__ import annotations

from pathlib import Path

from tests.api.conftest import make_box


def test_an_empty_code_is_a_bad_request_and_not_a_guess(tmp_path: Path) -> None:
    box = make_box(tmp_path)
    for code in ("", "   "):
        r = box.client.post("/pair", json={"code": code, "name": "x"})
        assert r.status_code == 400 and r.json()["message"].startswith("body.code:")
    for _ in range(4):                                          # four wrong codes: not yet paused
        assert box.client.post("/pair", json={"code": "000000", "name": "x"}).status_code == 401
    r = box.client.post("/pair", json={"code": box.codes[-1], "name": "x"})
    assert r.status_code == 200, r.text


def test_a_name_with_control_characters_is_refused(tmp_path: Path) -> None:
    box = make_box(tmp_path)
    r = box.client.post("/pair", json={"code": box.codes[-1], "name": "lap\x1b[31mtop"})
    assert r.status_code == 400 and r.json()["message"].startswith("body.name:")
    assert box.client.post("/pair", json={"code": box.codes[-1], "name": "Studio Mac ü"}).status_code == 200
