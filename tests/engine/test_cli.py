"""`hatbox device run` end to end (file backend: no sound card here)."""
from __future__ import annotations

import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np

from device.audio import audiofile

from tests.engine.box_run import device_run  # noqa: F401 - fixture
from tests.engine.helpers import RATE, tone
from tests.engine.packs import effect_pack


def _env(cwd: Path) -> dict[str, str]:
    return {"PATH": "/usr/bin:/bin", "HOME": str(cwd), "ALSA_CONFIG_PATH": str(cwd / "empty.conf"),
            "PYTHONPATH": str(Path(__file__).resolve().parents[2])}


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "hatbox", "device", "run", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120, env=_env(cwd))


def test_sim_falls_back_to_the_file_backend(tmp_path: Path, device_run: Any) -> None:
    """(In this process, tests/engine/box_run.py, and 0.6 s: a subprocess and 1 s until the p58 trim.)"""
    audiofile.write(tmp_path / "in.wav", tone(1.0, amp=0.5), RATE)
    pack = effect_pack(tmp_path / "g.hatpack", "gain", -6.0)
    r = device_run(["--sim", "--seconds", "0.6", "--no-api", "--no-panel", "--no-midi", "--osc-port", "0",
                    "--effect", str(pack), "--input", "in.wav", "--output", "out.wav"])
    assert r.returncode == 0, r.stderr
    assert "file backend" in r.stdout and "round trip 8.00 ms" in r.stdout
    y, rate = audiofile.read(tmp_path / "out.wav")
    assert rate == RATE and y.shape[-1] >= 0.6 * RATE - 256
    mid = y.reshape(-1)[RATE // 4:RATE // 2]
    assert 0.2 < np.max(np.abs(mid)) < 0.3                     # -6 dB of 0.5


def test_missing_device_is_named(device_run: Any) -> None:
    r = device_run(["--audio", "hatbox_missing", "--seconds", "1", "--no-api", "--no-panel", "--no-midi",
                    "--osc-port", "0"])
    assert r.returncode != 0 and "'hatbox_missing'" in r.stderr and "Traceback" not in r.stderr


def test_sim_without_input_runs_until_stopped_and_records_in_the_store(tmp_path: Path) -> None:
    """No sound card, no --input, no --seconds: the box keeps running on silence (it used to stop at
    once with 'the audio engine is not running'), SIGTERM ends it cleanly, and the recording is a
    finished WAV in the store (not in the current directory)."""
    (tmp_path / "empty.conf").write_text("")
    store = tmp_path / "store"
    proc = subprocess.Popen([sys.executable, "-m", "hatbox", "device", "run", "--sim", "--no-api", "--no-panel",
                             "--no-midi", "--osc-port", "0", "--store", str(store)], cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env(tmp_path))
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in proc.stdout], daemon=True).start()
    seen: list[str] = []
    try:
        deadline = time.monotonic() + 90
        while not any("audio load" in line for line in seen) and time.monotonic() < deadline:
            try:
                seen.append(lines.get(timeout=1.0))
            except queue.Empty:
                assert proc.poll() is None, f"the box stopped by itself: {proc.stderr.read()}"
        assert any("audio load" in line for line in seen), seen         # its first status, 2 s in
        # still running 0.5 s past its first status (3 s until the fifty-second stop, 1 s until the fifty-eighth: it
        # used to stop at once, and the recording's 2 s below hold already); a second line comes a minute later
        # (STATUS_LOG_S): not waited for
        time.sleep(0.5)
        assert proc.poll() is None, f"the box stopped by itself: {proc.stderr.read()}"
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0, proc.stderr.read()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    out = store / "sim-out.wav"
    assert any("file backend" in line and str(out) in line for line in seen), seen
    y, rate = audiofile.read(out)
    assert rate == RATE and y.shape[-1] >= 2 * RATE
    assert not list(tmp_path.glob("*.wav"))                            # nothing left in the current directory


def test_a_box_killed_mid_run_leaves_a_readable_recording(tmp_path: Path) -> None:
    """SIGKILL to the box and its engine (as a power cut would stop them: nothing gets to close the file):
    the recording in the store is a WAV that strict readers read, up to its last header update (its
    sizes used to stay 0 until the engine closed it)."""
    import os

    from scipy.io import wavfile
    (tmp_path / "empty.conf").write_text("")
    store = tmp_path / "store"
    audiofile.write(tmp_path / "in.wav", tone(60.0, amp=0.5), RATE)
    proc = subprocess.Popen([sys.executable, "-m", "hatbox", "device", "run", "--sim", "--no-api", "--no-panel",
                             "--no-midi", "--osc-port", "0", "--store", str(store), "--input", "in.wav"],
                            cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env=_env(tmp_path), start_new_session=True)
    out = store / "sim-out.wav"
    try:
        deadline = time.monotonic() + 90
        full = audiofile.FLOAT_WAV_HEADER + 3 * 4 * RATE              # bytes: 3 s of the take
        while time.monotonic() < deadline and not (out.exists() and out.stat().st_size > full):
            assert proc.poll() is None, "the box stopped by itself"
            time.sleep(0.2)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    rate, y = wavfile.read(out)
    assert rate == RATE and y.size >= 2 * RATE
    assert 0.4 < np.max(np.abs(y[RATE:2 * RATE])) < 0.55                   # the input, played through
