"""Forty-fifth stop: a capture's take is lined up by the trainer's own alignment (device/audio/align.py ``shift``, with
the capture's 1 ms margin), not by a second copy of the arithmetic in device/audio/capture_result.judge.  The figures
stay: a take is 1 ms late, never early, and as long as the dry signal."""
from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from device.audio import align
from device.audio.capture_result import ALIGN_MARGIN_S, judge, lined_up

RATE = 48000
MARGIN = int(round(ALIGN_MARGIN_S * RATE))        # 48 samples


def _noise(n: int, seed: int = 0) -> np.ndarray:
    return (0.3 * np.random.default_rng(seed).standard_normal(n)).astype(np.float32)


def _recording(dry: np.ndarray, lag: int, tail: int) -> np.ndarray:
    """What the box records while ``dry`` plays through a plain wire ``lag`` samples long -> [len(dry) + tail]."""
    rec = np.zeros(dry.shape[0] + tail, np.float32)
    rec[lag:lag + dry.shape[0]] = dry[:rec.shape[0] - lag]
    return rec


def test_shift_takes_a_margin_and_moved_by_never_goes_early() -> None:
    x = np.arange(100, dtype=np.float32)
    y = np.concatenate([np.zeros(30, np.float32), x])
    xa, ya = align.shift(x, y, 30, margin=5)
    assert xa.shape == ya.shape and np.array_equal(ya[5:], x[:ya.shape[0] - 5])     # 5 samples late
    assert align.moved_by(30, 5) == 25 and align.moved_by(3, 5) == 0 and align.moved_by(30) == 30 - align.MARGIN
    assert align.shift(x, y, 30)[1][align.MARGIN] == x[0]                            # the trainer's own margin
    assert align.shift(x, np.zeros(10, np.float32), 40, 1)[1].shape == (0,)         # cut past its end: empty


def test_judge_lines_the_take_up_with_align_shift(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[int, int]] = []
    real = align.shift

    def counted(x: np.ndarray, y: np.ndarray, latency: int, margin: int = align.MARGIN) -> Any:
        calls.append((int(latency), int(margin)))
        return real(x, y, latency, margin)
    monkeypatch.setattr(align, "shift", counted)
    dry, lag, tail = _noise(RATE), 240, RATE // 4
    take, figures = judge(_recording(dry, lag, tail), dry, RATE, tail)
    assert calls == [(lag, MARGIN)]
    assert figures["latency_samples"] == lag and figures["shift_samples"] == lag - MARGIN
    assert take.shape == dry.shape and take.dtype == np.float32
    assert np.array_equal(take[MARGIN:], dry[:-MARGIN]) and not take[:MARGIN].any()   # 1 ms late


def test_a_round_trip_under_the_margin_is_never_moved_early() -> None:
    dry, tail = _noise(4800, 1), 960
    rec = _recording(dry, 10, tail)
    take, moved = lined_up(rec, dry.shape[0], 10, RATE)
    assert moved == 0 and np.array_equal(take, rec[:dry.shape[0]])


def test_a_recording_that_falls_short_ends_in_silence_as_long_as_the_dry_signal() -> None:
    rec = _noise(1000, 2)
    take, moved = lined_up(rec, 1200, 148, RATE)
    assert moved == 100 and take.shape == (1200,)
    assert np.array_equal(take[:900], rec[100:]) and not take[900:].any()
