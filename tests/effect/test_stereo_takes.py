"""Stereo recordings in an effect's pairs: an empty channel is left out rather than averaged in (the pack would
be 6 dB quieter than the gear), and channels that cancel in their mean are refused."""
from __future__ import annotations

import numpy as np
import pytest

from hatbox.errors import DataError
from trainer.effect.data import recording_mono


def _tone(n: int = 4800) -> np.ndarray:
    return (0.5 * np.sin(2 * np.pi * 220 * np.arange(n) / 48000)).astype(np.float32)


def test_an_empty_channel_is_left_out_and_two_live_channels_are_averaged():
    x = _tone()
    left_only = np.stack([x, 1e-4 * np.random.default_rng(0).standard_normal(x.size).astype(np.float32)])
    np.testing.assert_allclose(recording_mono(left_only, "take"), x, atol=1e-7)     # full level, not half
    both = np.stack([x, 0.5 * x])
    np.testing.assert_allclose(recording_mono(both, "take"), 0.75 * x, atol=1e-7)
    assert recording_mono(x[None], "take") is not None


def test_channels_that_cancel_are_refused_with_the_file_named():
    x = _tone()
    with pytest.raises(DataError, match="take.wav: its 2 channels cancel"):
        recording_mono(np.stack([x, -0.95 * x]), "pairs.csv line 2 take.wav")
