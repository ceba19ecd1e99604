"""The effects' runaway limit is measured when a pack loads (device/audio/swap.calibrate_gain), so a
pack's own gain over its knobs' range is not taken for a runaway model."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from device.audio.effect import EffectProcessor
from device.audio.protect import ProtectConfig, SlotGuard, db_to_lin, gain_limit_db
from device.audio.swap import calibrate_gain, gain_probe_signal, knob_corners
from export.manifest import Knob
from hatbox.cmd_demo import pluck_phrase

RATE = 48000
FACTORY_DRIVE = Path(__file__).parents[2] / "factory" / "effect-drive.hatpack"


class KnobGain:
    """A unit whose gain is its ``gain`` knob (dB) plus its ``boost`` knob (dB): y = x * 10^((g + b) / 20)."""

    def __init__(self) -> None:
        self.knobs = [Knob("gain", -12.0, 30.0, 0.0, "dB"), Knob("boost", 0.0, 6.0, 0.0, "dB")]
        self.values = {k.name: k.default for k in self.knobs}
        self.resets = 0

    def set_knobs(self, values: dict[str, float]) -> None:
        self.values.update(values)

    def reset(self) -> None:
        self.resets += 1

    def process(self, x: np.ndarray) -> np.ndarray:
        return (x * db_to_lin(self.values["gain"] + self.values["boost"])).astype(np.float32)


def test_corners_cover_every_end_of_up_to_four_knobs_and_each_end_beyond():
    two = [Knob("a", 0.0, 1.0, 0.5), Knob("b", 10.0, 20.0, 10.0)]
    corners = knob_corners(two)
    assert corners[0] == {"a": 0.5, "b": 10.0}
    assert sorted(map(lambda c: tuple(sorted(c.items())), corners[1:])) == sorted(
        tuple(sorted({"a": a, "b": b}.items())) for a in (0.0, 1.0) for b in (10.0, 20.0))
    five = [Knob(n, 0.0, 1.0, 0.5) for n in "abcde"]
    corners = knob_corners(five)
    assert len(corners) == 1 + 10 + 2
    assert {"a": 1.0, "b": 0.5, "c": 0.5, "d": 0.5, "e": 0.5} in corners and {n: 1.0 for n in "abcde"} in corners
    assert knob_corners([]) == [{}]


def test_calibration_finds_the_loudest_corner_and_leaves_the_unit_at_its_defaults():
    unit = KnobGain()
    assert calibrate_gain(unit, 128, RATE) == pytest.approx(36.0, abs=0.01)     # gain 30 + boost 6
    assert unit.values == {"gain": 0.0, "boost": 0.0} and unit.resets == len(knob_corners(unit.knobs)) + 1


def test_the_probe_signal_decays_from_minus_6_dbfs_by_60_db():
    x = gain_probe_signal(RATE)
    third = x.shape[0] // 3
    assert x.shape == (3 * int(0.2 * RATE),) and x.dtype == np.float32
    assert 0.45 < np.max(np.abs(x)) <= 0.5
    assert np.max(np.abs(x[third - 480:third])) < 0.5 * 10 ** (-55 / 20)


def test_the_factory_drive_at_full_drive_is_not_a_runaway_once_measured():
    """The case `hatbox demo` hit: the factory drive's knob goes to 24 dB, and on the quiet tail of a
    pluck its output was more than 18 dB (the old fixed limit) over its input, so the engine bypassed it."""
    cfg = ProtectConfig()
    proc = EffectProcessor(FACTORY_DRIVE)
    limit = gain_limit_db(calibrate_gain(proc, 128, RATE, cfg), cfg)
    assert cfg.gain_max_db < limit < cfg.gain_cap_db
    x = pluck_phrase(30.0, RATE)
    proc.set_knobs({"drive": 24.0})
    proc.reset()
    fixed, measured = SlotGuard(RATE, cfg), SlotGuard(RATE, cfg)
    faults_fixed = faults_measured = 0
    for s in range(0, x.shape[0] - 127, 128):
        xb = x[s:s + 128]
        y = proc.process(xb)
        faults_fixed += fixed.check(y, xb) is not None
        faults_measured += measured.check(y, xb, gain_max=db_to_lin(limit)) is not None
    assert faults_fixed >= 1            # the old rule bypasses the effect here
    assert faults_measured == 0


def test_the_gear_gain_a_pack_declares_raises_its_limit_when_the_probe_finds_less():
    from types import SimpleNamespace

    from device.audio.swap import effect_gain_limit
    unit = KnobGain()
    unit.knobs = []                                         # a 0 dB unit: the probe finds 0 dB
    info = effect_gain_limit(unit, SimpleNamespace(metrics={"gear_max_gain_db": 23.0}), 128, RATE)
    assert info["gain_measured_db"] == pytest.approx(0.0, abs=0.01) and info["gain_gear_db"] == 23.0
    assert info["gain_max_db"] == pytest.approx(29.0) and info["gain_max"] == pytest.approx(db_to_lin(29.0))
    older = effect_gain_limit(unit, SimpleNamespace(metrics={}), 128, RATE)          # packs from before the metric
    assert older["gain_gear_db"] is None and older["gain_max_db"] == 18.0
    forged = effect_gain_limit(unit, SimpleNamespace(metrics={"gear_max_gain_db": 500.0}), 128, RATE)
    assert forged["gain_max_db"] == 40.0                    # the cap holds whatever a manifest says


def test_the_trainer_measures_the_gears_gain_over_its_pairs():
    from trainer.effect.data import EffectData, Pair
    from trainer.effect.train import gear_max_gain_db
    x = (0.01 * np.sin(np.arange(RATE) * 0.05)).astype(np.float32)
    pairs = [Pair("a", x, 4 * x, {}, 0), Pair("b", x, 10 * x, {}, 0), Pair("c", x, 0.001 * x, {}, 0)]
    assert gear_max_gain_db(EffectData(RATE, [], pairs)) == pytest.approx(20.0, abs=0.05)
    assert gear_max_gain_db(EffectData(RATE, [], pairs[2:])) is None           # never above the guard's floor
