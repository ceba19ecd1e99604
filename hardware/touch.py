"""Capacitive touch controllers over I2C: FocalTech FT5x06/FT5406 and Goodix GT911.

:class:`TouchController` reads the chip's point registers - when its INT line falls (interrupt
mode, read on the GPIO callback thread) or on every :meth:`TouchController.poll` (polling
mode) - tracks fingers by the chip's track id, and sends :class:`TouchEvent` (down / move /
up) in *screen* pixels (the controller's resolution scaled to the display's native size; the
panel's rotation is applied by the UI's input layer).

Register maps (from the vendors' data sheets / application notes):

* FT5x06 (address 0x38): 0x02 TD_STATUS (points, 3:0); from 0x03, 6 bytes per point:
  XH (event 7:6, x 11:8), XL, YH (id 7:4, y 11:8), YL, weight, area; 0xA8 vendor id.
* GT911 (address 0x5D or 0x14, 16-bit registers): 0x8140 product id "911"; 0x8146/0x8148
  x/y resolution (LE); 0x814E status (bit 7 ready, 3:0 points; host writes 0 after reading);
  from 0x814F, 8 bytes per point: id, x LE, y LE, size LE, reserved.

Real backends: not verified on hardware yet.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any, Callable

from hardware.i2c import I2CBus, read16, read_block, write16
from hatbox.errors import HatboxError

Point = tuple[int, int, int]      # (track id, x, y) controller pixels


class TouchError(HatboxError):
    """The touch controller did not answer as its register map says it should."""


@dataclass(frozen=True)
class TouchEvent:
    """``kind`` is "down", "move" or "up"; ``x``/``y`` screen pixels (native orientation); ``t`` seconds."""

    kind: str
    id: int
    x: float
    y: float
    t: float


class FT5x06:
    """FocalTech FT5x06 / FT5406 register map (8-bit registers)."""

    name = "ft5x06"
    default_address = 0x38

    def __init__(self, max_points: int = 5) -> None:
        self.max_points = max_points

    def probe(self, bus: I2CBus, addr: int) -> tuple[int, int] | None:
        """Vendor check; the FT5x06 does not report its resolution (None: use the board's)."""
        bus.read_byte_data(addr, 0xA8)
        return None

    def read_points(self, bus: I2CBus, addr: int) -> list[Point] | None:
        raw = read_block(bus, addr, 0x02, 1 + 6 * self.max_points)
        n = min(raw[0] & 0x0F, self.max_points)
        return [_ft_point(raw[1 + 6 * i: 7 + 6 * i]) for i in range(n) if raw[1 + 6 * i] >> 6 != 1]


def _ft_point(b: list[int]) -> Point:
    return (b[2] >> 4, (b[0] & 0x0F) << 8 | b[1], (b[2] & 0x0F) << 8 | b[3])


class GT911:
    """Goodix GT911 register map (16-bit registers, status handshake)."""

    name = "gt911"
    default_address = 0x5D
    STATUS, POINTS = 0x814E, 0x814F

    def probe(self, bus: I2CBus, addr: int) -> tuple[int, int] | None:
        pid = read16(bus, addr, 0x8140, 4).rstrip(b"\x00")
        if pid != b"911":
            raise TouchError(f"I2C device 0x{addr:02x} says it is {pid!r}, not a GT911")
        res = read16(bus, addr, 0x8146, 4)
        return int.from_bytes(res[:2], "little"), int.from_bytes(res[2:], "little")

    def read_points(self, bus: I2CBus, addr: int) -> list[Point] | None:
        status = read16(bus, addr, self.STATUS, 1)[0]
        if not status & 0x80:
            return None                                    # no new frame
        n = min(status & 0x0F, 5)
        raw = read16(bus, addr, self.POINTS, 8 * n) if n else b""
        write16(bus, addr, self.STATUS, b"\x00")
        return [(raw[8 * i], int.from_bytes(raw[8 * i + 1: 8 * i + 3], "little"),
                 int.from_bytes(raw[8 * i + 3: 8 * i + 5], "little")) for i in range(n)]


CHIPS: dict[str, Callable[[], Any]] = {"ft5x06": FT5x06, "ft5406": lambda: FT5x06(10), "gt911": GT911}


def chip_map(name: str) -> Any:
    try:
        return CHIPS[name.lower()]()
    except KeyError:
        raise TouchError(f"unknown touch controller {name!r} (known: {', '.join(CHIPS)})") from None


class TouchController:
    """One touch controller: probe, read, track fingers, emit events to ``sink``.

    ``screen`` (w, h) is the display's native size; ``sensor`` the controller's own
    resolution when the chip does not report it (FT5x06).  Interrupt mode when ``gpio`` and
    ``int_pin`` are given, else polling (call :meth:`poll` at the rate you want reports).
    """

    def __init__(self, bus: I2CBus, chip: str, sink: Callable[[TouchEvent], None], *, screen: tuple[int, int],
                 address: int | None = None, sensor: tuple[int, int] | None = None, gpio: Any = None,
                 int_pin: int | None = None) -> None:
        self.bus, self.map, self.sink, self.screen = bus, chip_map(chip), sink, screen
        self.address = address if address is not None else self.map.default_address
        self.clock = getattr(gpio, "time", time.monotonic)
        self._fingers: dict[int, tuple[float, float]] = {}
        self._lock = threading.Lock()
        self.sensor = self._probe() or sensor or screen
        self.interrupt = gpio is not None and int_pin is not None
        if self.interrupt:
            gpio.setup(int_pin, gpio.IN, pull_up_down=gpio.PUD_UP)
            gpio.add_event_detect(int_pin, gpio.FALLING, callback=lambda ch: self._read())

    def _probe(self) -> tuple[int, int] | None:
        try:
            return self.map.probe(self.bus, self.address)
        except OSError as exc:
            raise TouchError(f"no {self.map.name} touch controller answers at I2C address 0x{self.address:02x} "
                             f"({exc.strerror or exc})", hint="check the board file's touch address and bus") from None

    def poll(self) -> None:
        """Polling mode: read the chip now (interrupt mode: nothing to do)."""
        if not self.interrupt:
            self._read()

    def _read(self) -> None:
        with self._lock:
            points = self.map.read_points(self.bus, self.address)
            if points is not None:
                self._track(points, self.clock())

    def _scale(self, x: int, y: int) -> tuple[float, float]:
        return x * self.screen[0] / self.sensor[0], y * self.screen[1] / self.sensor[1]

    def _track(self, points: list[Point], t: float) -> None:
        now = {tid: self._scale(x, y) for tid, x, y in points}
        for tid, (x, y) in self._fingers.items():
            if tid not in now:
                self.sink(TouchEvent("up", tid, x, y, t))
        for tid, (x, y) in now.items():
            old = self._fingers.get(tid)
            if old is None:
                self.sink(TouchEvent("down", tid, x, y, t))
            elif old != (x, y):
                self.sink(TouchEvent("move", tid, x, y, t))
        self._fingers = now
