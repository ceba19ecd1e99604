"""p58 RD1: after one huge block, the limiter's DC trim does not learn the DC the tracker has not taken off yet, so no
near-ceiling thump plays out when the limiter lets go (it did: peaks 0.89 where the trim-off stage gave 0.33)."""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from device.audio.protect import OutputStage, ProtectConfig

RATE, BLOCK = 48000, 256


def loudest_after(big: float, trim_s: float) -> float:
    """The output's largest |sample| over the 4 s after one block of +-``big`` in noise (std 0.1)."""
    stage = OutputStage(RATE, dataclasses.replace(ProtectConfig(), limiter_dc_s=trim_s), max_block=512)
    x = (np.random.default_rng(0).standard_normal(BLOCK) * 0.1).astype(np.float32)
    for _ in range(5):
        stage.process(x.copy())
    huge = np.full(BLOCK, big, np.float32)
    huge[::2] = -big / 3
    stage.process(huge)
    return max(float(np.abs(stage.process(x.copy())).max()) for _ in range(4 * RATE // BLOCK))


@pytest.mark.parametrize("big", [1e12, 1e37])
def test_no_thump_after_a_huge_block(big: float) -> None:
    plain = loudest_after(big, 0.0)
    assert loudest_after(big, ProtectConfig().limiter_dc_s) <= 1.5 * plain
