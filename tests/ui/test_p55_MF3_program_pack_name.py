"""p55 FR3 review 6: the panel read the store for a program change's pack name when the outcome had none; the
switcher (device/midi_programs.py ``_outcome``) names every pack it gives, so that read could only run for an outcome
from elsewhere, and then it said a name the switcher had not.  Now the panel says the outcome's own words only: a pack
without a name is said by its id, and the store is never read for it."""
from __future__ import annotations

from typing import Any

from device.ui.data import MemoryData, PackEntry
from device.ui.demo import demo_status, manifest
from device.ui.panel import Panel
from device.ui.shots import RecordingControl
from tests.ui.conftest import PanelClock

PID = "effect-hatbox-drive-clean-0.1.0-ba9876543210"
ENTRY = PackEntry(PID, manifest("effect", "hatbox-drive-clean", "0.1.0"), f"/box/packs/{PID}/pack.hatpack", True)
NAMELESS = {"program": 12, "channel": 10, "result": "switched", "pack": PID,
            "message": f"program 12 on channel 10: effect pack ({PID}) switched in"}


class Counting(MemoryData):
    """MemoryData that counts its reads of the packs."""
    reads = 0

    def packs(self) -> list[PackEntry]:
        Counting.reads += 1
        return super().packs()


def test_a_program_outcome_without_a_name_is_said_by_its_pack_id_without_reading_the_store(pg: Any) -> None:
    panel = Panel(RecordingControl(demo_status()), Counting(pack_list=[ENTRY]), (800, 480))
    panel.clock = PanelClock()
    panel.set_status(demo_status())
    status = demo_status()
    status["midi_program"] = {**NAMELESS, "at": 1.0, "ago_s": 0.0}
    reads = Counting.reads
    panel.set_status(status)
    assert panel.state.toast == f"program 12 on channel 10: {PID} active"
    assert Counting.reads == reads
