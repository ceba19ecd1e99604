"""p47 soak QA: "warning: knob 'drive' set to 3.56375 dB on 'hatbox-drive' was not carried to 'soakdrive': ..."
stayed in `hatbox status` at every poll for minutes, unrounded, as if it happened then.  Now the value reads as the
knob shows it (three significant digits) and the status says when it happened (the switch: the pack made active)."""
from __future__ import annotations

import time
from typing import Any

from device.audio.held import SetKnob, not_carried
from export.manifest import Knob
from hatbox.status_report import carried_when, print_status

WHY = "pack 'soakdrive' has no knobs (asked for 'drive')"


class _Unit:
    def __init__(self, *knobs: Knob) -> None:
        self.knobs = list(knobs)


def test_the_note_rounds_the_value_as_the_knob_shows_it() -> None:
    note = not_carried(SetKnob("drive", 3.56375, "dB", on="hatbox-drive"), _Unit(), "", "soakdrive", WHY)
    assert note == ("knob 'drive' set to 3.56 dB on 'hatbox-drive' was not carried to 'soakdrive': it has no knobs; "
                    "kept for a pack that has it")     # p53 N: the reason no longer names the pack and knob again
    ranged = _Unit(Knob("drive", 0.0, 1.0, 0.123456, "dB"))
    note = not_carried(SetKnob("drive", 12.7675, "dB", on="a"), ranged, "", "b", "outside")
    assert "set to 12.8 dB" in note and note.endswith("it starts at its default 0.12 dB")   # as its 0..1 dial
    assert "turned to 0.667 while 'b' loaded" in not_carried(
        SetKnob("drive", 2 / 3, None, during_load=True), _Unit(), "a", "b", "no such knob")
    assert "set to 20 dB" in not_carried(SetKnob("drive", 20.0, "dB", on="a"), _Unit(), "", "b", WHY)


def _status(ago: float | None) -> dict[str, Any]:
    note = f"knob 'drive' set to 3.56 dB on 'hatbox-drive' was not carried to 'soakdrive': {WHY}"
    other = "kick.wav is 20:00 long: the sampler plays only its first 60 s"
    pack: dict[str, Any] = {"id": "effect-soakdrive-0.1.0-20e0", "name": "soakdrive", "active": True}
    if ago is not None:
        pack.update(activated_by="vm", activated_ago_s=ago)
    return {"name": "soak", "active": {"effect": pack["id"]}, "packs": [pack],
            "engine": {"active": {"effect": {"name": "soakdrive", "warnings": [note]},
                                  "sampler": {"warnings": [other]}}}}


def test_status_says_when_a_knob_was_not_carried(capsys) -> None:
    before = time.time()
    print_status(_status(ago=180.0))
    out = capsys.readouterr().out
    said = {time.strftime(" (at %H:%M, when it was made active)", time.localtime(t - 180.0))
            for t in (before, time.time())}
    line = next(ln for ln in out.splitlines() if "was not carried" in ln)
    assert any(line.endswith(f"(asked for 'drive'){s}") for s in said), line
    assert "  warning: kick.wav is 20:00 long: the sampler plays only its first 60 s\n" in out   # others: as were


def test_an_older_box_gives_no_time_and_none_is_made_up(capsys) -> None:
    print_status(_status(ago=None))
    assert "  warning: knob 'drive' set to 3.56 dB" in capsys.readouterr().out
    assert carried_when(_status(ago=None), "effect") == ""
    yesterday = carried_when(_status(ago=86400.0 * 2), "effect", now=time.time())
    assert yesterday.startswith(" (at 20") and "when it was made active" in yesterday    # another day: its date
