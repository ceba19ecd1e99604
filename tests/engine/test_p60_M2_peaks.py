"""The box's two peak figures (sixtieth stop, QA_B): the panel's meter (``peak_db``, the last second) and the headless
box's minute line (``peak_minute_db``, the loudest of the last minute).  Before, the minute line said the 1 s meter:
-120 dBFS 43 s after a chord that peaked at -1 dBFS, in five of its six lines."""
from __future__ import annotations

import tracemalloc

import numpy as np
import pytest

from device.audio.engine import METER_HOLD_S, PEAK_MINUTE_S, Engine, EngineConfig, SecondsPeak
from hatbox import status_line
from hatbox.status_line import status_words

RATE, BLOCK = 48000, 1024


def _engine() -> Engine:
    engine = Engine(EngineConfig(rate=RATE, block=BLOCK))
    engine.live_input = True
    return engine


def _play(engine: Engine, level: float, seconds: float) -> None:
    """``seconds`` of a square wave at ``level`` (linear peak; 0: silence) through the live input."""
    x = np.full(BLOCK, level, np.float32)
    x[::2] = -level
    y = np.zeros(BLOCK, np.float32)
    for _ in range(int(np.ceil(seconds * RATE / BLOCK))):
        engine.process(x, y)


def test_the_minute_line_says_a_chord_played_43_s_before() -> None:
    """The QA's case: a loud second, then 43 s of silence; the line still says its peak, the meter has let it go."""
    engine = _engine()
    _play(engine, 0.5, 1.0)
    _play(engine, 0.0, 43.0)
    st = engine.status()
    assert st["peak_db"] < -100.0                                  # the meter: the last second only
    assert st["peak_minute_db"] == pytest.approx(-6.0, abs=0.3)     # the minute: the chord
    line = status_words(st)
    assert "| peak -6.0 dBFS in the last 44 s |" in line, line


def test_the_minute_peak_covers_62_whole_seconds_and_then_lets_go() -> None:
    engine = _engine()
    _play(engine, 0.25, 0.5)
    _play(engine, 0.0, PEAK_MINUTE_S - 1.0)
    assert engine.status()["peak_minute_db"] == pytest.approx(-12.0, abs=0.3)   # a line 62 s after the one
    _play(engine, 0.0, 2.5)                                                     # before still has it
    assert engine.status()["peak_minute_db"] < -100.0
    assert "| peak -120.0 dBFS in the last 1 min |" in status_words(engine.status())


def test_reading_either_peak_takes_nothing_from_the_other_reader() -> None:
    """The panel's meter reads ten times a second, the headless line once a minute: neither resets the other."""
    engine = _engine()
    _play(engine, 0.5, 0.2)
    first = [engine.status() for _ in range(3)]
    assert {s["peak_db"] for s in first} == {first[0]["peak_db"]} and first[0]["peak_db"] > -7.0
    assert {s["peak_minute_db"] for s in first} == {first[0]["peak_db"]}
    _play(engine, 0.0, METER_HOLD_S + 0.1)
    later = engine.status()
    assert later["peak_db"] < -90.0 and later["peak_minute_db"] == first[0]["peak_db"]


def test_the_loudest_of_several_and_a_peak_on_a_second_s_last_block() -> None:
    held = SecondsPeak(3, 4)
    for value in (0.1, 0.2, 0.1, 0.7):        # the peak on the block that ends the second
        held.add(value)
    assert held.now == 0.0 and held.held() == 0.7
    for value in (0.3, 0.9, 0.2):
        held.add(value)
    assert held.held() == 0.9
    for _ in range(1 + 4 * 3):                # its second ends, three more of silence: the window moves on
        held.add(0.0)
    assert held.held() == 0.0


def test_the_minute_peak_keeps_62_floats_whatever_the_block_and_adds_allocate_nothing() -> None:
    """A 1 s meter's ring is 48,000 floats at a block of 1; a minute's that way would be 2.9 million, read on every
    status: the minute is kept as 62 per-second peaks, and the audio thread's add grows nothing."""
    small = Engine(EngineConfig(rate=RATE, block=1))
    assert small.loudest.loads.shape == (PEAK_MINUTE_S,) and small.loudest.per_second == RATE
    held = SecondsPeak(PEAK_MINUTE_S, 375)
    values = [float(v) for v in np.random.default_rng(1).random(20000)]
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for value in values:
            held.add(value)
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    # anything kept per add would be >= 20,000 x 24 bytes; the few hundred bytes another thread of a pytest-xdist
    # worker may allocate meanwhile are not the ring's (CI saw 578 bytes once)
    assert grown < 16384 and held.held() == max(values)        # 53 s of blocks: all in the minute


def test_the_line_words_its_span_and_an_older_box_keeps_its_meter() -> None:
    st = {"load_mean": 0.1, "xruns": 0, "peak_db": -120.0, "peak_minute_db": -1.04, "fault_count": 0,
          "active": {}, "blocks": 2000, "block": 128, "rate": 48000}
    assert "| peak -1.0 dBFS in the last 5 s |" in status_words(st)
    assert "| peak -1.0 dBFS in the last 1 min |" in status_words({**st, "blocks": 10 ** 7})
    older = {k: v for k, v in st.items() if k != "peak_minute_db"}
    assert "| peak -120.0 dBFS |" in status_words(older)
    assert status_line.PEAK_MINUTE_S == PEAK_MINUTE_S
