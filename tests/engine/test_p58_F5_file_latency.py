"""p58 QA Q1 finding 4: on the file backend the start line said "round trip 8.00 ms" and the status latency_ms 8.0,
while the take lines up with --input sample for sample.  Now the start line says the file backend adds no delay
(the sound card's round trip beside it, labelled as that) and the status gives what runs: 0 ms there, the card's
round trip on ALSA (tests/engine/test_alsa.py keeps that one)."""
from __future__ import annotations

import time
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from device.audio import audiofile
from device.audio.alsa_io import AudioConfig
from device.audio.server import EngineProcess
from device.audio.server_config import ServerConfig
from hatbox.cli import main
from hatbox.cmd_device import latency_words
from tests.engine.helpers import RATE


def test_the_file_backend_start_line_says_no_delay_and_labels_the_cards_round_trip(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "empty.conf").write_text("")
    monkeypatch.setenv("ALSA_CONFIG_PATH", str(tmp_path / "empty.conf"))
    clicks = np.zeros(RATE // 2, np.float32)
    at = [4800, 12345, 20000]
    clicks[at] = 0.5
    audiofile.write(tmp_path / "in.wav", clicks, RATE)
    code = main(["device", "run", "--sim", "--no-panel", "--no-midi", "--no-api", "--osc-port", "0",
                 "--store", str(tmp_path / "store"), "--input", str(tmp_path / "in.wav"),
                 "--output", str(tmp_path / "out.wav")])
    out = capfd.readouterr().out
    assert code == 0
    start = next(line for line in out.splitlines() if line.startswith("hatbox engine: file backend"))
    assert start.endswith("block 128 x 3 periods, no delay on the file backend: the take lines up with its input "
                          "sample for sample (a sound card at these settings: round trip 8.00 ms)"), start
    y, _ = audiofile.read(tmp_path / "out.wav")
    found = np.flatnonzero(np.abs(y.reshape(-1)) > 0.25)
    assert list(found) == at                        # what the line says: no offset at all


def test_a_sound_card_start_line_keeps_its_round_trip() -> None:
    cfg = SimpleNamespace(backend="alsa", audio=AudioConfig(rate=48000, period=64, periods=2))
    assert latency_words(cfg) == "round trip 2.67 ms"


@pytest.mark.parametrize("backend", ["file", "auto"])
def test_the_status_latency_is_zero_on_the_file_backend(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        backend: str) -> None:
    (tmp_path / "empty.conf").write_text("")
    monkeypatch.setenv("ALSA_CONFIG_PATH", str(tmp_path / "empty.conf"))    # "auto" falls back to the file backend
    cfg = ServerConfig(audio=AudioConfig(rate=RATE, period=128, periods=3), backend=backend, pace=True,
                       realtime=False)
    engine = EngineProcess(cfg).start()
    try:
        time.sleep(0.1)
        status = engine.status()
    finally:
        engine.stop()
    assert status["backend"] == "FileIO" and status["latency_ms"] == 0.0
