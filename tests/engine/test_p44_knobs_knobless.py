"""p43 leftovers: a knobs.json that names knobs for a synth pack without any (hand-edited, or left by another synth)
was "restored" at start, and `hatbox status` said "knobs restored as they were left: synth.cutoff 4000 Hz" for knobs
that do not exist: the engine took a knob message for a synth as turned whatever its name (SynthSource ignores knob
messages), so its knob memory held it as set on that synth, knobs.json kept it without its unit, and every start said
it again.  Now the engine refuses a knob a synth does not declare (Engine._turn), as an effect's own set_knob refuses
one: the start line names only the knobs put back, and the pack's warnings say the rest, as for an effect.  Driven
through the engine process's own start steps (tests/engine/test_p43_knobs_kept.Box)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from device.store import KNOB_FILE
from hatbox.errors import KnobError
from tests.engine.test_p42_knobs_carry import capture, drive, tone
from tests.engine.test_p43_knobs_kept import Box, _install, box  # noqa: F401  (the box fixture)

FACTORY = Path(__file__).resolve().parents[2] / "factory"
SYNTH = "synth-synth-gm4-0.1.0-04f0ad38f215"          # a store id (device.store.pack_id's form); no knobs
FXD = "effect-fxd-1.0.0-0123456789ab"


def _write(store: Path, slots: dict[str, tuple[str, str, list[dict]]]) -> None:
    data = {"version": 1, "slots": {slot: {"pack": pack, "name": name, "version": "1.0.0", "knobs": knobs}
                                    for slot, (pack, name, knobs) in slots.items()}}
    (store / KNOB_FILE).write_text(json.dumps(data))


def test_knobs_kept_for_a_synth_without_knobs_are_not_said_restored(box: Box, tmp_path: Path) -> None:
    store = tmp_path / "store"
    synth = _install(store, SYNTH, str(FACTORY / "synth-gm4.hatpack"))
    _write(store, {"synth": (SYNTH, "synth-gm4", [{"name": "cutoff", "value": 4000, "unit": "Hz", "on": "old"},
                                                  {"name": "drive", "value": 6, "unit": "dB"}])})
    child = box.start({"synth": synth})
    status = child.status()
    assert "knobs_restored" not in status                                # nothing was put back
    assert child.engine.carried.get("synth", []) == []
    notes = status["active"]["synth"]["warnings"]
    assert not any("cutoff" in n for n in notes), notes     # p45: kept for pack 'old', held for it without a word
    said = "'synth-gm4' has no knobs: drive (6 dB), as it was on 'synth-gm4' when the box stopped, is kept"
    assert any(n.startswith(said) for n in notes), notes        # p53 N: one line for what a knobless pack keeps


def test_an_effect_restored_beside_a_knobless_synth_is_named_alone(box: Box, tmp_path: Path) -> None:
    store = tmp_path / "store"
    synth = _install(store, SYNTH, str(FACTORY / "synth-gm4.hatpack"))
    fxd = _install(store, FXD, capture(tmp_path / "d.hatpack", "fxD", drive(), tone()))
    _write(store, {"synth": (SYNTH, "synth-gm4", [{"name": "cutoff", "value": 4000, "unit": "Hz"}]),
                   "effect": (FXD, "fxD", [{"name": "drive", "value": 18, "unit": "dB"}])})
    child = box.start({"effect": fxd, "synth": synth})
    assert child.status()["slot_knobs"]["effect"]["drive"] == 18.0
    assert child.status()["knobs_restored"] == "knobs restored as they were left: effect.drive 18 dB"


def test_a_knob_message_for_a_synth_without_it_is_refused_and_not_kept(box: Box, tmp_path: Path) -> None:
    """The file's knob stays in the memory as the player left it (its unit kept, for a later pack that has it); a
    knob message for the synth is refused and changes nothing there."""
    store = tmp_path / "store"
    synth = _install(store, SYNTH, str(FACTORY / "synth-gm4.hatpack"))
    _write(store, {"synth": (SYNTH, "synth-gm4", [{"name": "cutoff", "value": 4000, "unit": "Hz"}])})
    child = box.start({"synth": synth})
    assert [(k.name, k.unit) for k in child.engine.kept_knobs()["synth"][1]] == [("cutoff", "Hz")]
    with pytest.raises(KnobError, match="has no knob 'cutoff'"):
        child.request({"op": "knob", "slot": "synth", "name": "cutoff", "value": 3000.0})
    assert [(k.value, k.unit) for k in child.engine.kept_knobs()["synth"][1]] == [(4000.0, "Hz")]
