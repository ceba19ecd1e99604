"""p49: the knob, volume and bypass routes send their control message through one helper
(device/api/engine_send.py).  No test said what each route answers when the engine does not take its message (a
stopped engine: 503, "may yet" only when it may still act on it; a refusal: 422): these pin every answer's status and
words, so the three routes keep them."""
from __future__ import annotations

from typing import Any

import pytest

from device.control import EngineStoppedError
from hatbox.errors import HatboxError
from tests.api.conftest import BoxUnderTest

STOPPED = "the audio engine did not answer within 2 s"
KNOB = ("/knobs/effect/gain", {"value": 0.5})
VOLUME = ("/volume", {"db": -6})
BYPASS = ("/bypass/sampler", {"on": True})


def _send_fails(box: BoxUnderTest, monkeypatch: pytest.MonkeyPatch, exc: Exception) -> list[dict[str, Any]]:
    """``box``'s control raises ``exc`` on every send; the messages it was given."""
    given: list[dict[str, Any]] = []

    def send(msg: dict[str, Any]) -> None:
        given.append(dict(msg))
        raise exc
    monkeypatch.setattr(box.control, "send", send)
    return given


STOPPED_WORDS = [
    (KNOB, False, f"knob 'gain' was not turned: {STOPPED}; it stays where it was"),
    (KNOB, True, f"knob 'gain' was not turned: {STOPPED}; it may yet turn once the engine answers; it stays where "
                 "it was"),
    (VOLUME, False, f"the volume was not set: {STOPPED}; it stays where it was"),
    (VOLUME, True, f"the volume was not set: {STOPPED}; it may yet change once the engine answers; it stays where "
                   "it was"),
    (BYPASS, False, f"the sampler slot's bypass was not changed: {STOPPED}; it stays as it was"),
    (BYPASS, True, f"the sampler slot's bypass was not changed: {STOPPED}; it may yet change once the engine "
                   "answers; it stays as it was"),
]


@pytest.mark.parametrize("route, may_apply, message", STOPPED_WORDS)
def test_a_message_the_stopped_engine_did_not_take_is_a_503_in_the_routes_words(
        playing: tuple[BoxUnderTest, str], monkeypatch: pytest.MonkeyPatch, route: tuple[str, dict[str, Any]],
        may_apply: bool, message: str) -> None:
    box, _ = playing
    given = _send_fails(box, monkeypatch, EngineStoppedError(STOPPED, may_apply=may_apply))
    r = box.client.put(route[0], json=route[1], headers=box.auth)
    assert r.status_code == 503, r.text
    assert r.json()["error"] == "engine stopped"
    assert r.json()["message"] == message
    assert r.json()["hint"]
    assert len(given) == 1


REFUSED_WORDS = [
    (KNOB, {"op": "knob", "slot": "effect", "name": "gain", "value": 0.5},
     "the engine did not turn knob 'gain': no such knob now"),
    (VOLUME, {"op": "volume", "db": -6.0, "by": "api"},           # (who, and when: p56 review R4 1)
     "the engine did not set the volume: no such knob now"),
    (BYPASS, {"op": "bypass", "slot": "sampler", "on": True, "by": "api"},     # (and the paired device's name: p55)
     "the engine did not change the sampler slot's bypass: no such knob now"),
]


@pytest.mark.parametrize("route, sent, message", REFUSED_WORDS)
def test_a_message_the_engine_refused_is_a_422_with_its_reason(
        playing: tuple[BoxUnderTest, str], monkeypatch: pytest.MonkeyPatch, route: tuple[str, dict[str, Any]],
        sent: dict[str, Any], message: str) -> None:
    box, _ = playing
    given = _send_fails(box, monkeypatch, HatboxError("no such knob now\nsecond line"))
    r = box.client.put(route[0], json=route[1], headers=box.auth)
    assert r.status_code == 422, r.text
    assert r.json()["error"] == "rejected"
    assert r.json()["message"] == message
    assert [{k: v for k, v in g.items() if k not in ("source", "set_at")} for g in given] == [sent]


def test_nothing_is_logged_or_noted_for_a_message_the_engine_did_not_take(
        playing: tuple[BoxUnderTest, str], monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    box, _ = playing
    _send_fails(box, monkeypatch, EngineStoppedError(STOPPED))
    with caplog.at_level("INFO", logger="hatbox.api"):
        for path, body in (KNOB, VOLUME, BYPASS):
            assert box.client.put(path, json=body, headers=box.auth).status_code == 503
    said = [r.getMessage() for r in caplog.records if r.name == "hatbox.api"]
    assert not [s for s in said if "turned to" in s or "volume set" in s or "slot bypassed" in s], said
