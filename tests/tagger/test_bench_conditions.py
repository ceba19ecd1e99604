"""bench/tagger_conditions.py: the unseen kits quieter and band-limited, scored for every system in one run."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np

_BENCH = Path(__file__).parents[2] / "bench"
_SPEC = importlib.util.spec_from_file_location("tagger_conditions", _BENCH / "tagger_conditions.py")
conditions = importlib.util.module_from_spec(_SPEC)
sys.modules.setdefault("tagger_conditions", conditions)
_SPEC.loader.exec_module(conditions)

RATE = 32000
DC = "DC offset 0.01, peak -20 dBFS"


def test_each_condition_is_the_same_clips_quieter_or_without_the_top_band() -> None:
    clips = np.random.default_rng(0).standard_normal((3, RATE)).astype(np.float32)
    made = conditions.conditions(clips, RATE)
    assert list(made) == ["gain -30 dB", "gain -60 dB", "16-bit, peak -40 dBFS", "16-bit, peak -60 dBFS",
                          "as a 22.05 kHz file", "as a 11.025 kHz file", DC, f"{DC}, offset kept"]
    np.testing.assert_allclose(made["gain -60 dB"], clips * 1e-3, rtol=1e-5)
    for db in (-40, -60):                                   # rounding noise about 6 dB per bit below the peak
        c, peak = made[f"16-bit, peak {db} dBFS"], np.abs(clips).max(axis=1, keepdims=True)
        step = peak / (10 ** (db / 20) * 32768)               # one 16-bit step, at the clip's own level
        assert np.all(np.abs(c - clips) <= 0.5 * step + 1e-7) and np.any(c != clips)
    for name, low in (("as a 22.05 kHz file", 22050), ("as a 11.025 kHz file", 11025)):
        c = made[name]
        assert c.shape == clips.shape
        power = np.abs(np.fft.rfft(c, axis=1)) ** 2
        freqs = np.fft.rfftfreq(RATE, 1 / RATE)
        assert power[:, freqs > low / 2 + 500].sum() < 1e-5 * power.sum()


def test_scores_are_per_condition_and_system_and_tell_a_level_blind_system_apart() -> None:
    rng = np.random.default_rng(1)
    loud = rng.standard_normal((4, RATE)).astype(np.float32)
    y = np.eye(2, dtype=np.float32)[[0, 0, 1, 1]]
    loud[2:] *= 0.001                                                  # tag 1: the quiet ones

    def by_level(c: np.ndarray) -> np.ndarray:                         # "quiet" means tag 1: fooled by a gain
        quiet = (np.abs(c).max(axis=1) < 0.5).astype(float)
        return np.stack([1 - quiet, quiet], axis=1)

    def knows(c: np.ndarray) -> np.ndarray:                            # the right answer whatever the level
        return y.copy()

    scores = conditions.score(loud, RATE, y, ["a", "b"], {"level": by_level, "oracle": knows})
    assert scores["gain -30 dB"]["oracle"] == 1.0 and scores["gain -30 dB"]["level"] < 0.5
    assert set(scores) == {"gain -30 dB", "gain -60 dB", "16-bit, peak -40 dBFS", "16-bit, peak -60 dBFS",
                           "as a 22.05 kHz file", "as a 11.025 kHz file", DC, f"{DC}, offset kept"}


def test_a_dc_offset_is_taken_out_as_the_tagger_prepares_files_and_kept_for_the_comparison() -> None:
    t = np.arange(RATE) / RATE
    clips = np.zeros((2, RATE), np.float32)
    clips[:, 32:4032] = np.sin(2 * np.pi * 200 * t[:4000]) * np.exp(-t[:4000] / 0.03)   # aligned 2 ms late
    made = conditions.conditions(clips, RATE)
    gain = 10 ** (-20 / 20)
    from device.audio.mel import tagger_clip
    lead = np.zeros(int(conditions.DC_LEAD_SECONDS * RATE), np.float32)
    clean = np.stack([tagger_clip(np.concatenate([lead, c]) * np.float32(gain), RATE, RATE, RATE) for c in clips])
    np.testing.assert_allclose(made[DC], clean, atol=1e-6)      # the offset out: as the same file without one
    kept = made[f"{DC}, offset kept"]
    assert np.allclose(kept[:, :32], 0.01, atol=1e-6)          # the lead-in at the offset: the onset lost
    assert not np.allclose(kept, clips * gain, atol=0.05)
