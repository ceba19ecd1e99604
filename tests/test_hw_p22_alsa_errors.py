"""A box with no sound card (or a wrong --audio name): libasound's own "ALSA lib ..." lines no longer come
before hatbox's one line on stderr; they go to the log at debug level.  And an ALSA error that says nothing
still makes a one-line message."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("alsaaudio")

ROOT = Path(__file__).resolve().parents[1]
MISSING = "hatbox_no_such_pcm"

# Opens a PCM that does not exist through hatbox's path, then (outside it) through pyalsaaudio alone: the
# second must print libasound's line as before (the handler that was set is put back).
SCRIPT = f"""
import logging, sys
logging.basicConfig(level=logging.DEBUG, stream=sys.stdout, format="LOG %(name)s %(levelname)s %(message)s")
import alsaaudio
from device.audio.alsa_io import AlsaIO, AudioConfig, AudioDeviceError
from hatbox.errors import first_line
try:
    AlsaIO(AudioConfig(device="{MISSING}", capture=False))
except AudioDeviceError as exc:
    print("hatbox: error: " + first_line(exc), file=sys.stderr, flush=True)
print("AFTER", file=sys.stderr, flush=True)
try:
    alsaaudio.PCM(alsaaudio.PCM_PLAYBACK, device="{MISSING}")
except alsaaudio.ALSAAudioError:
    pass
"""


def test_no_alsa_lib_lines_before_hatbox_own_message(tmp_path: Path) -> None:
    run = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, capture_output=True, text=True, timeout=60)
    before, _, after = run.stderr.partition("AFTER\n")
    assert run.returncode == 0, run.stderr
    assert before.splitlines() == [f"hatbox: error: cannot open ALSA playback device '{MISSING}' at 48000 Hz, "
                                   f"period 128 x 3: No such file or directory [{MISSING}]"]
    assert "ALSA lib" not in before
    logged = [line for line in run.stdout.splitlines() if line.startswith("LOG hatbox.engine.alsa DEBUG ALSA lib ")]
    assert any("(snd_pcm_open_noupdate) Unknown PCM" in line for line in logged), run.stdout
    assert "ALSA lib" in after and "Unknown PCM" in after            # libasound's own handler is back afterwards


def test_without_libasound_nothing_changes(monkeypatch: pytest.MonkeyPatch) -> None:
    from device.audio import alsa_io, alsa_log
    monkeypatch.setattr(alsa_log, "_libasound", lambda: None)
    with pytest.raises(alsa_io.AudioDeviceError, match=f"cannot open ALSA playback device '{MISSING}'"):
        alsa_io.AlsaIO(alsa_io.AudioConfig(device=MISSING, capture=False))


def test_no_ctypes_callback_leaves_alsa_as_it_was(monkeypatch: pytest.MonkeyPatch) -> None:
    """A kernel that refuses write+execute memory makes the ctypes closure raise MemoryError: the device is opened
    (or refused) as without the handler, never an internal error."""
    from device.audio import alsa_io, alsa_log

    def no_closure() -> Any:
        raise MemoryError("Cannot allocate write+execute memory for ffi.closure")
    monkeypatch.setattr(alsa_log, "_error_handler", no_closure)
    with pytest.raises(alsa_io.AudioDeviceError, match=f"cannot open ALSA playback device '{MISSING}'"):
        alsa_io.AlsaIO(alsa_io.AudioConfig(device=MISSING, capture=False))


class Silent(Exception):
    def __str__(self) -> str:
        return ""


@pytest.mark.parametrize("exc, why", [(Silent(), "Silent"), (OSError("\n  unplugged  \nmore"), "unplugged")])
def test_a_device_that_stops_with_a_blank_or_odd_message_is_one_line(exc: Exception, why: str) -> None:
    from device.audio.alsa_io import AlsaIO
    err = AlsaIO._stopped("playback", "hw:1", exc)
    assert str(err).splitlines()[0] == f"the ALSA playback device 'hw:1' stopped working: {why}"


def test_a_recording_write_error_with_a_blank_message_is_one_line(tmp_path: Path) -> None:
    import numpy as np

    from device.audio.alsa_io import AudioConfig, FileIO

    class Broken:
        kept, paths = 0, [tmp_path / "out.wav"]

        def write(self, x: Any) -> None:
            raise OSError("\nNo space left on device  \n[Errno 28]")

        def seal(self, fall: Any = None) -> None:          # the recorder ends its file on what the disk holds (p59 M2)
            self.sealed = True

    io = FileIO(AudioConfig(rate=8000, period=64, capture=False), out_path=tmp_path / "out.wav")
    io._out.close()
    io._out = broken = Broken()
    io.write(np.zeros(io._buf.shape[0], np.float32))
    assert getattr(broken, "sealed", False)                    # the file was ended on what the disk holds
    assert io.info["playback"]["error"] == f"cannot write the output {tmp_path / 'out.wav'}: No space left on device"
