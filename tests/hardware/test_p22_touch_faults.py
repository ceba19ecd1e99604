"""The touch controller on a real cable: reads that fail (EIO, a NAK), a controller that goes away and
comes back, a lost interrupt, garbage slots, a sensor size that is wrong, a glass mounted turned or
mirrored, many fingers - read by the real driver over the simulated bus and pins (virtual clock)."""
from __future__ import annotations

import dataclasses
import errno
import logging
import threading
import time
from typing import Any

import pytest

from device.ui.inputs import Inputs, SimHands
from hardware.board import load_board
from hardware.sim import gestures
from hardware.sim.gpio import SimGPIO
from hardware.sim.i2c import SimI2CBus
from hardware.sim.touch import SimFT5x06, SimGT911
from hardware.touch import Orientation, TouchController, TouchEvent

INT = 37


class FlakyBus(SimI2CBus):
    """A bus whose next ``fail_next`` transfers fail with EIO, and every one while ``down``."""

    def __init__(self) -> None:
        super().__init__(7)
        self.fail_next = 0
        self.down = False

    def _dev(self, addr: int) -> Any:
        if self.down or self.fail_next > 0:
            self.fail_next = max(0, self.fail_next - 1)
            self.transfers += 1
            raise OSError(errno.EIO, "Input/output error")
        return super()._dev(addr)


def _rig(chip: str = "ft5x06", sensor: tuple[int, int] = (800, 480), given: tuple[int, int] | None = None,
         orientation: Orientation = Orientation(), interrupt: bool = True) -> tuple[SimGPIO, Any, TouchController,
                                                                                    FlakyBus, list[TouchEvent]]:
    gpio = SimGPIO()
    gpio.setmode(gpio.BOARD)
    bus = FlakyBus()
    sim = (SimGT911 if chip == "gt911" else SimFT5x06)(*sensor, gpio=gpio, int_pin=INT)
    bus.attach(0x5D if chip == "gt911" else 0x38, sim)
    events: list[TouchEvent] = []
    irq = dict(gpio=gpio, int_pin=INT) if interrupt else {}
    drv = TouchController(bus, chip, events.append, screen=(800, 480), sensor=given or sensor,
                          orientation=orientation, **irq)
    return gpio, sim, drv, bus, events


def _at(gpio: SimGPIO, sim: Any, t: float, points: list[tuple[int, int, int]]) -> None:
    gpio.run_until(t)
    sim.report(points)
    gpio.run_until(t + 0.001)


def test_transient_read_errors_are_skipped_and_said_once(caplog: Any) -> None:
    gpio, sim, drv, bus, events = _rig()
    frames = gestures.drag(100, 400, 700, 40, seconds=0.3)
    with caplog.at_level(logging.WARNING, logger="hatbox.hardware"):
        for i, (t, points) in enumerate(frames):
            if i % 5 == 2:
                bus.fail_next = 1                                   # one report in five is lost to EIO
            _at(gpio, sim, t, points)
            drv.poll()
    kinds = [e.kind for e in events]
    assert kinds[0] == "down" and kinds[-1] == "up" and kinds.count("down") == 1
    assert (events[-1].x, events[-1].y) == (700, 40) and drv.health.total >= 5
    said = [r.getMessage() for r in caplog.records]
    assert said == ["ft5x06 touch controller at I2C address 0x38: a read failed (Input/output error); it is read "
                    "again (such failures are said at most every 10 s)"]


def test_a_gt911_whose_read_failed_is_read_again_by_poll() -> None:
    gpio, sim, drv, bus, events = _rig("gt911")
    bus.fail_next = 2                                               # the reads after both interrupts fail:
    _at(gpio, sim, 0.0, [(0, 10, 20)])                              # status stays set, so the chip holds its frames
    _at(gpio, sim, 0.01, [(0, 30, 40)])                             # and no interrupt comes after these two
    assert events == []
    gpio.run_until(0.04)
    drv.poll()                                                      # past retry_s: read again
    gpio.run_until(0.041)
    assert [(e.kind, e.x, e.y) for e in events] == [("down", 10, 20), ("move", 30, 40)]
    _at(gpio, sim, 0.06, [])
    assert events[-1].kind == "up"


