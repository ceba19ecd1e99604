"""p57 QA_C 1: after two program changes 150 ms apart (1, then 0), the tab bar kept "program 1: fuzzbox 0.2.0
active" for about 2 s while the status already said hatbox-drive played: a program notice on the line held it for
NOTICE_MIN_S against a newer program outcome, and nothing took it down when an activation since said otherwise.
Now a newer program outcome replaces it at once, and a status with another pack active in its slot takes it down."""
from __future__ import annotations

from typing import Any

from device.midi_programs import ProgramSwitcher
from device.ui import draw as D
from device.ui.demo import demo_status
from device.ui.panel import Panel
from tests.ui.test_p55_F4_program_change import DRIVE, FUZZ, _panel, _switcher


def _status(switcher: ProgramSwitcher, active: Any = None) -> dict[str, Any]:
    """A new status with the switcher's last outcome and ``active`` (a PackEntry) as the effect slot's pack."""
    status = demo_status()
    switcher.add_status(status)
    if active is not None:
        status["active"]["effect"] = {"name": active.manifest.name, "version": active.manifest.version,
                                      "path": active.path}
    return status


def _program(panel: Panel, switcher: ProgramSwitcher, program: int, later_s: float, active: Any = None) -> str:
    """Program change ``program`` ``later_s`` after the last, its status to the panel; the message line then."""
    panel.clock.now += later_s
    switcher.received(program, 0).wait(5.0)
    panel.message()
    panel.set_status(_status(switcher, active))
    return panel.message()[0]


def test_a_second_program_change_150_ms_later_replaces_the_first_notice_at_once(pg: Any) -> None:
    panel, switcher = _panel(), _switcher()
    assert _program(panel, switcher, 1, 0.0) == "program 1: fuzzbox 0.2.0 active"
    assert _program(panel, switcher, 3, 0.15) == "program 3: hatbox-drive 0.1.0 is active already"


def test_a_refused_program_after_a_green_one_is_said_at_once_in_red(pg: Any) -> None:
    panel, switcher = _panel(), _switcher()
    assert _program(panel, switcher, 1, 0.0) == "program 1: fuzzbox 0.2.0 active"
    assert _program(panel, switcher, 2, 0.1).startswith("program 2")     # its pack gone: red, not held 2 s
    assert panel.message()[1] == D.BAD


def test_a_program_notice_goes_when_another_pack_is_made_active_in_its_slot(pg: Any) -> None:
    panel, switcher = _panel(), _switcher()
    assert _program(panel, switcher, 1, 0.0, active=DRIVE) == "program 1: fuzzbox 0.2.0 active"   # not caught up
    panel.clock.now += 0.1
    panel.set_status(_status(switcher, FUZZ))
    assert panel.message()[0] == "program 1: fuzzbox 0.2.0 active"
    panel.clock.now += 0.3
    panel.set_status(_status(switcher, DRIVE))           # hatbox-drive activated since (Models, a laptop)
    assert "fuzzbox" not in panel.message()[0]


def test_a_program_notice_stays_while_the_status_still_shows_the_pack_before_it(pg: Any) -> None:
    panel, switcher = _panel(), _switcher()
    assert _program(panel, switcher, 1, 0.0, active=DRIVE) == "program 1: fuzzbox 0.2.0 active"
    for _ in range(3):
        panel.clock.now += 0.2
        panel.set_status(_status(switcher, DRIVE))
        assert panel.message()[0] == "program 1: fuzzbox 0.2.0 active"
