"""A box with capture mode in this process, for the capture tests: the engine, its capture deck and simulated gear
looping its output back to its input (device/audio/sim_gear.GearLoopIO), run by a thread faster than real time; a
device.control.Control (send, status) as the engine process's _Child answers it."""
from __future__ import annotations

import threading
import time
from typing import Any

import numpy as np

from device.audio.alsa_io import AudioConfig
from device.audio.capture import CAPTURE_OPS, CaptureDeck
from device.audio.engine import Engine, EngineConfig
from device.audio.sim_gear import DriveGear, GearLoopIO
from device.control import validate

RATE = 48000


class Wire:
    """Gear that passes its input through unchanged (a cable), or gives ``gain`` x it; no knobs."""

    def __init__(self, gain: float = 1.0) -> None:
        self.gain = gain

    def set(self, name: str, value: float) -> bool:
        return False

    def process(self, x: np.ndarray) -> np.ndarray:
        return (self.gain * np.asarray(x, np.float32)).astype(np.float32)


class LoopBox:
    """See the module.  ``gear``: a DriveGear, a Wire (default: a cable), ``Wire(0)`` for gear not connected;
    ``latency`` samples; the loop runs ``speed`` times faster than real time."""

    def __init__(self, gear: Any = None, latency: int = 240, block: int = 128, speed: float = 20.0) -> None:
        self.engine = Engine(EngineConfig(rate=RATE, block=block, live_input=False))
        self.deck = CaptureDeck(self.engine, RATE)
        self.io = GearLoopIO(AudioConfig(rate=RATE, period=block), gear if gear is not None else Wire(), latency)
        self.block, self.speed = block, speed
        self.sent: list[dict[str, Any]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True, name="test-loopbox")
        self._thread.start()

    def _loop(self) -> None:
        inp, out = np.zeros(self.block, np.float32), np.zeros(self.block, np.float32)
        due = time.perf_counter()
        while not self._stop.is_set():
            self.io.read(inp)
            self.engine.process(inp, out)
            self.io.write(out)
            due += self.block / RATE / self.speed          # read each block: a test may slow the box once it runs
            time.sleep(max(0.0, due - time.perf_counter()))

    def send(self, message: dict[str, Any]) -> None:
        validate(message)
        self.sent.append(message)
        if message["op"] in CAPTURE_OPS:
            self.deck.handle(message, self.io)
        else:
            self.engine.handle(message)

    def status(self) -> dict[str, Any]:
        return {**self.engine.status(), "capture": self.deck.status()}

    def wait_capture(self, seconds: float = 20.0) -> dict[str, Any]:
        """The capture's status once it is no longer playing or being written."""
        end = time.monotonic() + seconds
        while True:
            st = self.deck.status() or {}
            if st.get("state") not in ("playing", "writing"):
                return st
            assert time.monotonic() < end, st
            time.sleep(0.02)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(5)
        self.deck.close()


def drive() -> DriveGear:
    return DriveGear(RATE)
