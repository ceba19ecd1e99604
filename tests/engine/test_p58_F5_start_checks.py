"""p58 QA Q1 finding 1: a `hatbox device run` that cannot start (its --input missing or holding NaN, a take it cannot
write, no sound card) checks that before it installs the packs it was given: before, --effect was installed and made
active, then the input failed, and a typo in --input changed what the box played at its next plain start."""
from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest
import soundfile as sf

from device.audio import audiofile
from device.store import PackStore
from tests.engine.helpers import RATE, device_run_in_process, tone


@pytest.fixture
def box(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]) -> Any:
    """`hatbox device run --seconds 0.3 --store store --effect g.hatpack` and ``args`` in this process, in
    ``tmp_path`` with no ALSA devices; returns its exit code and what it wrote."""
    return device_run_in_process(tmp_path, monkeypatch, capfd, [])


def _nan_input(path: Path) -> None:
    audio = tone(0.5, amp=0.3)
    audio[100], audio[200] = np.nan, np.inf
    sf.write(str(path), audio, RATE, subtype="FLOAT")      # as a float WAV from elsewhere holds them


def _store_untouched(tmp_path: Path) -> None:
    store = PackStore(tmp_path / "store")
    assert store.ids() == [] and store.active()["effect"] is None


@pytest.mark.parametrize("case, words", [
    ("nan", "nan.wav contains NaN or infinite samples"),
    ("missing", "no audio file at typo.wav"),
    ("rate", "r44.wav is 44100 Hz but 48000 Hz is needed"),
    ("output folder", "cannot write the output"),
])
def test_a_sim_start_that_fails_installs_nothing(tmp_path: Path, box: Any, case: str, words: str) -> None:
    audiofile.write(tmp_path / "in.wav", tone(0.5, amp=0.3), RATE)
    _nan_input(tmp_path / "nan.wav")
    audiofile.write(tmp_path / "r44.wav", tone(0.5, amp=0.3)[:22050], 44100)
    (tmp_path / "outdir").mkdir()
    given = {"nan": ["--input", "nan.wav", "--output", "o.wav"],
             "missing": ["--input", "typo.wav", "--output", "o.wav"],
             "rate": ["--input", "r44.wav", "--output", "o.wav"],
             "output folder": ["--input", "in.wav", "--output", "outdir"]}[case]
    r = box(["--sim", *given])
    assert r.returncode == 2 and words in r.stderr and "Traceback" not in r.stderr, r.stderr
    assert "installed" not in r.stdout and "hatbox engine:" not in r.stdout, r.stdout
    _store_untouched(tmp_path)
    assert not (tmp_path / "o.wav").exists()


def test_a_box_with_no_sound_card_installs_nothing(tmp_path: Path, box: Any) -> None:
    r = box([])                                         # no --sim, and ALSA here has no device
    assert r.returncode == 2 and "cannot open ALSA playback device" in r.stderr, r.stderr
    assert "installed" not in r.stdout
    _store_untouched(tmp_path)


def test_a_good_start_still_installs_and_plays_the_pack(tmp_path: Path, box: Any) -> None:
    audiofile.write(tmp_path / "in.wav", tone(0.5, amp=0.5), RATE)
    r = box(["--sim", "--input", "in.wav", "--output", "o.wav"])
    assert r.returncode == 0, r.stderr
    assert "installed and active" in r.stdout
    assert PackStore(tmp_path / "store").active()["effect"].startswith("effect-test-gain-")
    y, _ = audiofile.read(tmp_path / "o.wav")
    assert 0.2 < float(np.max(np.abs(y.reshape(-1)[RATE // 10:RATE // 4]))) < 0.3
