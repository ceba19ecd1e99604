"""The API's behaviour through its HTTP interface (in-process ASGI client)."""
from __future__ import annotations

from pathlib import Path

from tests.api.conftest import BoxUnderTest, make_box
from tests.api.packs import gain_pack


def test_health_needs_no_token_everything_else_does(box: BoxUnderTest) -> None:
    assert box.client.get("/health").json()["ok"] is True
    for method, path in [("GET", "/status"), ("GET", "/packs"), ("POST", "/packs"), ("GET", "/tokens"),
                         ("POST", "/slots/effect/rollback"), ("GET", "/libraries")]:
        r = box.client.request(method, path)
        assert r.status_code == 401, path
        assert r.json()["error"] == "unauthorized" and "token" in r.json()["message"]


def test_pairing_code_is_single_use_and_guesses_are_limited(box: BoxUnderTest) -> None:
    used = box.codes[0]
    assert box.client.post("/pair", json={"code": used}).status_code == 401
    r = box.client.post("/pair", json={"code": box.codes[-1].lower()[:3] + "-" + box.codes[-1][3:]})
    assert r.status_code == 200 and r.json()["token"] != box.token
    current = box.codes[-1]
    for _ in range(4):
        assert box.client.post("/pair", json={"code": "AAAAAA"}).status_code == 401
    r = box.client.post("/pair", json={"code": "AAAAAA"})                  # 5 wrong codes: pairing pauses
    assert r.status_code == 429 and "pairing is paused for 30 s" in r.json()["message"]
    assert r.headers["Retry-After"] == "30"
    r = box.client.post("/pair", json={"code": current})
    assert r.status_code == 429 and "paused" in r.json()["message"]
    assert box.codes[-1] == current          # ... and the code on the panel stays good (see test_pairing.py)


def test_revoked_token_is_refused(box: BoxUnderTest) -> None:
    other = box.client.post("/pair", json={"code": box.codes[-1], "name": "phone"}).json()
    hdr = {"Authorization": f"Bearer {other['token']}"}
    assert box.client.get("/status", headers=hdr).status_code == 200
    names = [t["name"] for t in box.client.get("/tokens", headers=box.auth).json()]
    assert sorted(names) == ["phone", "test"]
    assert box.client.delete(f"/tokens/{other['token_id']}", headers=box.auth).status_code == 204
    r = box.client.get("/status", headers=hdr)
    assert r.status_code == 401 and "revoked" in r.json()["message"]
    assert box.client.get("/status", headers=box.auth).status_code == 200


def test_push_activate_rollback_deactivate_delete(box: BoxUnderTest, tmp_path: Path) -> None:
    a = box.push(gain_pack(tmp_path / "a.hatpack", "fx", "1.0.0")).json()["pack"]["id"]
    b = box.push(gain_pack(tmp_path / "b.hatpack", "fx", "1.1.0")).json()["pack"]["id"]
    assert box.active() == b
    assert box.control.sent[-1] == {"op": "load", "slot": "effect",
                                     "path": str(box.store_dir / "packs" / b / "pack.hatpack")}
    assert box.client.delete(f"/packs/{b}", headers=box.auth).status_code == 409
    r = box.client.post("/slots/effect/rollback", headers=box.auth).json()
    assert r == {"slot": "effect", "active": a, "previous": b, "tagging": []}
    assert box.control.sent[-1]["path"].endswith(f"{a}/pack.hatpack")
    assert box.client.post("/slots/effect/rollback", headers=box.auth).status_code == 409
    assert box.client.post("/slots/effect/deactivate", headers=box.auth).json()["previous"] == a
    assert box.control.sent[-1] == {"op": "unload", "slot": "effect"}
    assert box.client.delete(f"/packs/{b}", headers=box.auth).status_code == 204
    assert [p["id"] for p in box.client.get("/packs", headers=box.auth).json()] == [a]
    assert box.client.post(f"/packs/{a}/activate", headers=box.auth).json()["active"] == a


