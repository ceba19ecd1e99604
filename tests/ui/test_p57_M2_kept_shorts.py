"""p57 R2 review 3: the panel's shorter wordings of the knob-keeping note were read back out of its text with regexes.
A unit with a parenthesis ('dB (FS)') gave a false short line (drive dropped: "'fuzzbox' has no tone: ..."), the
restored one-knob form named no pack ("the pack has no drive"), and a change of wording lost every short form
silently.  Now the engine makes the short forms where it makes the note, from the knobs, and carries them beside the
warning (``active[slot]["warning_lines"]``) to the panel."""
from __future__ import annotations

from typing import Any

import numpy as np

from device.audio.engine import Engine, EngineConfig
from device.ui import draw as D
from device.ui.data import MemoryData
from device.ui.demo import demo_status
from device.ui.panel import MESSAGE_SIZE, Panel
from device.ui.shots import RecordingControl
from export.manifest import Knob
from tests.engine.test_p53_M1_kept_notes import _Fx
from tests.ui.conftest import PanelClock


def _switched(knobs: dict[str, float], first: _Fx, then: _Fx) -> dict[str, Any]:
    """The engine's status after ``knobs`` were set on 'hatbox-drive' (``first``) and 'fuzzbox' (``then``) came in."""
    engine = Engine(EngineConfig(rate=48000, block=128))
    for unit, name in ((first, "hatbox-drive"), (then, "fuzzbox")):
        engine.install("effect", unit, {"name": name})
        engine.end_load("effect")
        engine.process(np.zeros(128, np.float32), np.zeros(128, np.float32))
        for knob, value in knobs.items() if name == "hatbox-drive" else ():
            engine.handle({"op": "knob", "slot": "effect", "name": knob, "value": value})
    return engine.status()


def _panel_line(active: dict[str, Any], width: int) -> str:
    """The tab bar's line on a ``width``-px panel given the effect slot's ``active`` entry."""
    panel = Panel(RecordingControl(demo_status()), MemoryData(), (width, 480))
    panel.clock = PanelClock()
    panel.set_status(demo_status())
    status = demo_status()
    status["active"]["effect"] = {**status["active"]["effect"], **active}
    panel.set_status(status)
    return D.fit(panel.ctx.fonts, panel.state.toast_lines()[0], MESSAGE_SIZE, width - 20)


FS_DRIVE = Knob("drive", 0.0, 24.0, 3.0, "dB (FS)")
TONE = Knob("tone", 500.0, 10000.0, 5000.0, "Hz")


def test_a_unit_with_a_parenthesis_keeps_both_knobs_in_the_short_forms(pg: Any) -> None:
    status = _switched({"drive": 2.6, "tone": 1500.0}, _Fx(FS_DRIVE, TONE), _Fx(Knob("gain", 0, 1, 0.5, "")))
    effect = status["active"]["effect"]
    (note,) = effect["warnings"]
    shorter = effect["warning_lines"][note]
    assert shorter[0] == "'fuzzbox' has no drive or tone: drive 2.6 dB (FS) and tone 1500 Hz are kept for a pack " \
                         "that has them"
    assert all("drive" in s and "tone" in s for s in shorter), shorter
    line = _panel_line(effect, 800)
    assert "drive" in line and "tone" in line and not line.endswith("..."), line


def test_the_restored_one_knob_form_names_the_pack_started(pg: Any) -> None:
    from device.audio.held import SetKnob, carried_notes
    knob = SetKnob("drive", 2.6, "dB", on="hatbox-drive", restored=True)
    (note,) = carried_notes([(knob, "")], _Fx(Knob("gain", 0, 1, 0.5, "")), "hatbox-drive", "fuzzbox")
    assert "was not restored" in note.text
    assert note.shorter[0] == "'fuzzbox' has no drive: drive 2.6 dB is kept for a pack that has it"
    assert note.shorter[1] == "fuzzbox has no drive: kept for a pack with it"


def test_the_panel_takes_the_short_forms_it_is_given_not_the_texts_words(pg: Any) -> None:
    text = ("knob 'drive' at 2.6 dB on 'hatbox-drive' could not be restored: it has no knobs; kept for a pack that "
            "has it")
    line = _panel_line({"warnings": [text], "warning_lines": {text: ["drive kept for a pack with it"]}}, 480)
    assert line == "drive kept for a pack with it"