def test_a_controller_that_stays_gone_is_said_once_and_lets_go_of_its_fingers(caplog: Any) -> None:
    gpio, sim, drv, bus, events = _rig()
    _at(gpio, sim, 0.0, [(0, 100, 100)])
    bus.down = True
    with caplog.at_level(logging.WARNING, logger="hatbox.hardware"):
        for i in range(1, 200):                                     # 2 s of reports, every read failing
            _at(gpio, sim, i * 0.01, [(0, 100 + i, 100)])
            drv.poll()
        errors = [r for r in caplog.records if r.levelno == logging.ERROR]
        assert len(errors) == 1 and "it has stopped answering" in errors[0].getMessage()
        assert sum(r.levelno == logging.WARNING for r in caplog.records) == 1
        assert [(e.kind, e.id, e.x) for e in events] == [("down", 0, 100), ("up", 0, 100)]
        bus.down = False
        caplog.clear()
        _at(gpio, sim, 2.5, [(0, 300, 200)])
    assert [(e.kind, e.x) for e in events[2:]] == [("down", 300)]
    said = [r.getMessage() for r in caplog.records]
    assert len(said) == 1 and "0x38 answers again after" in said[0] and not drv.health.gone


def test_a_lost_last_interrupt_does_not_leave_a_finger_down() -> None:
    gpio, sim, drv, bus, events = _rig()
    _at(gpio, sim, 0.0, [(0, 200, 300)])
    sim.gpio = None                                                 # the lift's INT pulse is lost
    sim.report([])
    sim.gpio = gpio
    gpio.run_until(0.1)
    drv.poll()
    assert [e.kind for e in events] == ["down"]                    # not yet: fingers rest without interrupts
    gpio.run_until(0.3)
    drv.poll()
    assert [e.kind for e in events] == ["down", "up"]


def test_empty_and_garbage_slots_are_not_fingers() -> None:
    gpio, sim, drv, bus, events = _rig()
    sim.mem[0x02] = 0x0F                                            # power-up garbage: 15 points, all 0xFF
    sim.mem[0x03:0x03 + 30] = b"\xff" * 30
    sim._pulse()
    gpio.run_until(0.01)
    assert events == []


def test_points_outside_the_declared_sensor_stay_on_screen_and_are_said_once(caplog: Any) -> None:
    gpio, sim, drv, bus, events = _rig(sensor=(1024, 600), given=(800, 480))   # board file says 800x480
    with caplog.at_level(logging.WARNING, logger="hatbox.hardware"):
        _at(gpio, sim, 0.0, [(0, 1000, 590)])
        _at(gpio, sim, 0.1, [(0, 1010, 595)])
    assert all(0 <= e.x <= 799 and 0 <= e.y <= 479 for e in events) and (events[0].x, events[0].y) == (799, 479)
    said = [r.getMessage() for r in caplog.records]
    assert len(said) == 1 and "outside the 800x480 sensor" in said[0] and "[touch] sensor" in said[0]


@pytest.mark.parametrize("o, expected", [
    (Orientation(), (100, 50)),
    (Orientation(flip_x=True), (699, 50)),
    (Orientation(flip_y=True), (100, 429)),
    (Orientation(flip_x=True, flip_y=True), (699, 429)),
    (Orientation(swap_xy=True), (50, 100)),
    (Orientation(swap_xy=True, flip_x=True), (749, 100)),
    (Orientation(swap_xy=True, flip_y=True), (50, 379)),
    (Orientation(swap_xy=True, flip_x=True, flip_y=True), (749, 379)),
])
def test_a_glass_mounted_turned_or_mirrored_lands_on_the_screen(o: Orientation, expected: tuple[int, int]) -> None:
    sensor = (480, 800) if o.swap_xy else (800, 480)                # a swapped glass has its own axes turned
    gpio, sim, drv, bus, events = _rig(sensor=sensor, orientation=o)
    _at(gpio, sim, 0.0, [(0, 100, 50)])
    assert (events[0].x, events[0].y) == expected


