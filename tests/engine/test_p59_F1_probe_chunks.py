"""The load-time gain probe (device/audio/swap.calibrate_gain) runs the effect in chunks of at least 256 samples and
still measures its gain per block of the engine's block: `hatbox render --block 1` ran it one sample a call (17 s of
probe on the factory drive).  An effect's output does not depend on the chunk beyond float rounding (explicit model
state, knobs smoothed per sample; the GRU factory drive's to the bit), so the figure is the one block-by-block
processing gives."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from device.audio import swap
from device.audio.effect import EffectProcessor
from device.audio.protect import ProtectConfig, db_to_lin, max_block_gain_db
from device.audio.swap import PROBE_CHUNK, calibrate_gain, gain_probe_signal, probe_output

RATE = 48000
FACTORY_DRIVE = Path(__file__).parents[2] / "factory" / "effect-drive.hatpack"


class Drive:
    """0.5 tanh(x at +36 dB), the calls it was given counted by length."""

    def __init__(self) -> None:
        self.calls: list[int] = []

    def reset(self) -> None:
        pass

    def process(self, x: np.ndarray) -> np.ndarray:
        self.calls.append(x.shape[0])
        return (0.5 * np.tanh(db_to_lin(36.0) * x)).astype(np.float32)


@pytest.mark.parametrize("block", [1, 64, 128, 1000])
def test_the_probe_runs_in_chunks_and_measures_per_block(block: int) -> None:
    unit = Drive()
    measured = calibrate_gain(unit, block, RATE, pause=0.0)
    x = gain_probe_signal(RATE)
    n = (x.shape[0] // block) * block
    chunk = max(block, PROBE_CHUNK)
    assert set(unit.calls[:-1]) == {chunk} and len(unit.calls) == -(-n // chunk)
    floor = db_to_lin(ProtectConfig().gain_floor_db)
    assert measured == max_block_gain_db(x[:n], unit.process(x[:n]), block, floor, ProtectConfig(), RATE)
    if block < chunk:                            # per block, not per chunk: 29.73 dB at block 1, 29.85 at 256
        assert measured != max_block_gain_db(x[:n], unit.process(x[:n]), chunk, floor, ProtectConfig(), RATE)


@pytest.mark.parametrize("block", [1, 128, 512])
def test_the_loader_still_leaves_the_gil_as_often(monkeypatch: pytest.MonkeyPatch, block: int) -> None:
    """Every 4 blocks' worth of samples, as when it ran block by block (at block 1: every chunk)."""
    slept: list[float] = []
    monkeypatch.setattr(swap.time, "sleep", slept.append)
    x = gain_probe_signal(RATE)[:25600]
    probe_output(Drive(), x, block)
    per = max(4 * block, PROBE_CHUNK)
    assert len(slept) == x.shape[0] // per and set(slept) == {swap.YIELD_S}


def test_the_factory_drive_gives_the_same_output_in_chunks_as_sample_by_sample() -> None:
    """What lets the probe run in chunks: the pack's output, at each knob corner, is the same to the bit."""
    proc = EffectProcessor(FACTORY_DRIVE)
    x = gain_probe_signal(RATE)[::12][:1500]                 # a bit of each of the probe's three parts
    for setting in ({k.name: k.max for k in proc.knobs}, {k.name: k.min for k in proc.knobs}):
        proc.set_knobs(setting)
        proc.settle()
        by_sample = np.concatenate([proc.process(x[i:i + 1]) for i in range(x.shape[0])])
        proc.settle()
        np.testing.assert_array_equal(probe_output(proc, x, 1, pause=0.0), by_sample)
