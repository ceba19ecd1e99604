"""p43 regression QA: the pop warning of trainer/effect/gear_gain.py flipped with half a dB of level on an ordinary
sox overdrive pair (`sox amp.wav amp_g0.wav gain -n 0` warned "a pop at 0.00 s ...: 44 dB of gain where the rest of
the recording has 11", the same at -0.5 dBFS said nothing): sox's own start transient, 21 dB under the take's loudest
output, is no pop.  A real interface click (at the start, the input at its -90 dB floor) is said at every level."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from trainer.effect import gear_gain as gg
from trainer.effect.data import Pair

RATE = 48_000
LEVELS = [-3.0, -0.5, 0.0]


def _di(seconds: float = 6.0) -> np.ndarray:
    """A DI take: 0.1 s at the interface's -90 dBFS floor, then decaying plucks peaking near -6 dBFS: [N] float64."""
    rng = np.random.default_rng(0)
    t = np.arange(RATE // 2) / RATE
    notes = [sum(np.sin(2 * np.pi * f * k * t) / k for k in (1, 2, 3)) * np.exp(-5 * t) * rng.uniform(0.4, 1.0)
             for f in rng.uniform(80, 330, int(seconds * 2))]
    x = np.concatenate([np.zeros(RATE // 10), 0.3 * np.concatenate(notes)])
    return x + 10 ** (-90 / 20) * rng.standard_normal(x.shape[0])


def _warnings(x: np.ndarray, y: np.ndarray) -> tuple[float | None, list[str]]:
    n = min(x.shape[0], y.shape[0])
    pair = Pair("pair di.wav -> amp.wav", x[:n].astype(np.float32), y[:n].astype(np.float32), {}, 0,
                ("di.wav", "amp.wav"), 0)
    return gg.gear_gain([pair], RATE)


@pytest.fixture(scope="module")
def sox_pairs(tmp_path_factory: pytest.TempPathFactory) -> dict[float, tuple[np.ndarray, np.ndarray]]:
    """{normalisation dBFS: (DI, `sox di.wav amp.wav overdrive 10 20 gain -n LEVEL`)}."""
    if shutil.which("sox") is None:
        pytest.skip("sox is not installed")
    folder = tmp_path_factory.mktemp("sox")
    x = _di()
    sf.write(folder / "di.wav", x, RATE, subtype="PCM_24")
    out = {}
    for level in LEVELS:
        amp = folder / f"amp{level}.wav"
        subprocess.run(["sox", str(folder / "di.wav"), str(amp), "overdrive", "10", "20", "gain", "-n", str(level)],
                       check=True, capture_output=True)
        out[level] = (sf.read(folder / "di.wav")[0], sf.read(amp)[0])
    return out


@pytest.mark.parametrize("level", LEVELS)
def test_sox_overdrives_start_is_no_pop_at_any_level(sox_pairs: dict, level: float) -> None:
    gain, said = _warnings(*sox_pairs[level])
    assert gain is not None and 3.0 < gain < 20.0 and said == [], (gain, said)


def test_sox_overdrives_start_is_measured_by_the_guard_at_0_dbfs(sox_pairs: dict) -> None:
    """The case is the QA's: at 0 dBFS the start block is over the guard's floor and far over the robust figure."""
    x, y = sox_pairs[0.0]
    gains, real = gg.block_gains(x, y, 128, _floor(), RATE)
    assert gains[0] > gg.robust_gain_db(gains, real) + gg.POP_DB


def _floor() -> float:
    from device.audio.protect import ProtectConfig, db_to_lin
    return db_to_lin(ProtectConfig().gain_floor_db)


@pytest.mark.parametrize("level", LEVELS)
def test_an_interface_click_at_the_start_is_said_at_any_level(sox_pairs: dict, level: float) -> None:
    """A 2 ms click 2 ms into the take while the DI sits at its -90 dB floor (the QA's amp_pop_nf.wav)."""
    x, y = sox_pairs[level]
    y = y.copy()
    y[100:300] += 0.3 * np.hanning(200) * np.sign(np.sin(np.arange(200)))
    gain, said = _warnings(x, y)
    assert len(said) == 1 and said[0].startswith("a pop at 0.00 s in amp.wav"), said
    assert f"the rest of the recording has {gain:.0f}" in said[0]


def test_a_loud_block_is_loud_for_the_take_whatever_its_level() -> None:
    y = np.concatenate([0.01 * np.ones(128), 0.5 * np.ones(128), 0.1 * np.ones(128)])
    for scale in (0.5, 1.0, 2.0):
        assert gg.loud_blocks(scale * y, 128).tolist() == [False, True, True]
