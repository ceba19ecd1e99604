"""A take the file backend ends by itself (the end of ``--input``, the end of ``--seconds``) glides to silence in its
last blocks and keeps its exact length (p58 QA Q1, finding 2: a 0.8 sine ended on 0.7933, a click when played;
only a stop - Ctrl-C, SIGTERM, the API - faded)."""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from device.audio.alsa_io import AudioConfig, FileIO, run_loop
from device.audio.engine import Engine, EngineConfig

from tests.engine.helpers import RATE, max_step

BLOCK = 128
MS = RATE // 1000


def _sine(seconds: float, amp: float = 0.8, freq: float = 1000.0) -> np.ndarray:
    """[seconds x RATE] float32: a sine at ``amp`` (linear) and ``freq`` Hz, full level from its first sample."""
    return (amp * np.sin(2 * np.pi * freq * np.arange(int(seconds * RATE)) / RATE)).astype(np.float32)


class Taken(FileIO):
    """The file backend, keeping every written block in memory (no file)."""

    def __init__(self, audio: np.ndarray | None, block: int = BLOCK) -> None:
        super().__init__(AudioConfig(rate=RATE, period=block, periods=3), audio)
        self.got: list[np.ndarray] = []

    def write(self, buf: np.ndarray) -> bool:
        self.got.append(buf.copy())
        return super().write(buf)

    def take(self) -> np.ndarray:
        return np.concatenate(self.got)


def _ends_in_silence(y: np.ndarray, own_step: float) -> None:
    """The take ends on exactly 0, its last millisecond is the glide's last tenth (the glide falls over the last
    10 ms, p58 R1), the glide has no step larger than the signal's own, and the level 30 ms before the end is still
    the signal's (the glide is in the last ~10 ms only)."""
    assert y[-1] == 0.0 and np.max(np.abs(y[-MS:])) < 0.1, y[-4:]
    assert max_step(y[-40 * MS:]) <= own_step * 1.05
    assert np.max(np.abs(y[-30 * MS:-20 * MS])) > 0.7


def test_the_end_of_the_input_glides_to_silence_and_the_take_keeps_its_length() -> None:
    x = _sine(0.2)                                              # 9600 samples: 75 whole blocks
    io = Taken(x)
    res = run_loop(Engine(EngineConfig(rate=RATE, block=BLOCK)), io)
    y = io.take()
    assert y.shape[0] == x.shape[0] == io.written and res["blocks"] == 75 and io.exhausted
    _ends_in_silence(y, max_step(x))
    assert res["fade_blocks"] >= 1


def test_an_input_of_part_blocks_ends_faded_at_its_last_whole_block() -> None:
    x = _sine(0.1, freq=440.0)                                  # 4800 samples: 37.5 blocks, the take has 38
    io = Taken(x)
    res = run_loop(Engine(EngineConfig(rate=RATE, block=BLOCK)), io)
    y = io.take()
    assert res["blocks"] == 38 and y.shape[0] == 38 * BLOCK
    assert np.max(np.abs(y[x.shape[0] - 40 * MS:x.shape[0] - 30 * MS])) > 0.7
    assert y[x.shape[0] - 1] == 0.0 and np.max(np.abs(y[x.shape[0] - MS:x.shape[0]])) < 0.1   # 0 at the input's end
    assert np.all(y[x.shape[0]:] == 0.0) and max_step(y) <= max_step(x) * 1.05


def test_the_end_of_seconds_glides_to_silence_and_the_take_is_exactly_that_long() -> None:
    io = Taken(_sine(1.0, amp=0.3, freq=220.0))
    res = run_loop(Engine(EngineConfig(rate=RATE, block=BLOCK)), io, seconds=0.25)
    y = io.take()
    assert res["blocks"] == round(0.25 * RATE / BLOCK) and y.shape[0] == res["blocks"] * BLOCK
    assert y[-1] == 0.0 and np.max(np.abs(y[-MS:])) < 0.1 * 0.3
    assert max_step(y[-40 * MS:]) <= max_step(_sine(0.1, 0.3, 220.0)) * 1.05
    assert np.max(np.abs(y[-30 * MS:-20 * MS])) > 0.25


