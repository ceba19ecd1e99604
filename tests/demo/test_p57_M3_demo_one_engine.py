"""p57 M3 (review R3 of the F8 fix): the demo's box runs on ONE engine again, its guitar input cued (silence in
during the set-up, the phrase from the performance on), so the take holds the set-up's hot-swaps and then the
performance.  Its store is held and logged into as `hatbox device run` does, from before the engine starts: no false
knob warning, the engine's start in box.log, its start's warnings said, a second box on the store refused.

p57 QA_A 1 and 2 (F8, once tests/demo/test_p57_F8_demo_slow_setup.py, run in the same demo here: one real demo is
~10 s): `hatbox demo` failed on a busy machine.  Its one engine played a guitar input only 10 s longer than the
performance, and the file backend stops the box at the end of its input: a set-up (packs, library, kit) of 12-13 s
at load 7-8 ended the box before its performance ("the audio engine is not running").  Its box kept no log.  Here
its input is shortened by 7 s and the set-up lasts past the input's length counted from the box's start: it must
still finish, its guitar input heard through the whole performance, and its box must log as a real box does."""
from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
import pytest

from device.audio import audiofile
from device.audio.server import EngineProcess
from hatbox import cmd_demo
from hatbox.box_store_lock import one_box
from hatbox.cli import main
from hatbox.errors import HatboxError

SECONDS = 2.0
SHORTER_S = 7.0          # F8: the input is this much shorter than the demo makes it: 3 s longer than the performance
INPUT_S = SECONDS + 10.0 - SHORTER_S


def test_the_demo_sets_up_and_plays_on_one_engine_holding_and_logging_its_store(monkeypatch, tmp_path: Path,
                                                                                capsys, quick_demo: Path) -> None:
    """One demo run checks both: M3 (one engine, the store held and logged, the set-up's swaps in the take) and F8
    (a set-up that lasts past the end of the shortened input still plays the whole phrase)."""
    phrase = cmd_demo.pluck_phrase
    monkeypatch.setattr(cmd_demo, "pluck_phrase", lambda seconds, *a, **k: phrase(seconds - SHORTER_S, *a, **k))
    start = EngineProcess.start
    box_started: list[float] = []

    def start_with_a_warning(self: EngineProcess, *args, **kwargs) -> EngineProcess:
        box_started.append(time.monotonic())
        got = start(self, *args, **kwargs)
        got.start_warnings.append("a start warning of the test's")
        return got
    monkeypatch.setattr(EngineProcess, "start", start_with_a_warning)
    refused: list[str] = []
    push = cmd_demo._push_everything

    def push_then_try_a_second_box(url: str, code: str, home: Path, samples: Path | None) -> None:
        push(url, code, home, samples)
        with pytest.raises(HatboxError) as second:                       # `device run --store` the demo's store
            with one_box(home / "store"):
                pass
        refused.append(str(second.value))
        # a set-up of a while, on silence (M3), that lasts past the end of the input counted from the box's start
        # (F8): the pushes took some of it already, the rest is slept
        time.sleep(max(1.0, box_started[0] + INPUT_S + 1.0 - time.monotonic()))
    monkeypatch.setattr(cmd_demo, "_push_everything", push_then_try_a_second_box)

    assert main(["demo", "--out", str(tmp_path), "--seconds", str(SECONDS)]) == 0
    said = capsys.readouterr()
    assert time.monotonic() - box_started[0] > INPUT_S + 1.0 + SECONDS     # F8: the set-up outlasted the input
    assert refused and "one box per store" in refused[0]
    assert "could not keep the knobs" not in said.err + said.out
    assert "warning: a start warning of the test's" in said.err
    home = tmp_path / "hatbox-demo"
    box_log = (home / "store" / "logs" / "box.log").read_text()
    assert box_log.count("engine process") and box_log.count(" started: file backend") == 1     # one engine
    assert box_log.index("the demo's box starts") < box_log.index(" started: file backend")       # logged from before
    assert "a start warning of the test's" in box_log
    summary = json.loads((home / "demo-summary.json").read_text())
    begin = summary["performance_from_s"]
    assert begin is not None and begin > 1.0                               # the set-up is in the take
    assert summary["effect_swaps_s"] and all(0 < t < begin for t in summary["effect_swaps_s"])   # its hot-swap too
    heard = [s["input_peak_db"] for s in summary["status_per_second"]]
    assert len(heard) >= 2 and all(db > -30.0 for db in heard), heard       # F8: the phrase, every second of it
    take, rate = audiofile.read(home / "demo-out.wav")
    assert take.shape[1] >= (begin + SECONDS) * rate
    assert take.shape[1] >= SECONDS * rate
    assert np.abs(take[0, int((begin + 0.2) * rate):]).max() > 0.05        # the performance sounds
    assert np.abs(take[0, -int(SECONDS * rate):]).max() > 0.05             # F8: the performance part sounds
    assert f"the set-up on silence for its first {begin:.1f} s, the effect hot-swapped in at" in said.out
    assert "(engine process, API, panel)" not in said.out and "shows them while it runs" not in said.out
    logs = home / "store" / "logs"                                          # F8: the box logs as a real box does
    assert "installed by 'demo-laptop'" in (logs / "changes.log").read_text()
    assert "the performance begins" in box_log
    assert "HTTP Request" not in box_log                                    # the laptop's requests are not the box's
    assert f"the box's log: {logs / 'box.log'}" in said.out
