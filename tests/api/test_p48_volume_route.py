"""p48 QA: a stranger's OSC set the box's volume to -60 dB; no API route set the volume (only the panel or OSC could
bring it back) and the box's status did not say who set it.  Now ``GET /volume`` / ``PUT /volume`` (authenticated),
and ``GET /status``'s engine ``volume_set`` says who set it over the network, and when."""
from __future__ import annotations

import logging
from typing import Any

import pytest

from device.osc import OscMap, OscServer
from tests.api.conftest import BoxUnderTest

STRANGER = "192.0.2.7"


def _volumes(box: BoxUnderTest) -> list[dict[str, Any]]:
    return [m for m in box.control.sent if m["op"] == "volume"]


def _stranger_sets(box: BoxUnderTest, db: float) -> None:
    """OSC from STRANGER sets the volume through the box's control, as `hatbox device run` wires it."""
    server = OscServer(OscMap(), box.control.send, host="127.0.0.1", port=0)
    try:
        server._on_message("/hatbox/volume", db, sender=STRANGER)
    finally:
        server.stop()


def test_the_volume_is_read_and_set_over_the_api_and_the_status_says_by_whom(box: BoxUnderTest) -> None:
    r = box.client.get("/volume", headers=box.auth)
    assert r.status_code == 200, r.text
    assert r.json() == {"db": 0.0, "min": -60.0, "max": 6.0, "default": 0.0, "unit": "dB"}
    r = box.client.put("/volume", json={"db": -6.5}, headers=box.auth)
    assert r.status_code == 200, r.text
    assert r.json()["db"] == -6.5 and r.json()["set_by"] == "api" and r.json()["set_from"] == "test"
    [sent] = _volumes(box)                  # one message, saying who set it (p56 review R4 1)
    assert sent == {"op": "volume", "db": -6.5, "by": "api", "source": "test"}     # when: the engine's (p57 F1)
    engine = box.client.get("/status", headers=box.auth).json()["engine"]
    assert engine["volume_db"] == -6.5
    assert engine["volume_set"]["by"] == "api" and engine["volume_set"]["source"] == "test"
    assert 0.0 <= engine["volume_set"]["ago_s"] < 5.0


def test_the_volume_routes_need_the_token(box: BoxUnderTest) -> None:
    assert box.client.get("/volume").status_code == 401
    assert box.client.put("/volume", json={"db": 0.0}).status_code == 401
    assert box.client.put("/volume", json={"db": 0.0}, headers={"Authorization": "Bearer nope"}).status_code == 401
    assert _volumes(box) == []


@pytest.mark.parametrize("body, status, words", [
    ({"db": 20}, 422, "the output volume goes from -60 to +6 dB, not 20 dB; it was left at 0 dB"),
    ({"db": -61}, 422, "not -61 dB"),
    ({"db": "loud"}, 400, "db"),
    ({}, 400, "db"),
])
def test_a_volume_out_of_range_or_no_number_is_refused_in_words(box: BoxUnderTest, body: dict[str, Any],
                                                                status: int, words: str) -> None:
    r = box.client.put("/volume", json=body, headers=box.auth)
    assert r.status_code == status and words in r.json()["message"], r.text
    assert _volumes(box) == []


def test_a_non_finite_volume_is_refused(box: BoxUnderTest) -> None:
    r = box.client.put("/volume", content=b'{"db": NaN}', headers={**box.auth, "Content-Type": "application/json"})
    assert r.status_code == 400, r.text
    assert _volumes(box) == []


def test_a_strangers_osc_volume_shows_in_the_status_and_the_laptop_sets_it_back(
        box: BoxUnderTest, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    _stranger_sets(box, -60.0)
    engine = box.client.get("/status", headers=box.auth).json()["engine"]
    assert engine["volume_db"] == -60.0
    assert {k: engine["volume_set"][k] for k in ("db", "by", "source")} == {"db": -60.0, "by": "osc",
                                                                            "source": STRANGER}
    assert f"OSC from {STRANGER}: output volume set to -60 dB" in caplog.text      # said at the server's stop
    r = box.client.put("/volume", json={"db": 0}, headers=box.auth)
    assert r.status_code == 200 and r.json()["db"] == 0.0, r.text
    assert f"output volume set to 0 dB (was -60 dB, set over OSC from {STRANGER}) by 'test'" in caplog.text
    assert box.client.get("/status", headers=box.auth).json()["engine"]["volume_set"]["by"] == "api"


def test_a_volume_turned_elsewhere_since_is_not_claimed(box: BoxUnderTest) -> None:
    _stranger_sets(box, -60.0)
    box.control.send({"op": "volume", "db": -3.0})           # the panel's encoder (it notes nothing)
    engine = box.client.get("/status", headers=box.auth).json()["engine"]
    assert engine["volume_db"] == -3.0 and "volume_set" not in engine
    assert "set_by" not in box.client.get("/volume", headers=box.auth).json()
