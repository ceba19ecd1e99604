"""Knob carry-over, forty-second stop's regression QA.  1: rolling back after a pack that could not take a knob lost
the player's setting (fxD tone 4000 Hz, push fxE whose tone is named bright, roll back: tone at fxD's default); the
memory now keeps what a pack could not take.  2: 6000 Hz is 6 kHz: a pack with its tone in kHz refused the carry
("has 'tone' in 'kHz', not 'Hz'"); units of one kind with SI prefixes are converted."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from device.audio.held import KnobMemory, SetKnob, in_units
from device.audio.server import ServerConfig, _Child
from device.audio.alsa_io import AudioConfig
from export.manifest import Knob
from tests.engine.quick_loads import quick_loads  # noqa: F401 - autouse: loads without GIL pauses
from tests.engine.test_p42_knobs_carry import capture, drive, tone


@pytest.fixture
def child() -> Any:
    c = _Child(ServerConfig(audio=AudioConfig(rate=48000, period=128), backend="file", realtime=False))
    yield c
    c.swapper.stop()


def _load(child: _Child, path: str) -> None:
    child.request({"op": "load", "slot": "effect", "path": path})
    x, y = np.zeros(128, np.float32), np.zeros(128, np.float32)
    for _ in range(2):
        child.engine.process(x, y)


def _turn(child: _Child, name: str, value: float) -> None:
    child.request({"op": "knob", "slot": "effect", "name": name, "value": value})


def test_rolling_back_after_a_pack_without_the_knob_carries_the_players_setting_again(
        child: Any, tmp_path: Path) -> None:
    d = capture(tmp_path / "d.hatpack", "fxD", drive(), tone(1500.0, 4750.0, 3125.0))
    e = capture(tmp_path / "e.hatpack", "fxE", drive(), Knob("bright", 0.0, 1.0, 0.5))
    _load(child, d)
    _turn(child, "tone", 4000.0)
    _load(child, e)
    assert "not carried" in child.status()["active"]["effect"]["warnings"][0]
    _load(child, d)                                                           # the roll back
    status = child.status()
    assert status["slot_knobs"]["effect"]["tone"] == 4000.0                  # was fxD's default 3125
    assert "warnings" not in status["active"]["effect"]


def test_a_knob_set_on_the_pack_between_replaces_the_memory_of_that_name(child: Any, tmp_path: Path) -> None:
    d = capture(tmp_path / "d.hatpack", "fxD", drive(), tone(1500.0, 4750.0, 3125.0))
    e = capture(tmp_path / "e.hatpack", "fxE", drive(), tone(1500.0, 3000.0, 2000.0))
    _load(child, d)
    _turn(child, "tone", 4000.0)
    _load(child, e)                                    # 4000 is outside fxE's range: its default, the note
    assert child.status()["slot_knobs"]["effect"]["tone"] == 2000.0
    _turn(child, "tone", 2500.0)                       # the player's tone on fxE
    _load(child, d)
    assert child.status()["slot_knobs"]["effect"]["tone"] == 2500.0


def test_a_knob_kept_through_a_pack_names_the_pack_it_was_set_on(child: Any, tmp_path: Path) -> None:
    d = capture(tmp_path / "d.hatpack", "fxD", drive(), tone(1500.0, 4750.0, 3125.0))
    e = capture(tmp_path / "e.hatpack", "fxE", drive(), Knob("bright", 0.0, 1.0, 0.5))
    f = capture(tmp_path / "f.hatpack", "fxF", drive(), tone(1500.0, 3000.0, 2000.0))
    _load(child, d)
    _turn(child, "tone", 4000.0)
    _load(child, e)
    _load(child, f)
    [note] = child.status()["active"]["effect"]["warnings"]
    assert note.startswith("knob 'tone' set to 4000 Hz on 'fxD' was not carried to 'fxF'")


def test_a_pack_with_its_tone_in_khz_takes_a_tone_set_in_hz(child: Any, tmp_path: Path) -> None:
    a = capture(tmp_path / "a.hatpack", "ts9-a", drive(), tone())
    b = capture(tmp_path / "b.hatpack", "ts9-b", drive(), tone(1.5, 8.0, 3.5, "kHz"))
    _load(child, a)
    _turn(child, "tone", 6000.0)
    _load(child, b)
    status = child.status()
    assert status["slot_knobs"]["effect"]["tone"] == pytest.approx(6.0)
    assert "warnings" not in status["active"]["effect"]
    _load(child, a)                                                          # and back: 6 kHz is 6000 Hz
    assert child.status()["slot_knobs"]["effect"]["tone"] == pytest.approx(6000.0)


class _Unit:
    def __init__(self, *knobs: Knob) -> None:
        self.knobs = list(knobs)


@pytest.mark.parametrize("set_in, pack_unit, value, expect", [
    ("Hz", "kHz", 4000.0, 4.0), ("kHz", "Hz", 2.5, 2500.0), ("ms", "s", 250.0, 0.25), ("s", "ms", 0.3, 300.0),
    ("Hz", "hz", 440.0, 440.0),
])
def test_units_of_one_kind_convert(set_in: str, pack_unit: str, value: float, expect: float) -> None:
    fit = in_units(SetKnob("k", value, set_in), _Unit(Knob("k", 0.0, 1e6, 1.0, pack_unit)), "p")
    assert isinstance(fit, SetKnob) and fit.value == expect and fit.unit == pack_unit


@pytest.mark.parametrize("set_in, pack_unit", [("dB", "%"), ("Hz", "s"), ("dB", "")])
def test_units_of_another_kind_are_still_refused(set_in: str, pack_unit: str) -> None:
    fit = in_units(SetKnob("k", 1.0, set_in), _Unit(Knob("k", 0.0, 10.0, 1.0, pack_unit)), "p")
    assert isinstance(fit, str) and f"not '{set_in}'" in fit


def test_the_memory_keeps_what_a_pack_did_not_take_and_drops_nothing_it_took() -> None:
    memory = KnobMemory()
    d = _Unit(Knob("tone", 1500.0, 4750.0, 3125.0, "Hz"), Knob("drive", 0.0, 24.0, 12.0, "dB"))
    memory.installed("effect", "fxD", d, [])
    memory.saw("effect", d, "tone", 4000.0)
    memory.saw("effect", d, "drive", 20.0)
    e = _Unit(Knob("bright", 0.0, 1.0, 0.5), Knob("drive", 0.0, 24.0, 12.0, "dB"))
    memory.installed("effect", "fxE", e, [SetKnob("drive", 20.0, "dB")])
    assert memory.knobs["effect"]["tone"] == SetKnob("tone", 4000.0, "Hz", on="fxD")
    assert memory.knobs["effect"]["drive"] == SetKnob("drive", 20.0, "dB", on="fxE")
