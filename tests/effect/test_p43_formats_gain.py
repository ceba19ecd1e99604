"""The gear's gain the box's level guard is told (pack metric gear_max_gain_db): a pop does not set it (p43 formats QA:
a pop at a take's start read 73 dB for a 12 dB overdrive), a real high-gain pedal still reads high."""
from __future__ import annotations

import numpy as np
import pytest

from trainer.effect.data import EffectData, Pair
from trainer.effect.gear_gain import gear_gain
from trainer.effect.train import gear_max_gain_db

RATE = 48000


def plucks(seconds: float = 3.0, seed: int = 0) -> np.ndarray:
    """Decaying sine plucks, 0.5 s each, peaking near -20 dBFS -> [N] float32."""
    rng = np.random.default_rng(seed)
    t = np.arange(RATE // 2) / RATE
    notes = [0.1 * np.sin(2 * np.pi * rng.uniform(80, 330) * t) * np.exp(-8 * t) for _ in range(int(seconds * 2))]
    return np.concatenate(notes).astype(np.float32)


def overdrive(x: np.ndarray) -> np.ndarray:
    return (0.6 * np.tanh(4 * x)).astype(np.float32)          # about 8 dB of gain on these plucks


def with_start_pop(x: np.ndarray, y: np.ndarray, blocks: int = 2) -> tuple[np.ndarray, np.ndarray]:
    """The QA's hot pair's start: the input near silence (-89 dBFS) while the output pops at -16 dBFS."""
    x, y = x.copy(), y.copy()
    n = 128 * blocks
    rng = np.random.default_rng(1)
    x[:n] = 3.5e-5 * rng.standard_normal(n)
    y[:n] = 0.16 * rng.standard_normal(n)
    return x, y


def data(x: np.ndarray, y: np.ndarray, name: str = "amp_float_hot.wav") -> EffectData:
    return EffectData(RATE, [], [Pair("pair di.wav -> " + name, x, y, {}, 0, ("di.wav", name), 0)])


def test_a_pop_at_the_start_does_not_set_the_gears_gain() -> None:
    x = plucks()
    y = overdrive(x)
    clean = gear_max_gain_db(data(x, y))
    assert clean is not None and 5.0 < clean < 15.0
    popped = gear_max_gain_db(data(*with_start_pop(x, y)))
    assert popped == pytest.approx(clean, abs=0.5)              # it read 73 dB before


def test_a_few_blocks_of_pop_while_the_input_sounds_do_not_move_it() -> None:
    x = plucks()
    y = overdrive(x)
    y[RATE: RATE + 3 * 128] *= 30.0                           # a click on the interface mid-take: +30 dB for 8 ms
    assert gear_max_gain_db(data(x, y)) == pytest.approx(gear_max_gain_db(data(x, overdrive(x))), abs=0.5)


@pytest.mark.parametrize("gear", [lambda x: 100.0 * x, lambda x: np.tanh(100.0 * x)])
def test_a_real_40_db_pedal_still_reads_40(gear) -> None:
    x = (0.05 * plucks()).astype(np.float32)                  # a quiet DI: the pedal's output stays under full scale
    assert gear_max_gain_db(data(x, gear(x).astype(np.float32))) == pytest.approx(40.0, abs=0.5)


def test_the_pop_is_said_with_its_time_in_the_file() -> None:
    x, y = with_start_pop(plucks(), overdrive(plucks()))
    figure, said = gear_gain(data(x, y).pairs, RATE)
    assert len(said) == 1
    assert said[0].startswith("a pop at 0.00 s in amp_float_hot.wav: 7")
    assert f"where the rest of the recording has {figure:.0f}; it is left out of the level guard" in said[0]


def test_a_pop_later_in_the_aligned_file_is_timed_from_the_files_start() -> None:
    x, y = plucks(), overdrive(plucks())
    n = 2 * RATE
    y[n:n + 256] *= 30.0                                     # +30 dB for 5 ms as a note starts
    pair = Pair("p", x, y, {}, 0, ("di.wav", "amp.wav"), shifted=4801)     # 4800 samples dropped when aligned
    _figure, said = gear_gain([pair], RATE)
    assert len(said) == 1 and said[0].startswith("a pop at 2.10 s in amp.wav")


def test_no_pop_no_warning() -> None:
    assert gear_gain(data(plucks(), overdrive(plucks())).pairs, RATE)[1] == []
