"""p57 QA_B finding 5: after a program change to a pack without the knobs set on the last one, the tab bar's line read
"'fuzzbox' has no drive or tone (its knobs: gain): drive (2.6 dB) and tone (1500 Hz), set on 'hatbox-drive', are
kept ..." - cut at 800 px before its point (kept for a pack that has them).  The panel now has shorter wordings of
the knob-keeping note (device/ui/faults.py ``warning_lines``, made with the note by device/audio/held.py
``carried_notes`` and carried beside it in the slot's ``warning_lines``: p57 R2 review 3) that keep the pack, the knobs
and what happens to them; the log and the API keep the full note."""
from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from device.audio.held import Note, SetKnob, carried_notes
from device.ui import draw as D
from device.ui.data import MemoryData
from device.ui.demo import demo_status
from device.ui.faults import warning_lines
from device.ui.panel import MESSAGE_SIZE, Panel
from device.ui.shots import RecordingControl
from tests.ui.conftest import PanelClock

GAIN = SimpleNamespace(knobs=[SimpleNamespace(name="gain")])     # fuzzbox: one knob, not drive nor tone
KNOBLESS = SimpleNamespace(knobs=[])
DRIVE = SetKnob("drive", 2.6, "dB", on="hatbox-drive")
TONE = SetKnob("tone", 1500.0, "Hz", on="hatbox-drive")
QA_NOTE = ("'fuzzbox' has no drive or tone (its knobs: gain): drive (2.6 dB) and tone (1500 Hz), set on "
           "'hatbox-drive', are kept for a pack that has them")


def _note(knobs: list[SetKnob], unit: Any, remembered: dict[str, SetKnob] | None = None) -> Note:
    """The one note the engine gives for ``knobs`` dropped by ``unit`` (fuzzbox) replacing hatbox-drive."""
    notes = carried_notes([(k, "") for k in knobs], unit, "hatbox-drive", "fuzzbox", remembered)
    assert len(notes) == 1, notes
    return notes[0]


NOTES = {
    "qa": (_note([DRIVE, TONE], GAIN), ("fuzzbox", "drive", "tone", "kept for a pack")),
    "knobless": (_note([DRIVE, TONE], KNOBLESS), ("fuzzbox", "no knobs", "drive", "tone", "kept for a pack")),
    "one knob": (_note([DRIVE], GAIN), ("fuzzbox", "drive", "kept for a pack")),
    "restored": (_note([SetKnob("drive", 2.6, "dB", on="hatbox-drive", restored=True),
                        SetKnob("tone", 1500.0, "Hz", on="hatbox-drive", restored=True)], GAIN),
                 ("fuzzbox", "drive", "tone", "kept for a pack")),
    "turned while it loaded": (_note([SetKnob("drive", 9.0, "dB", during_load=True), TONE], GAIN,
                                     {"drive": DRIVE}), ("fuzzbox", "drive", "tone", "kept for a pack")),
}


def test_the_log_and_api_keep_the_full_note() -> None:
    assert NOTES["qa"][0].text == QA_NOTE
    for note, _ in NOTES.values():
        assert warning_lines(note.text, note.shorter)[0] == note.text


def _fitted(note: Note, width: int) -> str:
    """The message line a ``width``-px panel draws when the effect slot's status brings warning ``note``."""
    panel = Panel(RecordingControl(demo_status()), MemoryData(), (width, 480))
    panel.clock = PanelClock()
    panel.set_status(demo_status())
    status = demo_status()
    status["active"]["effect"] = {**status["active"]["effect"], "warnings": [note.text],
                                  "warning_lines": {note.text: list(note.shorter)}}
    panel.set_status(status)
    assert panel.state.toast == note.text
    return D.fit(panel.ctx.fonts, panel.state.toast_lines()[0], MESSAGE_SIZE, width - 20)


@pytest.mark.parametrize("width", [800, 480])
@pytest.mark.parametrize("case", list(NOTES))
def test_the_knob_keeping_note_fits_the_tab_bar_and_keeps_its_point(pg: Any, case: str, width: int) -> None:
    note, kept = NOTES[case]
    line = _fitted(note, width)
    assert not line.endswith("..."), line
    for words in kept:
        assert words in line, (words, line)


def test_at_800_px_the_values_are_kept_too(pg: Any) -> None:
    line = _fitted(NOTES["qa"][0], 800)
    assert "2.6 dB" in line and "1500 Hz" in line, line


def test_other_warnings_keep_their_one_wording() -> None:
    text = "knob 'drive' set to 2.6 dB on 'hatbox-drive' was not carried to 'fuzzbox': out of range"
    assert warning_lines(text) == (text,)
