"""p57 QA_D finding 5: `hatbox device run --input FILE` stopping at the end of its input said only "the box stopped",
the words a SIGTERM gets too, and five laptops then found the box gone.  Its last line now says the input ended."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from device.audio import audiofile
from hatbox.cli import main

RUN = ["device", "run", "--sim", "--no-api", "--no-panel", "--no-midi", "--osc-port", "0"]


def _input(tmp_path: Path, seconds: float) -> Path:
    path = tmp_path / "in.wav"
    t = np.arange(int(48000 * seconds), dtype=np.float32) / 48000
    audiofile.write(path, (0.2 * np.sin(2 * np.pi * 220 * t)).astype(np.float32)[None, :], 48000)
    return path


@pytest.fixture
def no_alsa(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "empty.conf").write_text("")
    monkeypatch.setenv("ALSA_CONFIG_PATH", str(tmp_path / "empty.conf"))      # no ALSA: the file backend


def test_a_run_whose_input_ends_says_so(tmp_path: Path, no_alsa: None, capsys: Any) -> None:
    wav = _input(tmp_path, 0.3)
    assert main([*RUN, "--store", str(tmp_path / "store"), "--input", str(wav)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[-1].startswith("the box stopped: its input in.wav ended (0.3 s played; "), out[-3:]
    log = (tmp_path / "store" / "logs" / "box.log").read_text()
    assert "the box stopped: its input in.wav ended (0.3 s played" in log


def test_a_run_stopped_by_its_seconds_first_says_only_that_it_stopped(tmp_path: Path, no_alsa: None,
                                                                     capsys: Any) -> None:
    wav = _input(tmp_path, 3.0)
    assert main([*RUN, "--store", str(tmp_path / "store"), "--input", str(wav), "--seconds", "0.2"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "the box stopped"
