"""A simulated GPIO module with the RPi.GPIO API, driven by timed edges.

Outside circuits (a simulated encoder, a touch controller's interrupt line) change input
levels with :meth:`SimGPIO.schedule` (at a time) or :meth:`SimGPIO.drive` (now).  Each level
change that matches a channel's ``add_event_detect`` edge queues that channel's callbacks
``callback_latency`` seconds later; like RPi.GPIO's event thread, a callback only gets the
channel number and must read the level itself - so, as on a board, a callback may see a
level that has already moved on.

Two clocks:

* virtual (default): nothing happens until :meth:`run_until` plays the queue in time order,
  synchronously; ``time()`` is the virtual clock (seconds).  Deterministic, for tests.
* ``realtime=True``: a dispatcher thread plays the queue against ``time.monotonic()``
  (callbacks run on that thread, as RPi.GPIO's do).  For ``--sim`` and latency benches.
"""
from __future__ import annotations

import heapq
import itertools
import threading
import time as _time
from dataclasses import dataclass, field
from typing import Callable

Callback = Callable[[int], None]


@dataclass
class _Pin:
    direction: int
    pull: int
    level: int
    edge: int | None = None
    bouncetime_s: float = 0.0
    last_event: float = float("-inf")
    detected: bool = False
    callbacks: list[Callback] = field(default_factory=list)


