"""Drivers on a GPIO module laid out as Jetson.GPIO is: ``from .gpio import *`` of a module that did ``import time``,
so ``Jetson.GPIO.time`` is the time module, not a clock.  The drivers used to take any ``gpio.time`` as their clock:
every button poll, every encoder detent and every touch read raised TypeError on a Jetson."""
from __future__ import annotations

import time
import types
from typing import Any, Callable

from hardware.encoder import Button, RotaryEncoder
from hardware.pins import clock_of, sleep_of
from hardware.sim.gpio import SimGPIO
from hardware.sim.i2c import SimI2CBus
from hardware.sim.touch import SimFT5x06
from hardware.touch import TouchController


def jetson_like() -> Any:
    """A GPIO module with RPi.GPIO's functions, and ``time`` the module (as Jetson.GPIO exposes it)."""
    mod = types.ModuleType("FakeJetsonGPIO")
    levels: dict[int, int] = {}
    callbacks: dict[int, Callable[[int], None]] = {}
    mod.BOARD, mod.BCM, mod.IN, mod.PUD_UP, mod.BOTH, mod.FALLING = 10, 11, 1, 22, 33, 32
    mod.time = time                                          # what `from .gpio import *` carries along
    mod.setup = lambda pin, mode, **kw: levels.setdefault(pin, 1)
    mod.input = lambda pin: levels[pin]
    mod.add_event_detect = lambda pin, edge, callback=None: callbacks.__setitem__(pin, callback)
    mod.remove_event_detect = lambda pin: callbacks.pop(pin, None)

    def edge(pin: int, level: int) -> None:
        levels[pin] = level
        callbacks[pin](pin)
    mod.edge = edge
    return mod


def test_a_button_on_a_jetson_like_module_reports_its_press() -> None:
    gpio, got = jetson_like(), []
    button = Button(gpio, 13, got.append, name="e1")
    gpio.edge(13, 0)
    button.poll()                                            # the panel's every frame
    assert [(p.encoder, p.pressed) for p in got] == [("e1", True)]
    assert abs(got[0].t - time.monotonic()) < 5.0


def test_an_encoder_on_a_jetson_like_module_turns() -> None:
    gpio, got = jetson_like(), []
    RotaryEncoder(gpio, 7, 11, got.append, name="e1")
    for pin, level in ((7, 0), (11, 0), (7, 1), (11, 1)):   # one detent clockwise
        gpio.edge(pin, level)
    assert [t.delta for t in got] == [1]


def test_touch_on_a_jetson_like_module_reads_the_finger() -> None:
    gpio, got = jetson_like(), []
    bus, chip = SimI2CBus(), SimFT5x06()
    bus.attach(0x38, chip)
    touch = TouchController(bus, "ft5x06", got.append, screen=(800, 480), gpio=gpio, int_pin=37, pull_up=False,
                            reader_thread=False)
    chip.report([(0, 100, 100)])
    gpio.edge(37, 0)
    touch.poll()
    assert [(e.kind, e.x, e.y) for e in got] == [("down", 100.0, 100.0)]


def test_only_the_simulator_lends_its_clock() -> None:
    sim = SimGPIO()
    assert clock_of(sim) == sim.time and sleep_of(sim) == sim.sleep
    assert clock_of(jetson_like()) is time.monotonic and sleep_of(jetson_like()) is time.sleep
