"""Thirty-ninth stop's box QA: an engine process that stopped answering (frozen) made `hatbox device run` exit 0
with "the box stopped" and no reason (its status loop took the unanswered status for the engine's end), so a
service that restarts the box on a failure left it off; `/status` waited 90 s for it.  Now a status waits 10 s at
most, an engine that answers nothing for HUNG_S counts as stuck, the box stops with that reason and a failure exit
code, and the stuck process is killed (it was only sent SIGTERM, which a frozen process never acts on)."""
from __future__ import annotations

import argparse
import os
import signal
import time
from typing import Any, Iterator

import pytest

from device.audio import server
from device.audio.alsa_io import AudioConfig
from device.audio.server import EngineProcess, ServerConfig
from hatbox.engine_end import engine_died
from hatbox.errors import HatboxError
from tests.engine.helpers import freeze


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EngineProcess]:
    """One paced engine process on the file backend for the two tests that freeze it (one start, not one each, since
    the p58 trim): the message test first, which leaves it answering, then the stuck test, which has it killed."""
    started = EngineProcess(ServerConfig(audio=AudioConfig(rate=48000, period=128), backend="file", pace=True,
                                         realtime=False, output_wav=str(tmp_path_factory.mktemp("p39") / "out.wav")))
    try:
        yield started.start()
    finally:
        started.stop(timeout=2.0)


class Stuck:
    """A running engine whose status never answers; stuck (``hung``) from the ``after``-th unanswered status on."""

    def __init__(self, after: int) -> None:
        self.asked, self.after = 0, after

    def alive(self) -> bool:
        return True

    def wait(self, _timeout: float) -> None:
        return None

    def hung(self) -> str | None:
        return "the audio engine stopped answering (nothing for 60 s)" if self.asked >= self.after else None

    def status(self) -> dict[str, Any]:
        self.asked += 1
        raise HatboxError("engine: the audio engine did not answer in 10 s")


def test_the_box_s_status_loop_waits_out_a_slow_status_and_ends_on_a_stuck_engine() -> None:
    from hatbox.cmd_device import _wait
    engine = Stuck(after=3)
    _wait(argparse.Namespace(panel=False, seconds=None), engine, engine)       # returns: it did not loop for ever
    assert engine.asked == 3                          # not at the first unanswered status, which may be slow only
    assert "stopped answering" in engine_died(engine)


def test_a_message_whose_sender_gave_up_is_not_carried_out_later(engine: EngineProcess) -> None:
    """QA: `box-pack --activate` and `box-library --play`, told the engine gave no answer, were carried out once it
    answered again (a pack switched and a crash cymbal played, minutes later; the box listed the old pack active)."""
    freeze(engine.process.pid)
    try:                                       # the engine is shared with the next test: never left frozen
        with pytest.raises(HatboxError, match="did not answer in 0.3 s"):
            engine._call("control", {"msg": {"op": "volume", "db": -20.0}}, timeout=0.3)
        time.sleep(0.2)
    finally:
        os.kill(engine.process.pid, signal.SIGCONT)
    assert engine.status()["volume_db"] == 0.0                 # not turned down after all
    engine.send({"op": "volume", "db": -6.0})                  # one sent in time is
    assert engine.status()["volume_db"] == -6.0


def test_a_frozen_engine_counts_as_stuck_says_why_and_is_killed(engine: EngineProcess,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(server, "STATUS_TIMEOUT_S", 0.3)
    monkeypatch.setattr(server, "HUNG_S", 0.6)
    try:
        assert engine.status() and engine.hung() is None
        freeze(engine.process.pid)
        started = time.monotonic()
        with pytest.raises(HatboxError, match="did not answer in 0.3 s"):
            engine.status()
        assert time.monotonic() - started < 2.0 and engine.hung() is None      # slow, not stuck yet
        time.sleep(0.5)
        assert engine.hung() and "stopped answering" in (engine_died(engine) or "")
    finally:
        engine.stop(timeout=1.0)
    assert not engine.alive()
