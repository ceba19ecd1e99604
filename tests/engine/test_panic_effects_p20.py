"""Panic (MIDI CC 120) clears the effect's state too (p20): a delay's tail stopped ringing only for the
sources, the effect kept repeating what it had heard.  The control thread only raises a flag; the audio
thread fades the effect to its dry input, resets it at a block boundary and fades it back in."""
from __future__ import annotations

import threading
from typing import Any

import mido
import numpy as np

from device.audio.engine import Engine, EngineConfig
from device.control import validate
from device.midi import MidiMap
from tests.engine.helpers import RATE

BLOCK = 128
PANIC_FADE_S = 0.005            # the effect's fade to dry and back (docs/engine.md, engine.PANIC_FADE_S)
DELAY = 2400                    # 50 ms echo, fed back at 0.9: rings for seconds


class _Echo:
    """A stateful effect: y[n] = x[n] + 0.9 * y[n - DELAY] (a feedback delay), as an effect unit
    (``process``, ``reset``); records the thread of each reset."""

    def __init__(self) -> None:
        self.line = np.zeros(DELAY, np.float64)
        self.pos = 0
        self.reset_threads: list[int] = []

    def reset(self) -> None:
        self.line[:] = 0.0
        self.reset_threads.append(threading.get_ident())

    def process(self, x: np.ndarray) -> np.ndarray:
        y = np.empty(x.shape[0], np.float32)
        for i, v in enumerate(x):
            out = float(v) + 0.9 * self.line[self.pos]
            self.line[self.pos] = out
            self.pos = (self.pos + 1) % DELAY
            y[i] = out
        return y


def _engine(unit: Any) -> Engine:
    engine = Engine(EngineConfig(rate=RATE, block=BLOCK))
    engine.slots["effect"].unit, engine.slots["effect"].info = unit, {"name": "echo", "gain_max": 1e6}
    return engine


def _play(engine: Engine, x: np.ndarray, events: dict[int, list[dict[str, Any]]]) -> np.ndarray:
    """Run ``x`` block by block; ``events[block index]``: messages handled from another (control) thread
    before that block."""
    y = np.zeros_like(x)
    for b, s in enumerate(range(0, x.shape[0], BLOCK)):
        for msg in events.get(b, []):
            t = threading.Thread(target=engine.handle, args=(validate(msg),))
            t.start()
            t.join()
        engine.process(x[s:s + BLOCK], y[s:s + BLOCK])
    return y


def _burst(seconds: float) -> np.ndarray:
    """A 20 ms 0.08 noise burst (quiet enough that its echoes stay under the slot guard's -24 dBFS
    floor on a silent input), then silence (the live input)."""
    x = np.zeros(int(seconds * RATE), np.float32)
    x[:960] = 0.08 * np.random.default_rng(1).uniform(-1, 1, 960)
    return x


