"""p55 QA_B 2: a MIDI program change said nothing on the panel (a mapped one switched the pack silently, an unmapped
one was said only in box.log).  The panel now says each on its message line, from the status's ``midi_program`` (what
device/midi_programs.py ``ProgramSwitcher.add_status`` puts there): the outcomes below are the switcher's own."""
from __future__ import annotations

from typing import Any

from device.midi_programs import Entry, Hooks, ProgramMap, ProgramSwitcher
from device.ui import draw as D
from device.ui.data import MemoryData, PackEntry
from device.ui.demo import demo_status, manifest
from device.ui.panel import NOTICE_MIN_S, TOAST_S, Panel
from device.ui.shots import RecordingControl
from tests.ui.conftest import PanelClock

FUZZ = PackEntry("effect-fuzzbox-0.2.0-0123456789ab", manifest("effect", "fuzzbox", "0.2.0"),
                 "/box/packs/effect-fuzzbox-0.2.0-0123456789ab/pack.hatpack", False)
DRIVE = PackEntry("effect-hatbox-drive-0.1.0-ba9876543210", manifest("effect", "hatbox-drive", "0.1.0"),
                  "/box/packs/effect-hatbox-drive-0.1.0-ba9876543210/pack.hatpack", True)


def _switcher(activate: Any = None) -> ProgramSwitcher:
    """A switcher over FUZZ and DRIVE, program 1 mapped to fuzzbox by name, program 2 to a pack deleted since."""
    packs = [{"id": p.id, "kind": p.manifest.kind, "name": p.manifest.name, "version": p.manifest.version}
             for p in (FUZZ, DRIVE)]
    hooks = Hooks(packs=lambda: packs, playing=lambda kind, pid: pid == DRIVE.id,
                  activate=activate or (lambda pid: DRIVE.id))
    programs = ProgramMap(None)
    programs.set(Entry(1, None, FUZZ.id, "effect", "fuzzbox", "0.2.0", True))
    programs.set(Entry(2, None, "effect-gone-1.0.0-000000000000", "effect", "gone", "1.0.0", False))
    programs.set(Entry(3, None, DRIVE.id, "effect", "hatbox-drive", "0.1.0", False))
    return ProgramSwitcher(programs, hooks, settle_s=0.0)


def _send(panel: Panel, switcher: ProgramSwitcher, program: int) -> None:
    """Program change ``program`` to the switcher, then a new status with what it did (as BoxControl's watcher)."""
    switcher.received(program, 0).wait(5.0)
    status = demo_status()
    switcher.add_status(status)
    panel.set_status(status)


def _panel() -> Panel:
    panel = Panel(RecordingControl(demo_status()), MemoryData(pack_list=[FUZZ, DRIVE]))
    panel.clock = PanelClock()
    panel.set_status(demo_status())
    panel.show_title("Play")
    return panel


def test_a_mapped_program_change_is_said_with_the_pack_it_made_active(pg: Any) -> None:
    panel, switcher = _panel(), _switcher()
    _send(panel, switcher, 1)
    assert panel.state.toast == "program 1: fuzzbox 0.2.0 active"
    assert panel.message() == ("program 1: fuzzbox 0.2.0 active", D.ACCENT)


def test_an_unmapped_program_change_is_said_on_the_panel_too(pg: Any) -> None:
    panel, switcher = _panel(), _switcher()
    _send(panel, switcher, 7)
    assert panel.state.toast.startswith("program 7: nothing mapped")
    assert "program 7: nothing mapped" in panel.state.toast_lines()[0]
    assert not panel.state.toast_lines()[1]                         # not a fault: the accent colour


def test_the_same_status_again_says_it_once_and_a_repeat_of_the_program_again(pg: Any) -> None:
    panel, switcher = _panel(), _switcher()
    _send(panel, switcher, 7)
    n = panel.state.toast_n
    status = demo_status()
    switcher.add_status(status)
    panel.set_status(status)                                         # a newer status, the same program change
    assert panel.state.toast_n == n
    panel.clock.now += NOTICE_MIN_S                                  # (the notice shown has had its minimum)
    _send(panel, switcher, 7)                                        # the foot switch pressed again: said again
    assert panel.state.toast_n == n + 1


def test_a_pack_playing_already_and_a_refused_switch_are_said(pg: Any) -> None:
    panel, switcher = _panel(), _switcher()
    _send(panel, switcher, 3)
    assert panel.state.toast == "program 3: hatbox-drive 0.1.0 is active already"

    def refuse(pid: str) -> str:
        raise OSError("disk full")
    panel, switcher = _panel(), _switcher(refuse)
    _send(panel, switcher, 1)
    lines, alarm = panel.state.toast_lines()
    assert alarm and "program 1" in lines[-1] and "not switched" in lines[-1]
    assert any("disk full" in line for line in lines)


def test_a_program_whose_pack_is_gone_is_said_in_red(pg: Any) -> None:
    panel, switcher = _panel(), _switcher()
    _send(panel, switcher, 2)
    lines, alarm = panel.state.toast_lines()
    assert alarm and lines[-1].startswith("program 2") and "switched" in lines[-1]
    assert "no longer on the box" in lines[0]                        # the switcher's words, where they fit
    marked = bool((switcher.last or {}).get("gone"))                 # the switcher marks a deleted pack gone
    assert marked and any("gone" in line for line in lines[1:])      # and the panel says so (R3 review 2)


def test_a_program_change_from_before_the_panel_started_is_not_news(pg: Any) -> None:
    switcher = _switcher()
    switcher.received(1, 0).wait(5.0)
    switcher.last = {**switcher._last}                               # what it did, long ago
    switcher._last_at -= 60.0
    panel = Panel(RecordingControl(demo_status()), MemoryData(pack_list=[FUZZ, DRIVE]))
    status = demo_status()
    switcher.add_status(status)
    panel.set_status(status)
    assert panel.state.toast == ""


def test_the_words_go_with_the_toast_s_time(pg: Any) -> None:
    panel, switcher = _panel(), _switcher()
    _send(panel, switcher, 1)
    assert panel.message()[0] == "program 1: fuzzbox 0.2.0 active"
    panel.clock.now += TOAST_S + 0.1
    assert panel.message()[0] == ""
