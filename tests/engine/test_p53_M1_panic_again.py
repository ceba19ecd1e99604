"""p53 review of the panic that leaves a played effect alone: a runaway effect (a self-oscillating loop 16 dB over
its input, under the slot guard's limit) stayed at -12.9 dBFS through a panic, and MIDI cannot bypass.  A second
panic within engine.PANIC_AGAIN_S of the one before clears the effect whatever the input; the log says when a
panic left a played effect alone.  And the live input is judged as the effect gets it (input gain, a capture
session's mute) over the last ~50 ms, not over the one raw block the panic came in."""
from __future__ import annotations

import logging

import numpy as np
import pytest

from device.audio.capture import InputMute
from device.audio.engine import PANIC_AGAIN_S, Engine, EngineConfig
from device.control import validate
from tests.engine.helpers import RATE, tone


class _Loud:
    """An effect unit 16 dB over its input (a runaway loop the guard lets by: its gain_max is huge); counts resets."""

    def __init__(self) -> None:
        self.resets = 0

    def reset(self) -> None:
        self.resets += 1

    def process(self, x: np.ndarray) -> np.ndarray:
        return (x * np.float32(10 ** (16 / 20))).astype(np.float32)


class _Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _engine(block: int = 128, gain_db: float = 0.0) -> tuple[Engine, _Loud, _Clock]:
    engine, unit, clock = Engine(EngineConfig(rate=RATE, block=block, input_gain_db=gain_db)), _Loud(), _Clock()
    engine.slots["effect"].unit, engine.slots["effect"].info = unit, {"name": "loop", "gain_max": 1e6}
    engine.clock = clock
    return engine, unit, clock


def _run(engine: Engine, x: np.ndarray) -> None:
    block = engine.cfg.block
    y = np.zeros(block, np.float32)
    for s in range(0, x.shape[0] - block + 1, block):
        engine.process(x[s:s + block], y)


def _panic(engine: Engine) -> None:
    engine.handle(validate({"op": "panic"}))


def _said(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.getMessage().startswith("panic left")]


def test_a_second_panic_within_2_s_clears_a_runaway_effect_the_guitar_plays_through(
        caplog: pytest.LogCaptureFixture) -> None:
    engine, unit, clock = _engine()
    guitar = tone(0.4, 220.0, 0.1)                                      # -23 dBFS RMS
    _run(engine, guitar)
    with caplog.at_level(logging.INFO, logger="hatbox.engine"):
        _panic(engine)
        _run(engine, guitar)
        assert unit.resets == 0                                         # the first is left alone, and said
        assert _said(caplog) == ["panic left the effect playing: the live input is at -23.0 dBFS; "
                                 "panic again to reset it"]
        clock.now += PANIC_AGAIN_S - 0.5
        _panic(engine)
        _run(engine, guitar)
    assert unit.resets == 1
    assert len(_said(caplog)) == 1


def test_panics_further_apart_each_leave_it_playing(caplog: pytest.LogCaptureFixture) -> None:
    engine, unit, clock = _engine()
    guitar = tone(0.2, 220.0, 0.1)
    with caplog.at_level(logging.INFO, logger="hatbox.engine"):
        for _ in range(3):
            _run(engine, guitar)
            _panic(engine)
            clock.now += PANIC_AGAIN_S + 0.5
        _run(engine, guitar)
    assert unit.resets == 0 and len(_said(caplog)) == 3


@pytest.mark.parametrize("apart_s", [0.001, 0.008])
def test_cc120_on_all_16_channels_is_one_panic(caplog: pytest.LogCaptureFixture, apart_s: float) -> None:
    """A DAW's panic button sends CC 120 on every channel: one press, not a second panic; also 8 ms apart (CC 120
    with its note-offs over DIN MIDI: 120 ms in all): the burst's window slides on with each panic (final read:
    measured from the first, the later channels reset the effect)."""
    engine, unit, clock = _engine()
    guitar = tone(0.2, 220.0, 0.1)
    _run(engine, guitar)
    with caplog.at_level(logging.INFO, logger="hatbox.engine"):
        for _ in range(16):
            _panic(engine)
            clock.now += apart_s
        _run(engine, guitar)
    assert unit.resets == 0 and len(_said(caplog)) == 1
    clock.now += 0.5                                          # a real second press, after the burst: resets it
    _panic(engine)
    _run(engine, guitar)
    assert unit.resets == 1


def test_a_panic_with_no_one_playing_clears_at_once_and_says_nothing(caplog: pytest.LogCaptureFixture) -> None:
    engine, unit, _clock = _engine()
    _run(engine, np.zeros(RATE // 10, np.float32))
    with caplog.at_level(logging.INFO, logger="hatbox.engine"):
        _panic(engine)
        _run(engine, np.zeros(RATE // 10, np.float32))
    assert unit.resets == 1 and _said(caplog) == []


@pytest.mark.parametrize("raw_db, gain_db, cleared", [(-40.0, -20.0, True), (-60.0, 20.0, False)],
                         ids=["turned down to -60", "turned up to -40"])
def test_the_input_is_judged_after_the_input_gain(raw_db: float, gain_db: float, cleared: bool) -> None:
    engine, unit, _clock = _engine(gain_db=gain_db)
    played = tone(0.4, 220.0, 10 ** (raw_db / 20) * np.sqrt(2))
    _run(engine, played[:RATE // 4])
    _panic(engine)
    _run(engine, played[RATE // 4:])
    assert unit.resets == int(cleared)


def test_a_guitar_muted_by_a_capture_session_is_no_one_playing() -> None:
    engine, unit, _clock = _engine()
    engine.input_mute = InputMute(RATE)
    engine.input_mute.hold()                                           # a capture: the live input fades out
    _run(engine, tone(0.3, 220.0, 0.3))
    _panic(engine)
    _run(engine, tone(0.05, 220.0, 0.3))
    assert unit.resets == 1


def test_a_soft_low_e_is_judged_over_the_last_50_ms_not_one_block_at_its_zero_crossing() -> None:
    """An 82.4 Hz wave at -46 dBFS RMS: a 64-sample block around its zero crossing reads ~-57 dBFS."""
    block = 64
    x = tone(1.0, 82.41, 10 ** (-46 / 20) * np.sqrt(2))
    blocks = x[:x.shape[0] // block * block].reshape(-1, block).astype(np.float64)
    rms_db = 10 * np.log10(np.mean(blocks ** 2, axis=1))
    at = int(np.flatnonzero(rms_db[RATE // 2 // block:] < -52.0)[0]) + RATE // 2 // block
    engine, unit, _clock = _engine(block=block)
    _run(engine, x[:at * block])
    _panic(engine)
    _run(engine, x[at * block:])
    assert unit.resets == 0
