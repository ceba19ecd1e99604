"""From the board's hardware to page events: encoders, buttons and touch, real or simulated.

:class:`Inputs` opens the board's pin factory and I2C bus (or, with ``sim=True``, a realtime
:class:`~hardware.sim.gpio.SimGPIO`, a :class:`~hardware.sim.i2c.SimI2CBus` and a simulated
touch chip wired like the board says), runs the real drivers on them, and turns their events
into :mod:`device.ui.events` - touch positions in panel pixels (rotation applied).
:class:`SimHands` is the outside world for the simulator: fingers on the glass, a hand on a knob.
"""
from __future__ import annotations

import logging
import math
from typing import Any, Callable

import numpy as np

from device.ui.events import EncoderPress, EncoderTurn, Event, Touch
from hardware.board import Board
from hardware.encoder import Button, EventQueue, Press, RotaryEncoder, Turn
from hardware.touch import Orientation, TouchController, TouchEvent, sensor_size
from hatbox.errors import HatboxError, first_line

log = logging.getLogger("hatbox.hardware")
TOUCH_REPEAT_S = 60.0      # s: a touch controller that stops answering again within this is not said again
TOUCH_BACK = "touch works again"    # said (not in red) when a controller said to have stopped answers again


class Inputs:
    """The board's controls as a stream of page events (``events()``; call ``poll()`` every loop).

    Pins that cannot be set up (library missing, no permission, a pin held elsewhere) raise one
    :class:`~hardware.pins.PinBackendError` line, with every pin set up so far released.  A touch
    controller that cannot be opened or does not answer does not stop the panel: it runs without
    touch, and :attr:`problems` (also logged once, as a warning) says why; so it does when the controller
    stops answering while the panel runs (:meth:`poll`; logged by hardware/touch.py ReadHealth), once each
    time.  :meth:`take_problems` hands the panel those it has not shown yet; :meth:`take_news` the good news that
    a controller said to have stopped answers again.
    """

    def __init__(self, board: Board, *, sim: bool, wake: Callable[[], None] | None = None, gpio: Any = None,
                 touch_hz: float = 100.0) -> None:
        """``gpio``: a pin factory to use instead of the board's (tests pass a virtual-clock SimGPIO).
        ``touch_hz``: the most reads a second of a touch controller in polling mode."""
        if board.gpio == "sim" and not sim:
            raise HatboxError(f"board '{board.name}' is the simulator", hint="run with --sim, or pick a real board file")
        self.board, self.sim = board, sim
        self.queue = EventQueue(wake)
        self.problems: list[str] = []
        self.touch_error: HatboxError | None = None   # why the touch chip would not open (its hint says what to do)
        self._taken: dict[str, int] = {"problems": 0, "news": 0}   # of each list, how many were handed out
        self._touch_gone = False                 # the touch controller's last known state: stopped answering
        self._touch_said_at: float | None = None  # touch clock when "stopped answering" was last made a problem
        self._touch_said_gone = False            # this outage of the touch controller was made a problem
        self.news: list[str] = []                # good news of the panel's hardware (touch answers again)
        self.chip: Any = None
        self.touch: TouchController | None = None
        self.encoders: list[RotaryEncoder] = []
        self.buttons: list[Button] = []
        self.index: dict[str, int] = {}
        self._bus: Any = None
        self._touch_period, self._touch_next = 1.0 / touch_hz, float("-inf")
        self.gpio = gpio if gpio is not None else _open_gpio(board, sim)
        try:
            self._open_pins()
        except HatboxError:
            self.close()                         # release what was set up before the pin that failed
            raise
        if board.touch:
            self._open_touch()

    def _open_pins(self) -> None:
        from hardware.pins import set_numbering
        set_numbering(self.gpio, self.board.numbering)
        self.index = {e.name: i for i, e in enumerate(self.board.encoders)}
        internal = self.board.pull == "internal"
        for e in self.board.encoders:
            self.encoders.append(RotaryEncoder(self.gpio, e.a, e.b, self.queue, name=e.name, pull_up=internal,
                                               reverse=e.reverse, detents_per_cycle=e.detents_per_cycle))
            if e.button is not None:
                self.buttons.append(Button(self.gpio, e.button, self.queue, name=e.name, pull_up=internal))

    def _open_touch(self) -> None:
        t, s = self.board.touch, self.board.screen
        assert t is not None
        try:
            self._bus = self._sim_bus() if self.sim else _open_bus(self.board.i2c_bus)
            if not self.sim:
                _no_kernel_driver(self.board.i2c_bus, t)
            irq = dict(gpio=self.gpio, int_pin=t.int_pin) if t.mode == "interrupt" and t.int_pin is not None else {}
            if t.reset_pin is not None:                # reset (a GT911: its address chosen) before the first read
                irq = {"gpio": self.gpio, **irq, "reset_pin": t.reset_pin}
            self.touch = TouchController(self._bus, t.chip, self.queue, screen=(s.width, s.height), address=t.address,
                                         sensor=t.sensor, orientation=Orientation(t.swap_xy, t.flip_x, t.flip_y),
                                         reader_thread=getattr(self.gpio, "realtime", True),
                                         pull_up=self.board.pull == "internal", **irq)
        except HatboxError as exc:
            line = f"touch not available: {first_line(exc)}; the panel runs without touch"
            self.problems.append(line)
            self.touch_error = exc
            log.warning("%s", line)
            self._close_bus()

    def _sim_bus(self) -> Any:
        from hardware.sim.i2c import SimI2CBus
        from hardware.sim.touch import SimFT5x06, SimGT911
        t, s = self.board.touch, self.board.screen
        assert t is not None
        w, h = sensor_size((s.width, s.height), t.swap_xy, t.sensor)
        self.chip = (SimGT911 if t.chip == "gt911" else SimFT5x06)(w, h, gpio=self.gpio, int_pin=t.int_pin)
        bus = SimI2CBus(self.board.i2c_bus)
        bus.attach(t.address if t.address is not None else (0x5D if t.chip == "gt911" else 0x38), self.chip)
        return bus

    def events(self) -> list[Event]:
        return [e for e in (self._convert(raw) for raw in self.queue.drain()) if e is not None]

    def _convert(self, raw: Any) -> Event | None:
        if isinstance(raw, Turn):
            return EncoderTurn(self.index[raw.encoder], raw.delta, raw.steps)
        if isinstance(raw, Press):
            return EncoderPress(self.index[raw.encoder], raw.pressed)
        if isinstance(raw, TouchEvent):
            x, y = self.board.to_panel(raw.x, raw.y)
            return Touch(raw.kind, raw.id, x, y, raw.t)
        return None

    def poll(self) -> None:
        """Settle the buttons; read a polled touch controller (at most ``touch_hz`` times a second), or let
        an interrupt-driven one retry a failed read."""
        for b in self.buttons:
            b.poll()
        if self.touch is None:
            return
        if self.touch.interrupt:
            self.touch.poll()
        else:
            now = self.touch.clock()
            if now >= self._touch_next:
                self._touch_next = max(self._touch_next + self._touch_period, now)
                self.touch.poll()
        self._watch_touch()

    def _watch_touch(self) -> None:
        """A touch controller that has just stopped answering (hardware/touch.py ReadHealth: it logged so)
        becomes a problem, once until it answers again, and not again within :data:`TOUCH_REPEAT_S` of the last
        one said (a loose cable that comes and goes would queue a red notice every second or two).  When a
        controller said to have stopped answers again, that is news (:data:`TOUCH_BACK`), once per outage said."""
        assert self.touch is not None
        gone = self.touch.health.gone
        if gone and not self._touch_gone:
            now = self.touch.clock()
            if self._touch_said_at is None or now - self._touch_said_at >= TOUCH_REPEAT_S:
                self._touch_said_at, self._touch_said_gone = now, True
                self.problems.append(f"touch stopped answering: {self.touch.health.problem}; the panel goes on "
                                     "without touch (check its cable and power)")
        elif not gone and self._touch_gone and self._touch_said_gone:
            self._touch_said_gone = False
            self.news.append(TOUCH_BACK)                # (hardware/touch.py ReadHealth has logged it)
        self._touch_gone = gone

    def take_problems(self) -> list[str]:
        """The :attr:`problems` not taken before, oldest first ([] when none): the panel shows each once."""
        return self._take("problems")

    def take_news(self) -> list[str]:
        """The :attr:`news` not taken before, oldest first ([] when none): the panel shows each once."""
        return self._take("news")

    def _take(self, name: str) -> list[str]:
        """The items of list attribute ``name`` not handed out before, oldest first."""
        items: list[str] = getattr(self, name)
        fresh = items[self._taken[name]:]
        self._taken[name] = len(items)
        return fresh

    def close(self) -> None:
        """Release the pins and the I2C bus (never raises: this runs while the panel shuts down)."""
        if self.touch is not None:
            self.touch.close()
        self._close_bus()
        cleanup = getattr(self.gpio, "cleanup", None)
        if cleanup is None:
            return
        try:
            cleanup()
        except Exception as exc:  # noqa: BLE001 - a library that cannot clean up must not stop the shutdown
            log.warning("GPIO cleanup failed: %s", exc)

    def _close_bus(self) -> None:
        bus, self._bus = self._bus, None
        if bus is not None and hasattr(bus, "close"):
            try:
                bus.close()
            except OSError:
                pass


