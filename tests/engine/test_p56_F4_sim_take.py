"""p56 QA_A finding 3: `hatbox device run --sim` started again wrote over the last run's STORE/sim-out.wav (a night's
30-minute take) without a word.  The last take is now kept under the time it was recorded (p56 review R4 3: every
take, under a byte bound; tests/engine/test_p56_M4_sim_takes_kept.py), and the start says so."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from device.audio import audiofile
from hatbox.cli import main
from hatbox.sim_take import keep_last_take, kept_takes

RATE = 48000
RUN = ["device", "run", "--sim", "--no-api", "--no-panel", "--no-midi", "--osc-port", "0", "--seconds", "0.2"]


def _no_alsa(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "empty.conf").write_text("")
    monkeypatch.setenv("ALSA_CONFIG_PATH", str(tmp_path / "empty.conf"))      # no ALSA: the file backend


def _take(path: Path, level: float) -> np.ndarray:
    y = np.full(RATE // 10, level, np.float32)
    path.parent.mkdir(parents=True, exist_ok=True)
    audiofile.write(path, y, RATE)
    return y


def test_a_second_start_keeps_the_last_take_and_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        capsys: Any) -> None:
    _no_alsa(tmp_path, monkeypatch)
    store = tmp_path / "store"
    night = _take(store / "sim-out.wav", 0.25)          # the last run's take
    assert main([*RUN, "--store", str(store)]) == 0
    [(kept_at, _, _)] = kept_takes(store / "sim-out.wav")
    kept, _ = audiofile.read(kept_at)
    assert np.array_equal(kept[0], night)               # the night's take, whole
    assert (store / "sim-out.wav").exists()             # this run's own
    out = capsys.readouterr().out
    assert f"the last run's take is kept as {kept_at}; this run records a new sim-out.wav" in out
    assert main([*RUN, "--store", str(store)]) == 0     # again: the night's take stays, the run before is kept too
    assert len(kept_takes(store / "sim-out.wav")) == 2
    kept, _ = audiofile.read(kept_at)
    assert np.array_equal(kept[0], night)


def test_an_output_given_is_recorded_over_as_before_and_the_default_take_is_left(tmp_path: Path,
                                                                                  monkeypatch: pytest.MonkeyPatch,
                                                                                  capsys: Any) -> None:
    _no_alsa(tmp_path, monkeypatch)
    store = tmp_path / "store"
    _take(store / "sim-out.wav", 0.25)
    _take(tmp_path / "mine.wav", 0.5)
    assert main([*RUN, "--store", str(store), "--output", str(tmp_path / "mine.wav")]) == 0
    assert kept_takes(tmp_path / "mine.wav") == [] and kept_takes(store / "sim-out.wav") == []
    assert "kept as" not in capsys.readouterr().out


def test_nothing_to_keep_is_said_nowhere(tmp_path: Path) -> None:
    take = tmp_path / "sim-out.wav"
    assert keep_last_take(take) is None                 # no take yet
    take.write_bytes(b"RIFF" + bytes(54))               # a header only: no audio in it
    assert keep_last_take(take) is None and take.exists() and kept_takes(take) == []
    take.unlink()
    os.symlink(tmp_path / "elsewhere.wav", take)        # not a regular file: never touched
    assert keep_last_take(take) is None and take.is_symlink()
