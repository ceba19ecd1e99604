"""p53 QA #1 on the engine (with N's handover-1 to device/audio/engine.py: Engine._carry asks
held.carry_notes): a pack with no knobs says in one line the knobs it keeps; one with other knobs names each."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from device.audio.server import _Child
from export.manifest import Knob
from tests.engine.packs import effect_pack
from tests.engine.switch_helpers import child, load  # noqa: F401 (child: the fixture)
from tests.engine.test_p42_knobs_carry import capture, drive, tone
from tests.engine.test_p53_N_knobless_note import BOTH


def _turn(child: _Child, **knobs: float) -> None:
    for name, value in knobs.items():
        child.request({"op": "knob", "slot": "effect", "name": name, "value": value})


def test_a_pack_with_no_knobs_says_the_knobs_it_keeps_in_one_line(child: Any, tmp_path: Path) -> None:
    pedal = capture(tmp_path / "a.hatpack", "drive-a", drive(), tone())
    plain = str(effect_pack(tmp_path / "od.hatpack", "gain", 0.0, name="qa-od"))
    assert load(child, pedal) == []
    _turn(child, drive=24.0, tone=8000.0)
    assert load(child, plain) == [BOTH]
    assert load(child, pedal) == [] and child.status()["slot_knobs"]["effect"] == {"drive": 24.0, "tone": 8000.0}


def test_a_knob_a_pack_with_other_knobs_lacks_is_named_without_repeating_it(child: Any, tmp_path: Path) -> None:
    pedal = capture(tmp_path / "a.hatpack", "drive-a", drive(), tone())
    muff = capture(tmp_path / "m.hatpack", "muff", drive(), Knob("sustain", 0.0, 1.0, 0.5))
    assert load(child, pedal) == []
    _turn(child, drive=20.0, tone=5000.0)
    assert load(child, muff) == ["knob 'tone' set to 5000 Hz on 'drive-a' was not carried to 'muff': it has no "
                                  "knob of that name (its knobs: drive, sustain); kept for a pack that has it"]
