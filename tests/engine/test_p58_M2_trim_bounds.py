"""The output stage's limiter DC trim stays bounded after a block far beyond any level the box makes (p58 R1
finding 3: one 1e12 block pinned the output at the ceiling for seconds, with the trim stuck; one 1e37 block made the
rest of the run NaN).  With the trim on, the stage recovers as it does with the trim off (``limiter_dc_s=0``)."""
from __future__ import annotations

import numpy as np
import pytest

from device.audio.limiter import PeakLimiter
from device.audio.protect import OutputStage, ProtectConfig

RATE, BLOCK, WINDOW = 48000, 128, 1920          # 40 ms windows


def _run(big: float, config: ProtectConfig, blocks: int = 6000) -> tuple[np.ndarray, OutputStage]:
    """A 0.5 sine at 440 Hz through a stage in blocks of 128, block 3 replaced by the constant ``big``;
    returns the output [blocks x 128] and the stage."""
    stage = OutputStage(RATE, config)
    y = (0.5 * np.sin(2 * np.pi * 440.0 * np.arange(BLOCK * blocks) / RATE)).astype(np.float32)
    y[3 * BLOCK:4 * BLOCK] = big
    for k in range(blocks):
        stage.process(y[k * BLOCK:(k + 1) * BLOCK])
    return y, stage


@pytest.mark.parametrize("big", [1e12, 1e37])
def test_one_huge_block_recovers_as_with_the_trim_off(big: float) -> None:
    on, stage = _run(big, ProtectConfig())
    off, _ = _run(big, ProtectConfig(limiter_dc_s=0.0))
    assert np.all(np.isfinite(on)) and np.max(np.abs(on)) <= stage.ceiling
    peak_on, peak_off = (np.abs(y).reshape(-1, WINDOW).max(axis=1) for y in (on, off))
    back = int(np.flatnonzero(peak_off > 0.45)[1])           # the trim-off stage's sine is back (after the block)
    assert back < peak_off.shape[0] - 100
    later = back + RATE // WINDOW                            # one second later, the trim-on stage is back too
    assert np.all(np.abs(peak_on[later:] - peak_off[later:]) < 0.05), peak_on[later:later + 8]
    assert abs(float(on[-RATE:].mean())) < 0.01 and abs(stage.trim.slow) <= stage.ceiling


def test_the_trim_ignores_a_non_finite_measure_and_stays_within_the_ceiling() -> None:
    """A block's measure can be over the ceiling with nothing wrong (a +12 dBFS uneven wave: its input's block mean is
    up to ~4, test_p58_F6_output_dc), so a large one counts, but the correction never passes the ceiling."""
    stage = OutputStage(RATE, ProtectConfig())
    for added in (float("nan"), float("inf"), float("-inf")):
        stage.trim.follow(added, BLOCK)
    assert stage.trim.fast == 0.0 and stage.trim.slow == 0.0
    for added in (1e12, -1e37, 5.0):
        for _ in range(4000):                                # 10 s of it
            stage.trim.follow(added, BLOCK)
        assert abs(stage.trim.fast) <= stage.ceiling and abs(stage.trim.slow) <= stage.ceiling
        assert abs(stage.trim.slow) > 0.5 * stage.ceiling


@pytest.mark.parametrize("env,peak", [(0.0, 0.5), (0.0, 0.95), (2.0, 0.1), (0.5, 0.89)])
def test_will_limit_is_what_process_does(env: float, peak: float) -> None:
    limiter = PeakLimiter(RATE, 0.9, 0.05)
    limiter.env = env
    x = np.full(BLOCK, peak, np.float32)
    said = limiter.will_limit(peak)
    assert said == limiter.process(x, peak) and said == (peak > 0.9 or env > 0.9)
