"""The box when something goes wrong mid-run: an engine that stops on an error makes `hatbox device run`
exit non-zero with the error's own message; a recording cut short by a full disk is said when it happens
(a log line, and ``recording`` in the engine status), not only at the end; and the file backend's WAV
size limit is the WAV writer's own constant."""
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
import pytest
import soundfile as sf

from device.audio import audiofile, wav_recorder
from device.audio.alsa_io import AlsaIO, AudioConfig, AudioDeviceError, FileIO
from tests.engine.full_disk import RUN_ON_A_FILLING_DISK
from tests.engine.helpers import RATE

GONE = "the audio device went away (test)"

RUN_WITH_A_DEVICE_THAT_GOES = '''
"""`hatbox device run` whose file backend raises AudioDeviceError after {blocks} blocks: patched at import,
so the spawned engine process (which runs this file again as __mp_main__) gets it too."""
import sys
from device.audio.alsa_io import AudioDeviceError, FileIO
_read = FileIO.read
def read(self, buf):
    if self.pos >= {blocks} * buf.shape[0]:
        raise AudioDeviceError({message!r}, hint="plug it back in")
    return _read(self, buf)
FileIO.read = read
if __name__ == "__main__":
    from hatbox.cli import main
    sys.exit(main(sys.argv[1:]))
'''

BOX = ["device", "run", "--sim", "--no-api", "--no-panel", "--no-midi", "--osc-port", "0", "--output", "take.wav"]


def _env(cwd: Path) -> dict[str, str]:
    """No ALSA devices (an empty config), this checkout on the path."""
    (cwd / "empty.conf").write_text("")
    return {"PATH": "/usr/bin:/bin", "HOME": str(cwd), "ALSA_CONFIG_PATH": str(cwd / "empty.conf"),
            "PYTHONPATH": str(Path(__file__).resolve().parents[2])}


def _hatbox_errors(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("hatbox: error:")]


