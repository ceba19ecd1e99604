"""p42 network QA: `hatbox push-library FOLDER` left its temporary archive (a full copy of the library) in /tmp when
its terminal was closed: SIGHUP killed it before its clean-up (only SIGINT and SIGTERM were met as Ctrl-C).  Now
SIGHUP is met as they are, for every command; what SIGKILL leaves is named hatbox-push-library-* and removed by the
next push-library once a day old."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import soundfile as sf

from hatbox.library_push import STALE_S, TEMP_PREFIX, sweep_stale

ROOT = Path(__file__).resolve().parents[1]
# push-library with the box faked away: its upload stalls once the folder is packed into its temporary archive
_SCRIPT = """
import sys, time
from hatbox import cmd_box_library as m
class Box:
    def __enter__(self): return self
    def __exit__(self, *a): return False
m._client, m.target = (lambda *a, **k: Box()), (lambda args: ("http://box", "t", None))
m._check_limit = m.library_there = lambda *a, **k: None
m._box_status = lambda *a, **k: {}      # p48: push-library reads the box's GET /status once
m._call = lambda *a, **k: []            # p54 MR2a: and its GET /libraries once, before sending
def stall(*a, **k):
    print("ready", flush=True)
    time.sleep(60)
m.upload = stall
from hatbox.cli import main
sys.exit(main(["push-library", sys.argv[1]]))
"""


def _hang_up_heard() -> None:
    """In the child: SIGHUP as a terminal's shell leaves it (a test run under nohup hands its children an ignored
    SIGHUP, which hatbox rightly leaves ignored: the command then slept on)."""
    signal.signal(signal.SIGHUP, signal.SIG_DFL)


def test_a_closed_terminal_cleans_up_push_librarys_archive(tmp_path: Path) -> None:
    folder, tmp = tmp_path / "kit", tmp_path / "tmp"
    folder.mkdir()
    tmp.mkdir()
    for name in ("kick.wav", "snare.wav"):
        sf.write(folder / name, np.zeros(4800, np.float32), 48000)
    env = {**os.environ, "TMPDIR": str(tmp), "HATBOX_CONFIG": str(tmp_path / "cfg.json"),
           "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-c", _SCRIPT, str(folder)], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=tmp_path, preexec_fn=_hang_up_heard)
    try:
        assert proc.stdout.readline().strip() == "ready"
        assert [p.name.startswith(TEMP_PREFIX) for p in tmp.iterdir()] == [True]     # the archive's folder
        proc.send_signal(signal.SIGHUP)
        _, err = proc.communicate(timeout=30)
    finally:
        proc.kill()
    assert proc.returncode == 129, err            # 128 + SIGHUP (p43 review)
    assert "interrupted (SIGHUP)" in err and "Traceback" not in err, err
    assert list(tmp.iterdir()) == []


def test_a_stale_archive_folder_of_a_killed_push_is_removed(tmp_path: Path) -> None:
    old, fresh, other = tmp_path / f"{TEMP_PREFIX}old", tmp_path / f"{TEMP_PREFIX}new", tmp_path / "tmpabc"
    for d in (old, fresh, other):
        d.mkdir()
        (d / "kit.tar").write_bytes(b"x" * 10)
    then = time.time() - STALE_S - 60
    for p in (old / "kit.tar", old, other / "kit.tar", other):
        os.utime(p, (then, then))
    assert sweep_stale(tmp_path) == [old]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([fresh.name, other.name])


def test_a_hang_up_is_named_as_what_it_was() -> None:
    from hatbox.errors import Terminated, stopped_by
    assert stopped_by(Terminated("SIGHUP")) == "SIGHUP" and stopped_by(Terminated()) == "SIGTERM"
