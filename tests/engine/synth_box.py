"""An engine with the box's loader and its unit cache, played block by block: shared by the synth switch tests
(tests/engine/test_p53_Y_bent_switch.py, tests/synth/test_p52_Y_box_notes.py)."""
from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import numpy as np

from device.audio.engine import Engine, EngineConfig
from device.audio.swap import Swapper
from device.control import validate

RATE, BLOCK = 48000, 128


class SynthBox:
    """An engine (``eng``, no live input) and its loader (``swapper``, started: call ``swapper.stop()`` after)."""

    def __init__(self) -> None:
        self.eng = Engine(EngineConfig(rate=RATE, block=BLOCK, live_input=False))
        self.swapper = Swapper(self.eng, warm_s=0.02, budget=50.0).start()

    def play(self, seconds: float) -> None:
        """Run the engine ``seconds`` of blocks."""
        y = np.zeros(BLOCK, np.float32)
        for _ in range(int(round(seconds * RATE / BLOCK))):
            self.eng.process(None, y)

    def send(self, msg: dict[str, Any]) -> None:
        """Hand the engine control message ``msg`` (validated) and play 20 ms."""
        self.eng.handle(validate(msg))
        self.play(0.02)

    def load(self, path: Path) -> dict[str, Any]:
        """Load the synth pack at ``path`` and play 100 ms; the loader's answer."""
        info = self.swapper.load("synth", path)
        self.play(0.1)
        return info

    def load_cached(self, path: Path) -> dict[str, Any]:
        """``path`` again, once the loader keeps its unit at rest (the unit it let go of)."""
        end = time.monotonic() + 5.0
        while not self.swapper.cache._kept and time.monotonic() < end:
            time.sleep(0.01)
        info = self.load(path)
        assert info.get("cached") is True
        return info

    def warnings(self) -> list[str]:
        """The synth slot's warnings now."""
        return list(self.eng.status()["active"]["synth"].get("warnings", []))
