"""p46 regression QA ("reg", knob_after_empty.sh): `hatbox box-knob effect.drive 20dB`, `hatbox box-pack --deactivate
effect`, `hatbox box-pack hatbox-drive --activate` brought the drive back at its default 12 dB (a MIDI-learned fader's
drive too): the engine's unload forgot the slot's knobs.  Now an emptied slot keeps what the player set there for the
next pack loaded there (the same pack, or another with a knob of that name and unit), also across a restart while
the slot is empty (STORE/knobs.json).  Driven through the engine process's request path (_Child) and the engine
process's start (tests/engine/test_p43_knobs_kept.Box); the laptop's commands: tests/api/test_p46_knob_deactivate.py."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

import pytest

from device.audio.alsa_io import AudioConfig
from device.audio.server import ServerConfig, _Child
from tests.engine.quick_loads import quick_loads  # noqa: F401 - autouse: loads without GIL pauses
from tests.engine.test_p42_knobs_carry import DRIVE, _blocks, _load, _turn, capture, drive, tone
from tests.engine.test_p43_knobs_kept import FXD, Box, _install, _kept, _knobs


@pytest.fixture
def child() -> Iterator[_Child]:
    c = _Child(ServerConfig(audio=AudioConfig(rate=48000, period=128), backend="file", realtime=False))
    c.swapper.budget = 50.0              # a loaded machine is no refusal here (its real-time trial is not tested)
    yield c
    c.swapper.stop()


def _unload(child: _Child) -> None:
    child.request({"op": "unload", "slot": "effect"})
    _blocks(child, 4)


def test_the_same_pack_loaded_into_the_emptied_slot_takes_the_knobs_set(child: _Child, tmp_path: Path) -> None:
    a = capture(tmp_path / "a.hatpack", "ts9-a", drive(), tone())
    _load(child, a)
    _turn(child, "drive", 20.0)
    _turn(child, "tone", 5000.0)
    _unload(child)
    assert "effect" not in child.status()["slot_knobs"]                   # empty: no knobs shown
    _load(child, a)
    status = child.status()
    assert status["slot_knobs"]["effect"] == {"drive": 20.0, "tone": 5000.0}
    assert "warnings" not in status["active"]["effect"]


def test_another_pack_takes_what_it_can_as_a_pack_switched_in(child: Any, tmp_path: Path) -> None:
    a = capture(tmp_path / "a.hatpack", "ts9-a", drive(), tone())
    b = capture(tmp_path / "b.hatpack", "ts9-b", drive(unit="%", lo=0.0, hi=100.0, default=50.0),
                tone(lo=1.5, hi=8.0, default=3.5, unit="kHz"))
    _load(child, a)
    _turn(child, "drive", 20.0)
    _turn(child, "tone", 5000.0)
    _unload(child)
    _load(child, b)
    status = child.status()
    assert status["slot_knobs"]["effect"] == {"drive": 50.0, "tone": 5.0}   # 5000 Hz is 5 kHz; dB is no %
    assert status["active"]["effect"]["warnings"] == [
        "knob 'drive' set to 20 dB on 'ts9-a' was not carried to 'ts9-b': pack 'ts9-b' has 'drive' in '%', not 'dB'; "
        "it starts at its default 50 %"]
    _unload(child)
    _load(child, a)                                                         # back: the drive as set on it
    assert child.status()["slot_knobs"]["effect"] == {"drive": 20.0, "tone": 5000.0}


@pytest.fixture
def box() -> Iterator[Box]:
    b = Box()
    yield b
    for c in b.children:
        c.knobs.stop()
        c.swapper.stop()


@pytest.fixture
def store(tmp_path: Path) -> Path:
    (tmp_path / "store").mkdir()
    return tmp_path / "store"


def _load_into(child: _Child, path: str, slot: str = "effect") -> None:
    child.request({"op": "load", "slot": slot, "path": path})
    _blocks(child)


def test_a_slot_emptied_before_a_restart_gives_its_next_pack_the_knobs(box: Box, store: Path, tmp_path: Path) -> None:
    fxd = _install(store, FXD, capture(tmp_path / "d.hatpack", "fxD", drive(), tone()))
    first = box.start({"effect": fxd})
    _turn(first, "drive", 18.0)
    first.request({"op": "unload", "slot": "effect"})
    box.stop(first)
    entry = _kept(store)["slots"]["effect"]                                 # kept while the slot is empty
    assert (entry["pack"], entry["name"], [k["value"] for k in entry["knobs"]]) == (FXD, "fxD", [18.0])
    second = box.start({})                                                  # the box starts with nothing playing
    assert "knobs_restored" not in second.status()
    _load_into(second, fxd)                                                 # the pack is made active again
    assert _knobs(second) == {"drive": 18.0, "tone": 3500.0}
    box.stop(second)
    assert [k["value"] for k in _kept(store)["slots"]["effect"]["knobs"]] == [18.0]


def test_an_empty_slot_beside_a_playing_one_keeps_its_knobs_through_a_restart(box: Box, store: Path,
                                                                              tmp_path: Path) -> None:
    fxd = _install(store, FXD, capture(tmp_path / "d.hatpack", "fxD", drive(), tone()))
    synth = _install(store, "synth-gm4-1.0.0-0123456789ab", str(DRIVE.parent / "synth-gm4.hatpack"))
    first = box.start({"effect": fxd, "synth": synth})
    _turn(first, "drive", 18.0)
    first.request({"op": "unload", "slot": "effect"})
    box.stop(first)
    second = box.start({"synth": synth})                                    # the store is known from the synth
    box.stop(second)                                                        # written again: the drive still kept
    assert [k["value"] for k in _kept(store)["slots"]["effect"]["knobs"]] == [18.0]
    third = box.start({"synth": synth})
    _load_into(third, fxd)
    assert _knobs(third) == {"drive": 18.0, "tone": 3500.0}


def test_a_learned_fader_moved_while_the_slot_was_empty_does_not_jump_the_knob_kept(child: _Child,
                                                                                      tmp_path: Path) -> None:
    """s3d_deactivate.py: the fader at the top (drive 24 dB), the slot emptied, the fader pulled to 0, the pack
    made active again: the drive is back at 24 dB, and nudging the fader 0 -> 1 does not jump it to 0.2 dB."""
    from device.midi import MidiMap
    from hatbox import cmd_device

    class _Engine:
        def send(self, message: dict[str, Any]) -> None:
            child.request(message)
            _blocks(child)

        def status(self) -> dict[str, Any]:
            return child.status()

    a = capture(tmp_path / "a.hatpack", "ts9-a", drive(), tone())
    control = cmd_device.BoxControl(_Engine())
    control.send({"op": "load", "slot": "effect", "path": a})
    midi = MidiMap(knobs=control.knobs)
    midi.bind(20, "effect", "drive")
    cc = {"type": "control_change", "channel": 0, "control": 20}

    def fader(value: int) -> None:
        for message in midi.translate({**cc, "value": value}, "ctl"):
            control.send(message)

    for value in (*range(0, 128, 4), 127):                     # picked up, then up to the top: 24 dB
        fader(value)
    assert child.status()["slot_knobs"]["effect"]["drive"] == 24.0
    control.send({"op": "unload", "slot": "effect"})
    for value in range(127, -1, -4):                           # pulled down while the slot is empty
        fader(value)
    fader(0)
    control.send({"op": "load", "slot": "effect", "path": a})
    assert child.status()["slot_knobs"]["effect"]["drive"] == 24.0 == control.knobs.values[("effect", "drive")]
    fader(1)                                                   # nudged: not picked up, no jump
    assert child.status()["slot_knobs"]["effect"]["drive"] == 24.0
