"""ESR, SI-SDR, levels and the silent-passage mask used by the effect benchmarks."""
from __future__ import annotations

import numpy as np
import pytest

from trainer.data.metrics import esr, rms_db, si_sdr, silent_mask


def _sine(n: int = 4800) -> np.ndarray:
    return np.sin(2 * np.pi * 440 * np.arange(n) / 48_000)


def test_esr_is_zero_for_identity_and_one_for_silence():
    x = _sine()
    assert esr(x, x) == 0.0
    assert esr(np.zeros_like(x), x) == pytest.approx(1.0)


def test_esr_of_a_known_error():
    x = _sine()
    assert esr(0.9 * x, x) == pytest.approx(0.01, rel=1e-9)


def test_esr_refuses_different_lengths():
    with pytest.raises(ValueError, match="length"):
        esr(np.zeros(10), np.zeros(11))


def test_si_sdr_ignores_scale_but_not_noise():
    x = _sine()
    noise = np.random.default_rng(0).standard_normal(x.shape[0]) * 0.01
    assert si_sdr(3.0 * x, x) > 100
    assert si_sdr(x + noise, x) == pytest.approx(10 * np.log10(0.5 / 1e-4), abs=0.3)


def test_rms_db_of_full_scale_sine():
    assert rms_db(_sine(48_000)) == pytest.approx(-3.01, abs=0.01)


def test_silent_mask_finds_only_long_exact_silences():
    x = np.ones(48_000)
    x[10_000:25_000] = 0.0       # 0.31 s: found
    x[30_000:31_000] = 0.0       # 0.02 s: too short
    mask = silent_mask(x, 48_000)
    assert mask[10_000:25_000].all() and mask.sum() == 15_000
