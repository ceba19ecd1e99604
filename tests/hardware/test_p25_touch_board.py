"""The touch layer against what the chips and libraries do on a real board (a review of hardware/ against the
datasheets and the libraries' sources, twenty-fifth stop; simulated here, not verified on hardware yet): an FT5x06
shipped holding INT low while touched, a GT911 whose address INT's level chose, a kernel driver owning the chip,
an FT5406 report read in one transfer."""
from __future__ import annotations

import logging
from typing import Any

import pytest

from hardware.sim.gpio import SimGPIO
from hardware.sim.i2c import SimI2CBus
from hardware.sim.touch import SimFT5x06, SimGT911
from hardware.touch import TouchController, TouchEvent, TouchError

INT, RST = 37, 38


class HeldLowFT5x06(SimFT5x06):
    """An FT5x06 in G_MODE 0 that will not change: INT falls at the first touch and stays low until the lift."""

    def _init_registers(self) -> None:
        super()._init_registers()
        self.mem[0xA4] = 0

    def write(self, register: int, data: bytes) -> None:
        if register != 0xA4:
            super().write(register, data)

    def _pulse(self) -> None:
        level = 0 if self.mem[0x02] & 0x0F else 1
        self.gpio.schedule(self.gpio.time(), self.int_pin, level)


def _drag(gpio: SimGPIO, sim: Any, drv: TouchController, steps: int = 20) -> None:
    for i in range(steps):                                  # 20 reports, 10 ms apart, the panel polling each frame
        gpio.run_until(0.01 * i)
        sim.report([(0, 100 + 10 * i, 100)])
        gpio.run_until(0.01 * i + 0.001)
        drv.poll()
    gpio.run_until(0.01 * steps)
    sim.report([])
    gpio.run_until(0.01 * steps + 0.001)
    drv.poll()


def test_an_ft5x06_is_set_to_pulse_int_for_every_report() -> None:
    gpio = SimGPIO()
    gpio.setmode(gpio.BOARD)
    bus, sim = SimI2CBus(7), SimFT5x06(gpio=gpio, int_pin=INT)
    sim.mem[0xA4] = 0                                       # shipped in "polling" (held-low) mode
    bus.attach(0x38, sim)
    events: list[TouchEvent] = []
    drv = TouchController(bus, "ft5x06", events.append, screen=(800, 480), gpio=gpio, int_pin=INT)
    assert sim.mem[0xA4] == 1 and drv.map.pulses
    _drag(gpio, sim, drv)
    assert [e.kind for e in events].count("move") == 19 and events[-1].kind == "up"


def test_an_ft5x06_that_keeps_int_low_is_read_every_frame_while_touched(caplog: Any) -> None:
    """Before: one falling edge per touch, so a drag was read four times a second (the stale-finger re-read) and
    its lift came 250 ms late."""
    gpio = SimGPIO()
    gpio.setmode(gpio.BOARD)
    bus, sim = SimI2CBus(7), HeldLowFT5x06(gpio=gpio, int_pin=INT)
    bus.attach(0x38, sim)
    events: list[TouchEvent] = []
    with caplog.at_level(logging.WARNING, logger="hatbox.hardware"):
        drv = TouchController(bus, "ft5x06", events.append, screen=(800, 480), gpio=gpio, int_pin=INT)
    assert not drv.map.pulses and "keeps its INT line low while touched" in caplog.text
    _drag(gpio, sim, drv)
    moves = [e for e in events if e.kind == "move"]
    assert len(moves) == 19 and events[-1].kind == "up" and events[-1].t < 0.01 * 20 + 0.002


def test_a_gt911_is_reset_to_the_boards_address_and_found_at_the_other_one(caplog: Any) -> None:
    gpio = SimGPIO()
    gpio.setmode(gpio.BOARD)
    levels: list[tuple[float, int, int]] = []
    real_output = gpio.output

    def output(channel: int, value: int) -> None:
        levels.append((gpio.time(), channel, value))
        real_output(channel, value)
    gpio.output = output                                    # type: ignore[method-assign]
    bus = SimI2CBus(7)
    bus.attach(0x5D, SimGT911(gpio=gpio, int_pin=INT))
    TouchController(bus, "gt911", lambda e: None, screen=(800, 480), gpio=gpio, int_pin=INT, reset_pin=RST)
    (int_set,) = [t for t, ch, v in levels if ch == INT and v == 0 and t < 0.011 + 1e-9]
    (rst_up,) = [t for t, ch, v in levels if ch == RST and v == 1]
    assert int_set < rst_up and rst_up - int_set >= 0.0001           # INT low (0x5D) before RST rises
    assert gpio.time() >= 0.011 + 0.0002 + 0.006 + 0.051 - 1e-9      # Goodix's power-on timing, on the sim clock
    gpio2 = SimGPIO()
    gpio2.setmode(gpio2.BOARD)
    bus2 = SimI2CBus(7)
    bus2.attach(0x14, SimGT911(gpio=gpio2, int_pin=INT))             # its INT was high as RST rose
    with caplog.at_level(logging.WARNING, logger="hatbox.hardware"):
        drv = TouchController(bus2, "gt911", lambda e: None, screen=(800, 480), gpio=gpio2, int_pin=INT)
    assert drv.address == 0x14 and "answers at I2C address 0x14, not 0x5d: using it" in caplog.text
    with pytest.raises(TouchError, match="no gt911 touch controller answers at I2C address 0x5d"):
        TouchController(SimI2CBus(7), "gt911", lambda e: None, screen=(800, 480))


def test_a_kernel_driver_owning_the_touch_chip_is_named(monkeypatch: Any) -> None:
    import hardware.i2c as i2c
    from device.ui.inputs import _no_kernel_driver
    from hardware.board import TouchConfig
    monkeypatch.setattr(i2c.os, "readlink", lambda p: "../../../bus/i2c/drivers/goodix"
                        if p == "/sys/bus/i2c/devices/7-005d/driver" else (_ for _ in ()).throw(OSError(2, "no")))
    assert i2c.kernel_driver(7, 0x5D) == "goodix" and i2c.kernel_driver(7, 0x38) is None
    with pytest.raises(TouchError, match="the kernel driver 'goodix' owns the touch chip at I2C address 0x5d on bus 7"):
        _no_kernel_driver(7, TouchConfig(chip="gt911"))
    _no_kernel_driver(7, TouchConfig(chip="ft5x06"))                 # nothing bound at 0x38


def test_an_ft5406_report_is_read_in_one_transfer() -> None:
    """Before: 61 bytes as two SMBus block reads (0x02, then 0x22), which the chip could update between."""
    bus, sim = SimI2CBus(7), SimFT5x06(max_points=10)
    bus.attach(0x38, sim)
    drv = TouchController(bus, "ft5406", lambda e: None, screen=(800, 480))
    sim.report([(i, 60 * i + 20, 40 * i + 10) for i in range(10)])
    calls: list[int] = []
    real = bus.i2c_rdwr
    bus.i2c_rdwr = lambda *m: (calls.append(len(m)), real(*m))[1]   # type: ignore[method-assign]
    drv.poll()
    assert calls == [2]                                              # one write-then-read transfer
