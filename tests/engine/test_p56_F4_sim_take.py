"""p56 QA_A finding 3: `hatbox device run --sim` started again wrote over the last run's STORE/sim-out.wav (a night's
30-minute take) without a word.  The last take is now kept as sim-out.1.wav (one kept), and the start says so."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from device.audio import audiofile
from hatbox.cli import main
from hatbox.sim_take import keep_last_take

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
    kept, _ = audiofile.read(store / "sim-out.1.wav")
    assert np.array_equal(kept[0], night)               # the night's take, whole
    assert (store / "sim-out.wav").exists()             # this run's own
    out = capsys.readouterr().out
    assert f"the last run's take is kept as {store.absolute() / 'sim-out.1.wav'}; this run records a new " \
           "sim-out.wav" in out
    assert main([*RUN, "--store", str(store)]) == 0     # again: the one kept is the run just before
    kept, _ = audiofile.read(store / "sim-out.1.wav")
    assert not np.array_equal(kept[0][:night.size], night)
    assert "(the take kept there before is replaced)" in capsys.readouterr().out


def test_an_output_given_is_recorded_over_as_before_and_the_default_take_is_left(tmp_path: Path,
                                                                                  monkeypatch: pytest.MonkeyPatch,
                                                                                  capsys: Any) -> None:
    _no_alsa(tmp_path, monkeypatch)
    store = tmp_path / "store"
    _take(store / "sim-out.wav", 0.25)
    _take(tmp_path / "mine.wav", 0.5)
    assert main([*RUN, "--store", str(store), "--output", str(tmp_path / "mine.wav")]) == 0
    assert not (tmp_path / "mine.1.wav").exists() and not (store / "sim-out.1.wav").exists()
    assert "kept as" not in capsys.readouterr().out


def test_nothing_to_keep_is_said_nowhere(tmp_path: Path) -> None:
    take = tmp_path / "sim-out.wav"
    assert keep_last_take(take) is None                 # no take yet
    take.write_bytes(b"RIFF" + bytes(54))               # a header only: no audio in it
    assert keep_last_take(take) is None and take.exists() and not (tmp_path / "sim-out.1.wav").exists()
    take.unlink()
    os.symlink(tmp_path / "elsewhere.wav", take)        # not a regular file: never touched
    assert keep_last_take(take) is None and take.is_symlink()
