"""p56 review R2 item 8: an unmapped program is logged once (a controller scrolling past it is no flood), but the
repeat key left out the port the line names: program 5 from controller A was logged "from MIDI port 'A'", and the
same from controller B never, so the log said A alone sent it.  Each port's is logged once now."""
from __future__ import annotations

from pathlib import Path

import mido
import pytest

from device.logs import box_logging, log_path
from tests.midi.p44_box import program_box

FOOT = "FS-1-WL:FS-1-WL MIDI 1 24:0"
KEYS = "nanoKEY2:nanoKEY2 MIDI 1 28:0"


def test_an_unmapped_program_is_said_once_for_each_port(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = tmp_path / "box"
    box = program_box(store, monkeypatch)
    try:
        with box_logging(store, terminal=False):
            for source in (FOOT, KEYS, FOOT, KEYS):
                box.port.for_source(source)(mido.Message("program_change", program=5, channel=0))
                assert box.switcher.wait(10)
            logged = [line for line in log_path(store).read_text().splitlines() if "program 5: nothing mapped" in line]
    finally:
        box.stop()
    assert [line.rsplit("; ", 1)[1] for line in logged] == ["from MIDI port 'FS-1-WL MIDI 1'",
                                                             "from MIDI port 'nanoKEY2 MIDI 1'"]
