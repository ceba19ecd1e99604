"""Simulated capacitive touch controllers answering their register maps, with an interrupt line.

:class:`SimFT5x06` (FocalTech FT5x06 / FT5406, 8-bit registers) and :class:`SimGT911`
(Goodix GT911, 16-bit registers) sit on a :class:`~hardware.sim.i2c.SimI2CBus`.  A test or the
``--sim`` window calls :meth:`report` with the fingers now down (controller pixels); the chip
updates its registers and pulls its INT line low for ``pulse_s`` (a falling edge per report, the
trigger mode both chips default to here).  Gestures (tap, drag, two fingers) are sequences
of reports: see :mod:`hardware.sim.gestures`.
"""
from __future__ import annotations

import threading
import time
from collections import deque
from typing import Any

Point = tuple[int, int, int]        # (track id, x, y) in controller pixels


class _SimChip:
    reg_width = 1
    max_points = 5

    def __init__(self, width: int, height: int, gpio: Any = None, int_pin: int | None = None,
                 pulse_s: float = 100e-6) -> None:
        self.width, self.height = width, height
        self.gpio, self.int_pin, self.pulse_s = gpio, int_pin, pulse_s
        self.mem = bytearray(0x10000 if self.reg_width == 2 else 0x100)
        self.lock = threading.Lock()
        self.reports = 0
        self.log: deque[tuple[float, list[Point]]] = deque(maxlen=100_000)   # (time.perf_counter(), points)
        self._init_registers()

    def _init_registers(self) -> None:
        pass

    def read(self, register: int, n: int) -> bytes:
        with self.lock:
            return bytes(self.mem[register:register + n])

    def write(self, register: int, data: bytes) -> None:
        with self.lock:
            self.mem[register:register + len(data)] = data

    def report(self, points: list[Point]) -> None:
        """The fingers now on the glass (at most ``max_points`` are reported)."""
        for _, x, y in points:
            if not (0 <= x < self.width and 0 <= y < self.height):
                raise ValueError(f"touch ({x}, {y}) outside the {self.width}x{self.height} sensor")
        with self.lock:
            self._publish(points[: self.max_points])
            self.reports += 1
            self.log.append((time.perf_counter(), list(points)))
        self._pulse()

    def _publish(self, points: list[Point]) -> None:
        raise NotImplementedError

    def _pulse(self) -> None:
        if self.gpio is None or self.int_pin is None:
            return
        self.gpio.schedule(self.gpio.time(), self.int_pin, 0)
        self.gpio.schedule(self.gpio.time() + self.pulse_s, self.int_pin, 1)


class SimFT5x06(_SimChip):
    """FT5x06/FT5406: TD_STATUS at 0x02, 6 bytes per point from 0x03, ids in 0xA3/0xA6/0xA8.

    Point bytes: XH = event(7:6: 0 down, 1 up, 2 contact) | x[11:8]; XL; YH = id(7:4) | y[11:8];
    YL; weight; area.
    """

    reg_width = 1
    CHIP_ID, FIRMWARE, VENDOR = 0x0A, 0x10, 0x11

    def __init__(self, width: int = 800, height: int = 480, gpio: Any = None, int_pin: int | None = None,
                 max_points: int = 5) -> None:
        self.max_points = max_points
        super().__init__(width, height, gpio, int_pin)
        self._down: set[int] = set()

    def _init_registers(self) -> None:
        self.mem[0xA3], self.mem[0xA6], self.mem[0xA8] = self.CHIP_ID, self.FIRMWARE, self.VENDOR
        self.mem[0xA4] = 1                                    # G_MODE: interrupt trigger mode

    def _publish(self, points: list[Point]) -> None:
        self.mem[0x02] = len(points)
        for i in range(self.max_points):
            base = 0x03 + 6 * i
            if i < len(points):
                tid, x, y = points[i]
                event = 2 if tid in self._down else 0
                self.mem[base:base + 6] = bytes([event << 6 | x >> 8, x & 0xFF, tid << 4 | y >> 8, y & 0xFF, 40, 0])
            else:
                self.mem[base:base + 6] = b"\xff" * 6
        self._down = {p[0] for p in points}


class SimGT911(_SimChip):
    """GT911: product id "911" at 0x8140, resolution at 0x8146/0x8148 (LE), status 0x814E
    (bit 7 = buffer ready, 3:0 = points), 8 bytes per point from 0x814F (id, x LE, y LE, size LE, 0).

    As the chip does, a new frame is held back while the host has not written 0 to 0x814E;
    the newest held frame is published (with an INT pulse) when it does.
    """

    reg_width = 2
    STATUS, POINTS = 0x814E, 0x814F

    def __init__(self, width: int = 800, height: int = 480, gpio: Any = None, int_pin: int | None = None) -> None:
        super().__init__(width, height, gpio, int_pin)
        self.max_points = 5
        self._held: list[Point] | None = None

    def _init_registers(self) -> None:
        self.mem[0x8140:0x8144] = b"911\x00"
        self.mem[0x8144:0x8146] = (0x1060).to_bytes(2, "little")
        self.mem[0x8146:0x8148] = self.width.to_bytes(2, "little")
        self.mem[0x8148:0x814A] = self.height.to_bytes(2, "little")
        self.mem[0x8048:0x804A] = self.width.to_bytes(2, "little")      # config: X output max
        self.mem[0x804A:0x804C] = self.height.to_bytes(2, "little")
        self.mem[0x804C] = 5                                           # config: touch number

    def _publish(self, points: list[Point]) -> None:
        if self.mem[self.STATUS] & 0x80:
            self._held = points
            return
        self._frame(points)

    def _frame(self, points: list[Point]) -> None:
        for i, (tid, x, y) in enumerate(points):
            base = self.POINTS + 8 * i
            self.mem[base:base + 8] = bytes([tid, x & 0xFF, x >> 8, y & 0xFF, y >> 8, 30, 0, 0])
        self.mem[self.STATUS] = 0x80 | len(points)

    def write(self, register: int, data: bytes) -> None:
        held = None
        with self.lock:
            self.mem[register:register + len(data)] = data
            if register == self.STATUS and data[:1] == b"\x00" and self._held is not None:
                held, self._held = self._held, None
                self._frame(held)
        if held is not None:
            self._pulse()
