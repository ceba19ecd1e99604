"""p43 leftovers: a knobs.json that names knobs for a synth pack without any (hand-edited, or left by another synth)
was "restored" at start, and `hatbox status` said "knobs restored as they were left: synth.cutoff 4000 Hz" for knobs
that do not exist.  Now only the knobs the loaded pack really has are restored and named; the rest are said once as
not restored.  Driven through the engine process's own start steps (tests/engine/test_p43_knobs_kept.Box)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Iterator

import pytest

from device.audio.held import SetKnob
from device.knob_store import restored_line, split_real
from device.store import KNOB_FILE
from tests.engine.test_p42_knobs_carry import capture, drive, tone
from tests.engine.test_p43_knobs_kept import Box, _install

FACTORY = Path(__file__).resolve().parents[2] / "factory"
SYNTH = "synth-synth-gm4-0.1.0-04f0ad38f215"          # a store id (device.store.pack_id's form); no knobs
FXD = "effect-fxd-1.0.0-0123456789ab"


@pytest.fixture
def box() -> Iterator[Box]:
    b = Box()
    yield b
    for child in b.children:
        child.knobs.stop()
        child.swapper.stop()


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
    line = child.status()["knobs_restored"]
    assert "knobs restored" not in line
    assert line == ("knobs kept from the last run: synth.cutoff 4000 Hz, synth.drive 6 dB not restored (the synth "
                    "pack 'synth-gm4' has no knobs)")


def test_an_effect_restored_beside_a_knobless_synth_is_named_alone(box: Box, tmp_path: Path) -> None:
    store = tmp_path / "store"
    synth = _install(store, SYNTH, str(FACTORY / "synth-gm4.hatpack"))
    fxd = _install(store, FXD, capture(tmp_path / "d.hatpack", "fxD", drive(), tone()))
    _write(store, {"synth": (SYNTH, "synth-gm4", [{"name": "cutoff", "value": 4000, "unit": "Hz"}]),
                   "effect": (FXD, "fxD", [{"name": "drive", "value": 18, "unit": "dB"}])})
    child = box.start({"effect": fxd, "synth": synth})
    assert child.status()["slot_knobs"]["effect"]["drive"] == 18.0
    assert child.status()["knobs_restored"] == ("knobs restored as they were left: effect.drive 18 dB; synth.cutoff "
                                                "4000 Hz not restored (the synth pack 'synth-gm4' has no knobs)")


def test_a_knob_the_pack_lacks_is_told_apart_from_a_pack_without_knobs() -> None:
    carried = {"effect": [SetKnob("Drive", 18.0, "dB"), SetKnob("mix", 50.0, "%")]}
    status = {"slot_knobs": {"effect": {"drive": 12.0}}, "active": {"effect": {"name": "fxD"}}}
    real, ignored = split_real(carried, status)
    assert real == {"effect": [SetKnob("Drive", 18.0, "dB")]}               # names in any case
    assert restored_line(real, ignored) == ("knobs restored as they were left: effect.Drive 18 dB; effect.mix 50 % "
                                            "not restored (the effect pack 'fxD' has no such knob)")
    assert restored_line({}, {}) is None


def test_knobs_for_a_synth_without_knobs_are_not_taken_by_it(box: Box, tmp_path: Path) -> None:
    """The engine took a knob message for the knobless synth as turned (SynthSource ignores it): its knob memory then
    held synth.cutoff as set on that synth, without its unit, wrote it back so to knobs.json, and every later start
    said it again unit-less.  Now the synth refuses it; the file's knob stays as the player left it (its unit kept,
    for a pack that has the knob), and the start says it once as not restored."""
    from hatbox.errors import KnobError
    store = tmp_path / "store"
    synth = _install(store, SYNTH, str(FACTORY / "synth-gm4.hatpack"))
    _write(store, {"synth": (SYNTH, "synth-gm4", [{"name": "cutoff", "value": 4000, "unit": "Hz"}])})
    child = box.start({"synth": synth})
    assert child.engine.carried.get("synth", []) == []               # nothing carried onto the synth
    assert [(k.name, k.unit) for k in child.engine.kept_knobs()["synth"][1]] == [("cutoff", "Hz")]
    with pytest.raises(KnobError, match="has no knob 'cutoff'"):
        child.request({"op": "knob", "slot": "synth", "name": "cutoff", "value": 3000.0})
    assert [(k.value, k.unit) for k in child.engine.kept_knobs()["synth"][1]] == [(4000.0, "Hz")]
    assert child.status()["knobs_restored"] == ("knobs kept from the last run: synth.cutoff 4000 Hz not restored "
                                                "(the synth pack 'synth-gm4' has no knobs)")
