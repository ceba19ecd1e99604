"""p57 QA_B finding 4: a quick 1-0-1 program burst switched the effect hatbox-drive -> fuzzbox, but the outcome (the
status's ``midi_program``) and the panel said only "program 1: fuzzbox 0.2.0 is active already": the burst's first
program switched at once (by design), its last found fuzzbox playing, and that last outcome replaced the first's.
Now a burst's outcome says what changed from where the burst began: "active" when the pack playing now differs from
the one before the burst, "active already" only when nothing changed over the whole burst."""
from __future__ import annotations

import threading
import time
from typing import Any

from device.midi_programs import PLAYING, SWITCHED, Entry, Hooks, ProgramMap, ProgramSwitcher
from device.ui.data import MemoryData, PackEntry
from device.ui.demo import demo_status, manifest
from device.ui.panel import Panel
from device.ui.shots import RecordingControl
from tests.ui.conftest import PanelClock

FUZZ = PackEntry("effect-fuzzbox-0.2.0-0123456789ab", manifest("effect", "fuzzbox", "0.2.0"),
                 "/box/packs/effect-fuzzbox-0.2.0-0123456789ab/pack.hatpack", False)
DRIVE = PackEntry("effect-hatbox-drive-0.1.0-ba9876543210", manifest("effect", "hatbox-drive", "0.1.0"),
                  "/box/packs/effect-hatbox-drive-0.1.0-ba9876543210/pack.hatpack", True)
SETTLE_S = 0.3                 # s: the rest of a burst comes within it of the one before, also on a loaded machine


class Box:
    """The box's effect slot as the switcher's hooks see it: ``playing`` the active effect's id; ``activate`` makes a
    pack active and returns the one before it, its first call held until :attr:`gate` opens (a switch still running
    while the rest of the burst comes)."""

    def __init__(self) -> None:
        self.playing, self.gate, self.entered, self.calls = DRIVE.id, threading.Event(), threading.Event(), 0

    def activate(self, pid: str) -> str:
        self.calls += 1
        if self.calls == 1:
            self.entered.set()
            assert self.gate.wait(5.0)
        before, self.playing = self.playing, pid
        return before


def _switcher(box: Box) -> ProgramSwitcher:
    """Program 0 maps hatbox-drive, program 1 fuzzbox (the QA's set list)."""
    packs = [{"id": p.id, "kind": p.manifest.kind, "name": p.manifest.name, "version": p.manifest.version}
             for p in (FUZZ, DRIVE)]
    hooks = Hooks(packs=lambda: packs, playing=lambda kind, pid: pid == box.playing, activate=box.activate)
    programs = ProgramMap(None)
    programs.set(Entry(0, None, DRIVE.id, "effect", "hatbox-drive", "0.1.0", False))
    programs.set(Entry(1, None, FUZZ.id, "effect", "fuzzbox", "0.2.0", False))
    return ProgramSwitcher(programs, hooks, settle_s=SETTLE_S)


def _burst(box: Box, first: int, *rest: int) -> dict[str, Any]:
    """``first`` (switched at once), then ``rest`` one right after another while its switch runs; the burst's last
    outcome."""
    switcher = _switcher(box)
    jobs = [switcher.received(first, 0)]
    assert box.entered.wait(5.0)
    jobs += [switcher.received(p, 0) for p in rest]
    box.gate.set()
    outcome = jobs[-1].wait(5.0)
    assert outcome is not None and switcher.wait(5.0)
    assert switcher.last is not None and switcher.last["message"] == outcome["message"]
    return outcome


def _panel_says(outcome: dict[str, Any]) -> str:
    panel = Panel(RecordingControl(demo_status()), MemoryData(pack_list=[FUZZ, DRIVE]))
    panel.clock = PanelClock()
    panel.set_status(demo_status())
    status = demo_status()
    status["midi_program"] = {**outcome, "ago_s": 0.0}
    panel.set_status(status)
    return panel.state.toast


def test_a_1_0_1_burst_that_changed_the_pack_says_it_switched(pg: Any) -> None:
    box = Box()
    outcome = _burst(box, 1, 0, 1)
    assert box.playing == FUZZ.id and box.calls == 1         # the first switched at once, the last found it playing
    assert outcome["result"] == SWITCHED and outcome["ok"], outcome
    assert "switched in by the burst" in outcome["message"] and f"(was {DRIVE.id})" in outcome["message"], outcome
    assert outcome["switch_ms"] is None                      # this program change itself loaded nothing
    assert _panel_says(outcome) == "program 1: fuzzbox 0.2.0 active"


def test_a_1_0_burst_back_where_it_began_says_active_already(pg: Any) -> None:
    box = Box()
    outcome = _burst(box, 1, 0)
    assert box.playing == DRIVE.id and box.calls == 2        # switched away and back
    assert outcome["result"] == PLAYING and outcome["ok"], outcome
    assert "plays already" in outcome["message"] and "back where it began" in outcome["message"], outcome
    assert _panel_says(outcome) == "program 0: hatbox-drive 0.1.0 is active already"


def test_a_lone_program_change_after_a_burst_starts_anew(pg: Any) -> None:
    """The burst's memory of where it began goes with it: program 1 again, alone, a while later, plays already."""
    box = Box()
    switcher = _switcher(box)
    switcher.received(1, 0)
    assert box.entered.wait(5.0)
    burst = [switcher.received(p, 0) for p in (0, 1)]
    box.gate.set()
    assert burst[-1].wait(5.0) is not None and switcher.wait(5.0)
    time.sleep(SETTLE_S * 2)
    again = switcher.received(1, 0).wait(5.0)
    assert again is not None and again["result"] == PLAYING, again
    assert _panel_says(again) == "program 1: fuzzbox 0.2.0 is active already"


def test_a_burst_of_one_program_playing_already_says_active_already(pg: Any) -> None:
    box = Box()
    switcher = _switcher(box)
    outcome = [switcher.received(p, 0) for p in (0, 0)][-1].wait(5.0)
    assert outcome is not None and box.calls == 0 and outcome["result"] == PLAYING, outcome
