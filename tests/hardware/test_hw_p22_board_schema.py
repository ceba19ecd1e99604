"""The board file's keys come from the board's dataclasses (a new field cannot be forgotten by the check), a
half-step encoder is set there like any other key, and the touch sensor's default size is one function."""
from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

from hardware.board import Board, BoardError, EncoderPins, Screen, TouchConfig, load_board, schema
from hardware.sim.gpio import SimGPIO
from tests.hardware.test_p22_board_files import GOOD


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "myboard.toml"
    path.write_text(text)
    return path


def _error(tmp_path: Path, text: str) -> str:
    path = _write(tmp_path, text)
    with pytest.raises(BoardError) as info:
        load_board(path)
    assert str(info.value).startswith(f"{path}: ")
    return str(info.value).splitlines()[0][len(f"{path}: "):]


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, tuple):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return str(value)


# a value for every field of a section that differs from its default and passes validate()
SET = {"screen": {"width": 1024, "height": 600, "rotation": 90, "driver": "window"},
       "touch": {"chip": "gt911", "address": 0x14, "int_pin": 37, "reset_pin": 38, "mode": "polling",
                 "sensor": (1024, 600), "swap_xy": True, "flip_x": True, "flip_y": True},
       "encoders": {"name": "knob", "a": 7, "b": 11, "button": 12, "reverse": True, "detents_per_cycle": 2}}


def test_every_field_of_every_section_is_a_key_that_reaches_the_board(tmp_path: Path) -> None:
    for section, cls in (("screen", Screen), ("touch", TouchConfig), ("encoders", EncoderPins)):
        assert set(SET[section]) == {f.name for f in dataclasses.fields(cls)}, section
    lines = ['name = "all keys"', 'gpio = "sim"', 'numbering = "BOARD"', 'pull = "internal"', "i2c_bus = 3"]
    for section in ("screen", "touch"):
        lines += [f"[{section}]"] + [f"{k} = {_toml(v)}" for k, v in SET[section].items()]
    lines += ["[[encoders]]"] + [f"{k} = {_toml(v)}" for k, v in SET["encoders"].items()]
    board = load_board(_write(tmp_path, "\n".join(lines) + "\n"))
    assert board == Board(name="all keys", gpio="sim", numbering="BOARD", pull="internal", i2c_bus=3,
                          screen=Screen(**SET["screen"]), touch=TouchConfig(**SET["touch"]),
                          encoders=(EncoderPins(**SET["encoders"]),))


def test_the_schema_is_read_from_the_fields() -> None:
    @dataclasses.dataclass(frozen=True)
    class Future:
        name: str
        level: int = 3
        size: tuple[int, int] | None = None
        where: Screen = Screen()
        many: tuple[EncoderPins, ...] = dataclasses.field(default_factory=tuple)
        on: bool = False
        optional: int | None = None

    assert schema(Future) == {"name": (str, True), "level": (int, False), "size": (list, False),
                              "where": (dict, False), "many": (list, False), "on": (bool, False),
                              "optional": (int, False)}
    assert schema(EncoderPins) == {"name": (str, True), "a": (int, True), "b": (int, True), "button": (int, False),
                                   "reverse": (bool, False), "detents_per_cycle": (int, False)}


@pytest.mark.parametrize("change, expected", [
    (('name = "e2"', 'name = "e2"\ndetents_per_cycle = 2'), None),
    (('name = "e2"', 'name = "e2"\ndetents_per_cycle = 3'),
     "encoders[1].detents_per_cycle: 3 is not 1 (a detent per quadrature cycle, most encoders) or 2 (half-step: "
     "twice as many detents as pulses per turn)"),
    (('name = "e2"', 'name = "e2"\ndetents_per_cycle = "2"'),
     "encoders[1].detents_per_cycle: '2' is not a whole number (write it without quotes)"),
    (('name = "e2"', 'name = "e2"\ndetent_per_cycle = 2'),
     "encoders[1].detent_per_cycle: unknown key (did you mean 'detents_per_cycle'?)"),
    (("width = 800", "widht = 800"), "screen.widht: unknown key (did you mean 'width'?)"),
    (('chip = "ft5x06"', 'chip = "ft5x06"\nflip_x = 1'), "touch.flip_x: 1 is not true or false"),
    (('name = "my box"\n', ""), "name: missing 'name'"),
])
def test_half_step_setting_and_the_old_messages(tmp_path: Path, change: tuple[str, str], expected: str | None) -> None:
    text = GOOD.replace(*change)
    if expected is None:
        board = load_board(_write(tmp_path, text))
        assert [e.detents_per_cycle for e in board.encoders] == [1, 2 if "detents_per_cycle = 2" in text else 1]
    else:
        assert _error(tmp_path, text) == expected


def test_one_default_sensor_size_for_the_driver_and_the_simulated_chip() -> None:
    from device.ui.inputs import Inputs
    from hardware.touch import sensor_size
    assert sensor_size((800, 480), False) == (800, 480)
    assert sensor_size((800, 480), True) == (480, 800)
    assert sensor_size((800, 480), True, (1024, 600)) == (1024, 600)
    base = load_board("sim")
    assert base.touch is not None
    for swap in (False, True):
        board = dataclasses.replace(base, touch=dataclasses.replace(base.touch, sensor=None, swap_xy=swap))
        inputs = Inputs(board, sim=True, gpio=SimGPIO())
        assert inputs.touch is not None
        expected = sensor_size((800, 480), swap)
        assert inputs.touch.sensor == (inputs.chip.width, inputs.chip.height) == expected
        inputs.close()
