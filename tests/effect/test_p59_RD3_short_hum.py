"""p59 RD3: a take of 1.0-1.4 s has no spectrum bins 0.6-1.5 Hz from a mains line, where the narrow-line guard looks
(take_checks._shoulder), so the guard did nothing there: a 1 s G1 bass note (49 Hz) was said as 50 Hz hum ("find the
ground loop").  Too short to tell a line from a note: not said; a longer take still tells them apart."""
from __future__ import annotations

import numpy as np
import pytest

from trainer.effect.take_checks import hum

RATE = 48000


def _g1_note(seconds: float) -> np.ndarray:
    t = np.arange(int(seconds * RATE)) / RATE
    x = sum(np.sin(2 * np.pi * 49.0 * k * t) / k for k in range(1, 6)) * np.exp(-t / 3) * 0.3
    return (x + 1e-4 * np.random.default_rng(1).standard_normal(t.size)).astype(np.float32)


@pytest.mark.parametrize("seconds", [1.0, 1.2, 1.5, 3.0])
def test_a_short_low_note_is_no_hum(seconds: float) -> None:
    assert hum(_g1_note(seconds), RATE) is None


def test_hum_on_a_longer_take_is_still_found() -> None:
    t = np.arange(3 * RATE) / RATE
    x = _g1_note(3.0) * 0 + 0.02 * np.sin(2 * np.pi * 1000.0 * t).astype(np.float32)
    x = x + sum(0.01 / k * np.sin(2 * np.pi * 50.0 * k * t) for k in (1, 2, 3)).astype(np.float32)
    found = hum(x.astype(np.float32), RATE)
    assert found is not None and found.mains == 50.0
