"""p52 QA2 #6 on the engine (with E's handover to device/audio/engine.py: Engine._carry asks held.untold): a knob a
switch dropped is said by that switch only, not by every later switch to a pack with no knob of that name."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from export.manifest import Knob
from tests.engine.switch_helpers import child, load  # noqa: F401 (child: the fixture)
from tests.engine.test_p42_knobs_carry import capture, drive


def test_p52_E_a_switch_says_only_the_knobs_it_drops(child: Any, tmp_path: Path) -> None:
    fuzz = capture(tmp_path / "f.hatpack", "fuzz", drive(), Knob("level", 0.0, 1.0, 0.5))
    muff = capture(tmp_path / "m.hatpack", "muff", Knob("sustain", 0.0, 1.0, 0.5), Knob("tone", 0.0, 1.0, 0.5))
    other = capture(tmp_path / "k.hatpack", "knob", Knob("sustain", 0.0, 1.0, 0.5), Knob("gain", 0.0, 1.0, 0.5))
    assert load(child, fuzz) == []
    child.request({"op": "knob", "slot": "effect", "name": "level", "value": 0.8})
    said = load(child, muff)
    assert len(said) == 1 and said[0].startswith("knob 'level' set to 0.8 on 'fuzz' was not carried to 'muff'")
    assert load(child, other) == []                   # before: the same warning again, at every switch
    assert load(child, muff) == []
    assert load(child, fuzz) == [] and child.status()["slot_knobs"]["effect"]["level"] == 0.8   # carried back
