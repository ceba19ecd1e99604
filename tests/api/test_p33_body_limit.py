"""Request bodies other than the uploads are capped (thirty-third stop's QA: three 300 MB JSON bodies without a token
were read and parsed, 2.1 GB of memory, before the 401; with a token the 422 echoed the whole value back), and a
body that is not JSON is said so."""
from __future__ import annotations

import json
from pathlib import Path

from device.api.body_limit import MAX_BODY_BYTES
from tests.api.conftest import make_box
from tests.api.packs import gain_pack


def test_a_large_body_is_refused_before_it_is_read_with_or_without_a_token(tmp_path: Path) -> None:
    box = make_box(tmp_path)
    big = json.dumps({"tags": ["x" * (MAX_BODY_BYTES + 10)]}).encode()
    for headers in ({}, box.auth):
        r = box.client.put("/libraries/nope/files/tags", params={"path": "a.wav"}, content=big,
                           headers={**headers, "content-type": "application/json"})
        assert r.status_code == 413 and r.json()["error"] == "too large" and len(r.content) < 400
    r = box.client.post("/pair", content=big, headers={"content-type": "application/json"})
    assert r.status_code == 413


def test_a_body_without_a_length_is_cut_off_at_the_cap(tmp_path: Path) -> None:
    box = make_box(tmp_path)

    def chunks():
        for _ in range(40):
            yield b"x" * 65536                                  # 2.5 MiB, no content-length: chunked
    r = box.client.post("/pair", content=chunks(), headers={"content-type": "application/json"})
    assert r.status_code == 413


def test_uploads_and_small_bodies_pass(tmp_path: Path) -> None:
    box = make_box(tmp_path)
    pack = gain_pack(tmp_path / "g.hatpack")
    assert pack.stat().st_size > 0 and box.push(pack).status_code == 201      # the pack route is not capped
    r = box.client.post("/midi/learn", json={"slot": "effect", "knob": "gain"}, headers=box.auth)
    assert r.status_code != 413


def test_a_body_that_is_not_json_is_said_so(tmp_path: Path) -> None:
    box = make_box(tmp_path)
    r = box.client.post("/midi/learn", content=b"{", headers={**box.auth, "content-type": "application/json"})
    assert r.status_code == 400
    assert r.json()["message"].startswith("the body is not valid JSON: ") and "(at character 1)" in r.json()["message"]


def test_a_long_wrong_tag_is_quoted_cut_short() -> None:
    import pytest

    from device.library.fixes import _check_tag
    from hatbox.errors import HatboxError
    with pytest.raises(HatboxError) as err:
        _check_tag("x" * 5000 + "/")
    assert "... (5001 characters)' cannot be a tag" in str(err.value) and len(str(err.value)) < 400
