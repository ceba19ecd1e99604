"""p55 R3 review 2, 5, 7: a refused switch with no pack (an unexpected error: a PermissionError reading the packs)
was said as "its pack is gone" on a 480-px screen; the narrow screens dropped "active", the pack's name or the
reason where a shorter wording would have kept them; the pack's name was read from the store on the frame thread
where the switcher's outcome can say it."""
from __future__ import annotations

from typing import Any

import pytest

from device.midi_programs import Entry, Hooks, ProgramMap, ProgramSwitcher
from device.ui import draw as D
from device.ui.data import MemoryData
from device.ui.demo import demo_status
from device.ui.panel import MESSAGE_SIZE, Panel
from device.ui.shots import RecordingControl
from tests.ui.conftest import PanelClock

PID = "effect-hatbox-drive-clean-0.1.0-ba9876543210"
HEAD = "program 12 on channel 10"
SWITCHED = {"program": 12, "channel": 10, "result": "switched", "pack": PID, "name": "hatbox-drive-clean",
            "version": "0.1.0", "message": f"{HEAD}: effect pack hatbox-drive-clean 0.1.0 ({PID}) switched in"}
PLAYING = {**SWITCHED, "result": "playing", "message": f"{HEAD}: effect pack hatbox-drive-clean 0.1.0 ({PID}) plays "
                                                       "already"}
UNMAPPED = {"program": 127, "channel": None, "result": "unmapped", "pack": None,
            "message": "program 127: nothing mapped (hatbox box-midi --program 127 PACK maps one)"}
REFUSED = {"program": 1, "channel": None, "result": "refused", "pack": PID, "name": "hatbox-drive-clean",
           "version": "0.1.0", "why": "disk full", "message":
           f"program 1: effect pack hatbox-drive-clean 0.1.0 ({PID}) was not switched in (disk full): the box plays "
           "on as before"}
GONE_WORDS = (f"{HEAD}: effect pack gone 1.0.0 (effect-gone-1.0.0-000000000000) is no longer on the box (deleted) "
              "and no effect pack named 'gone' is: nothing switched, the box plays on (hatbox box-midi --program 12 "
              "PACK maps another)")
GONE = {"program": 12, "channel": 10, "result": "refused", "pack": None, "gone": True, "message": GONE_WORDS}
ERROR = {"program": 12, "channel": 10, "result": "refused", "pack": None,
         "message": f"{HEAD}: not switched ([Errno 13] Permission denied: '/box/packs/pointer.json')"}


def _said(outcome: dict[str, Any], width: int, pack_list: list[Any] | None = None) -> tuple[str, bool]:
    """The message line a ``width``-px panel draws for ``outcome`` (a new status with it), and whether it is red."""
    panel = Panel(RecordingControl(demo_status()), MemoryData(pack_list=pack_list or []), (width, 800))
    panel.clock = PanelClock()
    panel.set_status(demo_status())
    status = demo_status()
    status["midi_program"] = {**outcome, "at": 1.0, "ago_s": 0.0}
    panel.set_status(status)
    lines, red = panel.state.toast_lines()
    return D.fit(panel.ctx.fonts, lines, MESSAGE_SIZE, width - 20), red


@pytest.mark.parametrize("width", [480, 320])
@pytest.mark.parametrize("outcome, kept", [
    (SWITCHED, ("program 12", "hatbox-drive-clean ", " active")),
    (PLAYING, ("hatbox-drive-clean ", " is active already")),
    (UNMAPPED, ("program 127: nothing mapped",)),
    (REFUSED, ("hatbox-drive-clean ", " not switched in")),
    (GONE, ("program 12", "gone, nothing switched")),
    (ERROR, ("program 12", "not switched")),
])
def test_the_fitted_line_keeps_what_happened_on_a_narrow_screen(pg: Any, outcome: dict[str, Any],
                                                                 kept: tuple[str, ...], width: int) -> None:
    line, _ = _said(outcome, width)
    assert not line.endswith("...") and "(" + PID not in line, line
    for words in kept:
        assert words in line.replace("pack is gone: nothing", "gone, nothing"), line


def test_at_480_px_the_switch_keeps_its_version_and_a_refusal_its_reason(pg: Any) -> None:
    assert _said(SWITCHED, 480)[0] == f"{HEAD}: hatbox-drive-clean 0.1.0 active"
    assert _said(REFUSED, 480) == ("program 1: hatbox-drive-clean 0.1.0 not switched in (disk full)", True)
    assert _said(SWITCHED, 320)[0] == "program 12: hatbox-drive-clean active"


@pytest.mark.parametrize("width", [800, 480, 320])
def test_a_refusal_with_no_pack_is_not_said_gone_unless_the_switcher_marks_it(pg: Any, width: int) -> None:
    line, red = _said(ERROR, width)
    assert red and "gone" not in line and "not switched" in line
    line, red = _said(GONE, width)
    assert red and "gone" in line and "nothing switched" in line
    unmarked = {k: v for k, v in GONE.items() if k != "gone"}          # a switcher from before the mark
    line, red = _said(unmarked, width)
    assert red and "not switched" in line or "nothing switched" in line


def test_a_plain_error_from_the_switcher_is_said_not_switched(pg: Any) -> None:
    def packs() -> list[dict[str, Any]]:
        raise PermissionError(13, "Permission denied", "/box/packs/pointer.json")
    programs = ProgramMap(None)
    programs.set(Entry(12, 9, PID, "effect", "hatbox-drive-clean", "0.1.0", False))
    switcher = ProgramSwitcher(programs, Hooks(packs=packs, playing=lambda k, p: False, activate=lambda p: None),
                               settle_s=0.0)
    switcher.received(12, 9).wait(5.0)
    outcome = switcher.last
    assert outcome is not None and outcome["result"] == "refused" and outcome["pack"] is None
    for width in (480, 320):
        line, red = _said(outcome, width)
        assert red and line == f"{HEAD}: not switched", line


def test_the_pack_name_is_the_switchers_own_and_the_store_is_not_read(pg: Any) -> None:
    class Counting(MemoryData):
        reads = 0

        def packs(self) -> Any:
            Counting.reads += 1
            return super().packs()
    panel = Panel(RecordingControl(demo_status()), Counting(), (800, 480))
    panel.clock = PanelClock()
    panel.set_status(demo_status())
    status = demo_status()
    status["midi_program"] = {**SWITCHED, "at": 1.0, "ago_s": 0.0}
    reads = Counting.reads
    panel.set_status(status)
    assert panel.state.toast == f"{HEAD}: hatbox-drive-clean 0.1.0 active"      # not the pack's long id
    assert Counting.reads == reads                                              # the store was not read for it
    line, _ = _said({k: v for k, v in SWITCHED.items() if k not in ("name", "version")}, 800)
    assert line == f"{HEAD}: {PID} active"                          # neither says it: the id, never nothing
