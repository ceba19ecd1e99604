"""A pack loading in the engine process holds up no note: loads (and unloads) travel on their own
channel (device/audio/server.PACK_OPS), notes, knobs and the rest go through while one is in flight.

The QA case: a note-off sent 50 ms into an effect load arrived 580 ms later, when the load was done
(EngineProcess held one control lock until the pack was playing), so the note hung.
"""
from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest

from device.audio.alsa_io import AudioConfig
from device.audio.server import EngineProcess, ServerConfig
from hatbox.errors import HatboxError

FACTORY = Path(__file__).parents[2] / "factory"
DRIVE, SYNTH = str(FACTORY / "effect-drive.hatpack"), str(FACTORY / "synth-gm4.hatpack")
NOTE_EVERY_S = 0.03


def _engine(tmp_path: Path, packs: dict[str, str]) -> EngineProcess:
    cfg = ServerConfig(audio=AudioConfig(rate=48000, period=128), backend="file", pace=True, realtime=False,
                       output_wav=str(tmp_path / "out.wav"), packs=packs)
    return EngineProcess(cfg).start()


class _Loader(threading.Thread):
    """Sends ``loads`` (control messages) one after the other; each one's seconds in :attr:`took`,
    the perf_counter time the last one returned in :attr:`done_at`, a failure in :attr:`error`."""

    def __init__(self, engine: EngineProcess, loads: list[dict[str, Any]]) -> None:
        super().__init__(daemon=True)
        self.engine, self.loads = engine, loads
        self.took: list[float] = []
        self.done_at: float | None = None
        self.error: Exception | None = None

    def run(self) -> None:
        try:
            for message in self.loads:
                t0 = time.perf_counter()
                self.engine.send(message)
                self.took.append(time.perf_counter() - t0)
        except Exception as exc:  # noqa: BLE001 - reported by the test
            self.error = exc
        self.done_at = time.perf_counter()


def _wait_status(engine: EngineProcess, check: Any, seconds: float = 2.0) -> dict[str, Any]:
    """Status polled until ``check(status)`` holds (the audio thread applies messages at a block
    boundary) or ``seconds`` have passed; the last status."""
    end = time.monotonic() + seconds
    status = engine.status()
    while not check(status) and time.monotonic() < end:
        time.sleep(0.01)
        status = engine.status()
    return status


def test_notes_are_not_held_up_by_a_pack_load(tmp_path: Path) -> None:
    engine = _engine(tmp_path, {"synth": SYNTH})
    try:
        load = {"op": "load", "slot": "effect", "path": DRIVE}
        loader = _Loader(engine, [load, load, load])
        loader.start()
        delays: list[float] = []
        note_on = True
        while loader.is_alive():
            message = {"op": "note_on", "note": 60, "velocity": 100} if note_on else {"op": "note_off", "note": 60}
            t0 = time.perf_counter()
            engine.send(message)
            delays.append(time.perf_counter() - t0)
            note_on = not note_on
            time.sleep(NOTE_EVERY_S)
        loader.join(30)
        if not note_on:                                         # the last one sent was a note-on
            engine.send({"op": "note_off", "note": 60})
        assert loader.error is None, loader.error
        # old: a note sent just after a load began waited for all of it (~ the load's time)
        assert max(delays) < 0.5 * min(loader.took), (f"a note waited {1000 * max(delays):.0f} ms; loads took "
                                                      f"{[round(1000 * t) for t in loader.took]} ms")
        assert len(loader.took) == 3 and len(delays) >= 6, (loader.took, delays)
        status = _wait_status(engine, lambda s: s.get("notes") == [])
        assert status["notes"] == [] and status["active"]["effect"]["name"] == "hatbox-drive", status
    finally:
        engine.stop()


def test_pack_ops_keep_their_order(tmp_path: Path) -> None:
    """An unload sent (from another thread) while a load of the same slot is in flight waits for it:
    the slot ends up empty, as the two were sent."""
    engine = _engine(tmp_path, {})
    try:
        loader = _Loader(engine, [{"op": "load", "slot": "effect", "path": DRIVE}])
        loader.start()
        time.sleep(0.05)
        engine.send({"op": "unload", "slot": "effect"})
        unloaded_at = time.perf_counter()
        loader.join(30)
        assert loader.error is None and loader.done_at is not None and loader.done_at <= unloaded_at, loader.error
        status = _wait_status(engine, lambda s: s["active"]["effect"] is None)
        assert status["active"]["effect"] is None, status["active"]
    finally:
        engine.stop()


def test_stop_during_a_load_ends_the_engine(tmp_path: Path) -> None:
    """stop() mid-load is not queued behind the load: the engine ends cleanly, the loader's call returns
    (the pack, or the engine gone) instead of hanging."""
    engine = _engine(tmp_path, {})
    loader = _Loader(engine, [{"op": "load", "slot": "effect", "path": DRIVE}])
    loader.start()
    time.sleep(0.05)
    assert engine.stop() == 0
    loader.join(15)
    assert not loader.is_alive()
    assert loader.error is None or isinstance(loader.error, HatboxError), loader.error
    with pytest.raises(HatboxError, match="not running"):
        engine.send({"op": "note_on", "note": 60, "velocity": 100})
