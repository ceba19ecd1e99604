"""Forty-first stop (live QA): an effect's DC (the factory drive's follows its input and knobs: -0.05 on a chord at
24 dB, +0.13 on a clipped input) reached the output stage's 2 Hz blocker only after the volume, so every bypass
crossfade and volume move turned it into a sub-bass thump (-26.6 dBFS on bypass, -27.6 on a volume move; a pack
of x + 0.05 swapped in: -25.8).  The effect slot now takes an effect's DC off (device.audio.slot.EFFECT_DC_HZ)
before it mixes it with anything."""
from __future__ import annotations

from pathlib import Path

import numpy as np
from scipy.signal import butter, sosfilt

from device.audio.engine import Engine, EngineConfig
from device.audio.swap import Swapper
from tests.engine.helpers import RATE, run_blocks, tone
from tests.engine.packs import effect_pack


def thump_db(y: np.ndarray, start: int) -> float:
    """The peak (dBFS) from sample ``start`` on of ``y`` [N] low-passed at 20 Hz (4th-order Butterworth, run from
    the start: no filter transient of its own): what a bump under the music is."""
    low = sosfilt(butter(4, 20.0, fs=RATE, output="sos"), y.astype(np.float64))
    return 20.0 * np.log10(max(float(np.max(np.abs(low[start:]))), 1e-12))


def test_an_effect_with_a_dc_offset_does_not_thump_on_bypass_or_volume(tmp_path: Path) -> None:
    engine = Engine(EngineConfig(rate=RATE, block=128))
    sw = Swapper(engine, warm_s=0.02, budget=50.0).start()
    sw.load("effect", effect_pack(tmp_path / "dc.hatpack", "offset", 0.05))     # y = x + 0.05
    x = tone(6.0, freq=220.0, amp=0.3)
    quarter = x.shape[0] // 4
    y = np.concatenate([run_blocks(engine, x[:quarter])])
    engine.handle({"op": "bypass", "slot": "effect", "on": True})
    y = np.concatenate([y, run_blocks(engine, x[quarter:2 * quarter])])
    engine.handle({"op": "bypass", "slot": "effect", "on": False})
    y = np.concatenate([y, run_blocks(engine, x[2 * quarter:3 * quarter])])
    engine.handle({"op": "volume", "db": -20.0})
    y = np.concatenate([y, run_blocks(engine, x[3 * quarter:])])
    sw.stop()
    assert engine.status()["faults"] == []
    got = thump_db(y, RATE)                 # past the start (the output stage's own blocker settles there)
    assert got < -50.0, got                 # was -27 dBFS at the bypass


def test_an_offline_render_takes_the_dc_off_as_the_box_does(tmp_path: Path) -> None:
    import soundfile as sf

    from device.audio.effect import render_file
    src, dst = tmp_path / "in.wav", tmp_path / "out.wav"
    sf.write(src, tone(2.0, freq=220.0, amp=0.3), RATE, subtype="FLOAT")
    render_file(effect_pack(tmp_path / "dc.hatpack", "offset", 0.05), src, dst, {})
    y, _ = sf.read(dst, dtype="float32")
    assert abs(float(np.mean(y[:RATE // 10]))) < 5e-3     # its first 0.1 s: was +0.027 (the output stage's 2 Hz
    assert abs(float(np.mean(y[RATE:]))) < 1e-3           # blocker, started at 0, took 80 ms to take 0.05 off)
