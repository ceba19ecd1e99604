"""p57 R2 review 4: a program change that came while an earlier one's slow switch still ran joined its burst, however
long after: program 1 switched hatbox-drive -> fuzzbox (a cold load, about 470 ms), program 0 pressed 0.3 s later
switched back and was answered "plays already: the burst ... is back where it began" (the panel: "is active
already") right after an audible switch.  A burst is program changes each within settle_s of the one before, by time
alone: the second is a burst of its own, and says it switched."""
from __future__ import annotations

import time

from device.midi_programs import SWITCHED, Entry, Hooks, ProgramMap, ProgramSwitcher

DRIVE, FUZZ = "effect-hatbox-drive-0.1.0-ba9876543210", "effect-fuzzbox-0.2.0-0123456789ab"
SETTLE_S = 0.05


class SlowBox:
    """The effect slot; each activate takes ``load_s`` (a cold load)."""

    def __init__(self, load_s: float) -> None:
        self.playing, self.load_s = DRIVE, load_s

    def activate(self, pid: str) -> str:
        time.sleep(self.load_s)
        before, self.playing = self.playing, pid
        return before


def _switcher(box: SlowBox) -> ProgramSwitcher:
    packs = [{"id": DRIVE, "kind": "effect", "name": "hatbox-drive", "version": "0.1.0"},
             {"id": FUZZ, "kind": "effect", "name": "fuzzbox", "version": "0.2.0"}]
    programs = ProgramMap(None)
    programs.set(Entry(0, None, DRIVE, "effect", "hatbox-drive", "0.1.0", False))
    programs.set(Entry(1, None, FUZZ, "effect", "fuzzbox", "0.2.0", False))
    hooks = Hooks(packs=lambda: packs, playing=lambda kind, pid: pid == box.playing, activate=box.activate)
    return ProgramSwitcher(programs, hooks, settle_s=SETTLE_S)


def test_a_program_change_well_after_the_last_is_a_burst_of_its_own_during_a_slow_load() -> None:
    box = SlowBox(load_s=10 * SETTLE_S)
    switcher = _switcher(box)
    first = switcher.received(1, 0)
    time.sleep(5 * SETTLE_S)                     # pressed while program 1's switch still loads
    second = switcher.received(0, 0)
    one, two = first.wait(5.0), second.wait(5.0)
    assert one is not None and one["result"] == SWITCHED, one
    assert two is not None and two["result"] == SWITCHED and "switched in" in two["message"], two
    assert "plays already" not in two["message"] and box.playing == DRIVE

