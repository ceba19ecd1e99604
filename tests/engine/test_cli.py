"""`hatbox device run` end to end (file backend: no sound card here)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np

from device.audio import audiofile

from tests.engine.helpers import RATE, tone
from tests.engine.packs import effect_pack


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "hatbox", "device", "run", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120,
                          env={"PATH": "/usr/bin:/bin", "ALSA_CONFIG_PATH": str(cwd / "empty.conf"),
                               "PYTHONPATH": str(Path(__file__).resolve().parents[2])})


def test_sim_falls_back_to_the_file_backend(tmp_path: Path) -> None:
    (tmp_path / "empty.conf").write_text("")
    audiofile.write(tmp_path / "in.wav", tone(1.0, amp=0.5), RATE)
    pack = effect_pack(tmp_path / "g.hatpack", "gain", -6.0)
    r = _run(["--sim", "--seconds", "1", "--no-api", "--no-panel", "--no-midi", "--osc-port", "0",
              "--effect", str(pack), "--input", "in.wav", "--output", "out.wav"], tmp_path)
    assert r.returncode == 0, r.stderr
    assert "file backend" in r.stdout and "round trip 8.00 ms" in r.stdout
    y, rate = audiofile.read(tmp_path / "out.wav")
    assert rate == RATE and y.shape[-1] >= RATE - 256
    mid = y.reshape(-1)[RATE // 4:RATE // 2]
    assert 0.2 < np.max(np.abs(mid)) < 0.3                     # -6 dB of 0.5


def test_missing_device_is_named(tmp_path: Path) -> None:
    (tmp_path / "empty.conf").write_text("")
    r = _run(["--audio", "hatbox_missing", "--seconds", "1", "--no-api", "--no-panel", "--no-midi",
              "--osc-port", "0"], tmp_path)
    assert r.returncode != 0 and "'hatbox_missing'" in r.stderr and "Traceback" not in r.stderr