def test_cc120_stops_an_effects_tail_within_a_few_ms_reset_on_the_audio_thread() -> None:
    x = _burst(0.6)
    at = int(0.3 * RATE) // BLOCK                             # the panic arrives before this block
    panic = MidiMap().translate(mido.Message("control_change", control=120, value=0))
    assert panic == [{"op": "panic"}]
    ringing = _play(_engine(_Echo()), x, {})
    assert np.max(np.abs(ringing[int(0.5 * RATE):])) > 0.01   # without a panic it rings on

    echo = _Echo()
    engine = _engine(echo)
    y = _play(engine, x[:at * BLOCK], {})
    engine.handle(validate(panic[0]))                          # the control side: a flag, no reset
    assert echo.reset_threads == []
    y = np.concatenate([y, _play(engine, x[at * BLOCK:], {})])
    assert echo.reset_threads == [threading.get_ident()]       # once, on the thread that runs process()
    start = at * BLOCK
    fade = int(round(PANIC_FADE_S * RATE))
    reset_at = start + -(-fade // BLOCK) * BLOCK               # the block boundary after the fade
    assert reset_at - start <= fade + BLOCK
    tail = y[reset_at:]                                        # silent from the reset on: all that is left
    assert np.max(np.abs(tail)) < 1e-3                         # is the output stage's DC tracker settling,
    assert np.max(np.abs(np.diff(tail))) < 1e-6                # a slow glide under -60 dBFS
    assert np.max(np.abs(ringing[reset_at:])) > 0.02
    before = np.max(np.abs(np.diff(y[start - 2400:start])))
    assert np.max(np.abs(np.diff(y[start - 1:reset_at + fade]))) <= before     # a fade, no step
    np.testing.assert_array_equal(y[:start], ringing[:start])


def test_a_panic_fades_to_the_live_input_and_back_through_the_restarted_effect() -> None:
    """A live signal keeps sounding: dry while the effect restarts, then through it from rest (the effect
    slot's own output, before the engine's output stage)."""
    t = np.arange(int(0.4 * RATE)) / RATE
    x = (0.2 * np.sin(2 * np.pi * 220 * t)).astype(np.float32)
    slot = _engine(_Echo()).slots["effect"]
    at = int(0.2 * RATE) // BLOCK
    y = np.zeros_like(x)
    for b, s in enumerate(range(0, x.shape[0], BLOCK)):
        if b == at:
            slot.clear()                                       # what process() does on the panic flag
        slot.run(x[s:s + BLOCK], y[s:s + BLOCK])
    start, fade = at * BLOCK, int(round(PANIC_FADE_S * RATE))
    reset_at = start + -(-fade // BLOCK) * BLOCK
    np.testing.assert_allclose(y[start + fade:reset_at], x[start + fade:reset_at], atol=1e-6)   # dry
    fresh = _Echo()                                            # what a just-reset echo plays from the reset on
    ref = np.concatenate([fresh.process(x[s:s + BLOCK]) for s in range(reset_at, x.shape[0], BLOCK)])
    from device.audio.protect import DcBlocker
    from device.audio.slot import EFFECT_DC_HZ
    ref = DcBlocker(RATE, EFFECT_DC_HZ).process(ref.astype(np.float32))   # the slot's blocker restarts with it
    np.testing.assert_allclose(y[reset_at + fade:], ref[fade:], atol=1e-5)
    d = np.abs(np.diff(y[start - 1:reset_at + fade + 1]))
    assert d.max() < 1.5 * np.abs(np.diff(y[:start])).max()    # the fades do not step


def test_a_panic_during_a_swap_clears_both_effects_and_leaves_the_sources_alone() -> None:
    old, new = _Echo(), _Echo()
    engine = _engine(old)
    x = _burst(0.2)
    _play(engine, x[:4800], {})
    engine.install("effect", new, {"name": "echo2", "gain_max": 1e6})
    engine.handle({"op": "panic"})
    y = np.zeros(BLOCK, np.float32)
    for _ in range(4):
        engine.process(np.zeros(BLOCK, np.float32), y)
    assert len(old.reset_threads) == 1 and len(new.reset_threads) == 1
    assert engine.slots["synth"].unit is None and engine.slots["sampler"].unit is None


def test_all_notes_off_still_leaves_the_effect_alone() -> None:
    echo = _Echo()
    x = _burst(0.3)
    y = _play(_engine(echo), x, {20: [{"op": "all_notes_off"}]})
    assert echo.reset_threads == []
    np.testing.assert_array_equal(y, _play(_engine(_Echo()), x, {}))


def test_the_fade_is_the_documented_5_ms() -> None:
    from device.audio import engine
    assert engine.PANIC_FADE_S == PANIC_FADE_S


def test_an_effect_processor_handed_a_panic_resets_at_its_next_block_not_on_the_callers_thread() -> None:
    """EffectProcessor.handle(panic) reset the model's state on the calling (control) thread, racing a block
    being processed; now it only marks it, and the next process() starts from the rest state."""
    from pathlib import Path

    from device.audio.effect import EffectProcessor
    unit = EffectProcessor(Path(__file__).resolve().parents[2] / "factory" / "effect-drive.hatpack")
    t = np.arange(2400) / RATE
    unit.process((0.5 * np.sin(2 * np.pi * 110 * t)).astype(np.float32))
    played = unit.model.snapshot()
    rest = EffectProcessor(unit.pack)                          # a fresh one, at rest
    unit.handle({"op": "panic"})
    assert all(np.array_equal(played[k], v) for k, v in unit.model.snapshot().items())   # untouched here
    block = np.zeros(128, np.float32)
    np.testing.assert_allclose(unit.process(block), rest.process(block), atol=1e-6)