def test_large_blocks_glide_too() -> None:
    x = _sine(0.2, freq=220.0)
    io = Taken(x, block=1024)
    run_loop(Engine(EngineConfig(rate=RATE, block=1024)), io)
    y = io.take()
    assert y.shape[0] == -(-x.shape[0] // 1024) * 1024 and np.max(np.abs(y[-MS:])) < 1e-3
    assert max_step(y) <= max_step(x) * 1.05


def test_a_cued_input_fades_at_its_own_end_not_while_it_waits() -> None:
    """``wait_for_cue``: silence until the cue, then the input from its start; the glide comes at the input's end."""
    x = _sine(0.1, freq=440.0)
    io, cue = Taken(x), SimpleNamespace(value=False)
    io.wait_for_cue(cue)
    res = run_loop(Engine(EngineConfig(rate=RATE, block=BLOCK)), io,
                   on_block=lambda k: setattr(cue, "value", k >= 20))
    y = io.take()
    assert res["blocks"] == 20 + 38 and np.max(np.abs(y[:20 * BLOCK])) == 0.0
    assert np.max(np.abs(y[20 * BLOCK + 40 * MS:20 * BLOCK + 60 * MS])) > 0.7
    assert np.max(np.abs(y[-MS:])) < 1e-3 and max_step(y) <= max_step(x) * 1.05


def test_a_take_shorter_than_the_glide_ends_on_zero() -> None:
    io = Taken(_sine(0.008))                                      # 384 samples: three blocks, under the 10 ms glide
    run_loop(Engine(EngineConfig(rate=RATE, block=BLOCK)), io)
    y = io.take()
    assert y.shape[0] == 3 * BLOCK and y[-1] == 0.0 and np.max(np.abs(y[-32:])) < 0.1 * 0.8
    assert np.max(np.abs(y)) > 0.1                                # not silent throughout (p58 R1; see test_p58_M2)


def test_what_the_output_stage_holds_glides_away_too() -> None:
    """The engine's glide is ahead of the output stage; what the stage adds on its own (the DC blocker's tracked
    mean after an input with an offset, the correction of a limiter's DC after a loud uneven wave) would be left
    standing at the end (-0.3 after a 0.3 offset, +0.03 after the drive's square): it glides to 0 with the rest."""
    t = np.arange(int(0.5 * RATE)) / RATE
    offset = (0.3 + 0.3 * np.sin(2 * np.pi * 220.0 * t)).astype(np.float32)
    s = np.sin(2 * np.pi * 110.0 * t)
    uneven = (2.0 * (s + 0.6 * s ** 2 * np.sign(s + 1.0) - 0.3)).astype(np.float32)
    for x in (offset, uneven):
        io = Taken(x)
        run_loop(Engine(EngineConfig(rate=RATE, block=BLOCK)), io)
        y = io.take()
        assert y[-1] == 0.0 and np.max(np.abs(y[-MS:])) < 1e-3 and max_step(y[-20 * MS:]) < 0.2


def test_a_stopped_take_ends_on_zero_after_an_offset() -> None:
    """Stopped (Ctrl-C, SIGTERM, the API: ``stop``), the blocks run after it glide what the stage holds away too."""
    import threading

    t = np.arange(RATE) / RATE
    io, stop = Taken((0.3 + 0.3 * np.sin(2 * np.pi * 220.0 * t)).astype(np.float32)), threading.Event()
    res = run_loop(Engine(EngineConfig(rate=RATE, block=BLOCK)), io, stop=stop,
                   on_block=lambda k: k >= 100 and stop.set())
    y = io.take()
    assert res["blocks"] == 100 + res["fade_blocks"] and y[-1] == 0.0 and max_step(y[-20 * MS:]) < 0.2
