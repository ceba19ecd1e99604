"""Board files, the pin factory's explicit backends, and the display's rotation."""
from __future__ import annotations

import os

import pytest

from hardware.board import BoardError, board_from_dict, load_board, validate
from hardware.pins import PinBackendError, open_gpio
from hardware.sim.gpio import SimGPIO


def test_shipped_board_files_load() -> None:
    jetson = load_board("jetson-orin-nano-devkit")
    sim = load_board("sim")
    assert jetson.gpio == "jetson" and jetson.i2c_bus == 7 and len(jetson.encoders) == 4
    assert sim.gpio == "sim" and [e.a for e in sim.encoders] == [e.a for e in jetson.encoders]
    assert jetson.touch is not None and jetson.touch.address == 0x38


def test_bad_board_files_say_what_is_wrong(tmp_path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "x"\ngpio = "jetson"\n[screen]\nrotation = 45\n[[encoders]]\nname="e"\na = 3\nb = 3\n')
    with pytest.raises(BoardError, match="rotation 45.*used twice.*pin 3 is not a GPIO"):
        load_board(bad)
    with pytest.raises(BoardError, match="known boards"):
        load_board("no-such-board")
    with pytest.raises(BoardError, match="missing 'gpio'"):
        board_from_dict({"name": "x"})


def test_real_gpio_backends_never_fall_back_to_the_simulator() -> None:
    for backend in ("jetson", "rpi"):
        try:
            gpio = open_gpio(backend)
        except PinBackendError as exc:
            assert "GPIO" in str(exc) and "--sim" in str(exc)
        else:                                            # only on a real board
            assert not isinstance(gpio, SimGPIO)
    with pytest.raises(PinBackendError, match="unknown GPIO backend"):
        open_gpio("auto")
    assert isinstance(open_gpio("sim"), SimGPIO)


def test_sim_gpio_refuses_what_rpi_gpio_refuses() -> None:
    gpio = SimGPIO()
    with pytest.raises(RuntimeError, match="setmode"):
        gpio.setup(7, gpio.IN)
    gpio.setmode(gpio.BOARD)
    gpio.setup(7, gpio.IN, pull_up_down=gpio.PUD_UP)
    assert gpio.input(7) == 1
    with pytest.raises(RuntimeError, match="OUTPUT"):
        gpio.output(7, 0)


@pytest.mark.parametrize("rotation", [0, 90, 180, 270])
def test_display_rotation_matches_the_board_geometry(rotation: int) -> None:
    from hardware.display import Display
    b = validate(board_from_dict({"name": "t", "gpio": "sim", "screen": {"rotation": rotation, "driver": "dummy"}}))
    disp = Display(800, 480, rotation, "dummy")
    try:
        assert disp.panel.get_size() == b.panel_size
        disp.panel.fill((0, 0, 0))
        px, py = 37, 421
        disp.panel.set_at((px, py), (255, 0, 0))
        nx, ny = b.to_native(px, py)
        img = disp.native_image()
        assert img.get_size() == (800, 480) and tuple(img.get_at((int(nx), int(ny))))[:3] == (255, 0, 0)
        assert b.to_panel(nx, ny) == (px, py)
        assert os.environ["SDL_VIDEODRIVER"] == "dummy"
    finally:
        disp.close()
