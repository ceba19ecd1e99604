"""p53 QA #2: `/hatbox/panic` with a guitar playing through the factory drive (drive 24 dB, tone 8000 Hz) dipped the
live signal about 6 dB for ~75 ms: the effect faded to its dry input, reset, and its knobs glided back from rest.
Panic is for stuck notes and runaway sound: an effect that is playing a live input is left alone (a second panic
within 2 s clears it: tests/engine/test_p53_M1_panic_again.py); one that sounds on with no live input (a delay's or
reverb's tail) is still reset (tests/engine/test_panic_effects_p20.py)."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from device.audio.engine import Engine, EngineConfig
from device.control import validate
from tests.engine.helpers import RATE, tone

BLOCK = 128
FACTORY = Path(__file__).parents[2] / "factory"
WINDOW = int(0.005 * RATE)          # RMS per 5 ms


def _drive_engine() -> Engine:
    from device.audio.swap import build_unit
    from export.pack import read_pack
    unit = build_unit(read_pack(FACTORY / "effect-drive.hatpack"), "effect", RATE)
    unit.settle()
    unit.set_knob("drive", 24.0)
    unit.set_knob("tone", 8000.0)
    engine = Engine(EngineConfig(rate=RATE, block=BLOCK))
    engine.slots["effect"].unit, engine.slots["effect"].info = unit, {"name": "hatbox-drive"}
    return engine


def _play(x: np.ndarray, panic_block: int | None) -> np.ndarray:
    engine, y = _drive_engine(), np.zeros_like(x)
    for b, s in enumerate(range(0, x.shape[0], BLOCK)):
        if b == panic_block:
            engine.handle(validate({"op": "panic"}))
        engine.process(x[s:s + BLOCK], y[s:s + BLOCK])
    return y


def _rms_db(y: np.ndarray) -> np.ndarray:
    """dBFS per 5 ms window of ``y`` [N]."""
    n = y.shape[0] // WINDOW
    frames = y[:n * WINDOW].astype(np.float64).reshape(n, WINDOW)
    return 20.0 * np.log10(np.sqrt(np.mean(frames ** 2, axis=1)) + 1e-12)


def test_a_panic_leaves_a_guitar_playing_through_the_factory_drive_alone() -> None:
    x = tone(0.8, 220.0, 0.3)                              # a held note on the live input
    at = int(0.4 * RATE) // BLOCK                          # the panic, after the knobs' glide is over
    plain, panicked = _play(x, None), _play(x, at)
    start = at * BLOCK // WINDOW
    dip = _rms_db(plain)[start:start + 30] - _rms_db(panicked)[start:start + 30]     # 150 ms from the panic on
    assert float(np.max(dip)) < 0.1, f"the live signal dipped {np.max(dip):.1f} dB after a panic"
    np.testing.assert_allclose(panicked, plain, atol=1e-6)


class _Counting:
    """An effect unit (passes its input through) that counts its resets."""

    def __init__(self) -> None:
        self.resets = 0

    def reset(self) -> None:
        self.resets += 1

    def process(self, x: np.ndarray) -> np.ndarray:
        return x.copy()


def test_a_panic_still_restarts_an_effect_whose_live_input_is_only_hiss() -> None:
    """A -70 dBFS hiss (an idle guitar cable) is no one playing: the effect's tail is cleared as before."""
    hiss = (10 ** (-70 / 20) * np.sqrt(3) * np.random.default_rng(2).uniform(-1, 1, BLOCK)).astype(np.float32)
    unit = _Counting()
    engine = Engine(EngineConfig(rate=RATE, block=BLOCK))
    engine.slots["effect"].unit, engine.slots["effect"].info = unit, {"name": "counting", "gain_max": 1e6}
    clock = [100.0]
    engine.clock = lambda: clock[0]                 # (a second panic within 2 s clears whatever the input)
    y = np.zeros(BLOCK, np.float32)
    for _ in range(24):                             # the engine judges the last ~50 ms of the input
        engine.process(hiss, y)
    engine.handle(validate({"op": "panic"}))
    for _ in range(4):
        engine.process(hiss, y)
    assert unit.resets == 1
    soft = tone(0.1, 220.0, 0.01)                   # -43 dBFS: someone playing softly
    for s in range(0, soft.shape[0] - BLOCK + 1, BLOCK):
        engine.process(soft[s:s + BLOCK], y)
    clock[0] += 5.0
    engine.handle(validate({"op": "panic"}))
    for _ in range(4):
        engine.process(soft[:BLOCK], y)
    assert unit.resets == 1
