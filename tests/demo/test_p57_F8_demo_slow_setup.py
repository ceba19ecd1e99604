"""p57 QA_A 1 and 2: `hatbox demo` failed on a busy machine.  Its one engine played a guitar input only 10 s longer
than the performance, and the file backend stops the box at the end of its input: a set-up (packs, library, kit) of
12-13 s at load 7-8 ended the box before its performance ("the audio engine is not running").  Its box kept no log.

Here the real demo runs (engine processes, API, pushes; no drum kit, to be quick) with its input shortened by 7 s
and a set-up step slowed past what is left: it must still finish, its guitar input heard through the whole
performance, and its box must log as a real box does."""
from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np

from device.audio import audiofile
from hatbox import cmd_demo
from hatbox.cli import main

SECONDS = 2.0
SHORTER_S = 7.0          # the input is this much shorter than the demo makes it: 3 s longer than the performance


def test_a_set_up_longer_than_the_input_s_margin_still_plays_the_phrase(monkeypatch, tmp_path: Path,
                                                                       capsys, quick_demo: Path) -> None:
    phrase = cmd_demo.pluck_phrase
    monkeypatch.setattr(cmd_demo, "pluck_phrase", lambda seconds, *a, **k: phrase(seconds - SHORTER_S, *a, **k))
    push = cmd_demo._push_everything

    def slow_push(*args, **kwargs) -> None:
        push(*args, **kwargs)
        time.sleep(SECONDS + 10.0 - SHORTER_S + 1.0)      # past the end of the input, counted from the box's start
    monkeypatch.setattr(cmd_demo, "_push_everything", slow_push)

    assert main(["demo", "--out", str(tmp_path), "--seconds", str(SECONDS)]) == 0
    out = capsys.readouterr().out
    home = tmp_path / "hatbox-demo"
    summary = json.loads((home / "demo-summary.json").read_text())
    heard = [s["input_peak_db"] for s in summary["status_per_second"]]
    assert len(heard) >= 2 and all(db > -30.0 for db in heard), heard       # the phrase, every second of it
    take, rate = audiofile.read(home / "demo-out.wav")
    assert take.shape[1] >= SECONDS * rate
    assert np.abs(take[0, -int(SECONDS * rate):]).max() > 0.05             # the performance part sounds
    logs = home / "store" / "logs"
    assert "installed by 'demo-laptop'" in (logs / "changes.log").read_text()
    assert "the performance begins" in (logs / "box.log").read_text()
    assert "HTTP Request" not in (logs / "box.log").read_text()             # the laptop's requests are not the box's
    assert f"the box's log: {logs / 'box.log'}" in out
