"""A first-time builder's board file: every mistake is one clear error naming the file and the key,
raised before any pin, bus or screen is opened."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import hardware.pins
from hardware.board import BoardError, load_board

GOOD = '''name = "my box"
gpio = "sim"
numbering = "BOARD"
pull = "internal"
i2c_bus = 7
[screen]
width = 800
height = 480
rotation = 0
driver = "dummy"
[touch]
chip = "ft5x06"
address = 0x38
int_pin = 37
mode = "interrupt"
[[encoders]]
name = "e1"
a = 7
b = 11
button = 12
[[encoders]]
name = "e2"
a = 13
b = 15
'''


def _error(tmp_path: Path, text: str) -> str:
    path = tmp_path / "myboard.toml"
    path.write_text(text)
    with pytest.raises(BoardError) as info:
        load_board(path)
    message = str(info.value)
    assert message.startswith(f"{path}: "), message                # the file, on the first line
    return message.splitlines()[0]


def test_the_template_loads_and_new_keys_reach_the_board(tmp_path: Path) -> None:
    path = tmp_path / "myboard.toml"
    path.write_text(GOOD.replace('name = "e2"', 'name = "e2"\nreverse = true')
                    .replace('mode = "interrupt"', 'mode = "interrupt"\nswap_xy = true\nflip_y = true'))
    b = load_board(path)
    assert [e.reverse for e in b.encoders] == [False, True]
    assert b.touch is not None and (b.touch.swap_xy, b.touch.flip_x, b.touch.flip_y) == (True, False, True)


@pytest.mark.parametrize("change, expected", [
    (("i2c_bus = 7", "i2c-bus = 7"), "i2c-bus: unknown key (did you mean 'i2c_bus'?)"),
    (("rotation = 0", "rotate = 90"), "screen.rotate: unknown key (did you mean 'rotation'?)"),
    (("button = 12", "buton = 12"), "encoders[0].buton: unknown key (did you mean 'button'?)"),
    (("[[encoders]]\nname = \"e1\"", "[[encoder]]\nname = \"e1\""), "encoder: unknown key (did you mean 'encoders'?)"),
    (("address = 0x38", 'address = "0x38"'), "touch.address: '0x38' is not a whole number (write it without quotes)"),
    (("a = 7", 'a = "7"'), "encoders[0].a: '7' is not a whole number (write it without quotes)"),
    (("b = 11", "b = true"), "encoders[0].b: true is not a whole number"),
    (("width = 800", "width = 800.5"), "screen.width: 800.5 is not a whole number"),
    (('mode = "interrupt"', 'mode = "interrupt"\nsensor = [800]'), "touch.sensor: [800] is not [width, height]"),
    (('mode = "interrupt"', 'mode = "interrupt"\nflip_x = "yes"'), "touch.flip_x: 'yes' is not true or false"),
    (("b = 15\n", ""), "encoders[1].b: missing 'b'"),
    (('name = "my box"\n', ""), "name: missing 'name'"),
])
def test_wrong_keys_types_and_missing_entries_name_the_key(tmp_path: Path, change: tuple[str, str],
                                                           expected: str) -> None:
    assert change[0] in GOOD
    assert expected in _error(tmp_path, GOOD.replace(change[0], change[1], 1))


def test_a_single_encoders_table_says_to_write_double_brackets(tmp_path: Path) -> None:
    text = GOOD.split("[[encoders]]")[0] + '[encoders]\nname = "e1"\na = 7\nb = 11\n'
    assert "encoders: {" in (line := _error(tmp_path, text)) and "write [[encoders]], with double brackets" in line


@pytest.mark.parametrize("change, expected", [
    (("a = 7", "a = 41"), "encoders[0].a (e1): pin 41 is not a GPIO on the 40-pin header"),
    (("a = 7", "a = 3"), "encoders[0].a (e1): pin 3 is not a GPIO on the 40-pin header"),          # I2C SDA
    (("a = 13", "a = 11"), "encoders[1].a (e2): pin 11 is used twice (also encoders[0].b (e1))"),
    (("int_pin = 37", "int_pin = 12"), "touch.int_pin: pin 12 is used twice (also encoders[0].button (e1))"),
    (('numbering = "BOARD"', 'numbering = "board"'), "numbering: 'board' is not BOARD (header pin numbers) or BCM"),
    (('pull = "internal"', 'pull = "extrenal"'), "pull: 'extrenal' is not internal or external"),
    (('gpio = "sim"', 'gpio = "jetson"'), 'pull: Jetson.GPIO ignores internal pull-ups: set pull = "external"'),
    (('name = "e2"', 'name = "e1"'), "encoders[1].name: 'e1' is used twice"),
    (("int_pin = 37\n", ""), 'touch.int_pin: mode = "interrupt" needs the controller\'s INT pin'),
    (('chip = "ft5x06"', 'chip = "xpt2046"'), "touch.chip: 'xpt2046' is not a known controller"),
    (("address = 0x38", "address = 0x80"), "touch.address: 0x80 is not a 7-bit I2C address"),
    (('driver = "dummy"', 'driver = "hdmi"'), "screen.driver: 'hdmi' is not one of"),
    (("rotation = 0", "rotation = 45"), "screen.rotation: rotation 45 is not 0, 90, 180 or 270"),
])
def test_impossible_values_name_the_key(tmp_path: Path, change: tuple[str, str], expected: str) -> None:
    assert change[0] in GOOD
    assert expected in _error(tmp_path, GOOD.replace(change[0], change[1], 1))


def test_bcm_numbers_are_checked_against_the_header_too(tmp_path: Path) -> None:
    bcm = GOOD.replace('numbering = "BOARD"', 'numbering = "BCM"').replace("a = 7", "a = 4").replace("b = 11", "b = 17")
    bcm = bcm.replace("button = 12", "button = 18").replace("a = 13", "a = 27").replace("b = 15", "b = 22")
    assert load_board(_write(tmp_path, bcm.replace("int_pin = 37", "int_pin = 26"))).numbering == "BCM"
    line = _error(tmp_path, bcm.replace("int_pin = 37", "int_pin = 30"))
    assert "touch.int_pin: pin 30 is not a header GPIO in BCM numbers" in line


def test_every_problem_comes_in_one_line(tmp_path: Path) -> None:
    line = _error(tmp_path, GOOD.replace("i2c_bus = 7", "i2c-bus = 7").replace("a = 7", 'a = "7"'))
    assert "i2c-bus: unknown key" in line and "encoders[0].a: '7'" in line


def test_a_bad_board_file_opens_nothing(tmp_path: Path, monkeypatch: Any) -> None:
    from device.ui.app import run_panel
    from device.ui.shots import RecordingControl
    opened: list[str] = []
    monkeypatch.setattr(hardware.pins, "open_gpio", lambda backend: opened.append(backend))
    path = _write(tmp_path, GOOD.replace('gpio = "sim"', 'gpio = "jetson"\npull = "external"')
                  .replace('pull = "internal"\n', "").replace("a = 13", "a = 11"))
    with pytest.raises(BoardError, match="pin 11 is used twice"):
        run_panel(RecordingControl(), board=path, sim=False, headless=True, seconds=0.1)
    assert opened == []


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "board.toml"
    path.write_text(text)
    return path


# --------------------------------------------------------------- twenty-seventh stop's QA of a builder's files
@pytest.mark.parametrize("change, expected", [
    (("width = 800", "width = 16"), "screen.width/height: 16x480 is not a screen the panel can be drawn on"),
    (("height = 480", "height = 100000"), "is not a screen the panel can be drawn on (from 480x320 to 3840x2160"),
    (('chip = "ft5x06"\naddress = 0x38', 'chip = "gt911"\naddress = 0x38'),
     "touch.address: a gt911 answers at 0x5d or 0x14, not 0x38 (leave address out for 0x5d)"),
])
def test_a_screen_the_panel_cannot_use_and_a_gt911_at_an_ft5x06_address_are_refused(tmp_path: Path, change,
                                                                                     expected: str) -> None:
    assert expected in _error(tmp_path, GOOD.replace(*change))


def test_a_bom_a_chip_in_capitals_and_a_path_without_toml_are_taken(tmp_path: Path, monkeypatch) -> None:
    mine = tmp_path / "mine"                                  # no .toml: a path, not a board of that name
    mine.write_bytes(b"\xef\xbb\xbf" + GOOD.replace('chip = "ft5x06"\naddress = 0x38', 'chip = "GT911"').encode())
    monkeypatch.chdir(tmp_path)
    board = load_board("./mine")
    assert board.name == "my box" and board.touch is not None and board.touch.chip == "gt911"
    with pytest.raises(BoardError, match="is a folder, not a board file"):
        load_board(tmp_path)
    with pytest.raises(BoardError, match="--board is empty"):
        load_board("")
    latin = tmp_path / "latin.toml"
    latin.write_bytes(GOOD.replace('"my box"', '"caf\xe9"').encode("latin-1"))
    with pytest.raises(BoardError, match=r"is not UTF-8 text \(line 1: a byte 0xe9\)"):
        load_board(latin)
