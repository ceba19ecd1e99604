"""p57 F1 (p56 RD2 findings 1 and 4): who set the volume is kept once, by the engine (its status's ``volume_set``).
The API's simulated engine (device/api/sim.py ``RecordingControl``) keeps it as the engine does, PUT /volume sends
the volume with ``by`` and ``source`` alone (the engine's who_of stamps ``set_at`` as the message arrives, as for a
bypass), and GET /volume says the engine's ``volume_set``, the one GET /status says, never a second copy."""
from __future__ import annotations

import time
from typing import Any

import pytest

from device.api.sim import RecordingControl
from tests.api.conftest import BoxUnderTest


def test_the_simulated_engine_keeps_who_set_its_volume_as_the_engine_does() -> None:
    control = RecordingControl()
    assert "volume_set" not in control.status()
    before = time.time()
    control.send({"op": "volume", "db": -6.0, "by": "api", "source": "vm"})
    said = control.status()["volume_set"]
    assert (said["db"], said["by"], said["source"]) == (-6.0, "api", "vm")
    assert before <= said["at"] <= time.time() and said["ago_s"] >= 0.0
    control.send({"op": "volume", "db": -6.0})            # the panel's turn, to the same value: nobody now
    assert "volume_set" not in control.status()


def test_the_simulated_engine_keeps_a_messages_own_time_and_cleans_the_name() -> None:
    control = RecordingControl()
    control.send({"op": "volume", "db": -3.0, "by": "osc", "source": "10.0.0.7\x1b[2J", "set_at": 1000.0})
    said = control.status()["volume_set"]
    assert (said["source"], said["at"]) == ("10.0.0.7[2J", 1000.0)      # as the engine keeps it (kept_play.who_of)
    assert said["ago_s"] == pytest.approx(time.time() - 1000.0, abs=5.0)


def test_put_volume_says_who_in_its_one_message_and_the_engine_stamps_when(box: BoxUnderTest) -> None:
    before = time.time()
    r = box.client.put("/volume", json={"db": -9.0}, headers=box.auth)
    assert r.status_code == 200, r.text
    [sent] = [m for m in box.control.sent if m["op"] == "volume"]
    assert sent == {"op": "volume", "db": -9.0, "by": "api", "source": "test"}
    said = box.control.status()["volume_set"]
    assert (said["by"], said["source"]) == ("api", "test") and before <= said["at"] <= time.time()


def _engine_says(box: BoxUnderTest, monkeypatch: pytest.MonkeyPatch, who: dict[str, Any] | None) -> None:
    """The engine's status says ``who`` set its volume (None: nobody), whatever was sent through the API."""
    status = box.control.status

    def reported() -> dict[str, Any]:
        st = {k: v for k, v in status().items() if k != "volume_set"}
        return {**st, "volume_set": {"db": st["volume_db"], **who}} if who else st
    monkeypatch.setattr(box.control, "status", reported)


def test_get_volume_says_the_engines_who_as_get_status_does(box: BoxUnderTest,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    assert box.client.put("/volume", json={"db": -6.0}, headers=box.auth).status_code == 200
    _engine_says(box, monkeypatch, {"by": "osc", "source": "10.0.0.7", "at": time.time() - 30, "ago_s": 30.0})
    volume = box.client.get("/volume", headers=box.auth).json()
    engine = box.client.get("/status", headers=box.auth).json()["engine"]
    assert (volume["set_by"], volume["set_from"], volume["set_ago_s"]) == ("osc", "10.0.0.7", 30.0)
    assert (engine["volume_set"]["by"], engine["volume_set"]["source"]) == ("osc", "10.0.0.7")


def test_a_volume_the_engine_says_nobody_set_is_said_so_everywhere(box: BoxUnderTest,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    assert box.client.put("/volume", json={"db": -6.0}, headers=box.auth).status_code == 200
    _engine_says(box, monkeypatch, None)                  # e.g. a panel turn the engine took since
    volume = box.client.get("/volume", headers=box.auth).json()
    assert volume["db"] == -6.0 and "set_by" not in volume and "set_from" not in volume
    assert "volume_set" not in box.client.get("/status", headers=box.auth).json()["engine"]
