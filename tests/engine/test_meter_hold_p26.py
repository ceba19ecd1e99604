"""The engine status's meters are held over the last second, for every reader (twenty-sixth stop)."""
from __future__ import annotations


def test_every_reader_of_the_status_sees_the_peak_of_the_last_second() -> None:
    """Before (twenty-sixth stop's QA): the peak was "since the last status", so the panel's ten reads a second took
    it from `hatbox demo`'s once-a-second line (it printed -120 dBFS while the box played at -2 dBFS)."""
    import numpy as np

    from device.audio.engine import METER_HOLD_S, Engine, EngineConfig
    engine = Engine(EngineConfig(rate=48000, block=128))
    x, y = np.zeros(128, np.float32), np.zeros(128, np.float32)
    engine.live_input = True
    loud = np.full(128, 0.5, np.float32)
    loud[::2] = -0.5
    engine.process(loud, y)
    first, second = engine.status(), engine.status()
    assert first["peak_db"] == second["peak_db"] > -12.0 and first["input_peak_db"] > -7.0
    for _ in range(int(METER_HOLD_S * 48000 / 128) + 1):       # a second of silence later: gone
        engine.process(x, y)
    assert engine.status()["peak_db"] < -100.0 and engine.status()["limiter_db"] == 0.0