class SimGPIO:
    """RPi.GPIO-compatible simulated pins.  Constants carry RPi.GPIO's values."""

    BOARD, BCM = 10, 11
    OUT, IN = 0, 1
    LOW, HIGH = 0, 1
    PUD_OFF, PUD_DOWN, PUD_UP = 20, 21, 22
    RISING, FALLING, BOTH = 31, 32, 33

    def __init__(self, *, realtime: bool = False, callback_latency: float = 50e-6) -> None:
        self.realtime = realtime
        self.callback_latency = float(callback_latency)
        self.mode: int | None = None
        self.pins: dict[int, _Pin] = {}
        self._external: dict[int, int] = {}        # level an outside circuit holds a channel at
        self._queue: list[tuple[float, int, str, int, int]] = []
        self._seq = itertools.count()
        self._now = 0.0
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None
        self._closed = False
        self._calls: dict[int, Callable[[], None]] = {}
        self.callback_count = 0

    # -- RPi.GPIO API -------------------------------------------------------------------
    def setwarnings(self, flag: bool) -> None:
        pass

    def setmode(self, mode: int) -> None:
        if mode not in (self.BOARD, self.BCM):
            raise ValueError("An invalid mode was passed to setmode()")
        self.mode = mode

    def getmode(self) -> int | None:
        return self.mode

    def setup(self, channel: int | list[int], direction: int, pull_up_down: int = 20, initial: int = -1) -> None:
        if self.mode is None:
            raise RuntimeError("Please set pin numbering mode using GPIO.setmode(GPIO.BOARD) or GPIO.setmode(GPIO.BCM)")
        for ch in channel if isinstance(channel, list) else [channel]:
            level = self._external.get(ch, 1 if pull_up_down == self.PUD_UP else 0)
            if direction == self.OUT:
                level = max(initial, 0)
            self.pins[ch] = _Pin(direction, pull_up_down, level)

    def input(self, channel: int) -> int:
        return self._pin(channel).level

    def output(self, channel: int, value: int) -> None:
        pin = self._pin(channel)
        if pin.direction != self.OUT:
            raise RuntimeError("The GPIO channel has not been set up as an OUTPUT")
        pin.level = 1 if value else 0

    def add_event_detect(self, channel: int, edge: int, callback: Callback | None = None,
                         bouncetime: int | None = None) -> None:
        pin = self._pin(channel)
        if pin.direction != self.IN:
            raise RuntimeError("You must setup() the GPIO channel as an input first")
        if pin.edge is not None:
            raise RuntimeError("Conflicting edge detection already enabled for this GPIO channel")
        pin.edge, pin.bouncetime_s = edge, (bouncetime or 0) / 1000.0
        if callback is not None:
            pin.callbacks.append(callback)

    def add_event_callback(self, channel: int, callback: Callback) -> None:
        pin = self._pin(channel)
        if pin.edge is None:
            raise RuntimeError("Add event detection using add_event_detect first before adding a callback")
        pin.callbacks.append(callback)

    def remove_event_detect(self, channel: int) -> None:
        pin = self._pin(channel)
        pin.edge, pin.callbacks = None, []

    def event_detected(self, channel: int) -> bool:
        pin = self._pin(channel)
        hit, pin.detected = pin.detected, False
        return hit

    def cleanup(self, channel: int | list[int] | None = None) -> None:
        chans = list(self.pins) if channel is None else (channel if isinstance(channel, list) else [channel])
        for ch in chans:
            self.pins.pop(ch, None)
        if channel is None:
            self.close()

    # -- the outside world ----------------------------------------------------------------
    def time(self) -> float:
        """Seconds on this simulator's clock (virtual, or time.monotonic() when realtime)."""
        return _time.monotonic() if self.realtime else self._now

    def sleep(self, seconds: float) -> None:
        """Wait ``seconds`` on this simulator's clock (a driver's reset timing): the virtual clock moves on, playing
        what is due; a realtime one sleeps."""
        if self.realtime:
            _time.sleep(seconds)
        else:
            self.run_until(self._now + seconds)

    def schedule(self, t: float, channel: int, level: int) -> None:
        """An outside circuit sets ``channel`` to ``level`` at time ``t`` (seconds, this clock)."""
        self._push(t, "edge", channel, 1 if level else 0)

    def schedule_many(self, edges: list[tuple[float, int, int]]) -> None:
        for t, ch, level in edges:
            self.schedule(t, ch, level)

    def call_at(self, t: float, fn: Callable[[], None]) -> None:
        """Run ``fn()`` at time ``t`` on this simulator's clock (the outside world's timers)."""
        key = next(self._seq)
        self._calls[key] = fn
        self._push(t, "call", key, 0)

    def drive(self, channel: int, level: int) -> None:
        """Set ``channel`` to ``level`` now (for a realtime simulator: from any thread)."""
        self.schedule(self.time(), channel, level)
        if not self.realtime:
            self.run_until(self._now)

    def run_until(self, t: float) -> None:
        """Virtual clock: play every queued edge and callback up to time ``t``, in order."""
        while True:
            with self._cond:
                if not self._queue or self._queue[0][0] > t:
                    self._now = max(self._now, t)
                    return
                entry = heapq.heappop(self._queue)
                self._now = max(self._now, entry[0])
            self._process(entry)

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=1.0)

    # -- internals --------------------------------------------------------------------------
    def _pin(self, channel: int) -> _Pin:
        try:
            return self.pins[channel]
        except KeyError:
            raise RuntimeError(f"The GPIO channel {channel} has not been set up") from None

    def _push(self, t: float, kind: str, channel: int, level: int) -> None:
        with self._cond:
            heapq.heappush(self._queue, (t, next(self._seq), kind, channel, level))
            self._cond.notify_all()
        if self.realtime and self._thread is None:
            self._thread = threading.Thread(target=self._dispatch, name="sim-gpio", daemon=True)
            self._thread.start()

    def _process(self, entry: tuple[float, int, str, int, int]) -> None:
        t, _, kind, channel, level = entry
        if kind == "edge":
            self._apply_edge(t, channel, level)
            return
        if kind == "call":
            self._calls.pop(channel)()
            return
        pin = self.pins.get(channel)
        for cb in list(pin.callbacks if pin else []):
            self.callback_count += 1
            cb(channel)

    def _apply_edge(self, t: float, channel: int, level: int) -> None:
        self._external[channel] = level
        pin = self.pins.get(channel)
        if pin is None or pin.direction != self.IN or pin.level == level:
            return
        pin.level = level
        if not self._matches(pin, level) or t - pin.last_event < pin.bouncetime_s:
            return
        pin.last_event, pin.detected = t, True
        if pin.callbacks:
            self._push(t + self.callback_latency, "callback", channel, level)

    def _matches(self, pin: _Pin, level: int) -> bool:
        return pin.edge == self.BOTH or (pin.edge == self.RISING) == (level == 1) and pin.edge is not None

    def _dispatch(self) -> None:
        while True:
            with self._cond:
                while not self._closed and (not self._queue or self._queue[0][0] > _time.monotonic()):
                    wait = None if not self._queue else max(0.0, self._queue[0][0] - _time.monotonic())
                    self._cond.wait(wait)
                if self._closed:
                    return
                entry = heapq.heappop(self._queue)
            self._process(entry)