def _open_gpio(board: Board, sim: bool) -> Any:
    if sim:
        from hardware.sim.gpio import SimGPIO
        return SimGPIO(realtime=True)
    from hardware.pins import open_gpio
    return open_gpio(board.gpio)


def _open_bus(bus: int) -> Any:
    from hardware.i2c import open_i2c
    return open_i2c(bus)


class SimHands:
    """Fingers and a hand for the simulated hardware of an :class:`Inputs` made with ``sim=True``.

    Touch positions are native screen pixels (what a window shows).  Like a real controller,
    the glass is scanned on a fixed clock, ``scan_hz`` times a second: a change reaches the
    chip's registers at the next scan tick, and changes between two ticks merge (the newest wins).  Turns are played as
    quadrature edges with bounce (hardware.sim.encoder) on the simulated pins.
    """

    def __init__(self, inputs: Inputs, seed: int = 0, scan_hz: float = 100.0) -> None:
        if not inputs.sim:
            raise HatboxError("SimHands needs simulated inputs")
        self.inputs, self.gpio, self.chip = inputs, inputs.gpio, inputs.chip
        self.rng = np.random.default_rng(seed)
        self.fingers: dict[int, tuple[int, int]] = {}
        self.scan_s = 1.0 / scan_hz
        self._scan_due = False

    def _sensor(self, x: float, y: float) -> tuple[int, int]:
        """Native screen pixel -> the chip's pixel, undoing the board's touch orientation (swap, flips); only for a
        board with a touch controller (:meth:`finger` leaves the others be)."""
        s, t = self.inputs.board.screen, self.inputs.board.touch
        assert t is not None
        x, y = (s.width - 1 - x if t.flip_x else x), (s.height - 1 - y if t.flip_y else y)
        u, v = x / s.width, y / s.height
        if t.swap_xy:
            u, v = v, u
        xi, yi = round(u * self.chip.width), round(v * self.chip.height)
        return min(self.chip.width - 1, max(0, xi)), min(self.chip.height - 1, max(0, yi))

    def finger(self, fid: int, x: float | None, y: float | None = None) -> None:
        """Put finger ``fid`` at native (x, y), or lift it (``x`` None); the chip reports all fingers.  A board
        without a touch controller has nothing to touch: a click does nothing (it stopped the whole box)."""
        if self.inputs.board.touch is None or self.chip is None:
            return
        if x is None or y is None:
            self.fingers.pop(fid, None)
        else:
            self.fingers[fid] = self._sensor(x, y)
        if not self._scan_due:
            self._scan_due = True
            self.gpio.call_at(math.ceil(self.gpio.time() / self.scan_s) * self.scan_s, self._scan)

    def _scan(self) -> None:
        self._scan_due = False
        self.chip.report([(fid, px, py) for fid, (px, py) in sorted(self.fingers.items())])

    def turn(self, index: int, detents: int, rate: float = 40.0) -> None:
        """Turn encoder ``index`` by ``detents`` (+ clockwise) at ``rate`` detents/s, starting now."""
        from hardware.sim.encoder import turn_edges
        if not 0 <= index < len(self.inputs.board.encoders):    # a key for an encoder this board has not got
            return
        enc = self.inputs.board.encoders[index]
        n = abs(detents)
        periods = np.full(n, 1.0 / rate)
        # the encoder as the board file wires it: one marked ``reverse`` gives the other quadrature for a clockwise
        # turn (the driver turns it back), so a key turns the sim's knob the way the real one will go
        way = (1 if detents > 0 else -1) * (-1 if enc.reverse else 1)
        edges, _ = turn_edges(periods, np.full(n, way), enc.a, enc.b, self.rng, t0=self.gpio.time())
        self.gpio.schedule_many(edges)

    def press(self, index: int, down: bool) -> None:
        """Press or release encoder ``index``'s button (with 2 ms of contact bounce); nothing for an encoder the board
        has not got (a key for encoder 4 on a board of one stopped the whole box)."""
        if not 0 <= index < len(self.inputs.board.encoders):
            return
        pin = self.inputs.board.encoders[index].button
        if pin is None:
            return
        t0, level = self.gpio.time(), 0 if down else 1
        chatter = np.sort(t0 + self.rng.uniform(0.0, 0.002, size=4))
        self.gpio.schedule(t0, pin, level)
        for i, t in enumerate(chatter):
            self.gpio.schedule(float(t), pin, level if i % 2 else 1 - level)


def _no_kernel_driver(bus: int, t: Any) -> None:
    """TouchError when a kernel driver (goodix, edt_ft5x06) is bound to the touch chip's address: it reads the chip
    itself, and hatbox's reads would race it (a GT911's frames dropped at random)."""
    from hardware.i2c import kernel_driver
    from hardware.touch import TouchError, chip_map
    chip = chip_map(t.chip)
    for addr in {t.address if t.address is not None else chip.default_address, *chip.other_addresses}:
        driver = kernel_driver(bus, addr)
        if driver:
            raise TouchError(f"the kernel driver '{driver}' owns the touch chip at I2C address 0x{addr:02x} on bus "
                             f"{bus}: hatbox reads the chip itself", hint="remove the device-tree overlay that binds "
                             f"it, or unbind it: echo {bus}-{addr:04x} | sudo tee /sys/bus/i2c/drivers/{driver}/unbind")