@pytest.mark.parametrize("rotation", [0, 90, 270])
def test_touch_orientation_and_rotation_together_through_the_input_layer(rotation: int) -> None:
    base = load_board("sim")
    assert base.touch is not None
    board = dataclasses.replace(base, screen=dataclasses.replace(base.screen, rotation=rotation, driver="dummy"),
                                touch=dataclasses.replace(base.touch, sensor=None, swap_xy=True, flip_x=True))
    gpio = SimGPIO()
    inputs = Inputs(board, sim=True, gpio=gpio)
    hands = SimHands(inputs)
    assert (inputs.chip.width, inputs.chip.height) == (480, 800)
    for x, y in [(40, 30), (700, 420), (400, 240)]:
        hands.finger(0, x, y)
        gpio.run_until(gpio.time() + 0.012)
        hands.finger(0, None)
        gpio.run_until(gpio.time() + 0.012)
        down = [e for e in inputs.events() if e.kind == "down"]
        assert len(down) == 1 and (down[0].x, down[0].y) == pytest.approx(board.to_panel(x, y), abs=1.5)
    inputs.close()


def test_ten_fingers_on_an_ft5406_each_tracked_alone() -> None:
    gpio = SimGPIO()
    gpio.setmode(gpio.BOARD)
    bus = SimI2CBus(7)
    sim = SimFT5x06(800, 480, gpio=gpio, int_pin=INT, max_points=10)
    bus.attach(0x38, sim)
    events: list[TouchEvent] = []
    TouchController(bus, "ft5406", events.append, screen=(800, 480), gpio=gpio, int_pin=INT)
    fingers = [(i, 60 * i + 20, 40 * i + 10) for i in range(10)]
    _at(gpio, sim, 0.0, fingers)
    _at(gpio, sim, 0.02, fingers[:3] + fingers[4:])                 # finger 3 lifts, the others rest
    assert sorted(e.id for e in events if e.kind == "down") == list(range(10))
    assert [(e.kind, e.id, e.x, e.y) for e in events if e.kind != "down"] == [("up", 3, 200, 130)]
    assert {(e.id, e.x, e.y) for e in events if e.kind == "down"} == {(i, float(x), float(y)) for i, x, y in fingers}


def test_a_polled_controller_is_read_at_most_touch_hz(monkeypatch: Any) -> None:
    base = load_board("sim")
    assert base.touch is not None
    board = dataclasses.replace(base, touch=dataclasses.replace(base.touch, mode="polling", int_pin=None))
    inputs = Inputs(board, sim=True, gpio=SimGPIO(), touch_hz=100.0)
    assert inputs.touch is not None and not inputs.touch.interrupt
    bus = inputs.touch.bus
    before, t0 = bus.transfers, time.monotonic()
    for _ in range(300):                                            # the panel loop wakes every few ms
        inputs.poll()
    reads = (bus.transfers - before) / 2            # one read per poll of an FT5x06: its register, then the report
    assert 1 <= reads <= (time.monotonic() - t0) * 100.0 + 2
    inputs.close()


def test_reads_after_an_interrupt_leave_the_gpio_callback_thread_free() -> None:
    """On the board the encoders' callbacks share the GPIO library's thread: a 1-3 ms I2C read there
    would delay them.  With ``reader_thread`` the read runs on its own thread; the callback returns."""
    class SlowBus(SimI2CBus):
        def __init__(self) -> None:
            super().__init__(7)
            self.threads: list[str] = []

        def i2c_rdwr(self, *msgs: Any) -> None:
            self.threads.append(threading.current_thread().name)
            time.sleep(0.003)                                       # a 100 kHz bus reading 31 bytes
            super().i2c_rdwr(*msgs)

    gpio = SimGPIO(realtime=True)
    gpio.setmode(gpio.BOARD)
    bus = SlowBus()
    sim = SimFT5x06(gpio=gpio, int_pin=INT)
    bus.attach(0x38, sim)
    got = threading.Event()
    events: list[TouchEvent] = []
    drv = TouchController(bus, "ft5x06", lambda e: (events.append(e), got.set()), screen=(800, 480), gpio=gpio,
                          int_pin=INT, reader_thread=True)
    try:
        sim.report([(0, 321, 123)])
        assert got.wait(2.0) and (events[0].kind, events[0].x, events[0].y) == ("down", 321, 123)
        assert bus.threads and set(bus.threads) == {"touch-reader"}
    finally:
        drv.close()
        gpio.close()
    assert drv._reader is not None and not drv._reader.is_alive()
