"""p56 review R4 finding 3: the simulated box kept one earlier take (sim-out.1.wav), so any later run longer than a
quarter second replaced it: a night's 30-minute take was lost to a 1-second test run after the next restart.  Now each
take a run is about to record over is kept under the time it was recorded (sim-out.2026-12-07_021133.wav), and the
kept takes stay under a byte bound, the oldest going first: a night's take survives any number of quick test runs."""
from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np
import pytest

import hatbox.sim_take
from device.audio import audiofile
from hatbox.sim_take import keep_last_take, kept_takes

RATE = 48000


def _take(path: Path, seconds: float, at: float) -> np.ndarray:
    """A take of ``seconds`` whose recording ended at ``at`` (its mtime)."""
    y = np.full(int(RATE * seconds), 0.25, np.float32)
    audiofile.write(path, y, RATE)
    os.utime(path, (at, at))
    return y


def _name(at: float) -> str:
    return time.strftime("sim-out.%Y-%m-%d_%H%M%S.wav", time.localtime(at))


def test_a_nights_take_survives_quick_test_runs(tmp_path: Path) -> None:
    take, night_at = tmp_path / "sim-out.wav", time.time() - 86400
    night = _take(take, 1.0, night_at)
    said = keep_last_take(take)
    assert said == f"the last run's take is kept as {tmp_path / _name(night_at)}; this run records a new sim-out.wav"
    for i in range(3):                                   # three quick test runs, each started again
        _take(take, 0.1, night_at + 3600 + i)
        keep_last_take(take)
    assert not take.exists()
    assert [t.path.name for t in kept_takes(take)] == [_name(night_at)] + [_name(night_at + 3600 + i) for i in range(3)]
    kept, _ = audiofile.read(tmp_path / _name(night_at))
    assert np.array_equal(kept[0], night)                # the night's take, whole


def test_the_kept_takes_stay_under_the_bound_the_oldest_going_first(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    take, at = tmp_path / "sim-out.wav", time.time() - 86400
    _take(take, 1.0, at)
    size = take.stat().st_size                           # each take: two fit, not three
    monkeypatch.setattr(hatbox.sim_take, "KEPT_BYTES", 2 * size)
    keep_last_take(take)
    _take(take, 1.0, at + 60)
    keep_last_take(take)
    _take(take, 1.0, at + 120)
    said = keep_last_take(take)
    assert [t.path.name for t in kept_takes(take)] == [_name(at + 60), _name(at + 120)]
    assert said is not None and said.endswith(f" ({_name(at)}, the oldest take kept, is removed: the takes kept stay "
                                              f"under {hatbox.sim_take.bytes_words(2 * size)})")


def test_the_newest_take_is_kept_even_when_it_alone_is_over_the_bound(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    take, at = tmp_path / "sim-out.wav", time.time() - 86400
    monkeypatch.setattr(hatbox.sim_take, "KEPT_BYTES", 1000)
    _take(take, 1.0, at)
    keep_last_take(take)
    assert [t.path.name for t in kept_takes(take)] == [_name(at)]


def test_two_takes_of_the_same_second_are_both_kept(tmp_path: Path) -> None:
    take, at = tmp_path / "sim-out.wav", time.time() - 86400
    _take(take, 0.1, at)
    keep_last_take(take)
    _take(take, 0.2, at)
    keep_last_take(take)
    assert len(kept_takes(take)) == 2
