"""p57 M3 (review R3 of the F8 fix): the demo's box runs on ONE engine again, its guitar input cued (silence in
during the set-up, the phrase from the performance on), so the take holds the set-up's hot-swaps and then the
performance.  Its store is held and logged into as `hatbox device run` does, from before the engine starts: no false
knob warning, the engine's start in box.log, its start's warnings said, a second box on the store refused."""
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


def test_the_demo_sets_up_and_plays_on_one_engine_holding_and_logging_its_store(monkeypatch, tmp_path: Path,
                                                                                capsys, quick_demo: Path) -> None:
    start = EngineProcess.start

    def start_with_a_warning(self: EngineProcess, *args, **kwargs) -> EngineProcess:
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
        time.sleep(1.0)                                                    # a set-up of a while, on silence
    monkeypatch.setattr(cmd_demo, "_push_everything", push_then_try_a_second_box)

    assert main(["demo", "--out", str(tmp_path), "--seconds", str(SECONDS)]) == 0
    said = capsys.readouterr()
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
    take, rate = audiofile.read(home / "demo-out.wav")
    assert take.shape[1] >= (begin + SECONDS) * rate
    assert np.abs(take[0, int((begin + 0.2) * rate):]).max() > 0.05        # the performance sounds
    assert f"the set-up on silence for its first {begin:.1f} s, the effect hot-swapped in at" in said.out
    assert "(engine process, API, panel)" not in said.out and "shows them while it runs" not in said.out
