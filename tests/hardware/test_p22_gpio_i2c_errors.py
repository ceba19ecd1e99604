"""Setting the box up: a missing or half-installed GPIO/I2C library, no permission, a pin held by
another program, an absent /dev/i2c-N - each is one line naming what to install or which group to
join (a HatboxError, which `hatbox device run` turns into "panel not started" while the audio plays on),
never a traceback; a touch controller that cannot be reached leaves the panel running without touch."""
from __future__ import annotations

import dataclasses
import errno
import logging
import sys
from pathlib import Path
from typing import Any

import pytest

from device.ui.events import EncoderTurn
from device.ui.inputs import Inputs
from hardware.board import load_board
from hardware.i2c import I2CBusError, open_i2c
from hardware.pins import PinBackendError, open_gpio
from hardware.sim.gpio import SimGPIO
from hardware.sim.i2c import SimI2CBus
from hardware.touch import TouchController, TouchError
from hatbox.errors import HatboxError


def _first_line(exc: BaseException) -> str:
    return str(exc).splitlines()[0]


def _fake_module(tmp_path: Path, monkeypatch: Any, package: str, body: str) -> None:
    """A GPIO package ``package``.GPIO on sys.path whose import runs ``body`` (written under tmp_path)."""
    pkg = tmp_path / package / "GPIO"
    pkg.mkdir(parents=True)
    (tmp_path / package / "__init__.py").write_text("")
    (pkg / "__init__.py").write_text(body)
    for name in [m for m in sys.modules if m == package or m.startswith(package + ".")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.syspath_prepend(str(tmp_path))


def test_a_missing_gpio_library_names_the_package_to_install(monkeypatch: Any) -> None:
    monkeypatch.setitem(sys.modules, "Jetson.GPIO", None)          # as if not installed, even on a Jetson
    with pytest.raises(PinBackendError) as info:
        open_gpio("jetson")
    assert _first_line(info.value) == ("GPIO library Jetson.GPIO is not installed: pip install Jetson.GPIO "
                                       "on the board (on a laptop: --sim)")
    monkeypatch.setitem(sys.modules, "RPi.GPIO", None)
    with pytest.raises(PinBackendError, match="pip install RPi.GPIO .*rpi-lgpio"):
        open_gpio("rpi")


def test_a_half_installed_gpio_library_says_reinstall(tmp_path: Path, monkeypatch: Any) -> None:
    _fake_module(tmp_path, monkeypatch, "RPi", "from RPi._GPIO import *\n")     # the C extension is missing
    with pytest.raises(PinBackendError) as info:
        open_gpio("rpi")
    line = _first_line(info.value)
    assert "RPi.GPIO is installed but incomplete (No module named 'RPi._GPIO')" in line
    assert "pip install --force-reinstall RPi.GPIO" in line


@pytest.mark.parametrize("raised, expected", [
    ('RuntimeError("The current user does not have permissions set to access the library functionalites. '
     'Please configure permissions or use the root user to run this")', "'gpio' group (sudo usermod -aG gpio $USER"),
    ('Exception("Could not determine Jetson model")', "does not recognise this machine as its board"),
])
def test_a_gpio_library_that_cannot_reach_the_pins_says_why(tmp_path: Path, monkeypatch: Any, raised: str,
                                                            expected: str) -> None:
    _fake_module(tmp_path, monkeypatch, "Jetson", f"raise {raised}\n")
    with pytest.raises(PinBackendError) as info:
        open_gpio("jetson")
    assert expected in _first_line(info.value)


class PinTrouble(SimGPIO):
    """SimGPIO whose ``fail_pin`` raises what a real library raises for it, at setup or at add_event_detect."""

    def __init__(self, fail_pin: int, exc: BaseException, at: str = "setup") -> None:
        super().__init__()
        self.fail_pin, self.exc, self.at = fail_pin, exc, at

    def setup(self, channel: Any, direction: int, pull_up_down: int = 20, initial: int = -1) -> None:
        if self.at == "setup" and channel == self.fail_pin:
            raise self.exc
        super().setup(channel, direction, pull_up_down, initial)

    def add_event_detect(self, channel: int, edge: int, callback: Any = None, bouncetime: Any = None) -> None:
        if self.at == "edge" and channel == self.fail_pin:
            raise self.exc
        super().add_event_detect(channel, edge, callback, bouncetime)


def _board(**touch: Any) -> Any:
    b = load_board("sim")
    screen = dataclasses.replace(b.screen, driver="dummy")
    return dataclasses.replace(b, screen=screen, touch=dataclasses.replace(b.touch, **touch) if touch else b.touch)


@pytest.mark.parametrize("exc, at, expected", [
    (OSError(errno.EBUSY, "Opening output line handle: Device or resource busy"), "setup",
     "GPIO pin 13 (encoder e2 A) is in use by another program or a kernel driver"),
    (RuntimeError("Failed to add edge detection"), "edge", "pip install rpi-lgpio"),
    (RuntimeError("No access to /dev/mem.  Try running as root!"), "setup",
     "no permission to use GPIO pin 13 (encoder e2 A)"),
    (RuntimeError("Cannot determine SOC peripheral base address"), "setup", "pip install rpi-lgpio"),
    (PermissionError(errno.EACCES, "Opening GPIO chip: Permission denied"), "setup", "'gpio' group"),
])
def test_a_pin_that_cannot_be_set_up_is_one_line_and_frees_the_others(exc: BaseException, at: str,
                                                                      expected: str) -> None:
    gpio = PinTrouble(13, exc, at)
    with pytest.raises(PinBackendError) as info:
        Inputs(_board(), sim=True, gpio=gpio)
    assert expected in _first_line(info.value)
    assert isinstance(info.value, HatboxError) and gpio.pins == {}          # pins 7, 11, 12 released again


def test_a_numbering_clash_is_one_line() -> None:
    class Clash(SimGPIO):
        def setmode(self, mode: int) -> None:
            raise ValueError("A different mode has already been set!")

    with pytest.raises(PinBackendError, match="cannot number the GPIO pins BOARD: A different mode"):
        Inputs(_board(), sim=True, gpio=Clash())


def test_i2c_bus_problems_say_what_to_do(monkeypatch: Any) -> None:
    import smbus2
    with pytest.raises(I2CBusError) as info:
        open_i2c(250)                                                  # no such bus on any machine
    assert _first_line(info.value).startswith("/dev/i2c-250 does not exist (")
    assert "enable that I2C bus" in _first_line(info.value)

    def denied(bus: int) -> None:
        raise PermissionError(errno.EACCES, "Permission denied")
    monkeypatch.setattr(smbus2, "SMBus", denied)
    with pytest.raises(I2CBusError, match=r"no permission to open /dev/i2c-7: .*'i2c' group \(sudo usermod -aG i2c"):
        open_i2c(7)
    monkeypatch.setitem(sys.modules, "smbus2", None)
    with pytest.raises(I2CBusError, match="smbus2 is not installed: pip install smbus2"):
        open_i2c(7)


def test_a_kernel_driver_holding_the_touch_address_is_named() -> None:
    class Owned(SimI2CBus):
        def read_byte_data(self, i2c_addr: int, register: int) -> int:
            raise OSError(errno.EBUSY, "Device or resource busy")       # ioctl(I2C_SLAVE) with edt-ft5x06 bound
    with pytest.raises(TouchError, match="a kernel driver already owns I2C address 0x38"):
        TouchController(Owned(), "ft5x06", print, screen=(800, 480))


def test_without_a_touch_bus_the_panel_keeps_its_encoders(monkeypatch: Any, caplog: Any) -> None:
    import smbus2

    def absent(bus: int) -> None:
        raise FileNotFoundError(errno.ENOENT, "No such file or directory")
    monkeypatch.setattr(smbus2, "SMBus", absent)
    board = dataclasses.replace(_board(), gpio="rpi")                  # a real board, its pins simulated here
    gpio = SimGPIO()
    with caplog.at_level(logging.WARNING, logger="hatbox.hardware"):
        inputs = Inputs(board, sim=False, gpio=gpio)
    assert inputs.touch is None and len(inputs.problems) == 1
    assert inputs.problems[0].startswith("touch not available: /dev/i2c-7 does not exist")
    assert [r.getMessage() for r in caplog.records] == inputs.problems
    for t, pin, level in [(0.01, 7, 0), (0.02, 11, 0), (0.03, 7, 1), (0.04, 11, 1)]:   # e1 (A 7, B 11): one detent cw
        gpio.schedule(t, pin, level)
    gpio.run_until(0.1)
    inputs.poll()
    assert inputs.events() == [EncoderTurn(0, 1, 1)]
    inputs.close()


def test_a_touch_controller_that_does_not_answer_leaves_the_panel_running(caplog: Any) -> None:
    class Silent(Inputs):
        def _sim_bus(self) -> Any:
            return SimI2CBus(7)                                            # nobody on the bus
    with caplog.at_level(logging.WARNING, logger="hatbox.hardware"):
        inputs = Silent(_board(), sim=True, gpio=SimGPIO())
    assert inputs.touch is None and inputs.problems == [
        "touch not available: no ft5x06 touch controller answers at I2C address 0x38 (Remote I/O error); "
        "the panel runs without touch"]
    inputs.poll()
    assert inputs.events() == []
    inputs.close()


def test_a_button_pin_read_that_fails_never_reaches_the_panel_loop(caplog: Any) -> None:
    from hardware.encoder import Button, EventQueue

    class Flaky(SimGPIO):
        broken = False

        def input(self, channel: int) -> int:
            if self.broken:
                raise OSError(errno.EIO, "Getting line value: Input/output error")
            return super().input(channel)

    gpio = Flaky()
    gpio.setmode(gpio.BOARD)
    q = EventQueue()
    button = Button(gpio, 12, q, name="e1")
    gpio.broken = True
    with caplog.at_level(logging.ERROR, logger="hatbox.hardware"):
        for _ in range(5):
            button.poll()                                          # the panel calls this every frame
    assert q.drain() == [] and button.read_errors == 5 and len(caplog.records) == 1
    gpio.broken = False
    gpio.schedule(0.1, 12, 0)
    gpio.run_until(0.2)
    assert [e.pressed for e in q.drain()] == [True]


def test_a_screen_that_will_not_open_says_which_groups(monkeypatch: Any) -> None:
    import pygame

    from hardware.display import Display, DisplayError
    monkeypatch.setenv("SDL_VIDEODRIVER", "dummy")                  # put back after the test
    monkeypatch.setattr(pygame.display, "set_mode", lambda *a, **k: (_ for _ in ()).throw(pygame.error("no drm")))
    with pytest.raises(DisplayError) as info:
        Display(800, 480, 0, "kmsdrm")
    assert "'video' and 'render' groups" in _first_line(info.value)


def test_external_pull_ups_pass_no_pull_argument_at_all() -> None:
    """Jetson.GPIO warns on every explicit pull_up_down, even PUD_OFF: with pull = "external" none is passed."""
    class Recording(SimGPIO):
        def __init__(self) -> None:
            super().__init__()
            self.pulls: list[Any] = []

        def setup(self, channel: Any, direction: int, **kwargs: Any) -> None:
            if direction == self.IN:                  # (the touch chip's RST is an output: no pull)
                self.pulls.append(kwargs.get("pull_up_down"))
            super().setup(channel, direction, **kwargs)

    external, internal = Recording(), Recording()
    Inputs(dataclasses.replace(_board(), pull="external"), sim=True, gpio=external).close()
    Inputs(_board(), sim=True, gpio=internal).close()
    assert len(external.pulls) == 13 and external.pulls == [None] * 13      # 4 x (A, B) + 4 buttons + touch INT
    assert internal.pulls == [SimGPIO.PUD_UP] * 13
