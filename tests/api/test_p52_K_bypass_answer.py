"""p52 QA1 finding 1: `hatbox box-knob sampler.bypass 0|1` often printed the state from before the change: ``PUT
/bypass/{slot}`` answered from the engine status read straight after the send, before the engine had taken it.  Now
the answer waits (at most KEEP_WAIT_S) for the engine to show the change, or gives the state asked for with
``asked: true``; never the old state as if it were new."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from device.api import knob_routes
from device.api.app import ApiConfig, create_app
from device.api.sim import RecordingControl
from tests.api.conftest import FAST_ENGINE


class LateEngine(RecordingControl):
    """A simulated engine that takes a bypass only after ``late`` more reads of its status (the audio thread takes
    a message on its next block, after the API's send returned)."""

    def __init__(self, late: int) -> None:
        super().__init__()
        self.active["sampler"] = {"path": "kit"}       # a slot that plays something (an empty one: test_p52_M3_*)
        self.late, self.waiting = late, []   # type: ignore[var-annotated]
        self.reads = 0

    def send(self, message: dict[str, Any]) -> None:
        if message.get("op") == "bypass":
            self.waiting.append((self.reads + self.late, message))
            self.sent.append(message)
            return
        super().send(message)

    def status(self) -> dict[str, Any]:
        self.reads += 1
        for due, message in [w for w in self.waiting if w[0] <= self.reads]:
            self.waiting.remove((due, message))
            self._apply(message)
        return super().status()


def _client(tmp_path: Path, control: RecordingControl) -> Iterator[tuple[TestClient, dict[str, str]]]:
    codes: list[str] = []
    app = create_app(tmp_path / "box", control, ApiConfig(engine=FAST_ENGINE, on_code=codes.append))
    with TestClient(app) as client:
        token = client.post("/pair", json={"code": codes[-1], "name": "studio-mac"}).json()["token"]
        yield client, {"Authorization": f"Bearer {token}"}


@pytest.fixture
def late(tmp_path: Path) -> Iterator[tuple[TestClient, dict[str, str]]]:
    yield from _client(tmp_path, LateEngine(late=3))


@pytest.fixture
def never(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[TestClient, dict[str, str]]]:
    monkeypatch.setattr(knob_routes, "KEEP_WAIT_S", 0.05)
    monkeypatch.setattr("device.api.bypass_routes.KEEP_WAIT_S", 0.05)
    yield from _client(tmp_path, LateEngine(late=10**9))


@pytest.mark.parametrize("turns", [[True, False, True, False]])
def test_p52_K_each_bypass_turn_answers_the_state_just_set(
        late: tuple[TestClient, dict[str, str]], turns: list[bool]) -> None:
    client, auth = late
    for on in turns:
        r = client.put("/bypass/sampler", json={"on": on}, headers=auth)
        assert r.status_code == 200, r.text
        assert r.json()["bypassed"] is on and "asked" not in r.json()


def test_p52_K_an_engine_slower_than_the_wait_gets_the_asked_state_marked_asked(
        never: tuple[TestClient, dict[str, str]]) -> None:
    client, auth = never
    r = client.put("/bypass/sampler", json={"on": True}, headers=auth)
    assert r.status_code == 200, r.text
    assert r.json()["bypassed"] is True and r.json()["asked"] is True
    assert r.json()["set_by"] == "api"
    got = next(b for b in client.get("/bypass", headers=auth).json() if b["slot"] == "sampler")
    assert got["bypassed"] is False and "asked" not in got
