"""p59 Q1 6 (render part): a +60 dBFS input through the factory drive was said to be "over 36.6 dB above its input";
the output was at the input's level and what tripped was the guard's absolute peak rule.  The guard records which
rule made a "runaway" (device.audio.protect.Tripped), the engine's faults carry it, and render's warning, the
terminal's and the box log's line name it with its figures (device.ui.faults.runaway_words)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from device.audio.protect import GAIN, PEAK, RISING, RUNAWAY, TAIL, ProtectConfig, SlotGuard

FACTORY_DRIVE = Path(__file__).resolve().parents[2] / "factory" / "effect-drive.hatpack"
RATE = 48_000


def test_the_guard_says_which_rule_tripped() -> None:
    g = SlotGuard(RATE)
    x = np.full(128, 1000.0, np.float32)                                 # +60 dBFS in, the same out
    assert g.check(x.copy(), x) == RUNAWAY
    assert (g.tripped.rule, round(g.tripped.out_db, 1), round(g.tripped.in_db, 1), g.tripped.limit_db) == \
        (PEAK, 60.0, 60.0, 12.0)
    src = SlotGuard(RATE)
    assert src.check(np.full(64, 5.0, np.float32)) == RUNAWAY and src.tripped.in_db is None     # a source: no input
    g = SlotGuard(RATE)
    x = np.full(128, 0.01, np.float32)                                   # -40 dBFS in, -10 out: 30 dB over 18 dB
    assert g.check(30.0 * x, x) == RUNAWAY
    assert g.tripped.rule == GAIN and round(g.tripped.out_db - g.tripped.in_db, 1) == 29.5
    assert round(g.tripped.limit_db, 1) == 18.0


@pytest.mark.parametrize("rising", [False, True])
def test_a_tail_too_long_or_rising_is_told_from_gain(rising: bool) -> None:
    g = SlotGuard(RATE, ProtectConfig(tail_s=20.0 if rising else 0.5))
    sign = np.where(np.arange(480) % 2 == 0, 1.0, -1.0).astype(np.float32)     # a square at 24 kHz: no DC
    loud, quiet = 0.5 * sign, np.zeros(480, np.float32)
    assert g.check(loud.copy(), loud) is None
    fault, level = None, 0.1
    for _ in range(600):                                                 # a tail over a silent input, 10 ms blocks
        level *= 1.005 if rising else 1.0
        fault = g.check(level * sign, quiet)
        if fault:
            break
    assert fault == RUNAWAY and g.tripped.rule == (RISING if rising else TAIL)


def test_the_words_for_each_rule() -> None:
    from device.ui.faults import runaway_words
    hot = {"reason": "runaway", "rule": "peak", "out_db": 60.0, "in_db": 60.0, "limit_db": 12.0}
    assert runaway_words(hot) == (": it peaked at +60.0 dBFS, over +12 dBFS, the box's limit for any output; its "
                                  "input peaked at +60.0 dBFS, over that limit itself: turn the input down")
    assert runaway_words({**hot, "in_db": -20.0}).endswith("any output (its input peaked at -20.0 dBFS)")
    assert runaway_words({**hot, "in_db": None}).endswith("the box's limit for any output")
    gain = {"reason": "runaway", "rule": "gain", "out_db": -10.0, "in_db": -40.0, "limit_db": 36.6}
    assert runaway_words(gain) == (": it was 30.0 dB louder than its input: over 36.6 dB above its input, the box's "
                                   "limit for this pack")
    assert "on a silent input" in runaway_words({**gain, "in_db": -120.0})
    assert "rising (feedback)" in runaway_words({**gain, "rule": "rising"})
    for said_nothing in ({"reason": "runaway"}, {**hot, "reason": "dc"}, {**hot, "out_db": "x"},
                         {**hot, "out_db": float("nan")}, {**gain, "rule": "other"}):
        assert runaway_words(said_nothing) == ""                         # an older engine's fault: words as before


def test_render_of_a_60_dbfs_input_names_the_peak_rule_not_the_gain(tmp_path: Path) -> None:
    from device.audio import audiofile
    from device.audio.effect import render_file
    x = (1000.0 * np.sin(np.arange(RATE // 4) * 2 * np.pi * 220 / RATE)).astype(np.float32)
    src = audiofile.write(tmp_path / "hot.wav", x, RATE)
    said = "\n".join(render_file(FACTORY_DRIVE, src, tmp_path / "out.wav"))
    assert "its output ran away (far too loud): it peaked at +" in said, said
    assert "over +12 dBFS, the box's limit for any output; its input peaked at +60.0 dBFS, over that limit itself" \
        in said, said
    assert "above its input" not in said


def test_render_of_a_gain_runaway_names_the_gain_rule(tmp_path: Path) -> None:
    from device.audio import audiofile
    from device.audio.effect import render_file
    from tests.effect.test_p52_E_gain_guard import quiet_boost_pack
    n = 94 * 128
    x = np.concatenate([np.zeros(n), 0.0005 * np.sin(np.arange(n) * 0.05)]).astype(np.float32)
    src = audiofile.write(tmp_path / "di.wav", x, RATE)
    said = "\n".join(render_file(quiet_boost_pack(tmp_path / "q.hatpack"), src, tmp_path / "out.wav"))
    assert "its output ran away (far too loud): it was " in said
    assert " dB louder than its input: over 40 dB above its input, the box's limit for this pack" in said, said


class _Loud:
    """An effect unit that plays its input 100 times over: a +20 dBFS output for a -20 dBFS input."""

    faults = 0

    def process(self, x: np.ndarray) -> np.ndarray:
        return 100.0 * x

    def reset(self) -> None:
        pass


def test_the_engines_fault_carries_the_rule_and_the_log_line_says_it() -> None:
    from device.audio.engine import Engine, EngineConfig
    from hatbox.status_watch import fault_line
    engine = Engine(EngineConfig(rate=RATE, block=128))
    engine.install("effect", _Loud(), {"name": "Drive", "path": "drive.hatpack"})
    x, y = np.full(128, 0.1, np.float32), np.zeros(128, np.float32)
    for _ in range(40):
        engine.process(x, y)
    fault = engine.status()["faults"][-1]
    assert (fault["reason"], fault["rule"], fault["out_db"], fault["in_db"], fault["limit_db"]) == \
        ("runaway", "peak", 20.0, -20.0, 12.0)
    assert ("effect 'Drive' bypassed: the model's output ran away (far too loud): it peaked at +20.0 dBFS, over "
            "+12 dBFS, the box's limit for any output (its input peaked at -20.0 dBFS); it stays bypassed") \
        in fault_line(fault)