def test_push_without_activate_installs_only(box: BoxUnderTest, good_pack: Path) -> None:
    body = box.push(good_pack, activate=False).json()
    assert body["activated"] is False and box.active() is None
    assert [c["check"] for c in body["pack"]["checks"]] == [
        "archive", "signature", "onnx", "ops", "handshake", "contract", "golden", "knobs", "realtime"]
    assert box.push(good_pack, activate=False).json()["pack"]["id"] == body["pack"]["id"]   # idempotent


def test_engine_refusal_keeps_previous_pack(box: BoxUnderTest, tmp_path: Path) -> None:
    a = box.push(gain_pack(tmp_path / "a.hatpack", "fx", "1.0.0")).json()["pack"]["id"]
    b = box.push(gain_pack(tmp_path / "b.hatpack", "fx", "1.5.0")).json()["pack"]["id"]
    box.control.refuse = True
    r = box.push(gain_pack(tmp_path / "c.hatpack", "fx", "2.0.0"))
    assert r.status_code == 502 and "engine" in r.json()["message"]
    assert box.active() == b
    assert box.client.post("/slots/effect/rollback", headers=box.auth).status_code == 502
    assert box.active() == b
    box.control.refuse = False
    assert box.client.post("/slots/effect/rollback", headers=box.auth).json()["active"] == a


def test_status_reports_store_engine_disk_versions(box: BoxUnderTest, good_pack: Path) -> None:
    box.push(good_pack)
    s = box.client.get("/status", headers=box.auth).json()
    assert s["active"]["effect"].startswith("effect-good-1.0.0-")
    assert s["engine"]["xruns"] == 0 and s["disk"]["free_bytes"] > 0
    assert {"hatbox", "onnxruntime", "onnx"} <= set(s["versions"])
    assert s["packs"][0]["active"] is True


def test_restart_reloads_active_pack_into_engine(tmp_path: Path, good_pack: Path) -> None:
    first = make_box(tmp_path)
    pid = first.push(good_pack).json()["pack"]["id"]
    second = make_box(tmp_path)
    assert second.control.sent[0]["path"].endswith(f"{pid}/pack.hatpack")


def test_unknown_query_parameter_is_refused(box: BoxUnderTest, good_pack: Path) -> None:
    r = box.client.post("/packs", params={"activte": "true"}, content=good_pack.read_bytes(), headers=box.auth)
    assert r.status_code == 400 and "unknown query parameter 'activte'" in r.json()["message"]
    assert "activate" in r.json()["message"] and box.active() is None


def test_status_survives_a_broken_engine(box: BoxUnderTest) -> None:
    box.control.status = lambda: {"load_mean": float("nan"), "peak_db": float("-inf"), "xruns": 3}
    assert box.client.get("/status", headers=box.auth).json()["engine"] == {"load_mean": None, "peak_db": None,
                                                                            "xruns": 3}

    def dead() -> dict:
        raise RuntimeError("pipe closed")
    box.control.status = dead
    assert "pipe closed" in box.client.get("/status", headers=box.auth).json()["engine"]["error"]


def test_wrong_pairing_codes_and_the_pause_are_in_the_boxs_log_without_the_code(box: BoxUnderTest, caplog) -> None:
    """Before (twenty-seventh stop's QA): six wrong codes and the 30 s pause left no line in box.log."""
    import logging
    with caplog.at_level(logging.WARNING, logger="hatbox.api"):
        for _ in range(6):
            box.client.post("/pair", json={"code": "ABCDEX", "name": "guesser"})
    said = [r.getMessage() for r in caplog.records if "pairing refused" in r.getMessage()]
    assert len(said) == 6 and "wrong code" in said[0] and "paused after wrong codes" in said[-1]
    assert all("'guesser'" in m and "ABCDEX" not in m for m in said)
