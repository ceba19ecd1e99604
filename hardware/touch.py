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

A read that fails is retried and said at a bounded rate; a controller that stays silent is said
once and its fingers lifted (:class:`ReadHealth`).  ``Orientation`` (swap / flip) maps a glass
mounted turned or mirrored against the screen.

Real backends: not verified on hardware yet.
"""
from __future__ import annotations

import errno
import logging
import threading
from dataclasses import dataclass
from typing import Any, Callable

from hardware.i2c import I2CBus, io_problem, read8, read16, write16
from hatbox.errors import HatboxError

log = logging.getLogger("hatbox.hardware")

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
    other_addresses: tuple[int, ...] = ()
    G_MODE = 0xA4                  # interrupt mode: 0 INT held low while touched ("polling"), 1 a pulse per report

    def __init__(self, max_points: int = 5) -> None:
        self.max_points = max_points
        self.pulses = True         # INT pulses at every report (G_MODE 1); False: it stays low while touched

    def reset(self, gpio: Any, rst: int, int_pin: int | None, addr: int) -> None:
        """Out of reset: RST low 5 ms, then high; the chip answers after about 300 ms."""
        gpio.setup(rst, gpio.OUT, initial=gpio.LOW)
        _wait(gpio, 0.005)
        gpio.output(rst, gpio.HIGH)
        _wait(gpio, 0.3)

    def probe(self, bus: I2CBus, addr: int) -> tuple[int, int] | None:
        """Vendor check, then G_MODE 1 (modules ship in either mode: in the other one INT falls once a touch, and
        moves would be read only when the controller re-reads a stale finger).  The FT5x06 does not report its
        resolution (None: use the board's)."""
        bus.read_byte_data(addr, 0xA8)
        try:
            bus.write_byte_data(addr, self.G_MODE, 1)
            self.pulses = bus.read_byte_data(addr, self.G_MODE) == 1
        except OSError:
            self.pulses = False
        if not self.pulses:
            log.warning("%s at I2C address 0x%02x keeps its INT line low while touched (G_MODE is not 1 and would "
                        "not change): it is read every frame while a finger is down", self.name, addr)
        return None

    def read_points(self, bus: I2CBus, addr: int) -> list[Point] | None:
        raw = read8(bus, addr, 0x02, 1 + 6 * self.max_points)     # one transfer: the report is never torn
        n = min(raw[0] & 0x0F, self.max_points)
        return [_ft_point(raw[1 + 6 * i: 7 + 6 * i]) for i in range(n) if _ft_touching(raw[1 + 6 * i: 7 + 6 * i])]


def _ft_touching(b: list[int]) -> bool:
    """A slot that holds a finger: event "down" (0) or "contact" (2), and a real track id (0x0F: none)."""
    return b[0] >> 6 in (0, 2) and b[2] >> 4 != 0x0F


def _ft_point(b: list[int]) -> Point:
    return (b[2] >> 4, (b[0] & 0x0F) << 8 | b[1], (b[2] & 0x0F) << 8 | b[3])


class GT911:
    """Goodix GT911 register map (16-bit registers, status handshake)."""

    name = "gt911"
    default_address = 0x5D
    other_addresses = (0x14,)      # the chip takes 0x14 when INT is high as RST rises (0x5D when low)
    pulses = True
    STATUS, POINTS = 0x814E, 0x814F

    def reset(self, gpio: Any, rst: int, int_pin: int | None, addr: int) -> None:
        """Reset, selecting the I2C address ``addr`` by INT's level as RST rises (Goodix's power-on timing: RST
        and INT low over 10 ms, INT set 100 us before RST rises, held 5 ms, then low 50 ms and released as the
        input it is).  Without ``int_pin`` the address is what INT's pull gives (the probe tries both)."""
        gpio.setup(rst, gpio.OUT, initial=gpio.LOW)
        if int_pin is not None:
            gpio.setup(int_pin, gpio.OUT, initial=gpio.LOW)
        _wait(gpio, 0.011)
        if int_pin is not None:
            gpio.output(int_pin, gpio.HIGH if addr == 0x14 else gpio.LOW)
        _wait(gpio, 0.0002)
        gpio.output(rst, gpio.HIGH)
        _wait(gpio, 0.006)
        if int_pin is not None:
            gpio.output(int_pin, gpio.LOW)
            _wait(gpio, 0.051)
            gpio.setup(int_pin, gpio.IN)

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


def _wait(gpio: Any, seconds: float) -> None:
    """Sleep ``seconds`` (the simulated GPIO's own clock: its tests run on virtual time)."""
    from hardware.pins import sleep_of
    sleep_of(gpio)(seconds)


CHIPS: dict[str, Callable[[], Any]] = {"ft5x06": FT5x06, "ft5406": lambda: FT5x06(10), "gt911": GT911}


def chip_map(name: str) -> Any:
    try:
        return CHIPS[name.lower()]()
    except KeyError:
        raise TouchError(f"unknown touch controller {name!r} (known: {', '.join(CHIPS)})") from None


def sensor_size(screen: tuple[int, int], swap_xy: bool, sensor: tuple[int, int] | None = None) -> tuple[int, int]:
    """The touch controller's resolution (w, h) in its own axes: ``sensor`` when the board file gives it,
    else the screen's native (w, h) - turned, (h, w), when the glass is mounted with its x along the
    screen's y (``swap_xy``)."""
    if sensor:
        return sensor
    return (screen[1], screen[0]) if swap_xy else (screen[0], screen[1])


@dataclass(frozen=True)
class Orientation:
    """How the glass sits on the screen: ``swap_xy`` (the controller's x runs along the screen's y), then
    ``flip_x`` / ``flip_y`` (mirrored on the screen).  Applied before the board's ``rotation``."""

    swap_xy: bool = False
    flip_x: bool = False
    flip_y: bool = False


class ReadHealth:
    """Transient I2C failures of one controller, said at a bounded rate; a controller gone, said once.

    A failed read is retried after ``retry_s`` (``gone_retry_s`` once gone).  The controller is *gone*
    after ``gone_after`` failures in a row spanning at least ``gone_s`` seconds; the first good read
    after that says it is back.  At most one "read failed" line per ``log_every_s`` seconds.
    """

    def __init__(self, name: str, *, retry_s: float = 0.02, gone_after: int = 10, gone_s: float = 0.5,
                 gone_retry_s: float = 1.0, log_every_s: float = 10.0) -> None:
        self.name, self.retry_s, self.gone_after, self.gone_s = name, retry_s, gone_after, gone_s
        self.gone_retry_s, self.log_every_s = gone_retry_s, log_every_s
        self.in_a_row, self.total, self.gone = 0, 0, False
        self.problem = ""                   # the last failure in words ("a read failed (Input/output error)")
        self.first_fail = 0.0
        self.retry_at: float | None = None
        self._logged_at = float("-inf")
        self._unsaid = 0

    def failed(self, problem: str, t: float) -> bool:
        """Count a failure at ``t``; True when this one makes the controller gone (release its fingers)."""
        self.total += 1
        self.in_a_row += 1
        self.problem = problem
        self.first_fail = t if self.in_a_row == 1 else self.first_fail
        if self.gone:
            self.retry_at = t + self.gone_retry_s
            return False
        self.retry_at = t + self.retry_s
        if self.in_a_row >= self.gone_after and t - self.first_fail >= self.gone_s:
            self.gone = True
            log.error("%s: %s, %d times in a row: it has stopped answering; the panel goes on without touch and "
                      "keeps trying (check its cable and power)", self.name, problem, self.in_a_row)
            return True
        self._say(problem, t)
        return False

    def _say(self, problem: str, t: float) -> None:
        if t - self._logged_at < self.log_every_s:
            self._unsaid += 1
            return
        more = f" ({self._unsaid} more since the last line)" if self._unsaid else ""
        log.warning("%s: %s; it is read again (such failures are said at most every %.0f s)%s", self.name, problem,
                    self.log_every_s, more)
        self._logged_at, self._unsaid = t, 0

    def ok(self) -> None:
        """A good read: a gone controller is said to be back."""
        if self.gone:
            log.warning("%s answers again after %d failed reads", self.name, self.in_a_row)
        self.in_a_row, self.gone, self.retry_at = 0, False, None


class TouchController:
    """One touch controller: probe, read, track fingers, emit events to ``sink``.

    ``screen`` (w, h) is the display's native size; ``sensor`` the controller's own
    resolution, in its own axes, when the chip does not report it (FT5x06; default: the screen's,
    turned when ``orientation.swap_xy``).  Interrupt mode when ``gpio`` and
    ``int_pin`` are given, else polling (call :meth:`poll` at the rate you want reports).
    Call :meth:`poll` in interrupt mode too: it re-reads after a failed read (a GT911 whose
    status was not cleared holds its frames and may send no further interrupt) and when fingers have been down with no
    interrupt for ``stale_s`` (a lost last interrupt would leave a finger down).

    A read that fails (OSError: EIO, EREMOTEIO - a NAK, a glitch on the cable) never reaches the
    GPIO callback thread or the caller: see :class:`ReadHealth`.  Points outside the sensor are
    clamped to the screen's edge and said once (a ``sensor`` smaller than the glass).

    ``reader_thread``: read on a thread of its own, woken by the interrupt, instead of on the GPIO
    library's callback thread - which the encoders share: a 1-3 ms I2C read there delays their
    callbacks, and a fast turn made while a finger is on the glass loses detents.  Off for the
    virtual-clock simulator, whose tests want reads in step with the clock; :meth:`close` stops it.
    ``pull_up``: the INT pin's internal pull-up (False: the panel's own, as on a Jetson).
    """

    def __init__(self, bus: I2CBus, chip: str, sink: Callable[[TouchEvent], None], *, screen: tuple[int, int],
                 address: int | None = None, sensor: tuple[int, int] | None = None, gpio: Any = None,
                 int_pin: int | None = None, orientation: Orientation = Orientation(), stale_s: float = 0.25,
                 reader_thread: bool = False, pull_up: bool = True, reset_pin: int | None = None) -> None:
        self.bus, self.map, self.sink, self.screen = bus, chip_map(chip), sink, screen
        self.address = address if address is not None else self.map.default_address
        self.orientation, self.stale_s = orientation, stale_s
        if gpio is not None and reset_pin is not None:
            from hardware.pins import pin_errors
            with pin_errors(reset_pin, f"{self.map.name} touch RST"):
                self.map.reset(gpio, reset_pin, int_pin, self.address)
        from hardware.pins import clock_of
        self.clock = clock_of(gpio)
        self.health = ReadHealth(f"{self.map.name} touch controller at I2C address 0x{self.address:02x}")
        self._fingers: dict[int, tuple[float, float]] = {}
        self._lock = threading.Lock()
        self._last_read = float("-inf")
        self._outside_said = False
        self.sensor = self._probe() or sensor_size(screen, orientation.swap_xy, sensor)
        self.interrupt = gpio is not None and int_pin is not None
        self._due, self._closed = threading.Event(), False
        self._reader: threading.Thread | None = None
        if self.interrupt:
            from hardware.pins import pin_errors, setup_input
            callback = self._wake_reader if reader_thread else self._interrupt
            with pin_errors(int_pin, f"{self.map.name} touch INT"):    # type: ignore[arg-type]
                setup_input(gpio, int_pin, pull_up)                     # type: ignore[arg-type]
                gpio.add_event_detect(int_pin, gpio.FALLING, callback=callback)
            if reader_thread:
                self._reader = threading.Thread(target=self._read_loop, name="touch-reader", daemon=True)
                self._reader.start()

    def _wake_reader(self, channel: int) -> None:
        """The INT line fell (GPIO callback thread): hand the read to the reader thread, return at once."""
        self._due.set()

    def _read_loop(self) -> None:
        while True:
            self._due.wait()
            if self._closed:
                return
            self._due.clear()
            self._interrupt(0)

    def close(self) -> None:
        """Stop the reader thread (if any); the bus and pins belong to the caller."""
        self._closed = True
        self._due.set()
        if self._reader is not None and self._reader is not threading.current_thread():
            self._reader.join(timeout=1.0)

    def _probe(self) -> tuple[int, int] | None:
        """The chip's check at the board's address, then at the chip's other one (a GT911 whose address INT's
        level chose at power-up); TouchError when none answers."""
        first: OSError | None = None
        for addr in (self.address, *(a for a in self.map.other_addresses if a != self.address)):
            try:
                found = self.map.probe(self.bus, addr)
            except OSError as exc:
                first = first or exc
                continue
            if addr != self.address:
                log.warning("%s touch controller answers at I2C address 0x%02x, not 0x%02x: using it (set [touch] "
                            "address = 0x%02x in the board file to say so)", self.map.name, addr, self.address, addr)
                self.address = addr
                self.health.name = f"{self.map.name} touch controller at I2C address 0x{addr:02x}"
            return found
        assert first is not None
        raise TouchError(io_problem(first, f"{self.map.name} touch controller", self.address),
                         hint="check the board file's touch address and i2c_bus; `i2cdetect -y N` lists "
                              "the addresses that answer") from None

    def poll(self) -> None:
        """Polling mode: read the chip now.  Interrupt mode: read only to retry a failed read, or when
        fingers are down and no interrupt has come for ``stale_s``."""
        if not self.interrupt:
            self._read()
            return
        now = self.clock()
        retry = self.health.retry_at is not None and now >= self.health.retry_at
        held_low = self._fingers and not getattr(self.map, "pulses", True)    # INT stays low: no edge per move
        if retry or held_low or (self._fingers and now - self._last_read >= self.stale_s):
            self._read()

    def _interrupt(self, channel: int) -> None:
        """The INT line fell: read (on the GPIO callback thread, or the reader's); never raise into it."""
        try:
            self._read()
        except Exception:  # noqa: BLE001 - an exception here would end Jetson.GPIO's event thread (encoders too)
            log.exception("%s: reading it after an interrupt failed", self.health.name)

    def _read(self) -> None:
        with self._lock:
            t = self.clock()
            self._last_read = t
            try:
                points = self.map.read_points(self.bus, self.address)
            except (OSError, IndexError, ValueError) as exc:
                if self.health.failed(self._read_problem(exc), t):
                    self._track([], t)                      # gone: lift every finger it held
                return
            self.health.ok()
            if points is not None:
                self._track(points, t)

    def _read_problem(self, exc: Exception) -> str:
        """A failed read in words: EBUSY names the kernel driver in the way; other OSErrors (EIO, EREMOTEIO:
        a NAK, a glitch) and reports that do not parse are "a read failed"."""
        if not isinstance(exc, OSError):
            return f"a garbled report ({exc})"
        if exc.errno == errno.EBUSY:
            return io_problem(exc, f"{self.map.name} touch controller", self.address)
        return f"a read failed ({exc.strerror or exc})"

    def _scale(self, x: int, y: int) -> tuple[float, float]:
        """Controller pixel -> native screen pixel: orientation, scale, clamp to the screen."""
        sw, sh = self.sensor
        if not (0 <= x < sw and 0 <= y < sh):
            self._outside(x, y)
        o, (w, h) = self.orientation, self.screen
        sx, sy = (y * w / sh, x * h / sw) if o.swap_xy else (x * w / sw, y * h / sh)
        sx, sy = (w - 1 - sx if o.flip_x else sx), (h - 1 - sy if o.flip_y else sy)
        return min(max(sx, 0.0), w - 1.0), min(max(sy, 0.0), h - 1.0)

    def _outside(self, x: int, y: int) -> None:
        if not self._outside_said:
            self._outside_said = True
            log.warning("%s reported a touch at (%d, %d), outside the %dx%d sensor it was given: set the board "
                        "file's [touch] sensor = [width, height] to the glass's resolution (touches are kept at "
                        "the screen's edge)", self.health.name, x, y, *self.sensor)

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
