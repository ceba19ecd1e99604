"""p57 R4 finding 7: the engine set the volume and who set it in two steps (``volume_db``, then ``volume_who``), so a
status read in between (the "hatbox-status" thread, while the "hatbox-control" thread takes a panel turn) said the
panel's -20 dB "set over OSC from 192.0.2.7".  Now both are one value, set and read as one.  The read is made in the
gap itself: the engine's clock, called as the volume message is taken, reads the status."""
from __future__ import annotations

import time
from typing import Any

import pytest

import device.audio.engine
from device.audio.engine import Engine, EngineConfig

STRANGER = "192.0.2.7"
PAIRS = {(-60.0, STRANGER), (-20.0, None)}      # what was set: the stranger's -60 dB, the panel's -20 dB


def _pair(status: dict[str, Any]) -> tuple[float, Any]:
    return status["volume_db"], status.get("volume_set", {}).get("source")


def test_a_status_read_while_the_volume_is_set_says_one_pair(monkeypatch: pytest.MonkeyPatch) -> None:
    engine = Engine(EngineConfig(live_input=False))
    engine.handle({"op": "volume", "db": -60.0, "by": "osc", "source": STRANGER})
    seen: list[dict[str, Any]] = []
    reading = [False]

    class _Clock:
        """The engine module's ``time``: each call made while a volume is taken reads the status there and then."""

        def __getattr__(self, name: str) -> Any:
            return getattr(time, name)

        def time(self) -> float:
            if not reading[0]:
                reading[0] = True
                seen.append(engine.status())
                reading[0] = False
            return time.time()
    monkeypatch.setattr(device.audio.engine, "time", _Clock())
    engine.handle({"op": "volume", "db": -20.0})            # the panel's turn
    monkeypatch.undo()
    assert seen, "the clock was not read while the volume was taken"
    assert {_pair(s) for s in seen} <= PAIRS, [_pair(s) for s in seen]
    assert _pair(engine.status()) == (-20.0, None)
