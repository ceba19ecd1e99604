"""Shared by the tests of effect pack switches on the engine's child process
(tests/engine/test_p53_N_knobless_switch.py, tests/effect/test_p52_E_knob_switches.py): the ``child`` fixture (import
it into the test module) and :func:`load`."""
from __future__ import annotations

from typing import Any, Iterator

import numpy as np
import pytest

from device.audio.alsa_io import AudioConfig
from device.audio.server import ServerConfig, _Child


@pytest.fixture
def child() -> Iterator[Any]:
    """The audio server's child (48 kHz, 128-sample periods, ALSA's file backend, no realtime), its loader stopped
    after the test."""
    c = _Child(ServerConfig(audio=AudioConfig(rate=48000, period=128), backend="file", realtime=False))
    yield c
    c.swapper.stop()


def load(child: _Child, path: str) -> list[str]:
    """Load the pack at ``path`` into the effect slot, run two blocks; the effect slot's warnings then."""
    child.request({"op": "load", "slot": "effect", "path": path})
    x, y = np.zeros(128, np.float32), np.zeros(128, np.float32)
    for _ in range(2):
        child.engine.process(x, y)
    return list(child.status()["active"]["effect"].get("warnings", []))
