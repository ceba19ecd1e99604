"""`hatbox device run` and Ctrl-C, QA round 20: a Ctrl-C while the box starts (the engine process being
spawned, its start-up, the front ends starting) or as a run ends printed the engine process's Python
traceback (and at the end turned a clean stop into "the audio engine process failed (exit code 1)"); a
Ctrl-C only the box's own process got left the engine to be killed at exit.  Now: one line ("hatbox:
interrupted", exit 130, as for any hatbox command) while it starts, nothing (exit 0, the box's usual stop)
once it runs, the output file finished either way.  And an exception a reader thread of the engine process
did not expect (it printed a thread traceback and left its channel unanswered: a 90 s hang) stops the engine
with the engine's own bug line, its traceback in the store's logs/, exit 1."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import soundfile as sf

from tests.engine.helpers import RATE

SCRIPT = '''
"""`hatbox device run` with a Ctrl-C (or a bug) at moment {moment!r}, patched at import, so the spawned
engine process (which runs this file again as __mp_main__) gets it too."""
import os
import signal
import sys
import threading
import time

import device.audio.server as server
from device.audio.alsa_io import FileIO
from hatbox import cmd_device

MOMENT = {moment!r}


def ctrl_c(group=True):
    """A terminal's Ctrl-C (the whole process group), or a SIGINT to this process alone."""
    if group:
        os.killpg(0, signal.SIGINT)
    else:
        os.kill(os.getpid(), signal.SIGINT)
    time.sleep(0.5)        # it lands in here (where SIGINT is ignored, "spawn" and "end", this wait is all it does:
    #                        the signal reached every process of the group at once, 0.5 s as 3 s until the p58 trim)


if MOMENT == "spawn" and __name__ == "__mp_main__":    # the engine process, importing this very file
    ctrl_c()
if MOMENT == "start-up":                               # the engine process, before its clock starts
    _preroll = server.preroll

    def preroll(engine, block, blocks=8):
        ctrl_c()
        _preroll(engine, block, blocks)
    server.preroll = preroll
if MOMENT == "front-ends":                             # the box's process, the engine running
    _front_ends = cmd_device._front_ends

    def front_ends(args, control):
        ctrl_c(group=False)
        return _front_ends(args, control)
    cmd_device._front_ends = front_ends
if MOMENT == "end":                                    # the engine process, finishing its output file
    _close = FileIO.close

    def close(self):
        ctrl_c()
        _close(self)
    FileIO.close = close
if MOMENT == "reader":                                 # a status the status reader cannot send (a bug)
    _status = server._Child.status
    calls = [0]

    def status(self):
        calls[0] += 1
        st = _status(self)
        if calls[0] >= 3:                              # the engine's own first read, the box's first, then this
            st["lock"] = threading.Lock()
        return st
    server._Child.status = status
if __name__ == "__main__":
    from hatbox.cli import main
    sys.exit(main(sys.argv[1:]))
'''


def _run(tmp_path: Path, moment: str, *extra: str) -> subprocess.CompletedProcess:
    """The script in its own session (its Ctrl-C reaches no one else), on the file backend, no front end
    but the status lines."""
    script = tmp_path / "run_signal.py"
    script.write_text(SCRIPT.format(moment=moment))
    (tmp_path / "empty.conf").write_text("")
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "ALSA_CONFIG_PATH": str(tmp_path / "empty.conf"),
           "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    return subprocess.run([sys.executable, str(script), "device", "run", "--sim", "--no-api", "--no-mdns",
                           "--no-panel", "--no-midi", "--osc-port", "0", "--output", "take.wav",
                           "--store", str(tmp_path / "store"), *extra],
                          cwd=tmp_path, capture_output=True, text=True, timeout=60, env=env, start_new_session=True)


def _said(r: subprocess.CompletedProcess) -> list[str]:
    assert "Traceback" not in r.stderr + r.stdout and "KeyboardInterrupt" not in r.stderr, r.stderr
    return [line for line in r.stderr.splitlines() if line.startswith("hatbox")]


@pytest.mark.parametrize("moment", ["spawn", "start-up", "front-ends"])
def test_ctrl_c_while_the_box_starts_is_one_line_and_exit_130(tmp_path: Path, moment: str) -> None:
    r = _run(tmp_path, moment)
    assert r.returncode == 130, (r.stdout, r.stderr)
    assert _said(r) == ["hatbox: interrupted"], r.stderr
    if moment == "front-ends":                  # the engine ran: asked to stop, its file finished
        info = sf.info(str(tmp_path / "take.wav"))
        assert info.samplerate == RATE and info.frames > 0


def test_ctrl_c_as_the_run_ends_is_silent_exit_0_and_the_file_is_whole(tmp_path: Path) -> None:
    r = _run(tmp_path, "end", "--seconds", "0.5")
    assert r.returncode == 0 and _said(r) == [], (r.stdout, r.stderr)
    y, rate = sf.read(str(tmp_path / "take.wav"), dtype="float32")
    assert rate == RATE and y.shape[0] == pytest.approx(0.5 * RATE, abs=256)


def test_a_reader_thread_bug_stops_the_engine_with_its_bug_line(tmp_path: Path) -> None:
    r = _run(tmp_path, "reader", "--seconds", "20")
    assert r.returncode == 1, (r.stdout, r.stderr)
    crashes = list((tmp_path / "store" / "logs").glob("engine-crash-*.txt"))
    assert len(crashes) == 1, (crashes, r.stderr)
    said = _said(r)
    assert len(said) == 1 and said[0].startswith("hatbox: error: the audio engine stopped on a bug in hatbox ("), said
    assert said[0].endswith(f"; the full traceback is in {crashes[0]} - please report it with that file")
    assert "pickle" in said[0] and "pickle" in crashes[0].read_text()