def test_device_run_exits_non_zero_with_the_message_when_the_engine_stops_on_an_error(tmp_path: Path) -> None:
    """The engine's HatboxError (here the audio device going away 0.5 s in) used to end its process with
    exit code 0, and `device run` exited 0 as if stopped on purpose.  Now: status 2, one line with the
    error's own message, no traceback, and the recording up to there is a finished WAV."""
    script = tmp_path / "run_gone.py"
    script.write_text(RUN_WITH_A_DEVICE_THAT_GOES.format(blocks=RATE // 2 // 128, message=GONE))
    r = subprocess.run([sys.executable, str(script), *BOX, "--seconds", "5"], cwd=tmp_path, capture_output=True,
                       text=True, timeout=120, env=_env(tmp_path))
    assert r.returncode == 2, (r.stdout, r.stderr)
    errors = _hatbox_errors(r.stderr)
    assert len(errors) == 1 and "Traceback" not in r.stderr, r.stderr
    assert errors[0] == f"hatbox: error: the audio engine stopped: {GONE}", errors
    assert "hint: plug it back in" in r.stderr
    y, rate = sf.read(str(tmp_path / "take.wav"), dtype="float32")
    assert rate == RATE and 0.4 * RATE < y.shape[0] < 0.6 * RATE


def test_an_engine_process_that_stops_on_an_error_exits_non_zero_and_says_why() -> None:
    """The engine process itself (no CLI): exit code 2 and the message in :attr:`EngineProcess.error`;
    a clean end (--seconds) still exits 0 with no error."""
    from device.audio.server import EngineProcess, ServerConfig
    cfg = ServerConfig(audio=AudioConfig(rate=RATE, period=128), backend="file", realtime=False,
                       input_wav="/nonexistent/hatbox-p19a-in.wav")
    engine = EngineProcess(cfg)
    with pytest.raises(Exception, match="hatbox-p19a-in.wav"):
        engine.start()                        # an error before the audio starts: refused at start
    assert engine.process.exitcode == 2
    clean = EngineProcess(ServerConfig(audio=AudioConfig(rate=RATE, period=128), backend="file", realtime=False,
                                       seconds=0.2)).start()
    assert clean.wait(60) == 0 and clean.error is None
    clean.stop()


def test_alsa_errors_mid_run_are_audio_device_errors_naming_the_device() -> None:
    """pyalsaaudio raises its own ALSAAudioError when the device goes (a USB interface unplugged): it
    used to reach the engine as that (a traceback, exit code 1); now an AudioDeviceError names the device."""
    import alsaaudio

    class GonePcm:
        def read(self) -> Any:
            raise alsaaudio.ALSAAudioError("No such device [hw:1]")

        def write(self, data: bytes) -> int:
            raise alsaaudio.ALSAAudioError("No such device [hw:1]")

    io = object.__new__(AlsaIO)
    io.cfg, io.xruns = AudioConfig(device="hw:1", rate=RATE, period=128), 0
    io.capture = io.playback = GonePcm()
    buf = np.zeros(128, np.float32)
    for verb in (io.read, io.write):
        with pytest.raises(AudioDeviceError, match=r"'hw:1'.*No such device") as err:
            verb(buf)
        assert "\n" not in err.value.args[0] and err.value.hint


def test_a_recording_cut_by_a_full_disk_is_said_while_the_box_runs(tmp_path: Path) -> None:
    """A full disk at 1.2 s of a run with no end: a warning line (the file, the seconds it keeps) comes
    while the box still runs (it used to come only at the end); SIGTERM then ends it with the final
    line and status 2, as before."""
    script = tmp_path / "run_full.py"
    script.write_text(RUN_ON_A_FILLING_DISK.format(opener="filling_open",
                                                   room=audiofile.FLOAT_WAV_HEADER + 4 * int(1.2 * RATE)))
    proc = subprocess.Popen([sys.executable, str(script), *BOX], cwd=tmp_path, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True, env=_env(tmp_path))
    lines: queue.Queue[str] = queue.Queue()
    reader = threading.Thread(target=lambda: [lines.put(line) for line in proc.stderr], daemon=True)
    reader.start()
    seen: list[str] = []
    try:
        deadline = time.monotonic() + 60
        while not any("recording cut short" in line for line in seen) and time.monotonic() < deadline:
            try:
                seen.append(lines.get(timeout=1.0))
            except queue.Empty:
                assert proc.poll() is None, f"the box stopped by itself: {seen}"
        assert proc.poll() is None, "the box stopped by itself"
        said = [line for line in seen if "recording cut short" in line]
        assert len(said) == 1, seen
        assert said[0].startswith("warning: recording cut short: cannot write the output ")
        assert "No space left on device" in said[0] and "keeps the first 1.0 s" in said[0]
        assert "the box plays on" in said[0]
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 2
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    reader.join(10)                                   # the reader thread takes the last lines (to the pipe's end)
    while not lines.empty():
        seen.append(lines.get())
    errors = [line for line in seen if line.startswith("hatbox: error:")]
    assert len(errors) == 1 and "keeps the first 1.0 s of" in errors[0], seen
    assert not any("Traceback" in line for line in seen), seen


def test_the_engine_status_says_the_cut_while_it_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``status()["recording"]`` is the file backend's :meth:`FileIO.recording` while the engine runs (it
    used to be there only once the process had finished)."""
    from device.audio.server import _Child, ServerConfig
    from tests.engine.full_disk import filling_open
    monkeypatch.setattr(wav_recorder, "open", filling_open(audiofile.FLOAT_WAV_HEADER + 4 * int(1.2 * RATE)),
                        raising=False)
    cfg = ServerConfig(audio=AudioConfig(rate=RATE, period=128), backend="file", realtime=False,
                       output_wav=str(tmp_path / "take.wav"))
    child = _Child(cfg)
    try:
        child.io = FileIO(cfg.audio, None, cfg.output_wav)
        assert child.status()["recording"]["problem"] == ""
        for _ in range(0, 2 * RATE, 128):
            child.io.write(np.zeros(128, np.float32))
        rec = child.status()["recording"]
        assert rec["kept_s"] == pytest.approx(1.0) and rec["written_s"] == pytest.approx(2.0)
        assert rec["problem"].startswith("recording cut short:") and "keeps the first 1.0 s" in rec["problem"]
        child.io.close()
    finally:
        child.swapper.stop()


def test_the_file_backend_size_limit_is_the_wav_writers_own_constant() -> None:
    """Not a second literal of the same value (they could drift apart): the very object."""
    assert FileIO.MAX_OUT_BYTES is audiofile.WAV_MAX_BYTES
